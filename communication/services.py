"""Writes of the communication module: announcements (draft → confirmed → queued in chunks as
outbox messages), the public profile, news posts and their photos, the logo.

Guarantees:
- Sending is confirmed once: `announcement_confirm` locks the announcement and moves it out of
  "draft"; a second confirmation (a double click, two officers at once) finds it no longer a draft
  and queues nothing.
- Each recipient gets each channel once: the outbox's dedup key is
  `communication.announcement:<announcement>:<member>:<channel>`, so a retried or duplicated chunk
  finds the rows already there.
- The audience is evaluated inside the association's scope from the segments registered in
  `associations.seams`, so it never holds another association's members.
- Objections and withdrawn consents are honoured: the outbox suppresses an address that objected;
  a member who withdrew their consent to communications gets suppressed messages too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from associations import seams
from associations.audit import audit_record
from associations.errors import NotFound, WaslError
from associations.links import absolute_url
from associations.models import Association
from communication.models import Announcement, AnnouncementRecipient, Post, PostPhoto, PublicProfile
from documents.files import private_storage, save_private_file
from documents.images import image_normalise
from members.selectors import member_reach, members_for_audience
from notifications.models import Channel
from notifications.services import MessageSpec, message_enqueue_many, normalise_address
from notifications.sms import sms_cost

TEMPLATE_KEY = "communication.announcement"
MAX_SMS_SEGMENTS = 3  # longer texts cost too much and arrive cut on some phones
CHUNK_SIZE = 1000
PHOTO_MAX_BYTES = 8 * 1024 * 1024
PHOTO_MAX_SIDE = 1280  # enough for a phone screen; a few hundred kB at most
MAX_PHOTOS_PER_POST = 12


def dedup_key(announcement_id: int, member_id: int, channel: str) -> str:
    return f"{TEMPLATE_KEY}:{announcement_id}:{member_id}:{channel}"


# --- Audience -----------------------------------------------------------------------------------


def audience_clean(audience: dict) -> dict[str, str]:
    """Keep the registered segments, with a value among their choices; refuse anything else."""
    segments = {segment.key: segment for segment in seams.audience_segments()}
    cleaned: dict[str, str] = {}
    for key, value in (audience or {}).items():
        segment = segments.get(key)
        if segment is None:
            raise WaslError(_("Unknown audience segment."), field="audience")
        value = str(value or "")
        if segment.choices is not None and value not in {str(v) for v, _label in segment.choices()}:
            raise WaslError(
                _("Choose one of the offered values for “%(segment)s”.") % {"segment": segment.label},
                field="audience",
            )
        cleaned[key] = value if segment.choices is not None else ""
    return cleaned


def audience_members(audience: dict):
    """The members of the current association in every chosen segment (a queryset)."""
    members = members_for_audience()
    segments = {segment.key: segment for segment in seams.audience_segments()}
    for key, value in audience_clean(audience).items():
        members = members.filter(pk__in=segments[key].members(value))
    return members


# --- Announcements: writing -------------------------------------------------------------------


@dataclass(frozen=True)
class AnnouncementValues:
    subject_ar: str = ""
    subject_fr: str = ""
    body_ar: str = ""
    body_fr: str = ""
    sms_text: str = ""
    by_email: bool = True
    by_sms: bool = False
    audience: dict | None = None


def _check_content(values: AnnouncementValues) -> None:
    if not values.by_email and not values.by_sms:
        raise WaslError(_("Choose at least one channel: e-mail or SMS."), field="by_email")
    if values.by_email:
        if not (values.body_ar.strip() or values.body_fr.strip()):
            raise WaslError(_("Write the message in Arabic or in French."), field="body_ar")
        for lang, subject, body in (
            ("ar", values.subject_ar, values.body_ar),
            ("fr", values.subject_fr, values.body_fr),
        ):
            if body.strip() and not subject.strip():
                raise WaslError(_("Give the message a subject."), field=f"subject_{lang}")
            if subject.strip() and not body.strip():
                raise WaslError(_("Write the message that goes with this subject."), field=f"body_{lang}")
    if values.by_sms:
        if not values.sms_text.strip():
            raise WaslError(_("Write the SMS text."), field="sms_text")
        cost = sms_cost(values.sms_text.strip())
        if cost.segments > MAX_SMS_SEGMENTS:
            raise WaslError(
                _(
                    "The SMS is too long: %(segments)s parts; at most %(limit)s "
                    "(%(chars)s characters in Arabic, %(latin)s in Latin letters)."
                )
                % {
                    "segments": cost.segments,
                    "limit": MAX_SMS_SEGMENTS,
                    "chars": 67 * MAX_SMS_SEGMENTS,
                    "latin": 153 * MAX_SMS_SEGMENTS,
                },
                field="sms_text",
            )


@transaction.atomic
def announcement_save(
    *, actor, values: AnnouncementValues, announcement_id: int | None = None
) -> Announcement:
    """Create or change a draft. Bad input raises WaslError and changes nothing."""
    _check_content(values)
    audience = audience_clean(values.audience or {})
    if announcement_id is None:
        announcement = Announcement(created_by=actor if actor and actor.is_authenticated else None)
    else:
        announcement = Announcement.objects.select_for_update().filter(pk=announcement_id).first()
        if announcement is None:
            raise NotFound()
        if not announcement.is_draft:
            raise WaslError(_("This announcement is already sent; it can no longer be changed."), code="sent")
    fields = {
        "subject_ar": values.subject_ar.strip() if values.by_email else "",
        "subject_fr": values.subject_fr.strip() if values.by_email else "",
        "body_ar": values.body_ar.strip() if values.by_email else "",
        "body_fr": values.body_fr.strip() if values.by_email else "",
        "sms_text": values.sms_text.strip() if values.by_sms else "",
        "by_email": values.by_email,
        "by_sms": values.by_sms,
        "audience": audience,
    }
    for key, value in fields.items():
        setattr(announcement, key, value)
    if announcement.pk is None:
        announcement.save()
        action = "communication.announcement.created"
    else:
        announcement.save(update_fields=list(fields))
        action = "communication.announcement.changed"
    audit_record(actor=actor, action=action, target=announcement, changes={"fields": sorted(fields)})
    return announcement


@transaction.atomic
def announcement_delete(*, actor, announcement_id: int) -> None:
    announcement = Announcement.objects.select_for_update().filter(pk=announcement_id).first()
    if announcement is None:
        raise NotFound()
    if not announcement.is_draft:
        raise WaslError(_("Only a draft can be deleted."), code="sent")
    audit_record(actor=actor, action="communication.announcement.deleted", target=announcement, changes={})
    announcement.delete()


# --- Announcements: sending -------------------------------------------------------------------


@transaction.atomic
def announcement_confirm(*, actor, announcement_id: int, send_at: datetime | None = None) -> Announcement:
    """Send a draft now, or at `send_at`. Once only: a second call finds it no longer a draft and
    raises WaslError(code="already_sent") without queuing anything."""
    announcement = Announcement.objects.select_for_update().filter(pk=announcement_id).first()
    if announcement is None:
        raise NotFound()
    if not announcement.is_draft:
        raise WaslError(
            _("This announcement was already sent or scheduled; nothing was sent again."), code="already_sent"
        )
    _check_content(
        AnnouncementValues(
            subject_ar=announcement.subject_ar,
            subject_fr=announcement.subject_fr,
            body_ar=announcement.body_ar,
            body_fr=announcement.body_fr,
            sms_text=announcement.sms_text,
            by_email=announcement.by_email,
            by_sms=announcement.by_sms,
        )
    )
    now = timezone.now()
    if send_at is not None and send_at <= now:
        raise WaslError(_("Choose a time in the future, or send now."), field="send_at")
    if not audience_members(announcement.audience).exists():
        raise WaslError(_("No member is in this audience."), field="audience")
    announcement.confirmed_by = actor if actor and actor.is_authenticated else None
    announcement.confirmed_at = now
    if send_at is not None:
        announcement.status = Announcement.Status.SCHEDULED
        announcement.scheduled_at = send_at
    else:
        announcement.status = Announcement.Status.QUEUING
        announcement.scheduled_at = now
        _queue_after_commit(announcement)
    announcement.save(update_fields=["status", "scheduled_at", "confirmed_by", "confirmed_at"])
    audit_record(
        actor=actor,
        action="communication.announcement.scheduled" if send_at else "communication.announcement.sent",
        target=announcement,
        changes={
            "at": announcement.scheduled_at.isoformat(),
            "email": announcement.by_email,
            "sms": announcement.by_sms,
        },
    )
    return announcement


@transaction.atomic
def announcement_unschedule(*, actor, announcement_id: int) -> Announcement:
    """Put a scheduled announcement back to draft (before its time has come)."""
    announcement = Announcement.objects.select_for_update().filter(pk=announcement_id).first()
    if announcement is None:
        raise NotFound()
    if announcement.status != Announcement.Status.SCHEDULED:
        raise WaslError(_("Only a scheduled announcement can be put back to draft."), code="not_scheduled")
    announcement.status = Announcement.Status.DRAFT
    announcement.scheduled_at = None
    announcement.save(update_fields=["status", "scheduled_at"])
    audit_record(
        actor=actor, action="communication.announcement.unscheduled", target=announcement, changes={}
    )
    return announcement


def _queue_after_commit(announcement: Announcement) -> None:
    from communication.tasks import queue_announcement

    association_id, pk = announcement.association_id, announcement.pk
    transaction.on_commit(lambda: queue_announcement.delay(association_id=association_id, announcement_id=pk))


def announcements_start_due() -> int:
    """Scheduled announcements whose time has come start being queued (beat, per association)."""
    started = 0
    for announcement in Announcement.objects.select_for_update(skip_locked=True).filter(
        status=Announcement.Status.SCHEDULED, scheduled_at__lte=timezone.now()
    ):
        announcement.status = Announcement.Status.QUEUING
        announcement.save(update_fields=["status"])
        _queue_after_commit(announcement)
        started += 1
    return started


@transaction.atomic
def announcement_queue_chunk(*, announcement_id: int, size: int = CHUNK_SIZE) -> bool:
    """Materialise the next `size` recipients (by member id) as recipient rows and outbox messages,
    in one transaction. Returns whether more remain. Safe to run twice or concurrently: the row
    lock serialises chunks, and the dedup keys and the recipient constraint skip what exists."""
    announcement = Announcement.objects.select_for_update().filter(pk=announcement_id).first()
    if announcement is None or announcement.status != Announcement.Status.QUEUING:
        return False
    member_ids = list(
        audience_members(announcement.audience)
        .filter(pk__gt=announcement.cursor)
        .order_by("pk")
        .values_list("pk", flat=True)[:size]
    )
    reaches = member_reach(member_ids=member_ids)
    association = Association.objects.get(pk=announcement.association_id)
    portal_url = absolute_url(reverse("members:my", kwargs={"association_slug": association.slug}))
    languages = announcement.languages or ["ar"]
    withdrew = _("The member withdrew their consent to communications.")
    recipients, specs = [], []
    for reach in reaches:
        language = reach.language if reach.language in languages else languages[0]
        email = _valid_address(Channel.EMAIL, reach.email) if announcement.by_email else ""
        phone = _valid_address(Channel.SMS, reach.phone) if announcement.by_sms else ""
        recipients.append(
            AnnouncementRecipient(
                announcement=announcement,
                member_id=reach.member_id,
                user_id=reach.user_id,
                language=language,
                by_email=bool(email),
                by_sms=bool(phone),
            )
        )
        common = {
            "template_key": TEMPLATE_KEY,
            "language": language,
            "recipient_user_id": reach.user_id,
            "recipient_name": reach.name[:200],
            "suppressed_reason": withdrew if reach.withdrew else "",
        }
        if email:
            specs.append(
                MessageSpec(
                    channel=Channel.EMAIL,
                    to_address=email,
                    dedup_key=dedup_key(announcement.pk, reach.member_id, Channel.EMAIL),
                    context={
                        "subject": announcement.subject_in(language),
                        "body": announcement.body_in(language),
                        "association_name": association.name_fr if language == "fr" else association.name_ar,
                        "portal_url": portal_url,
                        "announcement": announcement.pk,
                    },
                    **common,
                )
            )
        if phone:
            specs.append(
                MessageSpec(
                    channel=Channel.SMS,
                    to_address=phone,
                    dedup_key=dedup_key(announcement.pk, reach.member_id, Channel.SMS),
                    context={"sms_text": announcement.sms_text, "announcement": announcement.pk},
                    **common,
                )
            )
    AnnouncementRecipient.objects.bulk_create(recipients, ignore_conflicts=True)
    message_enqueue_many(specs)
    more = len(member_ids) == size
    announcement.cursor = member_ids[-1] if member_ids else announcement.cursor
    announcement.recipient_count = AnnouncementRecipient.objects.filter(announcement=announcement).count()
    fields = ["cursor", "recipient_count"]
    if not more:
        announcement.status = Announcement.Status.QUEUED
        announcement.queued_at = timezone.now()
        fields += ["status", "queued_at"]
    announcement.save(update_fields=fields)
    return more


def _valid_address(channel: str, address: str) -> str:
    if not address:
        return ""
    try:
        return normalise_address(channel, address)
    except WaslError:
        return ""  # an address the outbox cannot use: the member counts as unreachable there


@transaction.atomic
def announcement_mark_read(*, user, announcement_id: int) -> AnnouncementRecipient:
    """The signed-in member opened an announcement addressed to them."""
    recipient = (
        AnnouncementRecipient.objects.select_related("announcement")
        .filter(announcement_id=announcement_id, user_id=user.pk)
        .first()
    )
    if recipient is None:
        raise NotFound()
    if recipient.read_at is None:
        recipient.read_at = timezone.now()
        recipient.save(update_fields=["read_at"])
    return recipient


# --- Public page ---------------------------------------------------------------------------------


@transaction.atomic
def public_profile_save(*, actor, object_ar: str, object_fr: str, contact_email: str, contact_phone: str):
    profile, _created = PublicProfile.objects.select_for_update().get_or_create()
    phone = contact_phone.strip()
    if phone:
        try:
            phone = normalise_address(Channel.SMS, phone)
        except WaslError as exc:
            raise WaslError(exc.message, field="contact_phone") from exc
    email = contact_email.strip()
    if email:
        try:
            email = normalise_address(Channel.EMAIL, email)
        except WaslError as exc:
            raise WaslError(exc.message, field="contact_email") from exc
    values = {
        "object_ar": object_ar.strip()[:2000],
        "object_fr": object_fr.strip()[:2000],
        "contact_email": email,
        "contact_phone": phone,
        "updated_at": timezone.now(),
    }
    for key, value in values.items():
        setattr(profile, key, value)
    profile.save(update_fields=list(values))
    audit_record(
        actor=actor,
        action="communication.profile.changed",
        target=profile,
        changes={"fields": sorted(values)},
    )
    return profile


@transaction.atomic
def post_save(*, actor, values: dict, post_id: int | None = None) -> Post:
    title_ar, title_fr = values.get("title_ar", "").strip(), values.get("title_fr", "").strip()
    body_ar, body_fr = values.get("body_ar", "").strip(), values.get("body_fr", "").strip()
    if not (title_ar or title_fr):
        raise WaslError(_("Give the post a title in Arabic or in French."), field="title_ar")
    if not (body_ar or body_fr):
        raise WaslError(_("Write the post's text in Arabic or in French."), field="body_ar")
    if values.get("kind", Post.Kind.NEWS) not in Post.Kind.values:
        raise WaslError(_("Unknown kind of post."), field="kind")
    if post_id is None:
        post = Post(created_by=actor if actor and actor.is_authenticated else None)
    else:
        post = Post.objects.select_for_update().filter(pk=post_id).first()
        if post is None:
            raise NotFound()
    fields = {
        "kind": values.get("kind", Post.Kind.NEWS),
        "title_ar": title_ar,
        "title_fr": title_fr,
        "body_ar": body_ar,
        "body_fr": body_fr,
        "happened_on": values.get("happened_on"),
    }
    for key, value in fields.items():
        setattr(post, key, value)
    if post.pk is None:
        post.save()
        action = "communication.post.created"
    else:
        post.save(update_fields=list(fields))
        action = "communication.post.changed"
    audit_record(actor=actor, action=action, target=post, changes={"fields": sorted(fields)})
    return post


@transaction.atomic
def post_publish(*, actor, post_id: int, publish: bool) -> Post:
    """Publish a draft (it becomes public) or take a published post back to draft."""
    post = Post.objects.select_for_update().filter(pk=post_id).first()
    if post is None:
        raise NotFound()
    target = Post.Status.PUBLISHED if publish else Post.Status.DRAFT
    if post.status == target:
        return post
    post.status = target
    if publish and post.published_at is None:
        post.published_at = timezone.now()
    post.save(update_fields=["status", "published_at"])
    audit_record(
        actor=actor,
        action="communication.post.published" if publish else "communication.post.unpublished",
        target=post,
        changes={},
    )
    return post


@transaction.atomic
def post_delete(*, actor, post_id: int) -> None:
    post = Post.objects.select_for_update().filter(pk=post_id).first()
    if post is None:
        raise NotFound()
    files = list(post.photos.values_list("file", flat=True))
    audit_record(actor=actor, action="communication.post.deleted", target=post, changes={})
    post.delete()
    transaction.on_commit(lambda: [private_storage().delete(name) for name in files])


@transaction.atomic
def post_photo_add(*, actor, post_id: int, upload, caption: str, consent_confirmed: bool) -> PostPhoto:
    """Add a photo to a post: checked by content, decoded and resized; the officer confirms that the
    people recognisable in it agreed to appear (law 09-08)."""
    post = Post.objects.select_for_update().filter(pk=post_id).first()
    if post is None:
        raise NotFound()
    if not consent_confirmed:
        raise WaslError(
            _("Confirm that the people who can be recognised in the photo agreed to appear in it."),
            field="consent_confirmed",
        )
    if post.photos.count() >= MAX_PHOTOS_PER_POST:
        raise WaslError(
            _("A post has at most %(count)s photos.") % {"count": MAX_PHOTOS_PER_POST}, field="file"
        )
    image = image_normalise(
        upload, max_bytes=PHOTO_MAX_BYTES, max_side=PHOTO_MAX_SIDE, keep_transparency=False
    )
    name = save_private_file("posts", f"post-{post.pk}.{image.extension}", image.content)
    photo = PostPhoto.objects.create(
        post=post,
        file=name,
        width=image.width,
        height=image.height,
        caption=caption.strip()[:200],
        consent_confirmed=True,
    )
    audit_record(
        actor=actor, action="communication.post.photo_added", target=post, changes={"photo": photo.pk}
    )
    return photo


@transaction.atomic
def post_photo_delete(*, actor, photo_id: int) -> None:
    photo = PostPhoto.objects.select_related("post").filter(pk=photo_id).first()
    if photo is None:
        raise NotFound()
    name = photo.file
    audit_record(actor=actor, action="communication.post.photo_removed", target=photo.post, changes={})
    photo.delete()
    transaction.on_commit(lambda: private_storage().delete(name))
