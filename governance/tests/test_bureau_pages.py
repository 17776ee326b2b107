"""The pages of the bureau, declarations, minutes and annual reports: who sees what (CIN numbers),
bad input answered with a translated error and nothing changed, confirmation before roles change."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from associations.capabilities import RoleKind
from associations.models import Role
from associations.tenancy import association_scope
from governance.models import Declaration, DeclarationStatus, Mandate
from governance.services_bureau import Seat, bureau_install, mandate_record
from governance.services_declarations import declaration_open
from governance.tests import bureau_fixtures
from governance.tests.bureau_fixtures import held_assembly, member, officer_user

pytestmark = pytest.mark.django_db
board_unscoped = bureau_fixtures.board_unscoped


def url(board, name, **kwargs):
    return reverse(f"governance:{name}", kwargs={"association_slug": board.association.slug, **kwargs})


def test_cin_numbers_show_only_to_roles_allowed_to_see_them(client, board_unscoped):
    board = board_unscoped
    with association_scope(board.association):
        someone = member(actor=board.president, name="Hafsa", cin="CD987654")
        mandate_record(
            actor=board.president, member_id=someone.pk, office="treasurer", starts_on=timezone.localdate()
        )
        adviser = officer_user(
            association=board.association, email="adviser@example.ma", kind=RoleKind.BOARD_MEMBER
        )
        declaration = declaration_open(actor=board.president, kind="bureau", changed_on=timezone.localdate())
    client.force_login(board.president)
    assert "CD987654" in client.get(url(board, "bureau")).content.decode()
    assert "CD987654" in client.get(url(board, "declaration", declaration_id=declaration.pk)).content.decode()
    client.force_login(adviser)
    page = client.get(url(board, "bureau"))
    assert page.status_code == 200 and "CD987654" not in page.content.decode()
    page = client.get(url(board, "declaration", declaration_id=declaration.pk))
    assert page.status_code == 200 and "CD987654" not in page.content.decode()
    assert client.get(url(board, "declaration_pack_pdf", declaration_id=declaration.pk)).status_code == 403
    client.force_login(board.member)
    assert client.get(url(board, "bureau")).status_code == 403


def test_a_bad_mandate_form_is_answered_with_errors_and_records_nothing(client, board_unscoped):
    board = board_unscoped
    with association_scope(board.association):
        someone = member(actor=board.president, name="Rachid")
    client.force_login(board.president)
    page = client.post(
        url(board, "mandate_new"),
        {"member": someone.pk, "office": "treasurer", "starts_on": "2026-05-01", "ends_on": "2025-01-01"},
    )
    assert page.status_code == 400
    assert "The term cannot end before it starts." in page.content.decode()
    page = client.post(url(board, "mandate_new"), {"member": "abc", "office": "king", "starts_on": "soon"})
    assert page.status_code == 400
    with association_scope(board.association):
        assert Mandate.objects.count() == 0


def test_a_single_office_held_asks_for_a_confirmation_before_replacing(client, board_unscoped):
    board = board_unscoped
    with association_scope(board.association):
        first = member(actor=board.president, name="One")
        second = member(actor=board.president, name="Two")
        mandate_record(
            actor=board.president, member_id=first.pk, office="president", starts_on=timezone.localdate()
        )
    client.force_login(board.president)
    data = {"member": second.pk, "office": "president", "starts_on": timezone.localdate().isoformat()}
    page = client.post(url(board, "mandate_new"), data)
    assert page.status_code == 200 and 'name="confirm"' in page.content.decode()
    with association_scope(board.association):
        assert Mandate.objects.filter(ended_on__isnull=True).get().member_id == first.pk
    client.post(url(board, "mandate_new"), {**data, "confirm": "yes"})
    with association_scope(board.association):
        assert Mandate.objects.filter(ended_on__isnull=True).get().member_id == second.pk


def test_roles_change_only_through_the_confirmation_page(client, board_unscoped):
    board = board_unscoped
    with association_scope(board.association):
        newcomer = member(actor=board.president, name="New", user=board.member)
        chief = member(actor=board.president, name="Chief", user=board.president)
        bureau_install(
            actor=board.president,
            assembly_id=held_assembly(actor=board.president).pk,
            seats=[Seat(chief.pk, "president"), Seat(newcomer.pk, "secretary_general")],
            starts_on=timezone.localdate(),
        )
    client.force_login(board.president)
    page = client.get(url(board, "bureau_roles"))
    assert page.status_code == 200 and 'name="digest"' in page.content.decode()
    client.post(url(board, "bureau_roles"), {"digest": "forged"})
    with association_scope(board.association):
        assert Role.objects.get(user=board.member).kind == RoleKind.MEMBER
    digest = page.context["plan"].digest
    client.post(url(board, "bureau_roles"), {"digest": digest})
    with association_scope(board.association):
        assert Role.objects.get(user=board.member).kind == RoleKind.SECRETARY_GENERAL


def test_declaration_forms_refuse_bad_dates_and_change_nothing(client, board_unscoped):
    board = board_unscoped
    client.force_login(board.president)
    future = (timezone.localdate() + timedelta(days=5)).isoformat()
    page = client.post(url(board, "declarations"), {"kind": "bureau", "changed_on": future})
    assert page.status_code == 400
    with association_scope(board.association):
        assert Declaration.objects.count() == 0
        declaration = declaration_open(actor=board.president, kind="bureau", changed_on=timezone.localdate())
    page = client.post(
        url(board, "declaration_filed", declaration_id=declaration.pk), {"received_on": future}
    )
    assert page.status_code == 400
    page = client.post(url(board, "declaration_final", declaration_id=declaration.pk), {"received_on": "x"})
    assert page.status_code == 400
    with association_scope(board.association):
        declaration.refresh_from_db()
        assert declaration.status == DeclarationStatus.OPEN


def test_members_get_only_published_minutes(client, board_unscoped):
    board = board_unscoped
    with association_scope(board.association):
        from governance.services_minutes import minutes_draft

        minutes = minutes_draft(actor=board.president, assembly_id=held_assembly(actor=board.president).pk)
    client.force_login(board.member)
    assert client.get(url(board, "minutes_pdf", minutes_id=minutes.pk)).status_code == 404
    assert client.get(url(board, "minutes", minutes_id=minutes.pk)).status_code == 403
    client.force_login(board.president)
    for name in ("minutes_list", "declarations", "annual_reports", "bureau"):
        assert client.get(url(board, name)).status_code == 200
    assert client.get(url(board, "minutes", minutes_id=minutes.pk)).status_code == 200
    assert client.get(url(board, "minutes_sign", minutes_id=minutes.pk)).status_code == 200


def api(board, name, **kwargs):
    return reverse(f"api-governance-{name}", kwargs={"association_slug": board.association.slug, **kwargs})


def test_the_api_records_mandates_and_receipts_with_the_same_rules(client, board_unscoped):
    board = board_unscoped
    with association_scope(board.association):
        someone = member(actor=board.president, name="Api")
        declaration = declaration_open(actor=board.president, kind="bureau", changed_on=timezone.localdate())
    client.force_login(board.president)
    bad = client.post(
        api(board, "mandates"), {"member": someone.pk, "office": "tsar", "starts_on": "x"}, "application/json"
    )
    assert bad.status_code == 400
    made = client.post(
        api(board, "mandates"),
        {"member": someone.pk, "office": "treasurer", "starts_on": timezone.localdate().isoformat()},
        "application/json",
    )
    assert made.status_code == 201 and made.json()["office"] == "treasurer"
    assert "cin" not in made.json()
    early = (timezone.localdate() - timedelta(days=3)).isoformat()
    refused = client.post(
        api(board, "declaration", declaration_id=declaration.pk),
        {"receipt": "provisional", "date": early},
        "application/json",
    )
    assert refused.status_code == 400
    final_first = client.post(
        api(board, "declaration", declaration_id=declaration.pk),
        {"receipt": "final", "date": timezone.localdate().isoformat()},
        "application/json",
    )
    assert final_first.status_code == 400
    with association_scope(board.association):
        assert Declaration.objects.get().status == DeclarationStatus.OPEN
    assert client.get(api(board, "compliance")).json()["declarations_pending"] == 1
    client.force_login(board.member)
    assert client.get(api(board, "mandates")).status_code == 403
