"""Reads of the communication module, shaped for its pages."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet

from associations.tenancy import cross_tenant_read
from communication.models import Announcement, AnnouncementRecipient, Post, PostPhoto, PublicProfile
from communication.services import TEMPLATE_KEY, audience_members, dedup_key
from members.models import Consent, ConsentPurpose, Member
from notifications.models import Channel, Message, Opposition
from notifications.sms import SmsCost, sms_cost

UNREACHABLE_SHOWN = 50


def announcement_list() -> QuerySet[Announcement]:
    return Announcement.objects.select_related("created_by").order_by("-created_at", "-id")


def announcement_detail(*, announcement_id: int) -> Announcement | None:
    return Announcement.objects.filter(pk=announcement_id).first()


@dataclass
class Preview:
    """What an announcement will cost and reach, before it is sent."""

    total: int
    by_email: int
    by_sms: int
    objected: int  # reachable, but they objected or withdrew their consent: nothing is sent to them
    unreachable: int
    unreachable_shown: list[Member]
    sms: SmsCost | None
    sms_parts_total: int  # SMS segments billed for the whole audience
    languages: list[str] = field(default_factory=list)


def announcement_preview(announcement: Announcement) -> Preview:
    """Counts per channel for the current audience, in a handful of queries whatever its size."""
    members = audience_members(announcement.audience)
    total = members.count()
    email_q = ~Q(email="") if announcement.by_email else Q(pk__in=[])
    sms_q = ~Q(phone="") if announcement.by_sms else Q(pk__in=[])
    by_email = members.filter(email_q).count() if announcement.by_email else 0
    by_sms = members.filter(sms_q).count() if announcement.by_sms else 0
    unreachable_members = members.exclude(email_q | sms_q)
    withdrawn = Consent.objects.filter(purpose=ConsentPurpose.COMMUNICATIONS, withdrawn_at__isnull=False)
    active = Consent.objects.filter(purpose=ConsentPurpose.COMMUNICATIONS, withdrawn_at=None)
    opposed_email = Opposition.objects.filter(channel=Channel.EMAIL).values("address")
    opposed_sms = Opposition.objects.filter(channel=Channel.SMS).values("address")
    objected = (
        members.filter(email_q | sms_q)
        .filter(
            (Q(pk__in=withdrawn.values("member_id")) & ~Q(pk__in=active.values("member_id")))
            | (email_q & Q(email__in=opposed_email))
            | (sms_q & Q(phone__in=opposed_sms))
        )
        .count()
    )
    sms = sms_cost(announcement.sms_text) if announcement.by_sms else None
    return Preview(
        total=total,
        by_email=by_email,
        by_sms=by_sms,
        objected=objected,
        unreachable=unreachable_members.count(),
        unreachable_shown=list(unreachable_members.order_by("number", "pk")[:UNREACHABLE_SHOWN]),
        sms=sms,
        sms_parts_total=(sms.segments * by_sms) if sms else 0,
        languages=announcement.languages,
    )


def _messages_of(announcement: Announcement) -> QuerySet[Message]:
    return Message.objects.filter(
        template_key=TEMPLATE_KEY, dedup_key__startswith=f"{TEMPLATE_KEY}:{announcement.pk}:"
    )


def delivery_summary(announcement: Announcement) -> dict[str, dict[str, int]]:
    """{channel: {status: count}} of the announcement's outbox messages (one query)."""
    summary: dict[str, dict[str, int]] = defaultdict(dict)
    for channel, status, count in (
        _messages_of(announcement).values_list("channel", "status").annotate(n=Count("id")).order_by()
    ):
        summary[channel][status] = count
    return dict(summary)


@dataclass
class Delivery:
    recipient: AnnouncementRecipient
    member: Member | None
    email: Message | None
    sms: Message | None


def delivery_rows(announcement: Announcement, recipients: list[AnnouncementRecipient]) -> list[Delivery]:
    """One page of recipients with their member and their message on each channel (three queries)."""
    members = Member.objects.in_bulk([r.member_id for r in recipients])
    keys = [dedup_key(announcement.pk, r.member_id, c) for r in recipients for c in Channel.values]
    messages = {m.dedup_key: m for m in Message.objects.filter(dedup_key__in=keys)}
    return [
        Delivery(
            recipient=r,
            member=members.get(r.member_id),
            email=messages.get(dedup_key(announcement.pk, r.member_id, Channel.EMAIL)),
            sms=messages.get(dedup_key(announcement.pk, r.member_id, Channel.SMS)),
        )
        for r in recipients
    ]


def recipients_of(announcement: Announcement, *, unreachable_only: bool = False):
    recipients = AnnouncementRecipient.objects.filter(announcement=announcement).order_by("member_id")
    if unreachable_only:
        recipients = recipients.filter(by_email=False, by_sms=False)
    return recipients


# --- The member portal -----------------------------------------------------------------------------


def my_announcements(*, user) -> QuerySet[AnnouncementRecipient]:
    """What the signed-in person received in the current association, newest first."""
    if not user.is_authenticated:
        return AnnouncementRecipient.objects.none()
    return (
        AnnouncementRecipient.objects.select_related("announcement")
        .filter(user_id=user.pk, announcement__status=Announcement.Status.QUEUED)
        .order_by("-announcement__queued_at", "-id")
    )


def my_unread_counts(*, user, association_ids) -> dict[int, int]:
    """A person's unread announcements in each of their associations (for /me/, one query)."""
    if not user.is_authenticated or not association_ids:
        return {}
    with cross_tenant_read(reason="a person's own unread announcements across associations"):
        rows = (
            AnnouncementRecipient.objects.filter(
                user_id=user.pk,
                read_at=None,
                association_id__in=list(association_ids),
                announcement__status=Announcement.Status.QUEUED,
            )
            .values_list("association_id")
            .annotate(n=Count("id"))
            .order_by()
        )
        return dict(rows)


# --- The public page ------------------------------------------------------------------------------


def public_profile() -> PublicProfile | None:
    return PublicProfile.objects.first()


def published_posts() -> QuerySet[Post]:
    """Published posts only: a draft is never public."""
    return (
        Post.objects.filter(status=Post.Status.PUBLISHED)
        .prefetch_related("photos")
        .order_by("-published_at", "-id")
    )


def published_post(*, post_id: int) -> Post | None:
    return published_posts().filter(pk=post_id).first()


def published_photo(*, photo_id: int) -> PostPhoto | None:
    return PostPhoto.objects.filter(pk=photo_id, post__status=Post.Status.PUBLISHED).first()


def post_list() -> QuerySet[Post]:
    return Post.objects.annotate(photo_count=Count("photos")).order_by("-created_at", "-id")


def post_detail(*, post_id: int) -> Post | None:
    return Post.objects.prefetch_related("photos").filter(pk=post_id).first()


def photo_detail(*, photo_id: int) -> PostPhoto | None:
    return PostPhoto.objects.filter(pk=photo_id).first()
