"""Member cards: a bilingual card PDF per member, and A4 sheets of cards for a filter (a job).

Each card is a Document (so its QR code opens /verify/<token>); a sheet's cards share the sheet's
file and hash.
"""

from __future__ import annotations

import hashlib

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from associations.errors import NotFound, WaslError
from associations.models import Association
from associations.tenancy import current_association_id
from documents.files import save_private_file
from documents.kinds import DocumentKind, register_document_kind
from documents.models import Document
from documents.pdf import qr_svg, render_pdf, verify_url
from documents.services import document_cancel, document_issue
from jobs.registry import JobKind, JobOutcome, JobResult, register_job_kind
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


MAX_CARDS_PER_SHEET = 5000


def cards_sheet(*, job, params: dict, progress) -> JobOutcome:
    """A4 sheets of cards (ten per page) for the members of a filter."""
    members = list(
        member_search(
            query=params.get("query", ""),
            status=params.get("status") or "active",
            category_id=params.get("category_id"),
        )
        .filter(status=MemberStatus.ACTIVE)  # only an active member's card is valid
        .exclude(number=None)
        .order_by("number")[: MAX_CARDS_PER_SHEET + 1]
    )
    # Say so rather than hand over an empty sheet, or a sheet silently cut short, as "done".
    if not members:
        raise WaslError(_("No member matches this filter: no card was made."), code="empty")
    if len(members) > MAX_CARDS_PER_SHEET:
        raise WaslError(
            _(
                "More than %(max)s members match this filter: choose a category or a status, "
                "to make fewer cards at once."
            )
            % {"max": MAX_CARDS_PER_SHEET},
            code="too_many",
        )
    progress.total(len(members) + 1)
    association = Association.objects.get(pk=current_association_id())
    year = timezone.localdate().year
    cards, documents = [], []
    for member in members:
        document = Document.objects.create(
            kind=MEMBER_CARD.key,
            title=str(MEMBER_CARD.label),
            language=job.language,
            snapshot=card_snapshot(member, association, year),
            issued_by=job.requested_by,
        )
        documents.append(document)
        url = verify_url(document.token)
        cards.append(
            {"snapshot": document.snapshot, "qr": qr_svg(url), "verify_url": url, "document": document}
        )
        progress.advance()
    pdf = render_pdf("members/pdf/cards_sheet.html", {"cards": cards}, language=job.language)
    name = save_private_file("documents", f"cards-{timezone.localdate():%Y%m%d}.pdf", pdf)
    digest = hashlib.sha256(pdf).hexdigest()
    Document.objects.filter(pk__in=[d.pk for d in documents]).update(
        file=name, sha256=digest, status=Document.Status.READY, rendered_at=timezone.now()
    )
    progress.advance()
    return JobOutcome(
        summary=ngettext("%(count)s card made.", "%(count)s cards made.", len(documents))
        % {"count": len(documents)},
        applied=len(documents),
        file=JobResult(
            content=pdf, filename=f"cards-{association.slug}-{year}.pdf", content_type="application/pdf"
        ),
    )


MEMBER_CARDS = register_job_kind(
    JobKind(
        key="members.cards",
        label=gettext_lazy("Member cards (A4 sheets)"),
        capability="members.manage",
        handler=cards_sheet,
    )
)
