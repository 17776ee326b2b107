"""Announcements: writing (bad input changes nothing), audience by segments inside one association,
reach and cost before sending, sending once (also on a second click), objections and withdrawn
consents, unreachable members, chunked materialisation, scheduling, delivery per recipient, and
the member portal."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from associations.errors import WaslError
from associations.tenancy import association_scope
from communication import selectors, services
from communication.models import Announcement, AnnouncementRecipient
from communication.services import AnnouncementValues
from members import services as member_services
from members.models import Member, MemberCategory
from notifications.models import Message
from notifications.services import outbox_dispatch

TEXT = AnnouncementValues(
    subject_ar="اجتماع الجمع العام",
    body_ar="ندعوكم إلى الجمع العام يوم السبت.",
    subject_fr="Assemblée générale",
    body_fr="Nous vous invitons à l'assemblée générale samedi.",
    sms_text="AG samedi 10h au siege.",
    by_email=True,
    by_sms=True,
    audience={"members.status": "active"},
)


def admit(tenant, n: int, *, prefix: str = "m", email=True, phone=True, **values) -> list[Member]:
    members = []
    for i in range(n):
        members.append(
            member_services.member_admit(
                actor=tenant.president,
                first_name_latin=f"{prefix.title()}{i}",
                last_name_latin="Test",
                email=f"{prefix}{i}@{tenant.association.slug}.ma" if email else "",
                phone=f"06{tenant.association.pk % 10}{i:07d}" if phone else "",
                **values,
            )
        )
    return members


def send_now(tenant, announcement_id, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), association_scope(tenant.association):
        services.announcement_confirm(actor=tenant.president, announcement_id=announcement_id)


def messages_of(announcement) -> list[Message]:
    return list(
        Message.objects.filter(dedup_key__startswith=f"communication.announcement:{announcement.pk}:")
    )


# --- Writing: bad input changes nothing ---------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "field"),
    [
        (AnnouncementValues(by_email=True), "body_ar"),  # empty message
        (AnnouncementValues(by_email=False, by_sms=False, body_fr="x", subject_fr="x"), "by_email"),
        (AnnouncementValues(by_email=False, by_sms=True, sms_text="   "), "sms_text"),
        (AnnouncementValues(by_email=True, body_fr="Texte sans objet"), "subject_fr"),
        (AnnouncementValues(by_email=False, by_sms=True, sms_text="x" * (153 * 3 + 1)), "sms_text"),
        (AnnouncementValues(by_email=False, by_sms=True, sms_text="ب" * (67 * 3 + 1)), "sms_text"),
        (AnnouncementValues(by_email=False, by_sms=True, sms_text="ok", audience={"nope": ""}), "audience"),
        (
            AnnouncementValues(by_email=False, by_sms=True, sms_text="ok", audience={"members.status": "x"}),
            "audience",
        ),
    ],
)
def test_bad_input_is_refused_and_saves_nothing(scope_a, values, field):
    before = Announcement.objects.count()
    with pytest.raises(WaslError) as error:
        services.announcement_save(actor=scope_a.president, values=values)
    assert error.value.field == field
    assert Announcement.objects.count() == before


def test_an_sms_of_three_arabic_parts_is_accepted(scope_a):
    values = AnnouncementValues(by_email=False, by_sms=True, sms_text="ب" * (67 * 3))
    announcement = services.announcement_save(actor=scope_a.president, values=values)
    assert announcement.sms_text == "ب" * 201


def test_a_time_in_the_past_is_refused_and_nothing_is_scheduled(scope_a):
    announcement = services.announcement_save(actor=scope_a.president, values=TEXT)
    with pytest.raises(WaslError) as error:
        services.announcement_confirm(
            actor=scope_a.president,
            announcement_id=announcement.pk,
            send_at=timezone.now() - timedelta(minutes=1),
        )
    assert error.value.field == "send_at"
    announcement.refresh_from_db()
    assert announcement.status == Announcement.Status.DRAFT
    assert messages_of(announcement) == []


# --- Audience -------------------------------------------------------------------------------------


def test_a_segment_never_includes_another_associations_members(
    tenant_a, tenant_b, django_capture_on_commit_callbacks
):
    with association_scope(tenant_b.association):
        admit(tenant_b, 3, prefix="bee")
    with association_scope(tenant_a.association):
        ours = admit(tenant_a, 2)
        announcement = services.announcement_save(actor=tenant_a.president, values=TEXT)
        preview = selectors.announcement_preview(announcement)
    assert preview.total == 3  # the fixture's member and two more, none of B's
    send_now(tenant_a, announcement.pk, django_capture_on_commit_callbacks)
    with association_scope(tenant_a.association):
        recipients = set(AnnouncementRecipient.objects.values_list("member_id", flat=True))
        addresses = {m.to_address for m in messages_of(announcement)}
    assert recipients == {tenant_a.member_row.pk, *(m.pk for m in ours)}
    assert not any("assoc-b" in address for address in addresses)
    with association_scope(tenant_b.association):
        assert not Message.objects.filter(template_key="communication.announcement").exists()


def test_segments_narrow_by_status_category_and_board(scope_a):
    youth = MemberCategory.objects.create(name_fr="Jeunes", name_ar="شباب")
    young = admit(scope_a, 2, prefix="young", category=youth)
    suspended = admit(scope_a, 1, prefix="susp", status="suspended")
    board = admit(scope_a, 1, prefix="board")[0]
    Member.objects.filter(pk=board.pk).update(user=scope_a.treasurer)

    def audience(**chosen):
        return set(services.audience_members(chosen).values_list("pk", flat=True))

    assert audience(**{"members.category": str(youth.pk)}) == {m.pk for m in young}
    assert audience(**{"members.status": "suspended"}) == {suspended[0].pk}
    assert audience(**{"members.board": ""}) == {board.pk}
    assert audience(**{"members.status": "suspended", "members.category": str(youth.pk)}) == set()


def test_preview_counts_channels_cost_and_lists_the_unreachable(scope_a):
    admit(scope_a, 2, prefix="both")
    admit(scope_a, 1, prefix="mail", phone=False)
    nobody = admit(scope_a, 2, prefix="none", email=False, phone=False)
    values = AnnouncementValues(**{**TEXT.__dict__, "sms_text": "ب" * 71})  # two UCS-2 parts
    announcement = services.announcement_save(actor=scope_a.president, values=values)
    preview = selectors.announcement_preview(announcement)
    assert (preview.total, preview.by_email, preview.by_sms, preview.unreachable) == (6, 4, 3, 2)
    assert {m.pk for m in preview.unreachable_shown} == {m.pk for m in nobody}
    assert (preview.sms.encoding, preview.sms.segments, preview.sms_parts_total) == ("UCS-2", 2, 6)


# --- Sending -------------------------------------------------------------------------------------


def test_send_queues_one_message_per_member_and_channel_in_their_language(
    tenant_a, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with association_scope(tenant_a.association):
        members = admit(tenant_a, 3)
        member_services.consent_give(
            actor=None, member_id=members[0].pk, purpose="membership", wording="x", language="fr"
        )
        announcement = services.announcement_save(actor=tenant_a.president, values=TEXT)
    send_now(tenant_a, announcement.pk, django_capture_on_commit_callbacks)
    with association_scope(tenant_a.association):
        announcement.refresh_from_db()
        sent = messages_of(announcement)
        assert announcement.status == Announcement.Status.QUEUED
        assert announcement.recipient_count == 4
    assert len([m for m in sent if m.channel == "email"]) == 4
    assert len([m for m in sent if m.channel == "sms"]) == 4
    assert {m.status for m in sent} == {"sent"}  # dispatched right after queuing (eager here)
    by_address = {m.to[0]: m for m in mail.outbox}
    french = by_address[members[0].email]
    assert french.subject == "Assemblée générale" and "samedi" in french.body
    arabic = by_address[members[1].email]
    assert arabic.subject == "اجتماع الجمع العام"


def test_a_second_send_sends_nothing_twice(tenant_a, client, django_capture_on_commit_callbacks):
    with association_scope(tenant_a.association):
        admit(tenant_a, 2)
        announcement = services.announcement_save(actor=tenant_a.president, values=TEXT)
    client.force_login(tenant_a.president)
    url = reverse(
        "communication:announcement_send",
        kwargs={"association_slug": tenant_a.association.slug, "announcement_id": announcement.pk},
    )
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url, {"confirm": "yes", "when": "now"})
    with association_scope(tenant_a.association):
        count = len(messages_of(announcement))
    with django_capture_on_commit_callbacks(execute=True):
        second = client.post(url, {"confirm": "yes", "when": "now"})
    assert first.status_code == second.status_code == 302
    with association_scope(tenant_a.association):
        assert count == 6 and len(messages_of(announcement)) == 6
        with pytest.raises(WaslError) as error:
            services.announcement_confirm(actor=tenant_a.president, announcement_id=announcement.pk)
        assert error.value.code == "already_sent"
        # A chunk run again (a retried task) finds every row there already.
        Announcement.objects.filter(pk=announcement.pk).update(status="queuing", cursor=0)
        services.announcement_queue_chunk(announcement_id=announcement.pk)
        assert len(messages_of(announcement)) == 6
        assert AnnouncementRecipient.objects.filter(announcement=announcement).count() == 3


def test_the_confirmation_page_sends_nothing_until_confirmed(tenant_a, client):
    with association_scope(tenant_a.association):
        announcement = services.announcement_save(actor=tenant_a.president, values=TEXT)
    client.force_login(tenant_a.president)
    url = reverse(
        "communication:announcement_send",
        kwargs={"association_slug": tenant_a.association.slug, "announcement_id": announcement.pk},
    )
    page = client.get(url)
    unconfirmed = client.post(url, {"when": "now"})
    assert page.status_code == 200 and "SMS" in page.content.decode()
    assert unconfirmed.status_code == 200
    with association_scope(tenant_a.association):
        announcement.refresh_from_db()
        assert announcement.status == Announcement.Status.DRAFT and messages_of(announcement) == []


def test_an_objector_never_receives(tenant_a, django_capture_on_commit_callbacks):
    from notifications.services import opposition_record

    mail.outbox.clear()
    with association_scope(tenant_a.association):
        objector, withdrawn, plain = admit(tenant_a, 3)
        opposition_record(actor=tenant_a.president, channel="email", address=objector.email)
        member_services.consent_give(
            actor=None, member_id=withdrawn.pk, purpose="communications", wording="x", language="ar"
        )
        member_services.consent_withdraw(actor=None, member_id=withdrawn.pk, purpose="communications")
        announcement = services.announcement_save(actor=tenant_a.president, values=TEXT)
        assert selectors.announcement_preview(announcement).objected == 2
    send_now(tenant_a, announcement.pk, django_capture_on_commit_callbacks)
    outbox_dispatch(association_id=tenant_a.association.pk)
    received = {m.to[0] for m in mail.outbox}
    assert objector.email not in received and withdrawn.email not in received
    assert plain.email in received
    with association_scope(tenant_a.association):
        statuses = {(m.to_address, m.channel): m.status for m in messages_of(announcement)}
    assert statuses[(objector.email, "email")] == "suppressed"
    assert statuses[(withdrawn.email, "email")] == statuses[(withdrawn.phone, "sms")] == "suppressed"
    assert statuses[(objector.phone, "sms")] == "sent"  # objected to e-mail only


def test_a_member_without_address_is_a_recipient_listed_as_unreachable(
    scope_a, django_capture_on_commit_callbacks
):
    nobody = admit(scope_a, 1, prefix="none", email=False, phone=False)[0]
    announcement = services.announcement_save(actor=scope_a.president, values=TEXT)
    services.announcement_confirm(actor=scope_a.president, announcement_id=announcement.pk)
    services.announcement_queue_chunk(announcement_id=announcement.pk)
    unreachable = list(selectors.recipients_of(announcement, unreachable_only=True))
    assert [r.member_id for r in unreachable] == [nobody.pk]
    rows = selectors.delivery_rows(announcement, unreachable)
    assert rows[0].email is None and rows[0].sms is None


def test_large_audiences_are_queued_in_chunks_each_member_once(scope_a):
    admit(scope_a, 6)
    announcement = services.announcement_save(actor=scope_a.president, values=TEXT)
    services.announcement_confirm(actor=scope_a.president, announcement_id=announcement.pk)
    rounds = 1
    while services.announcement_queue_chunk(announcement_id=announcement.pk, size=3):
        rounds += 1
    announcement.refresh_from_db()
    assert rounds == 3  # 7 members by 3
    assert announcement.status == Announcement.Status.QUEUED and announcement.recipient_count == 7
    assert len(messages_of(announcement)) == 14
    assert len({m.dedup_key for m in messages_of(announcement)}) == 14


def test_a_scheduled_announcement_waits_for_its_time(scope_a):
    admit(scope_a, 1)
    announcement = services.announcement_save(actor=scope_a.president, values=TEXT)
    services.announcement_confirm(
        actor=scope_a.president, announcement_id=announcement.pk, send_at=timezone.now() + timedelta(hours=1)
    )
    assert services.announcements_start_due() == 0
    assert messages_of(announcement) == []
    Announcement.objects.filter(pk=announcement.pk).update(scheduled_at=timezone.now() - timedelta(seconds=1))
    assert services.announcements_start_due() == 1
    announcement.refresh_from_db()
    assert announcement.status == Announcement.Status.QUEUING


def test_a_scheduled_announcement_can_go_back_to_draft(scope_a):
    admit(scope_a, 1)
    announcement = services.announcement_save(actor=scope_a.president, values=TEXT)
    services.announcement_confirm(
        actor=scope_a.president, announcement_id=announcement.pk, send_at=timezone.now() + timedelta(hours=1)
    )
    services.announcement_unschedule(actor=scope_a.president, announcement_id=announcement.pk)
    announcement.refresh_from_db()
    assert announcement.status == Announcement.Status.DRAFT and announcement.scheduled_at is None


def test_delivery_page_shows_each_recipients_status(tenant_a, client, django_capture_on_commit_callbacks):
    with association_scope(tenant_a.association):
        admit(tenant_a, 2)
        announcement = services.announcement_save(actor=tenant_a.president, values=TEXT)
    send_now(tenant_a, announcement.pk, django_capture_on_commit_callbacks)
    client.force_login(tenant_a.president)
    url = reverse(
        "communication:announcement",
        kwargs={"association_slug": tenant_a.association.slug, "announcement_id": announcement.pk},
    )
    body = client.get(url).content.decode()
    assert "M0 Test" in body and "M1 Test" in body
    assert body.count("badge text-bg-success") >= 6  # the status and each recipient's two messages


def test_the_delivery_page_query_count_does_not_grow_with_recipients(
    tenant_a, client, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    with association_scope(tenant_a.association):
        admit(tenant_a, 12)
        announcement = services.announcement_save(actor=tenant_a.president, values=TEXT)
    send_now(tenant_a, announcement.pk, django_capture_on_commit_callbacks)
    client.force_login(tenant_a.president)
    url = reverse(
        "communication:announcement",
        kwargs={"association_slug": tenant_a.association.slug, "announcement_id": announcement.pk},
    )
    with django_assert_max_num_queries(25):
        assert client.get(url).status_code == 200


# --- The member portal ---------------------------------------------------------------------------


def test_members_see_their_announcements_newest_first_read_or_unread(
    tenant_a, client, django_capture_on_commit_callbacks
):
    with association_scope(tenant_a.association):
        Member.objects.filter(pk=tenant_a.member_row.pk).update(user=tenant_a.member)
        first = services.announcement_save(
            actor=tenant_a.president, values=AnnouncementValues(subject_fr="First news", body_fr="One")
        )
        second = services.announcement_save(
            actor=tenant_a.president, values=AnnouncementValues(subject_fr="Second news", body_fr="Two")
        )
    for announcement in (first, second):
        send_now(tenant_a, announcement.pk, django_capture_on_commit_callbacks)
    client.force_login(tenant_a.member)
    slug = tenant_a.association.slug
    me = client.get(reverse("associations:me")).content.decode()
    assert "2 unread announcements" in me
    portal = client.get(reverse("members:my", kwargs={"association_slug": slug})).content.decode()
    assert portal.index("Second news") < portal.index("First news")
    assert portal.count("Unread") == 2
    opened = client.get(
        reverse(
            "communication:my_announcement", kwargs={"association_slug": slug, "announcement_id": first.pk}
        )
    )
    assert opened.status_code == 200 and "One" in opened.content.decode()
    portal = client.get(reverse("members:my", kwargs={"association_slug": slug})).content.decode()
    assert portal.count("Unread") == 1
    assert "1 unread announcement" in client.get(reverse("associations:me")).content.decode()


def test_a_member_cannot_open_an_announcement_not_addressed_to_them(tenant_a, client):
    with association_scope(tenant_a.association):
        announcement = services.announcement_save(actor=tenant_a.president, values=TEXT)
    client.force_login(tenant_a.member)
    url = reverse(
        "communication:my_announcement",
        kwargs={"association_slug": tenant_a.association.slug, "announcement_id": announcement.pk},
    )
    assert client.get(url).status_code == 404


def test_a_deceased_member_is_never_in_the_audience(scope_a):
    gone = admit(scope_a, 1, prefix="gone")[0]
    Member.objects.filter(pk=gone.pk).update(status="deceased")
    assert gone.pk not in set(services.audience_members({}).values_list("pk", flat=True))
    with pytest.raises(WaslError):
        services.audience_clean({"members.status": "deceased"})
