"""Nothing harmful on one click (issue 7, item 3): no preselected status, a reason for suspensions,
exclusions and resignations, and a second page that names the member and says what will happen
before a status change or an erasure is recorded."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import trans_real

from associations.errors import WaslError
from associations.tenancy import association_scope
from members import services
from members.models import Member, MemberStatusChange

REASON_MSGID = "Give the reason for this change to “%(status)s”: it is kept in the status history."
REASON_FR = "Indiquez le motif du passage à « %(status)s » : il est conservé dans l'historique."


@pytest.fixture
def french_reason_message():
    """The French catalogue as the lead will complete it: proves the error is translated in the
    request's language when it is raised, not fixed in English."""
    catalogue = trans_real.translation("fr")._catalog
    catalogue[REASON_MSGID] = REASON_FR
    yield
    catalogue._catalogs[0].pop(REASON_MSGID, None)


def url(tenant, name, **kwargs):
    return reverse(name, kwargs={"association_slug": tenant.association.slug, **kwargs})


def officer(tenant, language="en"):
    client = Client(headers={"Accept-Language": language})
    client.force_login(tenant.president)
    return client


def member_state(tenant, member_id):
    with association_scope(tenant.association):
        member = Member.objects.get(pk=member_id)
        return member.status, MemberStatusChange.objects.filter(member=member).count(), member.anonymised_at


def test_status_form_preselects_no_status(tenant_a):
    page = officer(tenant_a).get(url(tenant_a, "members:detail", member_id=tenant_a.member_row.pk))
    html = page.content.decode()
    select = html[html.index('name="to_status"') : html.index("</select>", html.index('name="to_status"'))]
    # The first option, the one a browser shows when nothing is selected, is an empty choice.
    assert select.index('<option value="" selected>') < select.index('value="suspended"')
    assert 'value="suspended" selected' not in select


def test_suspension_without_a_reason_is_refused_with_a_translated_error(tenant_a, french_reason_message):
    member = tenant_a.member_row
    response = officer(tenant_a, "fr").post(
        url(tenant_a, "members:status", member_id=member.pk), {"to_status": "suspended", "confirm": "1"}
    )
    assert response.status_code == 400
    with translation.override("fr"):
        expected = REASON_FR % {"status": translation.gettext("Suspended")}
    assert escape(expected) in response.content.decode()
    assert member_state(tenant_a, member.pk)[:2] == ("active", 1)


def test_a_post_without_confirmation_changes_nothing_and_names_what_will_happen(tenant_a):
    member = tenant_a.member_row
    client = officer(tenant_a)
    status_url = url(tenant_a, "members:status", member_id=member.pk)
    asked = client.post(status_url, {"to_status": "suspended", "reason": "Unpaid dues 2025"})
    assert asked.status_code == 200
    page = asked.content.decode()
    assert f"Suspend member no. {member.number}, <bdi>{member.display_name}</bdi>?" in page
    assert "recorded as suspended from" in page and "Unpaid dues 2025" in page
    assert member_state(tenant_a, member.pk)[:2] == ("active", 1)  # nothing recorded yet

    done = client.post(status_url, {"to_status": "suspended", "reason": "Unpaid dues 2025", "confirm": "1"})
    assert done.status_code == 302
    assert member_state(tenant_a, member.pk)[:2] == ("suspended", 2)
    with association_scope(tenant_a.association):
        assert MemberStatusChange.objects.filter(member_id=member.pk).first().reason == "Unpaid dues 2025"


def test_an_irreversible_status_needs_the_box_ticked(tenant_a):
    member = tenant_a.member_row
    client = officer(tenant_a)
    status_url = url(tenant_a, "members:status", member_id=member.pk)
    asked = client.post(status_url, {"to_status": "deceased"})
    assert asked.status_code == 200 and "This cannot be undone" in asked.content.decode()
    assert 'type="checkbox" name="confirm"' in asked.content.decode()
    unticked = client.post(status_url, {"to_status": "deceased", "confirming": "1"})
    assert unticked.status_code == 400 and "Tick the box to confirm" in unticked.content.decode()
    assert member_state(tenant_a, member.pk)[0] == "active"
    assert (
        client.post(status_url, {"to_status": "deceased", "confirming": "1", "confirm": "1"}).status_code
        == 302
    )
    assert member_state(tenant_a, member.pk)[0] == "deceased"


def test_reinstating_a_member_needs_no_second_step(tenant_a):
    member = tenant_a.member_row
    with association_scope(tenant_a.association):
        services.member_change_status(
            actor=tenant_a.president, member_id=member.pk, to_status="suspended", reason="Dues"
        )
    response = officer(tenant_a).post(
        url(tenant_a, "members:status", member_id=member.pk), {"to_status": "active"}
    )
    assert response.status_code == 302 and member_state(tenant_a, member.pk)[0] == "active"


def test_a_refused_change_shows_the_form_again_not_a_confirmation(tenant_a):
    member = tenant_a.member_row
    response = officer(tenant_a).post(
        url(tenant_a, "members:status", member_id=member.pk), {"to_status": "excluded", "reason": "Conduct"}
    )
    assert response.status_code == 400
    assert "decision" in response.content.decode() and "Exclude member no." not in response.content.decode()


@pytest.mark.parametrize("to_status", ["suspended", "resigned", "excluded"])
def test_the_service_refuses_these_changes_without_a_reason(tenant_a, to_status):
    with association_scope(tenant_a.association), pytest.raises(WaslError) as refused:
        services.member_change_status(actor=tenant_a.president, member_id=tenant_a.member_row.pk,
                                      to_status=to_status, decision_reference="PV-12")  # fmt: skip
    assert refused.value.field == "reason"


def test_a_death_is_recorded_without_a_reason(tenant_a):
    with association_scope(tenant_a.association):
        member = services.member_change_status(
            actor=tenant_a.president, member_id=tenant_a.member_row.pk, to_status="deceased"
        )
    assert member.status == "deceased"


def test_api_refuses_a_suspension_without_a_reason_with_a_translated_field_error(
    tenant_a, french_reason_message
):
    api = Client(headers={"Authorization": f"Bearer {tenant_a.access_token_raw}", "Accept-Language": "fr"})
    status_url = f"/api/v1/associations/{tenant_a.association.slug}/members/{tenant_a.member_row.pk}/status/"
    refused = api.post(status_url, {"to_status": "suspended"}, content_type="application/json")
    assert refused.status_code == 400
    with translation.override("fr"):
        expected = REASON_FR % {"status": translation.gettext("Suspended")}
    assert refused.json()["error"]["fields"]["reason"] == [expected]
    assert member_state(tenant_a, tenant_a.member_row.pk)[0] == "active"
    accepted = api.post(
        status_url, {"to_status": "suspended", "reason": "Dues"}, content_type="application/json"
    )
    assert accepted.status_code == 200 and accepted.json()["status"] == "suspended"


# --- Erasing a former member's data on request --------------------------------------------------


@pytest.fixture
def former_member(tenant_a):
    with association_scope(tenant_a.association):
        return services.member_change_status(
            actor=tenant_a.president, member_id=tenant_a.member_row.pk, to_status="resigned", reason="Moved"
        )


def test_erasure_page_names_the_member_and_a_wrong_number_erases_nothing(tenant_a, former_member):
    client = officer(tenant_a)
    erase_url = url(tenant_a, "members:anonymise", member_id=former_member.pk)
    page = client.get(erase_url).content.decode()
    assert f"former member no. {former_member.number}, <bdi>{former_member.display_name}</bdi>" in page
    assert "cannot be undone" in page
    for typed in ("", "9999"):
        refused = client.post(erase_url, {"typed": typed})
        assert refused.status_code == 400
        assert member_state(tenant_a, former_member.pk)[2] is None
    assert client.post(erase_url, {"typed": str(former_member.number)}).status_code == 302
    with association_scope(tenant_a.association):
        erased = Member.objects.get(pk=former_member.pk)
    assert erased.anonymised_at is not None and erased.first_name_latin == "" and erased.cin == ""


def test_only_a_former_member_can_be_erased(tenant_a):
    client = officer(tenant_a)
    member = tenant_a.member_row
    response = client.post(
        url(tenant_a, "members:anonymise", member_id=member.pk), {"typed": str(member.number)}
    )
    assert response.status_code == 404 and member_state(tenant_a, member.pk)[2] is None
    with association_scope(tenant_a.association), pytest.raises(WaslError, match="former member"):
        services.member_anonymise(actor=tenant_a.president, member_id=member.pk)


def test_erasure_is_for_roles_that_set_the_retention_policy(tenant_a, former_member):
    treasurer = Client(headers={"Accept-Language": "en"})
    treasurer.force_login(tenant_a.treasurer)
    erase_url = url(tenant_a, "members:anonymise", member_id=former_member.pk)
    assert treasurer.post(erase_url, {"typed": str(former_member.number)}).status_code == 403
    assert member_state(tenant_a, former_member.pk)[2] is None


def test_erasure_on_request_also_deletes_results_that_may_list_the_member(tenant_a, former_member):
    from django.utils import timezone

    from documents.files import private_storage, save_private_file
    from jobs.models import Job

    with association_scope(tenant_a.association):
        sheet = Job.objects.create(kind="members.cards", requested_by=tenant_a.president, language="en",
                                   status=Job.Status.SUCCEEDED, finished_at=timezone.now(),
                                   result_file=save_private_file("jobs", "cards.pdf", b"%PDF Hidden"),
                                   result_name="cards.pdf", result_content_type="application/pdf")  # fmt: skip
    officer(tenant_a).post(url(tenant_a, "members:anonymise", member_id=former_member.pk),
                           {"typed": str(former_member.number)})  # fmt: skip
    with association_scope(tenant_a.association):
        assert Job.objects.get(pk=sheet.pk).result_file == ""
    assert not private_storage().exists(sheet.result_file)


def test_cancelling_a_member_card_names_the_member(tenant_a):
    from members.cards import member_card_issue

    member = tenant_a.member_row
    with association_scope(tenant_a.association):
        card = member_card_issue(actor=tenant_a.president, member_id=member.pk)
    page = officer(tenant_a).get(reverse("documents:cancel", kwargs={
        "association_slug": tenant_a.association.slug, "document_id": card.pk}))  # fmt: skip
    assert f"no. {member.number}, {member.name_latin}, {card.snapshot['valid_year']}" in page.content.decode()
