from __future__ import annotations

import datetime
from dataclasses import dataclass, field

import pytest
from django.utils import timezone

from associations.capabilities import RoleKind
from associations.tenancy import association_scope
from associations.tests.factories import AssociationFactory, RoleFactory, UserFactory
from governance import services
from members.models import Member


@dataclass
class Hall:
    """An association with a president and members (the first one has a user account)."""

    association: object
    president: object
    members: list = field(default_factory=list)
    voter_user: object = None


def make_members(count: int, *, start: int = 1, prefix: str = "Membre") -> list[Member]:
    rows = [
        Member(
            number=start + i,
            first_name_latin=f"{prefix}{start + i}",
            last_name_latin="Test",
            first_name_ar="عضو",
            last_name_ar=f"رقم{start + i}",
            email=f"m{start + i}@example.ma" if i % 2 == 0 else "",
            phone="0612345678" if i % 2 else "",
            birth_date=datetime.date(1970 + (i % 40), 1, 1),
            search_text=f"{prefix.lower()}{start + i} test عضو رقم{start + i}",
        )
        for i in range(count)
    ]
    return Member.objects.bulk_create(rows)


def build_hall(slug: str = "hall", members: int = 10) -> Hall:
    association = AssociationFactory(slug=slug)
    president = UserFactory(email=f"president-{slug}@example.ma")
    RoleFactory(association=association, user=president, kind=RoleKind.PRESIDENT)
    voter_user = UserFactory(email=f"voter-{slug}@example.ma")
    RoleFactory(association=association, user=voter_user, kind=RoleKind.MEMBER)
    with association_scope(association):
        rows = make_members(members)
        rows[0].user = voter_user
        rows[0].save(update_fields=["user"])
    return Hall(association=association, president=president, members=rows, voter_user=voter_user)


@pytest.fixture
def hall(db) -> Hall:
    return build_hall()


def in_days(days: int, hour: int = 10) -> datetime.datetime:
    zone = timezone.get_current_timezone()
    day = timezone.localdate() + datetime.timedelta(days=days)
    return datetime.datetime.combine(day, datetime.time(hour)).replace(tzinfo=zone)


def convened_assembly(
    hall: Hall, *, kind="ordinary", items=(("resolution", "Approve the accounts"),), **values
):
    """An assembly convened with the default rules, dated so that its day is today (the notice
    is checked against a convocation sent long ago)."""
    values.setdefault("title", "AGO 2026")
    values.setdefault("first_call_at", in_days(0, 9))
    values.setdefault("place", "Salle communale")
    assembly = services.assembly_create(actor=hall.president, values={"kind": kind, **values})
    for kind_, title in items:
        services.agenda_item_add(actor=hall.president, assembly_id=assembly.pk, kind=kind_, title=title)
    services.assembly_convene(actor=hall.president, assembly_id=assembly.pk, now=in_days(-30))
    assembly.refresh_from_db()
    return assembly


def open_assembly(hall: Hall, present: int, **values):
    assembly = convened_assembly(hall, **values)
    services.assembly_open(actor=hall.president, assembly_id=assembly.pk)
    for member in hall.members[:present]:
        services.attendance_check_in(actor=hall.president, assembly_id=assembly.pk, member_id=member.pk)
    assembly.refresh_from_db()
    return assembly
