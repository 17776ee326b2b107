"""Helpers for the bureau, declarations, minutes and annual report tests (inside a scope)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from associations.capabilities import RoleKind
from associations.models import Role
from associations.tenancy import association_scope
from governance.models import Assembly, AssemblyKind, AssemblyStatus
from members import services as member_services


def held_assembly(*, actor, kind=AssemblyKind.ORDINARY, days_ago=3, title="AG 2026") -> Assembly:
    when = timezone.now() - timedelta(days=days_ago)
    return Assembly.objects.create(
        kind=kind,
        title=title,
        status=AssemblyStatus.CLOSED,
        first_call_at=when,
        opened_at=when,
        closed_at=when + timedelta(hours=3),
        place="Salle des fêtes",
        quorum_first_members=40,
        quorum_first_present=25,
        quorum_first_reached=True,
        created_by=actor,
    )


def member(*, actor, name: str, user=None, **particulars):
    values = {
        "first_name_latin": name,
        "last_name_latin": "Alaoui",
        "first_name_ar": "سعيد",
        "last_name_ar": "العلوي",
        "nationality": "marocaine",
        "birth_place": "Fès",
        "profession": "enseignant",
        "address": "12 rue Atlas, Fès",
        **particulars,
    }
    row = member_services.member_admit(actor=actor, **values)
    if user is not None:
        row.user = user
        row.save(update_fields=["user"])
    return row


def officer_user(*, association, email: str, kind: str = RoleKind.SECRETARY_GENERAL):
    user = UserFactory(email=email, full_name=email.split("@")[0].title())
    Role.objects.create(association=association, user=user, kind=kind)
    return user


@dataclass
class Board:
    """A light association: a president, a treasurer and a plain member (no books, no training)."""

    association: object
    president: object
    treasurer: object
    member: object


def build_board(label: str) -> Board:
    from associations.tests.factories import AssociationFactory, RoleFactory

    association = AssociationFactory(slug=f"board-{label}", name_fr=f"Association {label}")
    users = {
        kind: UserFactory(email=f"{kind}-{label}@example.ma", full_name=f"{kind.title()} {label}")
        for kind in ("president", "treasurer", "member")
    }
    for kind, user in users.items():
        RoleFactory(association=association, user=user, kind=kind)
    return Board(association, users["president"], users["treasurer"], users["member"])


@pytest.fixture
def board(db):
    board = build_board("x")
    with association_scope(board.association):
        yield board


@pytest.fixture
def board_unscoped(db):
    """For page tests: the client's requests open their own scope."""
    return build_board("v")
