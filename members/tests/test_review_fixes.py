"""Regression tests for defects a review found: personal data in the audit trail, unaudited CIN
views, CIN through imports, stale checks, odd cursors and input, consent and search details."""

import pytest
from django.test import Client
from django.urls import reverse

from associations.capabilities import RoleKind
from associations.errors import WaslError
from associations.models import AuditEvent
from associations.tenancy import association_scope
from associations.tests.factories import RoleFactory, UserFactory
from members import selectors, services
from members.importing import import_members, read_table
from members.models import Member
from notifications.models import Opposition


def url(tenant, name, **kwargs):
    return reverse(name, kwargs={"association_slug": tenant.association.slug, **kwargs})


def audit_text(tenant) -> str:
    with association_scope(tenant.association):
        return str(list(AuditEvent.objects.values("target_label", "changes")))


def test_exporting_by_cin_leaves_no_cin_in_the_audit_trail(
    client, tenant_a, django_capture_on_commit_callbacks
):
    client.force_login(tenant_a.president)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url(tenant_a, "members:export"), {"q": tenant_a.member_row.cin, "format": "csv"}
        )
    assert response.status_code == 302
    with association_scope(tenant_a.association):
        assert AuditEvent.objects.filter(action="members.cin.exported").exists()
    assert tenant_a.member_row.cin not in audit_text(tenant_a)


def test_objections_leave_no_address_in_the_audit_trail(tenant_a):
    with association_scope(tenant_a.association):
        services.consent_withdraw(
            actor=tenant_a.president, member_id=tenant_a.member_row.pk, purpose="membership"
        )
        services.consent_give(actor=None, member_id=tenant_a.member_row.pk, purpose="communications", wording="x",
                              language="en")  # fmt: skip
        services.consent_withdraw(actor=None, member_id=tenant_a.member_row.pk, purpose="communications")
    assert tenant_a.member_row.email not in audit_text(tenant_a)


def test_edit_form_never_prints_the_cin_and_blank_keeps_it(client, tenant_a):
    client.force_login(tenant_a.president)
    member = tenant_a.member_row
    page = client.get(url(tenant_a, "members:edit", member_id=member.pk)).content.decode()
    assert member.cin not in page
    form = {"first_name_latin": "Hidden", "last_name_latin": member.last_name_latin, "phone": "0612345678",
            "email": member.email, "cin": "", "join_date": member.join_date.isoformat()}  # fmt: skip
    assert client.post(url(tenant_a, "members:edit", member_id=member.pk), form).status_code == 302
    with association_scope(tenant_a.association):
        assert Member.objects.get(pk=member.pk).cin == member.cin


def test_roles_without_the_cin_capability_cannot_import_cins(tenant_a):
    staff = UserFactory()
    RoleFactory(association=tenant_a.association, user=staff, kind=RoleKind.STAFF)
    table = read_table(f"Nom;Prénom;CIN\nX;Y;{tenant_a.member_row.cin}\n".encode())
    with association_scope(tenant_a.association), pytest.raises(WaslError, match="CIN"):
        import_members(actor=staff, table=table, mapping={"0": "last_name_latin", "1": "first_name_latin", "2": "cin"},
                       dry_run=True, can_use_cin=False)  # fmt: skip


def test_an_update_row_with_empty_cells_never_erases_the_members_values(tenant_a):
    member = tenant_a.member_row
    table = read_table(f"N°;Nom;Prénom;E-mail\n{member.number};;;\n".encode())
    with association_scope(tenant_a.association):
        report = import_members(actor=tenant_a.president, table=table,
                                mapping={"0": "number", "1": "last_name_latin", "2": "first_name_latin", "3": "email"},
                                dry_run=False)  # fmt: skip
        after = Member.objects.get(pk=member.pk)
    assert (report.error_count, report.unchanged, report.updated) == (0, 1, 0)
    assert (after.last_name_latin, after.first_name_latin, after.email) == (
        member.last_name_latin,
        member.first_name_latin,
        member.email,
    )


@pytest.mark.parametrize(
    "cursor", ["WyJ4IiwxXQ==", "W251bGwsMV0=", "WzFlNDAwLDFd", "W3t9LDFd", "!!!", "WzEsMiwzXQ=="]
)
def test_tampered_cursors_start_from_the_first_page(client, tenant_a, cursor):
    client.force_login(tenant_a.president)
    for sort in ("number", "name", "-join_date"):
        assert client.get(url(tenant_a, "members:list"), {"cursor": cursor, "sort": sort}).status_code == 200


@pytest.mark.parametrize(
    "content", [b"Nom;Pr\xc3\xa9nom\n" + b"x" * 140_000 + b";y\n", b"PK\x03\x04garbage-not-a-zip"]
)
def test_unreadable_files_are_clear_errors(content):
    with pytest.raises(WaslError):
        read_table(content)


def test_control_characters_and_overlong_values_are_refused(tenant_a):
    with association_scope(tenant_a.association):
        with pytest.raises(WaslError, match="control characters"):
            services.member_admit(actor=tenant_a.president, first_name_latin="Be\x07ll", last_name_latin="X")
        with pytest.raises(WaslError, match="Too long"):
            services.member_admit(actor=tenant_a.president, first_name_latin="Y", last_name_latin="X" * 81)


def test_consenting_again_lifts_the_objection(tenant_a):
    member = tenant_a.member_row
    with association_scope(tenant_a.association):
        services.consent_give(
            actor=None, member_id=member.pk, purpose="communications", wording="x", language="en"
        )
        services.consent_withdraw(actor=None, member_id=member.pk, purpose="communications")
        assert Opposition.objects.filter(address=member.email).exists()
        services.consent_give(
            actor=None, member_id=member.pk, purpose="communications", wording="x", language="en"
        )
        assert not Opposition.objects.filter(address__in=[member.email, member.phone]).exists()


def test_phone_search_with_spaces(tenant_a):
    with association_scope(tenant_a.association):
        assert tenant_a.member_row in selectors.member_search(query="06 12 34 56 78")


def test_anonymisation_cancels_the_member_card_and_removes_its_pdf(tenant_a):
    from datetime import timedelta

    from django.utils import timezone

    from documents.files import private_storage
    from documents.models import Document
    from documents.services import document_render
    from members.cards import member_card_issue

    member = tenant_a.member_row
    with association_scope(tenant_a.association):
        card = document_render(
            document_id=member_card_issue(actor=tenant_a.president, member_id=member.pk).pk
        )
        assert private_storage().exists(card.file)
        services.member_change_status(actor=tenant_a.president, member_id=member.pk, to_status="deceased",
                                      effective_on=timezone.localdate() - timedelta(days=3))  # fmt: skip
        services.membership_settings_update(actor=tenant_a.president, retention_years=1)
        assert services.former_members_anonymise(today=timezone.localdate() + timedelta(days=400)) == 1
        card_after = Document.objects.get(pk=card.pk)
    assert card_after.cancelled_at is not None and card_after.file == ""
    assert not private_storage().exists(card.file)
    body = Client(headers={"Accept-Language": "en"}).get(f"/verify/{card.token}").content.decode()
    assert "was cancelled" in body
