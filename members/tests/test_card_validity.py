"""A member card verifies as valid only while its holder is an active member, and /verify shows the
number it prints. Resignation, exclusion and death cancel it for good; a suspension invalidates it
while it lasts."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from associations.errors import WaslError
from associations.tenancy import association_scope
from documents.models import Document
from members import services
from members.cards import member_card_issue


def verify_page(document) -> str:
    response = Client(headers={"Accept-Language": "en"}).get(f"/verify/{document.token}")
    assert response.status_code == 200
    return response.content.decode()


def issue_card(tenant):
    """An issued card marked rendered (its PDF is not what these tests are about, and is slow)."""
    with association_scope(tenant.association):
        document = member_card_issue(actor=tenant.president, member_id=tenant.member_row.pk)
        Document.objects.filter(pk=document.pk).update(status=Document.Status.READY, sha256="1" * 64)
        return Document.objects.get(pk=document.pk)


@pytest.fixture
def card(tenant_a):
    return issue_card(tenant_a)


def change_status(tenant, to_status, **extra):
    with association_scope(tenant.association):
        services.member_change_status(
            actor=tenant.president, member_id=tenant.member_row.pk, to_status=to_status, **extra
        )


def test_an_active_members_card_is_valid_and_shows_its_number(tenant_a, card):
    body = verify_page(card)
    assert "is valid" in body and "no longer valid" not in body
    assert "Member number" in body and f"<bdi>{tenant_a.member_row.number}</bdi>" in body
    assert f"<bdi>{timezone.localdate().year}</bdi>" in body
    assert tenant_a.member_row.last_name_latin not in body  # the number, never the name


@pytest.mark.parametrize(
    ("to_status", "extra"),
    [
        ("resigned", {"reason": "Letter of resignation"}),
        ("excluded", {"reason": "Conduct", "decision_reference": "Board 2026-03"}),
        ("deceased", {}),
    ],
)
def test_leaving_cancels_the_card(tenant_a, card, to_status, extra):
    change_status(tenant_a, to_status, **extra)
    body = verify_page(card)
    assert "was cancelled" in body and "is valid" not in body
    with association_scope(tenant_a.association):
        assert Document.objects.get(pk=card.pk).cancelled_at is not None


def test_a_re_admitted_members_old_card_stays_cancelled(tenant_a, card):
    change_status(tenant_a, "resigned", reason="Letter of resignation")
    change_status(tenant_a, "active")
    assert "was cancelled" in verify_page(card)
    assert "is valid" in verify_page(issue_card(tenant_a))


def test_a_suspended_members_card_is_invalid_while_the_suspension_lasts(tenant_a, card):
    change_status(tenant_a, "suspended", reason="unpaid dues")
    body = verify_page(card)
    assert "no longer valid" in body and "not an active member" in body and "is valid" not in body
    assert "unpaid dues" not in body and "uspended" not in body  # the reason and status stay private
    change_status(tenant_a, "active")
    assert "is valid" in verify_page(card)


def test_last_years_card_is_no_longer_valid(tenant_a, card):
    with association_scope(tenant_a.association):
        snapshot = card.snapshot | {"valid_year": timezone.localdate().year - 1}
        Document.objects.filter(pk=card.pk).update(snapshot=snapshot)
    assert "no longer valid" in verify_page(card)


def test_a_card_of_a_member_number_that_does_not_exist_is_not_valid(tenant_a, card):
    with association_scope(tenant_a.association):
        snapshot = card.snapshot
        snapshot["member"]["number"] = 999_999
        Document.objects.filter(pk=card.pk).update(snapshot=snapshot)
    assert "no longer valid" in verify_page(card)


def test_no_card_is_issued_to_a_member_who_is_not_active(tenant_a):
    change_status(tenant_a, "suspended", reason="x", effective_on=timezone.localdate() - timedelta(days=1))
    with association_scope(tenant_a.association), pytest.raises(WaslError, match="active"):
        member_card_issue(actor=tenant_a.president, member_id=tenant_a.member_row.pk)


def test_a_certificate_has_no_validity_check_and_stays_valid(tenant_a):
    body = verify_page(tenant_a.document)
    assert "is valid" in body and "Member number" not in body
