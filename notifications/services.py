"""The outbox: enqueue once, dispatch at most once, retry with backoff, honour opposition.

Delivery guarantees:
- `message_enqueue` is idempotent on (association, dedup_key): a retried or duplicated task finds
  the existing row and sends nothing new.
- `outbox_dispatch` claims each due row with a compare-and-swap UPDATE (queued → sending) that is
  committed before anything is sent, so two dispatchers running at once never send a row twice.
  A row left in "sending" by a crashed worker is marked failed (never re-sent automatically, which
  could duplicate it); an officer may resend it.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db import IntegrityError, models, transaction
from django.template import Context, TemplateDoesNotExist
from django.template.loader import get_template
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from associations.audit import audit_record
from associations.errors import NotFound, WaslError
from associations.tenancy import association_scope
from associations.text import strip_bidi_controls
from notifications.models import Channel, Message, Opposition
from notifications.phones import phone_to_e164
from notifications.sms import get_sms_backend, sms_rate_limiter

# Delay before attempt n+1 after n failures; after the last one the message is marked failed.
RETRY_BACKOFF = [timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2)]
MAX_ATTEMPTS = len(RETRY_BACKOFF) + 1
STALE_CLAIM = timedelta(minutes=15)


def normalise_address(channel: str, address: str) -> str:
    if channel == Channel.EMAIL:
        address = (address or "").strip().lower()
        try:
            validate_email(address)
        except Exception as exc:
            raise WaslError(_("Enter a valid e-mail address."), field="address") from exc
        return address
    if channel == Channel.SMS:
        return phone_to_e164(address, field="address")
    raise WaslError(_("Unknown channel."), field="channel")


def _opposed(channel: str, address: str) -> bool:
    return Opposition.objects.filter(channel=channel, address=address).exists()


def message_enqueue(
    *,
    channel: str,
    to_address: str,
    template_key: str,
    dedup_key: str,
    context: dict | None = None,
    language: str | None = None,
    recipient_user=None,
    recipient_name: str = "",
) -> tuple[Message, bool]:
    """Queue one intended message (in the current scope). Returns (message, created)."""
    address = normalise_address(channel, to_address)
    existing = Message.objects.filter(dedup_key=dedup_key).first()
    if existing is not None:
        return existing, False
    suppressed = _opposed(channel, address)
    try:
        with transaction.atomic():
            message = Message.objects.create(
                channel=channel,
                to_address=address,
                template_key=template_key,
                dedup_key=dedup_key,
                context=context or {},
                language=language or translation.get_language() or settings.LANGUAGE_CODE,
                recipient_user=recipient_user,
                recipient_name=recipient_name,
                status=Message.Status.SUPPRESSED if suppressed else Message.Status.QUEUED,
                last_error=_("The recipient objected to this channel.") if suppressed else "",
            )
    except IntegrityError:  # the same intended message was queued concurrently
        return Message.objects.get(dedup_key=dedup_key), False
    return message, True


@dataclass(frozen=True)
class MessageSpec:
    """One intended message for `message_enqueue_many`; `to_address` already normalised
    (`normalise_address`). `suppressed_reason` records it as suppressed from the start (e.g. a
    withdrawn consent the caller knows of)."""

    channel: str
    to_address: str
    template_key: str
    dedup_key: str
    language: str
    context: dict
    recipient_user_id: int | None = None
    recipient_name: str = ""
    suppressed_reason: str = ""


def message_enqueue_many(specs: Iterable[MessageSpec], *, batch_size: int = 1000) -> int:
    """Queue many intended messages at once (in the current scope), with the same guarantees as
    `message_enqueue`: a dedup key already queued is skipped (the unique constraint decides, also
    under concurrency), and an address that objected to the channel is recorded as suppressed.
    Returns how many rows were new. A few queries per batch, whatever the batch's size."""
    specs = list(specs)
    created = 0
    objected = _("The recipient objected to this channel.")
    for start in range(0, len(specs), batch_size):
        batch = specs[start : start + batch_size]
        keys = [spec.dedup_key for spec in batch]
        existing = set(Message.objects.filter(dedup_key__in=keys).values_list("dedup_key", flat=True))
        fresh = [spec for spec in batch if spec.dedup_key not in existing]
        if not fresh:
            continue
        opposed = set(
            Opposition.objects.filter(address__in={spec.to_address for spec in fresh}).values_list(
                "channel", "address"
            )
        )
        now = timezone.now()
        rows = []
        for spec in fresh:
            reason = objected if (spec.channel, spec.to_address) in opposed else spec.suppressed_reason
            rows.append(
                Message(
                    channel=spec.channel,
                    to_address=spec.to_address,
                    template_key=spec.template_key,
                    dedup_key=spec.dedup_key,
                    context=spec.context,
                    language=spec.language,
                    recipient_user_id=spec.recipient_user_id,
                    recipient_name=spec.recipient_name,
                    status=Message.Status.SUPPRESSED if reason else Message.Status.QUEUED,
                    last_error=reason,
                    created_at=now,
                    next_attempt_at=now,
                )
            )
        with transaction.atomic():
            Message.objects.bulk_create(rows, ignore_conflicts=True)
        # Ours are those stamped with this batch's time (a concurrent run's rows carry their own).
        created += Message.objects.filter(
            dedup_key__in=[spec.dedup_key for spec in fresh], created_at=now
        ).count()
    return created


def render_message(message: Message) -> tuple[str, str]:
    """(subject, body) in the recipient's language. Templates live in
    <app>/templates/notifications/messages/<template_key>/{subject,body,sms}.txt."""
    base = f"notifications/messages/{message.template_key}"
    with translation.override(message.language):
        # Plain text cannot isolate a name from the sentence around it as <bdi> does on a page: a
        # direction override in a name or an association's name would reverse the rest of the line.
        context = {
            key: strip_bidi_controls(value) if isinstance(value, str) else value
            for key, value in {**message.context, "recipient_name": message.recipient_name}.items()
        }
        if message.channel == Channel.SMS:
            return "", _render_text(f"{base}/sms.txt", context).strip()
        subject = " ".join(_render_text(f"{base}/subject.txt", context).split())
        return subject, _render_text(f"{base}/body.txt", context).strip()


def message_subject(message: Message, *, language: str | None = None) -> str:
    """What a message was about, in one line, in `language` (by default the one it was sent in):
    its e-mail subject, also for an SMS (e.g. for the member's copy of their data). Empty when its
    template no longer exists."""
    base = f"notifications/messages/{message.template_key}"
    with translation.override(language or message.language):
        context = {**message.context, "recipient_name": message.recipient_name}
        try:
            return " ".join(_render_text(f"{base}/subject.txt", context).split())
        except TemplateDoesNotExist:
            return ""


def _render_text(template_name: str, context: dict) -> str:
    """Plain text: no HTML escaping ("L'Eau & Co" stays as typed)."""
    return get_template(template_name).template.render(Context(context, autoescape=False))


def _deliver(message: Message) -> None:
    subject, body = render_message(message)
    if message.channel == Channel.EMAIL:
        EmailMultiAlternatives(subject, body, settings.DEFAULT_FROM_EMAIL, [message.to_address]).send()
    else:
        get_sms_backend().send(to=message.to_address, body=body)


@dataclass
class DispatchResult:
    sent: int = 0
    failed: int = 0
    retried: int = 0
    suppressed: int = 0
    more: bool = False  # stopped at the limit or the time budget with messages still due


CLAIM_BATCH = 25  # messages claimed (and marked sent) per transaction


def outbox_dispatch(
    *, association_id: int, limit: int = 200, budget_seconds: float | None = None
) -> DispatchResult:
    """Send what is due in one association: at most `limit` messages, and for at most
    `budget_seconds`, after which `more` says whether some are still due (the task then puts the
    rest back at the end of the queue, behind other associations' messages). SMS are paced to the
    gateway's rate limit.

    Messages are claimed a batch at a time: one committed UPDATE (queued → sending, stamped with
    this run's claim token) before any of them leaves, so two dispatchers never send a row twice;
    the batch's sent rows are recorded together afterwards. A run that dies mid-batch leaves its
    rows in "sending", which `outbox_release_stale_claims` marks failed (never re-sent by itself)."""
    result = DispatchResult()
    now = timezone.now()
    started = time.monotonic()
    limiter = sms_rate_limiter()
    with association_scope(association_id):
        due = list(
            Message.objects.filter(status=Message.Status.QUEUED, next_attempt_at__lte=now)
            .order_by("next_attempt_at", "id")
            .values_list("pk", flat=True)[:limit]
        )
    for start in range(0, len(due), CLAIM_BATCH):
        # At least one batch per run, so a chain of runs always makes progress.
        if start and budget_seconds is not None and time.monotonic() - started > budget_seconds:
            result.more = True
            return result
        batch = _claim(association_id, due[start : start + CLAIM_BATCH], result)
        sent: list[int] = []
        for message in batch:
            if message.channel == Channel.SMS:
                limiter.acquire()
            try:
                _deliver(message)
            except Exception as exc:
                with association_scope(association_id):
                    outcome = _record_failure(message.pk, f"{type(exc).__name__}: {exc}"[:2000])
                result.failed += outcome == Message.Status.FAILED
                result.retried += outcome == Message.Status.QUEUED
            else:
                sent.append(message.pk)
        if sent:
            with association_scope(association_id):
                Message.objects.filter(pk__in=sent).update(
                    status=Message.Status.SENT,
                    sent_at=timezone.now(),
                    attempts=models.F("attempts") + 1,
                    last_error="",
                )
            result.sent += len(sent)
    result.more = len(due) == limit  # perhaps more behind the ones just sent
    return result


def _claim(association_id: int, pks: list[int], result: DispatchResult) -> list[Message]:
    """Claim these rows if still queued (committed when the scope closes), and return the ones this
    run claimed and may send; those whose address objected meanwhile are suppressed instead."""
    token = uuid.uuid4().hex
    with association_scope(association_id):
        Message.objects.filter(pk__in=pks, status=Message.Status.QUEUED).update(
            status=Message.Status.SENDING, claimed_at=timezone.now(), claim_token=token
        )
        claimed = list(
            Message.objects.filter(pk__in=pks, claim_token=token).order_by("next_attempt_at", "id")
        )
        opposed = set(
            Opposition.objects.filter(address__in={m.to_address for m in claimed}).values_list(
                "channel", "address"
            )
        )
        suppressed = [m.pk for m in claimed if (m.channel, m.to_address) in opposed]
        if suppressed:
            Message.objects.filter(pk__in=suppressed).update(
                status=Message.Status.SUPPRESSED, last_error=_("The recipient objected to this channel.")
            )
            result.suppressed += len(suppressed)
    return [m for m in claimed if m.pk not in suppressed]


def _record_failure(pk: int, error: str) -> str:
    message = Message.objects.select_for_update().get(pk=pk)
    message.attempts += 1
    message.last_error = error
    if message.attempts >= MAX_ATTEMPTS:
        message.status = Message.Status.FAILED
    else:
        message.status = Message.Status.QUEUED
        message.next_attempt_at = timezone.now() + RETRY_BACKOFF[message.attempts - 1]
    message.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
    return message.status


def outbox_release_stale_claims(*, association_id: int) -> int:
    """Rows stuck in "sending" (a worker died mid-send) become failed, for an officer to resend."""
    with association_scope(association_id):
        return Message.objects.filter(
            status=Message.Status.SENDING, claimed_at__lt=timezone.now() - STALE_CLAIM
        ).update(
            status=Message.Status.FAILED,
            last_error="Interrupted while sending; not retried automatically to avoid a duplicate.",
        )


@transaction.atomic
def message_resend(*, actor, message_id: int) -> Message:
    """An officer puts a failed message back in the queue."""
    message = Message.objects.select_for_update().filter(pk=message_id).first()
    if message is None:
        raise NotFound()
    if message.status != Message.Status.FAILED:
        raise WaslError(_("Only a failed message can be sent again."), code="not_failed")
    message.status = Message.Status.QUEUED
    message.next_attempt_at = timezone.now()
    message.attempts = 0
    message.save(update_fields=["status", "next_attempt_at", "attempts"])
    audit_record(
        actor=actor,
        action="notifications.message.resent",
        target=message,
        changes={"channel": message.channel},
    )
    return message


@transaction.atomic
def opposition_record(*, actor, channel: str, address: str) -> Opposition:
    """Record that an address objects to a channel; queued messages to it are suppressed."""
    address = normalise_address(channel, address)
    opposition, created = Opposition.objects.get_or_create(
        channel=channel,
        address=address,
        defaults={"recorded_by": actor if actor and actor.is_authenticated else None},
    )
    if created:
        suppressed = Message.objects.filter(
            channel=channel, to_address=address, status=Message.Status.QUEUED
        ).update(status=Message.Status.SUPPRESSED, last_error=_("The recipient objected to this channel."))
        audit_record(
            actor=actor,
            action="notifications.opposition.recorded",
            target=opposition,
            changes={
                "channel": channel,
                "queued_suppressed": suppressed,
            },  # no address: no personal data in audit
        )
    return opposition
