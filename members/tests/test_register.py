"""The member register: admission and gap-free numbering, validation, search, status rules,
CIN restriction, the join form, account claims, consents, corrections and anonymisation."""

import threading
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from associations import seams
from associations.errors import WaslError
from associations.models import AuditEvent, Role
from associations.tenancy import association_scope
from associations.tests.factories import UserFactory
from members import selectors, services
from members.models import Consent, CorrectionRequest, Member, MembershipSettings, MemberStatus
from notifications.models import Message, Opposition


def admit(tenant, **values):
    values.setdefault("first_name_latin", "Amina")
    values.setdefault("last_name_latin", "Tazi")
    with association_scope(tenant.association):
        return services.member_admit(actor=tenant.president, **values)


def url(tenant, name, **kwargs):
    return reverse(name, kwargs={"association_slug": tenant.association.slug, **kwargs})


def test_numbers_follow_in_sequence_per_association(tenant_a, tenant_b):
    first, second = admit(tenant_a), admit(tenant_a, last_name_latin="Alaoui")
    other = admit(tenant_b)
    assert (first.number, second.number) == (tenant_a.member_row.number + 1, tenant_a.member_row.number + 2)
    assert other.number == tenant_b.member_row.number + 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_admissions_get_unique_gap_free_numbers():
    from conftest import build_tenant

    tenant = build_tenant("num")
    barrier = threading.Barrier(4)
    numbers, errors = [], []

    def officer(i):
        try:
            barrier.wait(timeout=5)
            for j in range(5):
                member = admit(tenant, last_name_latin=f"Worker{i}x{j}")
                numbers.append(member.number)
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=officer, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    start = tenant.member_row.number
    assert sorted(numbers) == list(range(start + 1, start + 21))


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"phone": "12"}, "phone"),
        ({"email": "not-an-email"}, "email"),
        ({"birth_date": date.today() + timedelta(days=2)}, "birth_date"),
        ({"cin": "12-34"}, "cin"),
        ({"first_name_latin": "", "last_name_latin": ""}, "last_name_latin"),
    ],
)
def test_bad_input_names_the_field_and_saves_nothing(tenant_a, values, field):
    with association_scope(tenant_a.association):
        before = Member.objects.count()
    with pytest.raises(WaslError) as caught:
        admit(tenant_a, **values)
    assert caught.value.field == field
    with association_scope(tenant_a.association):
        assert Member.objects.count() == before


def test_duplicate_cin_is_refused(tenant_a):
    admit(tenant_a, cin="ab 123456")
    with pytest.raises(WaslError, match="already has this CIN"):
        admit(tenant_a, cin="AB123456", last_name_latin="Other")


def test_phone_is_stored_in_e164_and_found_as_people_type_it(tenant_a):
    member = admit(tenant_a, phone="06 61 22 33 44", first_name_ar="فاطمة", last_name_ar="الزهراء")
    assert member.phone == "+212661223344"
    with association_scope(tenant_a.association):
        for query in (
            "0661223344",
            "+212661223344",
            "tazi",
            "TAZÎ",
            "الزهراء",
            "الزهرآء",
            "فَاطِمة",
            f"#{member.number}",
        ):
            assert member in selectors.member_search(query=query), query
        assert member not in selectors.member_search(query="nobody-like-this")


def test_cin_search_only_for_roles_allowed_to_see_it(tenant_a):
    member = admit(tenant_a, cin="XY998877")
    with association_scope(tenant_a.association):
        assert member not in selectors.member_search(query="XY998877", can_search_cin=False)
        assert member in selectors.member_search(query="xy 998877", can_search_cin=True)


def test_list_query_count_does_not_grow_and_pages_by_cursor(client, tenant_a):
    client.force_login(tenant_a.secretary if hasattr(tenant_a, "secretary") else tenant_a.president)
    client.get(url(tenant_a, "members:list"))
    with CaptureQueriesContext(connection) as few:
        client.get(url(tenant_a, "members:list"))
    for i in range(60):
        admit(tenant_a, last_name_latin=f"Zz{i:03d}")
    with CaptureQueriesContext(connection) as many:
        first_page = client.get(url(tenant_a, "members:list"))
    assert len(many) == len(few) <= 24  # PostgreSQL adds the scope set_config round trips
    page = first_page.context["page"]
    assert len(page.members) == 50 and page.next_cursor
    second = client.get(url(tenant_a, "members:list"), {"cursor": page.next_cursor}).context["page"]
    numbers = [m.number for m in page.members] + [m.number for m in second.members]
    assert numbers == sorted(numbers) and len(set(numbers)) == len(numbers) == 61
    assert client.get(url(tenant_a, "members:list"), {"cursor": "garbage!!"}).status_code == 200


def test_status_rules(tenant_a):
    member = admit(tenant_a)
    with association_scope(tenant_a.association):
        with pytest.raises(WaslError, match="decision"):
            services.member_change_status(actor=tenant_a.president, member_id=member.pk, to_status="excluded")
        services.member_change_status(actor=tenant_a.president, member_id=member.pk, to_status="excluded",
                                      decision_reference="PV-2026-04", reason="Statutes art. 9")  # fmt: skip
        services.member_change_status(actor=tenant_a.president, member_id=member.pk, to_status="deceased")
        with pytest.raises(WaslError, match="cannot become"):
            services.member_change_status(actor=tenant_a.president, member_id=member.pk, to_status="active")
        history = list(Member.objects.get(pk=member.pk).status_changes.values_list("to_status", flat=True))
    assert history == ["deceased", "excluded", "active"]


def test_resignation_runs_the_checks_finance_will_register(tenant_a):
    member = admit(tenant_a)

    def dues_unpaid(m):
        raise WaslError("Dues for 2026 are unpaid.")

    check = seams.ResignationCheck(key="test.dues", check=dues_unpaid)
    with (
        seams.RESIGNATION_CHECKS.temporarily(check),
        association_scope(tenant_a.association),
        pytest.raises(WaslError, match="unpaid"),
    ):
        services.member_change_status(actor=tenant_a.president, member_id=member.pk, to_status="resigned")
    with association_scope(tenant_a.association):
        services.member_change_status(actor=tenant_a.president, member_id=member.pk, to_status="resigned",
                                      reason="Letter of resignation")  # fmt: skip


@pytest.mark.parametrize(("who", "sees_cin"), [("president", True), ("treasurer", True), ("member", False)])
def test_cin_is_shown_only_to_allowed_roles_and_each_view_is_audited(tenant_a, who, sees_cin):
    from associations.capabilities import RoleKind
    from associations.tests.factories import RoleFactory

    viewer = getattr(tenant_a, who)
    if who == "member":  # a board member sees the register but not the CIN
        viewer = UserFactory()
        RoleFactory(association=tenant_a.association, user=viewer, kind=RoleKind.BOARD_MEMBER)
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(viewer)
    member = tenant_a.member_row
    detail = client.get(url(tenant_a, "members:detail", member_id=member.pk)).content.decode()
    assert member.cin not in detail  # never on the page itself
    reveal = client.get(url(tenant_a, "members:cin", member_id=member.pk))
    edit_form = client.get(url(tenant_a, "members:edit", member_id=member.pk))
    with association_scope(tenant_a.association):
        views = AuditEvent.objects.filter(action="members.cin.viewed", actor=viewer).count()
    if sees_cin:
        assert reveal.status_code == 200 and member.cin in reveal.content.decode()
        assert views == 1
    else:
        assert reveal.status_code == 403 and views == 0
        assert edit_form.status_code == 403


def test_audit_trail_holds_no_personal_data(tenant_a):
    member = admit(tenant_a, first_name_latin="Zineb", last_name_latin="Secretname", phone="0611111111")
    with association_scope(tenant_a.association):
        services.member_update(actor=tenant_a.president, member_id=member.pk, phone="0622222222")
        events = list(
            AuditEvent.objects.filter(target_type="members.member").values("target_label", "changes")
        )
    text = str(events)
    for personal in ("Zineb", "Secretname", "611111111", "622222222", tenant_a.member_row.cin):
        assert personal not in text
    assert "'phone'" in text  # which field changed is recorded


def test_join_form_applicant_is_approved_and_told(client, tenant_a, settings):
    join_url = reverse("join", kwargs={"association_slug": tenant_a.association.slug})
    assert client.get(join_url).status_code == 404  # closed by default
    with association_scope(tenant_a.association):
        services.membership_settings_update(actor=tenant_a.president, join_form_open=True)
    data = {"first_name_latin": "Yassine", "last_name_latin": "Amrani", "email": "yassine@example.ma",
            "consent_membership": "on", "consent_communications": "on"}  # fmt: skip
    missing_consent = {k: v for k, v in data.items() if k != "consent_membership"}
    assert client.post(join_url, missing_consent).status_code == 400
    assert client.post(join_url, data).status_code == 200
    with association_scope(tenant_a.association):
        applicant = Member.objects.get(email="yassine@example.ma")
        assert applicant.status == MemberStatus.APPLICANT and applicant.number is None
        assert set(Consent.objects.filter(member=applicant).values_list("purpose", flat=True)) == {
            "membership", "communications"}  # fmt: skip
        approved = services.member_change_status(
            actor=tenant_a.president, member_id=applicant.pk, to_status="active"
        )
        assert approved.number is not None
        assert Message.objects.filter(
            to_address="yassine@example.ma", template_key="members.application_accepted"
        ).exists()


def test_claim_link_binds_one_account_to_one_member(tenant_a, tenant_b):
    member = admit(tenant_a, email="claimer@example.ma")
    with association_scope(tenant_a.association):
        _claim, raw = services.member_claim_create(actor=tenant_a.president, member_id=member.pk)
    person = UserFactory(email="claimer@example.ma")
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(person)
    claim_url = reverse("member_claim", kwargs={"token": raw})
    assert client.get(claim_url).status_code == 200
    assert client.post(claim_url).status_code == 302
    with association_scope(tenant_a.association):
        assert Member.objects.get(pk=member.pk).user == person
        assert Role.objects.get(user=person).kind == "member"
    assert client.post(claim_url).status_code == 409  # used once
    my = client.get(url(tenant_a, "members:my")).content.decode()
    assert str(member.number) in my
    assert client.get(url(tenant_b, "members:my")).status_code == 404  # no role in B
    assert client.get(reverse("member_claim", kwargs={"token": "nope"})).status_code == 404


def test_withdrawing_consent_to_communications_is_an_objection(tenant_a):
    member = admit(tenant_a, email="quiet@example.ma", phone="0633333333")
    with association_scope(tenant_a.association):
        services.consent_give(actor=tenant_a.president, member_id=member.pk, purpose="communications",
                              wording="News", language="en")  # fmt: skip
        services.consent_withdraw(actor=tenant_a.president, member_id=member.pk, purpose="communications")
        assert set(Opposition.objects.values_list("channel", "address")) >= {
            ("email", "quiet@example.ma"), ("sms", "+212633333333")}  # fmt: skip


def test_member_asks_for_a_correction_and_is_told_the_outcome(tenant_a):
    member = admit(tenant_a, email="fixme@example.ma")
    with association_scope(tenant_a.association):
        request = services.correction_request_create(
            actor=None, member_id=member.pk, message="My name is misspelt"
        )
        with pytest.raises(WaslError, match="Explain"):
            services.correction_request_resolve(
                actor=tenant_a.president, request_id=request.pk, done=False, response=""
            )
        services.correction_request_resolve(
            actor=tenant_a.president, request_id=request.pk, done=True, response="Fixed"
        )
        assert CorrectionRequest.objects.get(pk=request.pk).status == "done"
        assert Message.objects.filter(
            to_address="fixme@example.ma", template_key="members.correction_answered"
        ).exists()


def test_member_downloads_all_their_data(tenant_a):
    person = UserFactory()
    member = admit(tenant_a, email="mine@example.ma", cin="QQ112233")
    with association_scope(tenant_a.association):
        Member.objects.filter(pk=member.pk).update(user=person)
        Role.objects.create(user=person, kind="member")
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(person)
    data = client.get(url(tenant_a, "members:my_data_json")).json()
    assert data["member"]["cin"] == "QQ112233" and data["member"]["number"] == member.number
    pdf = client.get(url(tenant_a, "members:my_data_pdf"))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_former_members_are_anonymised_after_the_retention_period(tenant_a):
    from members.cards import member_card_issue
    from notifications.services import message_enqueue

    member = admit(
        tenant_a, first_name_latin="Old", last_name_latin="Timer", cin="OT123456", phone="0644444444"
    )
    with association_scope(tenant_a.association):
        card = member_card_issue(actor=tenant_a.president, member_id=member.pk)
        message_enqueue(
            channel="sms",
            to_address="0644444444",
            template_key="members.application_accepted",
            dedup_key="old-timer",
            context={"member_number": member.number},
            recipient_name="Old Timer",
        )
        services.member_change_status(actor=tenant_a.president, member_id=member.pk, to_status="resigned",
                                      effective_on=timezone.localdate() - timedelta(days=30),
                                      reason="Moved to Agadir with Old Timer's family")  # fmt: skip
        assert services.former_members_anonymise() == 0  # retention not over
        MembershipSettings.objects.update(retention_years=1)
        later = timezone.localdate() + timedelta(days=400)
        assert services.former_members_anonymise(today=later) == 1
        gone = Member.objects.get(pk=member.pk)
        assert (gone.first_name_latin, gone.cin, gone.phone, gone.last_name_latin) == ("", "", "", "—")
        assert gone.number == member.number and gone.status == "resigned"  # the register keeps its rows
        assert "timer" not in gone.search_text
        from documents.models import Document

        leftovers = str(list(Document.objects.filter(pk=card.pk).values("snapshot")))
        leftovers += str(list(Message.objects.filter(dedup_key="old-timer").values()))
        leftovers += str(list(gone.status_changes.values("reason")))
        assert "Timer" not in leftovers and "644444444" not in leftovers
        assert services.former_members_anonymise(today=later) == 0  # once
        assert AuditEvent.objects.filter(action="members.member.anonymised").count() == 1
        with pytest.raises(Exception):  # noqa: B017 - anonymised rows are no longer editable
            services.member_update(actor=tenant_a.president, member_id=member.pk, first_name_latin="Back")


def test_photo_must_be_an_image(client, tenant_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(tenant_a.president)
    member = tenant_a.member_row
    upload = url(tenant_a, "members:photo_upload", member_id=member.pk)
    response = client.post(
        upload, {"photo": SimpleUploadedFile("me.jpg", b"%PDF-1.4 not an image")}, follow=True
    )
    assert "not an accepted type" in response.content.decode()
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100
    client.post(upload, {"photo": SimpleUploadedFile("me.png", png)})
    served = client.get(url(tenant_a, "members:photo", member_id=member.pk))
    assert served.status_code == 200 and b"".join(served.streaming_content) == png


def test_me_shows_my_member_rows(tenant_a):
    person = UserFactory()
    with association_scope(tenant_a.association):
        Member.objects.filter(pk=tenant_a.member_row.pk).update(user=person)
        Role.objects.create(user=person, kind="member")
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(person)
    page = client.get("/me/").content.decode()
    # The usual "active" goes without saying; any other status is shown.
    assert f"<bdi>{tenant_a.member_row.number}</bdi>" in page and ">Active<" not in page
    with association_scope(tenant_a.association):
        Member.objects.filter(pk=tenant_a.member_row.pk).update(status="suspended")
    assert ">Suspended<" in client.get("/me/").content.decode()


def test_member_downloads_their_card(tenant_a):
    person = UserFactory()
    with association_scope(tenant_a.association):
        Member.objects.filter(pk=tenant_a.member_row.pk).update(user=person)
        Role.objects.create(user=person, kind="member")
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(person)
    first = client.get(url(tenant_a, "members:my_card"))
    assert first.status_code == 200 and b"".join(first.streaming_content).startswith(b"%PDF")
    client.get(url(tenant_a, "members:my_card"))
    from documents.models import Document

    with association_scope(tenant_a.association):
        assert Document.objects.filter(kind="member_card").count() == 1  # issued once, then reused


def test_claim_link_is_also_emailed(client, tenant_a, django_capture_on_commit_callbacks):
    from django.core import mail

    client.force_login(tenant_a.president)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(tenant_a, "members:claim", member_id=tenant_a.member_row.pk))
    assert response.status_code == 200
    assert mail.outbox[0].to == [tenant_a.member_row.email] and "/me/claim/" in mail.outbox[0].body
