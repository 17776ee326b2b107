"""Member cards: a bilingual card PDF per member, and A4 sheets of cards for a filter (a job).

Each card is a Document (so its QR code opens /verify/<token>); a sheet's cards share the sheet's
file and hash.
"""

from __future__ import annotations

import hashlib
import io

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from pypdf import PdfReader, PdfWriter

from associations.errors import NotFound, WaslError
from associations.models import Association
from associations.tenancy import current_association_id
from documents.files import private_storage
from documents.kinds import DocumentKind, register_document_kind
from documents.logos import logo_data_uri
from documents.models import Document
from documents.pdf import qr_png_data_uri, render_pdf, verify_url
from documents.services import document_cancel, document_issue
from jobs.registry import JobKind, JobOutcome, JobResult, JobSteps, register_job_kind
from members.models import Member, MemberStatus
from members.selectors import member_search


def card_validity(snapshot: dict) -> str | None:
    """A card is valid only while its holder is an active member, and only for its year.

    A suspended member's card is not valid while the suspension lasts (and is again once it is
    lifted); resignation, exclusion and death cancel the member's cards for good
    (`member_cards_cancel`), so a former member who is admitted again needs a new card. Called by
    /verify/<token> in the issuing association's scope: the answer names no one."""
    number = (snapshot.get("member") or {}).get("number")
    status = Member.objects.filter(number=number).values_list("status", flat=True).first() if number else None
    if status != MemberStatus.ACTIVE:
        return _("Its holder is not an active member of the association.")
    year = snapshot.get("valid_year")
    if year != timezone.localdate().year:
        return _("This card was valid for %(year)s only.") % {"year": year}
    return None


def card_printed_facts(snapshot: dict) -> list[tuple[str, str]]:
    """What /verify/<token> shows of a card: its number and year, never the name."""
    return [
        (_("Member number"), str((snapshot.get("member") or {}).get("number", ""))),
        (_("Valid for the year"), str(snapshot.get("valid_year", ""))),
    ]


def card_subject(snapshot: dict) -> str:
    """'no. 41, Ahmed Alaoui, 2026': the member and year a card is for."""
    member = snapshot.get("member") or {}
    return _("no. %(number)s, %(name)s, %(year)s") % {
        "number": member.get("number") or "—",
        "name": member.get("name_latin") or member.get("name_ar") or "—",
        "year": snapshot.get("valid_year") or "—",
    }


MEMBER_CARD = register_document_kind(
    DocumentKind(
        key="member_card",
        label=gettext_lazy("Member card"),
        template="members/pdf/card.html",
        validity_check=card_validity,
        printed_facts=card_printed_facts,
        describe=card_subject,
    )
)


def card_snapshot(member: Member, association: Association, year: int) -> dict:
    category = member.category
    return {
        "association": {
            "name_ar": association.name_ar,
            "name_fr": association.name_fr,
            "acronym": association.acronym,
        },
        "member": {
            "number": member.number,
            "name_ar": member.name_ar,
            "name_latin": member.name_latin,
            "category_ar": category.name_ar if category else "",
            "category_fr": category.name_fr if category else "",
        },
        "valid_year": year,
    }


def member_card_issue(*, actor, member_id: int) -> Document:
    member = Member.objects.select_related("category").filter(pk=member_id, anonymised_at=None).first()
    if member is None:
        raise NotFound()
    if member.number is None:
        raise WaslError(_("An applicant has no card until the board admits them."), code="applicant")
    if member.status != MemberStatus.ACTIVE:
        raise WaslError(_("Only an active member has a valid card."), code="not_active")
    association = Association.objects.get(pk=current_association_id())
    snapshot = card_snapshot(member, association, timezone.localdate().year)
    return document_issue(actor=actor, kind=MEMBER_CARD.key, title=str(MEMBER_CARD.label), snapshot=snapshot)


def member_cards_cancel(*, actor, member: Member, reason: str) -> int:
    """Cancel every card of a member (on leaving the association): each verification page then says
    so, and stays so if the member is admitted again. Call inside the status change's transaction."""
    cards = list(
        Document.objects.filter(
            kind=MEMBER_CARD.key, cancelled_at=None, snapshot__member__number=member.number
        ).values_list("pk", flat=True)
    )
    for document_id in cards:
        document_cancel(actor=actor, document_id=document_id, reason=reason)
    return len(cards)


CARDS_PER_PAGE = 10  # 2 × 5 on A4 (members/pdf/cards_sheet.html)
SHEET_MEMBERS_MAX = 5000


def cards_sheet_pdf(documents, *, language: str) -> bytes:
    """A4 pages of ten cards for these card documents, in their order. Linear in their number:
    each page is a box of its own, and each QR code a small bitmap."""
    cards = []
    logo_src = logo_data_uri()  # once for the sheet: the same small image on every card
    for position, document in enumerate(documents):
        slot = position % CARDS_PER_PAGE
        cards.append(
            {
                "snapshot": document.snapshot,
                "qr_src": qr_png_data_uri(verify_url(document.token)),
                "logo_src": logo_src,
                "row": slot // 2,
                "column": slot % 2,
            }
        )
    pages = [cards[i : i + CARDS_PER_PAGE] for i in range(0, len(cards), CARDS_PER_PAGE)]
    return render_pdf("members/pdf/cards_sheet.html", {"pages": pages}, language=language)


def _cards_per_step() -> int:
    """Whole pages per step, so the parts join into the same pages one render would give."""
    return max(1, settings.WASL_CARD_SHEET_STEP // CARDS_PER_PAGE) * CARDS_PER_PAGE


def _part_name(job, index: int) -> str:
    return f"associations/{job.association_id}/jobs/cards-{job.pk}-part-{index:05d}.pdf"


def _sheet_name(job) -> str:
    """The joined sheet's name, known to the cleanup: if the job fails after the finish stored it,
    its rows are rolled back and only this name says which file holds the members' names."""
    return f"associations/{job.association_id}/documents/cards-{job.pk}.pdf"


def cards_sheet(*, job, params: dict, progress) -> JobSteps:
    """A4 sheets of cards (ten per page) for the members of a filter, in steps: this records one
    card document per member (pending until the sheet exists); each step renders a few pages into
    a part file; the finish joins the parts and makes the cards ready."""
    members = list(
        member_search(
            query=params.get("query", ""),
            status=params.get("status") or "active",
            category_id=params.get("category_id"),
        )
        .filter(status=MemberStatus.ACTIVE)  # only an active member's card is valid
        .exclude(number=None)
        .order_by("number")[: SHEET_MEMBERS_MAX + 1]
    )
    # Say so rather than hand over an empty sheet, or a sheet silently cut short, as "done".
    if not members:
        raise WaslError(_("No member matches this filter: no card was made."), code="empty")
    if len(members) > SHEET_MEMBERS_MAX:
        raise WaslError(
            _(
                "More than %(max)s members match this filter: choose a category or a status, "
                "to make fewer cards at once."
            )
            % {"max": SHEET_MEMBERS_MAX},
            code="too_many",
        )
    association = Association.objects.get(pk=current_association_id())
    year = timezone.localdate().year
    documents = Document.objects.bulk_create(
        Document(
            kind=MEMBER_CARD.key,
            title=str(MEMBER_CARD.label),
            language=job.language,
            snapshot=card_snapshot(member, association, year),
            issued_by=job.requested_by,
        )
        for member in members
    )
    progress.total(len(documents) + 1)  # every card, then the joined sheet
    document_ids = [document.pk for document in documents]
    per_step = _cards_per_step()
    return JobSteps(
        count=-(-len(document_ids) // per_step),
        state={"document_ids": document_ids, "per_step": per_step, "parts": []},
    )


def cards_sheet_step(*, job, state: dict, index: int, progress) -> dict:
    """Render the pages of step `index` into a part file (a repeated step writes the same name)."""
    per_step = state["per_step"]
    ids = state["document_ids"][index * per_step : (index + 1) * per_step]
    by_id = Document.objects.in_bulk(ids)
    pdf = cards_sheet_pdf([by_id[pk] for pk in ids], language=job.language)
    name = _part_name(job, index)
    storage = private_storage()
    storage.delete(name)
    stored = storage.save(name, ContentFile(pdf))
    progress.advance(len(ids))
    return {"parts": [*state["parts"][:index], stored]}


def cards_sheet_finish(*, job, state: dict, progress) -> JobOutcome:
    storage = private_storage()
    writer = PdfWriter()
    for name in state["parts"]:
        with storage.open(name, "rb") as handle:
            writer.append(PdfReader(io.BytesIO(handle.read())))
    buffer = io.BytesIO()
    writer.write(buffer)
    pdf = buffer.getvalue()
    storage.delete(_sheet_name(job))  # a finish run again writes the same name
    name = storage.save(_sheet_name(job), ContentFile(pdf))
    digest = hashlib.sha256(pdf).hexdigest()
    Document.objects.filter(pk__in=state["document_ids"]).update(
        file=name, sha256=digest, status=Document.Status.READY, rendered_at=timezone.now()
    )
    progress.advance()
    association = Association.objects.get(pk=current_association_id())
    count = len(state["document_ids"])
    return JobOutcome(
        summary=ngettext("%(count)s card made.", "%(count)s cards made.", count) % {"count": count},
        applied=count,
        file=JobResult(
            content=pdf,
            filename=f"cards-{association.slug}-{timezone.localdate().year}.pdf",
            content_type="application/pdf",
        ),
    )


def cards_sheet_cleanup(*, job, state: dict, succeeded: bool) -> None:
    """Remove the part files; after a failure, also the cards that never got their sheet (pending:
    never rendered, never handed out) and a sheet the finish stored before the job failed."""
    storage = private_storage()
    for name in {*state.get("parts", []), *(_part_name(job, i) for i in range(job.steps_total))}:
        storage.delete(name)
    if not succeeded:
        if state.get("document_ids"):
            Document.objects.filter(pk__in=state["document_ids"], status=Document.Status.PENDING).delete()
        if not Document.objects.filter(file=_sheet_name(job)).exists():
            storage.delete(_sheet_name(job))


MEMBER_CARDS = register_job_kind(
    JobKind(
        key="members.cards",
        label=gettext_lazy("Member cards (A4 sheets)"),
        capability="members.manage",
        handler=cards_sheet,
        step=cards_sheet_step,
        finish=cards_sheet_finish,
        cleanup=cards_sheet_cleanup,
    )
)
