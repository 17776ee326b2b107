"""Receipts: numbered in the payment's transaction, rendered after commit, sent through the outbox,
cancelled only by a cancellation receipt (and the payment's reversal entry).

Numbers are gap-free per association, fiscal year and series (dues, donations, other): the next
number comes from a counter row locked until the transaction commits, so two payments never get
the same number and a rolled-back payment gives its number back. A number is never reused: a
cancelled receipt stays, and its cancellation receipt takes the next number.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from datetime import date as Date
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from associations.audit import audit_batch, audit_batch_head_locked, audit_batch_open, audit_record
from associations.errors import NotFound, WaslError
from associations.hot_sql import hot_cursor
from associations.models import Association
from associations.tenancy import current_association_id
from finance.models import (
    Allocation,
    Due,
    DueKind,
    FiscalYear,
    Payment,
    PaymentMethod,
    Receipt,
    ReceiptCounter,
    ReceiptKind,
    ReceiptSeries,
)
from finance.services.entries import LockedAlong
from finance.words import amount_in_words

logger = logging.getLogger(__name__)

RECEIPT_KIND = "finance_receipt"  # the DocumentKind (finance/receipt_document.py)


def next_receipt_number(*, fiscal_year: FiscalYear, series: str) -> int:
    """The next number of a series in a fiscal year, from its counter row, locked until commit: one
    UPDATE … RETURNING increments and locks it; the first receipt of a series in a year creates it."""
    table = ReceiptCounter._meta.db_table
    sql = (
        f"UPDATE {table} SET last_number = last_number + 1"  # noqa: S608 (a model's own table name)
        " WHERE association_id = %s AND fiscal_year_id = %s AND series = %s RETURNING last_number"
    )
    with hot_cursor() as cursor:
        cursor.execute(sql, [current_association_id(), fiscal_year.pk, series])
        row = cursor.fetchone()
    if row is not None:
        return row[0]
    counter = (
        ReceiptCounter.objects.select_for_update().filter(fiscal_year=fiscal_year, series=series).first()
    )
    if counter is None:
        try:
            with transaction.atomic():
                ReceiptCounter.objects.create(fiscal_year=fiscal_year, series=series)
        except IntegrityError:  # created concurrently: lock the other one's row
            pass
        counter = ReceiptCounter.objects.select_for_update().get(fiscal_year=fiscal_year, series=series)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


def _both(text_function) -> dict:
    out = {}
    for language in ("ar", "fr"):
        with translation.override(language):
            out[language] = str(text_function())
    return out


@functools.cache
def _label_both(choices, value: str) -> dict:
    """The label of a choice in Arabic and in French (the value itself when it is no choice): the
    catalogues are loaded once per process, so each label is translated once."""
    if value not in choices.values:
        return {"ar": value, "fr": value}
    return _both(lambda: choices(value).label)


_words = functools.lru_cache(maxsize=4096)(amount_in_words)  # a pure function of its arguments


def _allocated(payment: Payment, shared) -> list[tuple[Due, Decimal]]:
    """The payment's (due, amount) pairs in the receipt's order (due date, then allocation), each
    due with its year and member: read from the database, or from `shared` — the pairs the payment
    just allocated, their years loaded — with only the members it lacks read (a family's, unless
    the payment read them with its dues)."""
    if shared is None:
        allocations = payment.allocations.select_related("due__fiscal_year", "due__member").order_by(
            "due__due_date", "pk"
        )
        return [(allocation.due, allocation.amount) for allocation in allocations]
    from members.models import Member

    known = {payment.payer_member_id: payment.payer_member} if payment.payer_member_id else {}
    known |= {due.member_id: due.member for due, _part in shared if Due.member.is_cached(due)}
    missing = {due.member_id for due, _part in shared} - set(known)
    if missing:
        names = ("number", "first_name_ar", "last_name_ar", "first_name_latin", "last_name_latin")
        known |= Member.objects.only(*names).in_bulk(missing)
    for due, _part in shared:
        due.member = known[due.member_id]
    order = sorted(range(len(shared)), key=lambda i: (shared[i][0].due_date, i))
    return [shared[i] for i in order]


def _snapshot(receipt: Receipt, payment: Payment, association: Association, shared=None) -> dict:
    method = _label_both(PaymentMethod, payment.method)
    kind = _label_both(ReceiptKind, receipt.kind)
    allocations = []
    for due, allocated in _allocated(payment, shared):
        allocations.append(
            {
                "member_latin": due.member.name_latin,
                "member_ar": due.member.name_ar,
                "member_number": due.member.number,
                "kind_ar": _label_both(DueKind, due.kind)["ar"],
                "kind_fr": _label_both(DueKind, due.kind)["fr"],
                "year": str(due.fiscal_year),
                "amount": f"{allocated:.2f}",
            }
        )
    amount = payment.amount
    return {
        "association": {
            "name_ar": association.name_ar,
            "name_fr": association.name_fr,
            "acronym": association.acronym,
        },
        "number": receipt.label,
        "kind": receipt.kind,
        "kind_ar": kind["ar"],
        "kind_fr": kind["fr"],
        "series": receipt.series,
        "cancels": receipt.cancels.label if receipt.cancels_id else "",
        "reason": receipt.reason,
        "issued_on": receipt.issued_on.isoformat(),
        "paid_on": payment.date.isoformat(),
        "payer": payment.payer_name,
        "purpose": payment.purpose,
        "amount": f"{amount:.2f}",
        "amount_words_ar": _words(amount, "ar"),
        "amount_words_fr": _words(amount, "fr"),
        "method": payment.method,
        "method_ar": method["ar"],
        "method_fr": method["fr"],
        "cheque_number": payment.cheque_number,
        "bank_name": payment.bank_name,
        "reference": payment.reference,
        "allocations": allocations,
        "credit_left": f"{payment.credit_left:.2f}" if payment.credit_left else "",
    }


def receipt_issue(
    *, actor, payment: Payment, series: str, kind: str = ReceiptKind.RECEIPT, cancels: Receipt | None = None,
    reason: str = "", day: Date | None = None, send: bool = True,
) -> Receipt:  # fmt: skip
    """Number and record a receipt inside the caller's transaction (the payment's, or its
    cancellation's); its PDF is rendered after commit and it is sent to the payer."""
    pending = receipt_prepare(
        payment=payment, series=series, kind=kind, cancels=cancels, reason=reason, day=day
    )
    return pending.issue(actor=actor, send=send)


@dataclass
class PendingReceipt:
    """A receipt ready to be numbered: everything read and put together but its number."""

    receipt: Receipt
    payment: Payment
    snapshot: dict
    issuer_verified: bool

    def along_posting(self, *, actor) -> LockedAlong | None:
        """PostgreSQL, inside the audit batch of its association: the receipt's statement as CTEs to
        run in the statement of a posting that locks the year and takes the journal's number (then
        `.issue(along=…)`): the receipt counter is taken after the journal's counter, as when the
        two statements follow each other. None elsewhere (`.issue()` runs its own statement)."""
        association_id = current_association_id()
        if connection.vendor != "postgresql" or not audit_batch_open(association_id):
            return None
        document, params = _issue_params(self, actor)
        return LockedAlong(
            ctes=_RECEIPT_CTES.replace("{condition}", "EXISTS (SELECT 1 FROM c)") + _AUDIT_HEAD_CTE,
            params=params,
            columns=_RECEIPT_COLUMNS,
            context=document,
        )

    def issue(self, *, actor, send: bool = True, along: LockedAlong | None = None) -> Receipt:
        """Number it (the series' counter row, locked until commit: do this as late as possible),
        record its document (rendered after commit) and the receipt, and send it. On PostgreSQL
        the counter, the document and the receipt are one statement — or part of the posting's
        locking statement (`along`, from `along_posting`), when that one ran them."""
        from documents.services import document_record

        receipt, payment = self.receipt, self.payment
        if along is not None and along.row is not None and along.row[0] is not None:
            _issued(self, actor, along.context, along.row)
        elif connection.vendor != "postgresql" or not _issue_postgresql(self, actor):
            receipt.number = next_receipt_number(fiscal_year=receipt.fiscal_year, series=receipt.series)
            snapshot = {**self.snapshot, "number": receipt.label}
            receipt.document = document_record(
                actor=actor, kind=RECEIPT_KIND, title=_receipt_title(receipt.label, payment),
                snapshot=snapshot, issuer_verified=self.issuer_verified,
            )  # fmt: skip
            receipt.save(force_insert=True)
        if send:
            receipt_send(receipt=receipt, payment=payment)
        return receipt


def _receipt_title(label: str, payment: Payment) -> str:
    return f"{label} {payment.payer_name}"[:200]


# The counter's next number, the document (its snapshot and title given the receipt's printed
# number, as `Receipt.label` writes it) and the receipt, in one statement; no row when the series
# has no counter in that year yet (its first receipt: the ORM path creates the counter).
_RECEIPT_CTES = """rc AS (
    UPDATE finance_receiptcounter SET last_number = last_number + 1
    WHERE association_id = %(association_id)s AND fiscal_year_id = %(fiscal_year_id)s AND series = %(series)s
        AND {condition}
    RETURNING last_number
), l AS (
    SELECT last_number, %(prefix)s || CASE WHEN last_number < 100000 THEN lpad(last_number::text, 5, '0')
        ELSE last_number::text END AS label
    FROM rc
), d AS (
    INSERT INTO documents_document (association_id, kind, language, title, token, snapshot, file,
        file_deleted_at, sha256, status, error, issued_by_id, issued_at, rendered_at, cancelled_at,
        cancelled_by_id, cancel_reason)
    SELECT %(association_id)s, %(kind)s, %(language)s, left(l.label || ' ' || %(payer_name)s, 200), %(token)s,
        jsonb_set(%(snapshot)s::jsonb, '{number}', to_jsonb(l.label)), '', NULL, '', %(status)s, '',
        %(issued_by_id)s, %(issued_at)s, NULL, NULL, NULL, ''
    FROM l
    RETURNING id
), r AS (
    INSERT INTO finance_receipt (association_id, payment_id, fiscal_year_id, series, number, kind, cancels_id,
        issued_on, reason, document_id, sent_at, link_version, created_at)
    SELECT %(association_id)s, %(payment_id)s, %(fiscal_year_id)s, %(series)s, l.last_number,
        %(receipt_kind)s, %(cancels_id)s, %(issued_on)s, %(reason)s, d.id, NULL, 0, %(created_at)s
    FROM l, d
    RETURNING id
)"""
_ISSUE = (
    "WITH "
    + _RECEIPT_CTES.replace("{condition}", "true")
    + "\nSELECT l.last_number, l.label, d.id, r.id FROM l, d, r\n"
)
# Inside the audit batch of a payment (or a cancellation) the audit chain's head is locked too, right
# after the receipt (the order of the locks as ever: the year's, the journal's counter, the receipt's
# counter, the audit head), so the batch appends its events with no statement of its own for the lock.
_AUDIT_HEAD_CTE = """, h AS (
    SELECT last_seq, last_hash FROM associations_auditchainhead
    WHERE association_id = %(association_id)s AND EXISTS (SELECT 1 FROM r) FOR UPDATE
)"""
_RECEIPT_COLUMNS = (
    "(SELECT last_number FROM l), (SELECT label FROM l), (SELECT id FROM d), (SELECT id FROM r), "
    "(SELECT last_seq FROM h), (SELECT last_hash FROM h)"
)
_ISSUE_AND_LOCK_AUDIT_HEAD = (
    "WITH "  # noqa: S608 (constant SQL joined to constant SQL)
    + _RECEIPT_CTES.replace("{condition}", "true")
    + _AUDIT_HEAD_CTE
    + "\nSELECT l.last_number, l.label, d.id, r.id, (SELECT last_seq FROM h), (SELECT last_hash FROM h)"
    " FROM l, d, r\n"
)


def _issue_params(pending: PendingReceipt, actor):
    """The unsaved document and the parameters of the receipt's statement."""
    import json

    from documents.services import document_new

    receipt, payment = pending.receipt, pending.payment
    document = document_new(
        actor=actor,
        kind=RECEIPT_KIND,
        title="",
        snapshot=pending.snapshot,
        issuer_verified=pending.issuer_verified,
    )
    receipt.association_id = current_association_id()
    receipt.created_at = timezone.now()
    receipt.number = 0
    prefix = receipt.label[:-5]  # "C2026-" (the label of number 0 is the prefix and 00000)
    params = {
        "association_id": receipt.association_id, "fiscal_year_id": receipt.fiscal_year_id,
        "series": receipt.series, "prefix": prefix, "kind": document.kind, "language": document.language,
        "payer_name": payment.payer_name, "token": document.token, "snapshot": json.dumps(document.snapshot),
        "status": document.status, "issued_by_id": document.issued_by_id, "issued_at": document.issued_at,
        "payment_id": payment.pk, "receipt_kind": receipt.kind, "cancels_id": receipt.cancels_id,
        "issued_on": receipt.issued_on, "reason": receipt.reason, "created_at": receipt.created_at,
    }  # fmt: skip
    return document, params


def _issue_postgresql(pending: PendingReceipt, actor) -> bool:
    """`PendingReceipt.issue`'s numbering and inserts in one statement; False (nothing written)
    when the series has no counter in the year yet."""
    document, params = _issue_params(pending, actor)
    batched = audit_batch_open(pending.receipt.association_id)
    with hot_cursor() as cursor:
        cursor.execute(_ISSUE_AND_LOCK_AUDIT_HEAD if batched else _ISSUE, params)
        row = cursor.fetchone()
    if row is None:
        return False
    _issued(pending, actor, document, row if batched else (*row, None, None))
    return True


def _issued(pending: PendingReceipt, actor, document, row) -> None:
    """The receipt and its document as saved, from the statement's (number, label, document id,
    receipt id, audit head's seq and hash — None when not locked)."""
    from documents.services import document_recorded

    receipt, payment = pending.receipt, pending.payment
    receipt.number, label, document.pk, receipt.pk, last_seq, last_hash = row
    if last_seq is not None:  # (no head row yet: the batch creates it, the long way)
        audit_batch_head_locked(receipt.association_id, last_seq, last_hash)
    if label != receipt.label:  # the statement prints numbers as Receipt.label does
        raise RuntimeError(f"Receipt label {label!r} is not {receipt.label!r}.")
    document.title = _receipt_title(label, payment)
    document.snapshot = {**document.snapshot, "number": label}
    document._state.adding = False
    document._state.db = receipt._state.db = "default"
    receipt._state.adding = False
    receipt.document = document
    document_recorded(actor=actor, document=document)


def receipt_prepare(
    *, payment: Payment, series: str, kind: str = ReceiptKind.RECEIPT, cancels: Receipt | None = None,
    reason: str = "", day: Date | None = None, fiscal_year: FiscalYear | None = None, allocations=None,
    association: Association | None = None,
) -> PendingReceipt:  # fmt: skip
    """The part of `receipt_issue` that needs no lock (inside the caller's transaction); then
    `.issue()`. `fiscal_year`: the year covering `day` (or the payment's date) when known;
    `allocations`: the (due, amount) pairs the payment has just allocated (else they are read);
    `association`: the current association with its names, acronym and verification, when read."""
    if series not in ReceiptSeries.values:
        raise WaslError(_("Unknown receipt series."), field="series")
    day = day or payment.date
    year = fiscal_year or FiscalYear.objects.filter(start_date__lte=day, end_date__gte=day).first()
    if year is None:
        raise WaslError(
            _("No fiscal year covers %(date)s: open that year first.") % {"date": day.isoformat()}
        )
    receipt = Receipt(
        payment=payment, fiscal_year=year, series=series, number=0, kind=kind, cancels=cancels,
        issued_on=day, reason=reason[:300],
    )  # fmt: skip
    if association is None:
        association = Association.objects.only("name_ar", "name_fr", "acronym", "verified_at").get(
            pk=current_association_id()
        )
    snapshot = _snapshot(receipt, payment, association, allocations)
    return PendingReceipt(receipt, payment, snapshot, association.is_verified)


def receipt_send(*, receipt: Receipt, payment: Payment, dedup_key: str = "") -> bool:
    """Queue the receipt for the payer in the outbox, in the same transaction: by e-mail, else by
    SMS, each with the signed link to its PDF (finance/receipt_links.py). Once per receipt (the
    outbox's dedup key; a resend gives its own). False when the payer gave neither."""
    from documents.pdf import verify_url
    from finance.receipt_links import receipt_link_url
    from notifications.services import message_enqueue

    if payment.payer_email:
        channel, address = "email", payment.payer_email
    elif payment.payer_phone:
        channel, address = "sms", payment.payer_phone
    else:
        return False
    snapshot = receipt.document.snapshot if receipt.document_id else {}
    user = payment.payer_member.user if payment.payer_member_id and payment.payer_member.user_id else None
    try:
        _message, created = message_enqueue(
            channel=channel,
            to_address=address,
            template_key="finance.receipt",
            dedup_key=dedup_key or f"finance.receipt:{receipt.pk}",
            context={
                "association_name_ar": snapshot.get("association", {}).get("name_ar", ""),
                "association_name_fr": snapshot.get("association", {}).get("name_fr", ""),
                "number": receipt.label,
                "amount": f"{payment.amount:.2f}",
                "cancellation": receipt.kind == ReceiptKind.CANCELLATION,
                # The PDF itself, by a signed link that needs no account (a payer who is not a
                # member has no portal), and the public check of the receipt.
                "link": receipt_link_url(
                    association_id=receipt.association_id, receipt_id=receipt.pk, version=receipt.link_version
                ),
                "verify_link": verify_url(receipt.document.token) if receipt.document_id else "",
            },
            recipient_user=user,
            recipient_name=payment.payer_name,
        )
    except WaslError:  # an address the outbox cannot use: the receipt stays, unsent
        logger.info("Receipt %s not sent: unusable address", receipt.pk)
        return False
    receipt.sent_at = timezone.now()
    receipt.save(update_fields=["sent_at"])
    return created


def _receipt_for_links(receipt_id) -> Receipt:
    receipt = (
        Receipt.objects.select_for_update(of=("self",))
        .select_related("payment__payer_member", "fiscal_year", "document")
        .filter(pk=receipt_id if str(receipt_id or "").isdigit() else 0)
        .first()
    )
    if receipt is None:
        raise NotFound()
    return receipt


@transaction.atomic
def receipt_resend(*, actor, receipt_id) -> Receipt:
    """Send the receipt to the payer again (a lost e-mail, a new link after withdrawing the old
    ones): a new message in the outbox with a link of the receipt's current version. Once a day per
    link version (a second click the same day is refused, nothing queued twice)."""
    receipt = _receipt_for_links(receipt_id)
    payment = receipt.payment
    if not (payment.payer_email or payment.payer_phone):
        raise WaslError(_("The payer gave no e-mail address or phone: hand the printed receipt over."))
    from notifications.models import Message

    today = timezone.localdate()
    dedup_key = f"finance.receipt:{receipt.pk}:resend:{receipt.link_version}:{today.isoformat()}"
    if Message.objects.filter(dedup_key=dedup_key).exists():
        raise WaslError(_("This receipt was already sent again today."))
    if not receipt_send(receipt=receipt, payment=payment, dedup_key=dedup_key):
        raise WaslError(_("The payer's address cannot be used: correct it on the payment first."))
    audit_record(
        actor=actor, action="finance.receipt.resent", target=receipt, changes={"number": receipt.label}
    )
    return receipt


@transaction.atomic
def receipt_links_withdraw(*, actor, receipt_id) -> Receipt:
    """Make every link to this receipt sent so far stop working (sent to a wrong address, shared too
    widely). The receipt, its number and its PDF stay; a new link can be sent afterwards."""
    receipt = _receipt_for_links(receipt_id)
    receipt.link_version += 1
    receipt.save(update_fields=["link_version"])
    audit_record(
        actor=actor,
        action="finance.receipt.links_withdrawn",
        target=receipt,
        changes={"number": receipt.label},
    )
    return receipt


@transaction.atomic
def receipt_cancel(*, actor, receipt_id: int, reason: str, day: Date | None = None) -> Receipt:
    """Cancel a receipt and its payment: a cancellation receipt (next number of the series, the
    original keeps its own), the payment's entry reversed, its allocations taken off the dues.
    Nothing is deleted. Cancelling twice is refused. Returns the cancellation receipt.
    Its audit events are appended together, last (the audit chain's head locked after the year
    and the receipt counter, in the same order as a payment takes them)."""
    with audit_batch():
        return _receipt_cancel(actor=actor, receipt_id=receipt_id, reason=reason, day=day)


def _receipt_cancel(*, actor, receipt_id: int, reason: str, day: Date | None) -> Receipt:
    from documents.services import document_cancel
    from finance.services.entries import entry_reverse

    reason = " ".join((reason or "").split())
    if not reason:
        raise WaslError(_("Give the reason for the cancellation."), field="reason")
    if len(reason) > 300:
        raise WaslError(_("Too long: %(limit)s characters at most.") % {"limit": 300}, field="reason")
    receipt = Receipt.objects.select_for_update().filter(pk=receipt_id).first()
    if receipt is None:
        raise NotFound()
    if receipt.kind != ReceiptKind.RECEIPT:
        raise WaslError(_("A cancellation receipt cannot itself be cancelled."))
    if Receipt.objects.filter(cancels=receipt).exists():
        raise WaslError(_("This receipt has already been cancelled."))
    payment = Payment.objects.select_for_update().get(pk=receipt.payment_id)
    if payment.cancelled_at is not None:
        raise WaslError(_("This receipt has already been cancelled."))
    day = day or timezone.localdate()
    allocations = list(Allocation.objects.filter(payment=payment).order_by("due_id"))
    dues = Due.objects.select_for_update().in_bulk([a.due_id for a in allocations]) if allocations else {}
    reversal = entry_reverse(
        actor=actor,
        entry_id=payment.entry_id,
        date=max(day, payment.date),
        label=_("Cancellation of receipt %(number)s") % {"number": receipt.label},
    )
    for allocation in allocations:
        due = dues[allocation.due_id]
        due.paid = max(due.paid - allocation.amount, Decimal("0.00"))
        due.save(update_fields=["paid"])
    payment.cancelled_at = timezone.now()
    payment.reversal_entry = reversal
    payment.save(update_fields=["cancelled_at", "reversal_entry"])
    cancellation = receipt_issue(
        actor=actor, payment=payment, series=receipt.series, kind=ReceiptKind.CANCELLATION, cancels=receipt,
        reason=reason, day=reversal.date,
    )  # fmt: skip
    if receipt.document_id:
        document_cancel(actor=actor, document_id=receipt.document_id, reason=reason)
    audit_record(
        actor=actor,
        action="finance.receipt.cancelled",
        target=receipt,
        changes={"number": receipt.label, "cancellation": cancellation.label, "reason": reason},
    )
    return cancellation


def receipts_of_day_pdf(*, day: Date) -> bytes:
    """Every receipt issued on `day`, in number order, as one PDF (to print the day's receipts)."""
    import io

    from pypdf import PdfWriter

    from documents.files import private_storage
    from documents.services import document_pdf_bytes

    receipts = (
        Receipt.objects.filter(issued_on=day)
        .select_related("document", "fiscal_year")
        .order_by("series", "fiscal_year__start_date", "number")
    )
    writer = PdfWriter()
    count = 0
    for receipt in receipts:
        if receipt.document is None:
            continue
        document = receipt.document
        if document.file:
            with private_storage().open(document.file, "rb") as handle:
                content = handle.read()
        else:  # not rendered yet (or failed): render it now, from its frozen snapshot
            content = document_pdf_bytes(document)
        writer.append(io.BytesIO(content))
        count += 1
    if not count:
        raise WaslError(_("No receipt was issued on %(date)s.") % {"date": day.isoformat()})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
