"""Minutes (procès-verbal): drafted from the meeting, edited, signed by the president and the
secretary-general, published to the members as a bilingual PDF with a QR code to /verify/.

The facts (attendance, quorum per call, agenda, tallies, elected officers) are taken from the
meeting when the draft is made and frozen in the minutes; the officers write the narrative in
Arabic and French. The first signature freezes the text: nobody signs a text that then changes."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from associations.audit import audit_record
from associations.capabilities import RoleKind
from associations.errors import NotFound, WaslError
from associations.models import Association, Role
from associations.tenancy import current_association_id
from governance.models import (
    Assembly,
    AssemblyStatus,
    Attendance,
    Mandate,
    Minutes,
    MinutesSignature,
    MinutesStatus,
    Poll,
    PollStatus,
    Proxy,
    Signatory,
)
from governance.models.bureau import OFFICE_ORDER

MAX_TEXT = 60_000


def _person(member) -> dict:
    return {"name_ar": member.name_ar, "name_latin": member.name_latin}


def _poll_tally(poll: Poll) -> dict:
    """The count of a closed poll with the statute's majority (governance.selectors.poll_result)."""
    from governance.selectors import poll_result

    result = poll_result(poll)
    tally = result.tally
    return {
        "question": poll.question,
        "method": poll.method,
        "office": poll.office,
        "round": poll.round,
        "for": tally.yes if tally else 0,
        "against": tally.no if tally else 0,
        "abstain": tally.abstain if tally else 0,
        "ballots": result.ballots,
        "adopted": result.adopted,
        "candidates": [
            {"name": c.name, "votes": c.votes, "elected": c.elected, "office": c.office}
            for c in result.candidates
        ],
    }


def minutes_facts(assembly: Assembly) -> dict:
    """What the meeting recorded, as the minutes state it (a few queries per agenda item)."""
    present = Attendance.objects.filter(assembly=assembly).count()
    represented = Proxy.objects.filter(assembly=assembly).count()
    calls = []
    for call, members, counted, reached in (
        (1, assembly.quorum_first_members, assembly.quorum_first_present, assembly.quorum_first_reached),
        (2, assembly.quorum_second_members, assembly.quorum_second_present, assembly.quorum_second_reached),
    ):
        if reached is not None:
            calls.append({"call": call, "members": members or 0, "present": counted or 0, "reached": reached})
    polls = {}
    for poll in Poll.objects.filter(assembly=assembly, status=PollStatus.CLOSED).order_by("round", "pk"):
        polls.setdefault(poll.agenda_item_id, []).append(_poll_tally(poll))
    agenda = [
        {
            "position": item.position,
            "title": item.title,
            "kind": item.kind,
            "description": item.description,
            "polls": polls.get(item.pk, []),
        }
        for item in assembly.agenda_items.order_by("position", "pk")
    ]
    elected = sorted(
        Mandate.objects.filter(elected_by=assembly).select_related("member"),
        key=lambda m: (OFFICE_ORDER.get(m.office, 99), m.pk),
    )
    held_on = timezone.localtime(assembly.opened_at or assembly.first_call_at)
    return {
        "assembly": {
            "kind": assembly.kind,
            "title": assembly.title,
            "held_on": held_on.date().isoformat(),
            "time": held_on.strftime("%H:%M"),
            "place": assembly.place,
        },
        "attendance": {"present": present, "represented": represented},
        "calls": calls,
        "agenda": agenda,
        "elected": [{**_person(m.member), "office": m.office} for m in elected],
    }


def _narrative(facts: dict, language: str) -> str:
    """A first draft of the text, in `language`, from the facts: the officers rewrite it at will."""
    with translation.override(language):
        lines = [
            _(
                "On %(date)s at %(time)s, the members met at %(place)s. %(present)d members were present "
                "and %(represented)d represented."
            )
            % {
                "date": facts["assembly"]["held_on"],
                "time": facts["assembly"]["time"],
                "place": facts["assembly"]["place"] or "—",
                "present": facts["attendance"]["present"],
                "represented": facts["attendance"]["represented"],
            }
        ]
        for item in facts["agenda"]:
            lines.append(f"{item['position']}. {item['title']}")
            for poll in item["polls"]:
                lines.append(
                    _("%(question)s: %(for)d for, %(against)d against, %(abstain)d abstentions.")
                    % {
                        "question": poll["question"],
                        "for": poll["for"],
                        "against": poll["against"],
                        "abstain": poll["abstain"],
                    }
                )
        return "\n".join(lines)


def _assembly(assembly_id) -> Assembly:
    assembly = Assembly.objects.filter(pk=assembly_id).first() if str(assembly_id or "").isdigit() else None
    if assembly is None:
        raise NotFound()
    return assembly


def _minutes(minutes_id) -> Minutes:
    minutes = (
        Minutes.objects.select_for_update().filter(pk=minutes_id).first()
        if str(minutes_id or "").isdigit()
        else None
    )
    if minutes is None:
        raise NotFound()
    return minutes


@transaction.atomic
def minutes_draft(*, actor, assembly_id) -> Minutes:
    """Draft the minutes of a held meeting (once per meeting)."""
    assembly = _assembly(assembly_id)
    if assembly.status not in (AssemblyStatus.OPEN, AssemblyStatus.CLOSED):
        raise WaslError(_("Minutes are drafted once the meeting has been held."), code="not_held")
    if Minutes.objects.filter(assembly=assembly).exists():
        raise WaslError(_("The minutes of this meeting are already drafted."), code="exists")
    facts = minutes_facts(assembly)
    minutes = Minutes.objects.create(
        assembly=assembly,
        facts=facts,
        text_ar=_narrative(facts, "ar"),
        text_fr=_narrative(facts, "fr"),
        drafted_by=actor,
    )
    audit_record(actor=actor, action="governance.minutes.drafted", target=minutes, changes={})
    return minutes


@transaction.atomic
def minutes_refresh(*, actor, minutes_id) -> Minutes:
    """Take the facts again from the meeting (e.g. after the results were corrected); the text stays."""
    minutes = _minutes(minutes_id)
    _check_editable(minutes)
    minutes.facts = minutes_facts(minutes.assembly)
    minutes.updated_at = timezone.now()
    minutes.save(update_fields=["facts", "updated_at"])
    audit_record(actor=actor, action="governance.minutes.refreshed", target=minutes, changes={})
    return minutes


def _check_editable(minutes: Minutes) -> None:
    if minutes.status != MinutesStatus.DRAFT or minutes.signatures.exists():
        raise WaslError(_("Signed minutes cannot be changed."), code="signed")


@transaction.atomic
def minutes_edit(*, actor, minutes_id, text_ar: str, text_fr: str) -> Minutes:
    minutes = _minutes(minutes_id)
    _check_editable(minutes)
    text_ar, text_fr = (text_ar or "").strip(), (text_fr or "").strip()
    if not text_ar and not text_fr:
        raise WaslError(_("Write the minutes in Arabic, French or both."), field="text_ar")
    for field, text in (("text_ar", text_ar), ("text_fr", text_fr)):
        if len(text) > MAX_TEXT:
            raise WaslError(_("The minutes are too long."), field=field)
    minutes.text_ar, minutes.text_fr = text_ar, text_fr
    minutes.updated_at = timezone.now()
    minutes.save(update_fields=["text_ar", "text_fr", "updated_at"])
    audit_record(actor=actor, action="governance.minutes.edited", target=minutes, changes={})
    return minutes


SIGNATORY_OF_ROLE = {
    RoleKind.PRESIDENT: Signatory.PRESIDENT,
    RoleKind.SECRETARY_GENERAL: Signatory.SECRETARY_GENERAL,
}


def signatory_of(user) -> str | None:
    """The signature a user may put on minutes: the president's or the secretary-general's."""
    role = Role.objects.filter(user=user).first()
    return SIGNATORY_OF_ROLE.get(role.kind) if role else None


@transaction.atomic
def minutes_sign(*, actor, minutes_id) -> MinutesSignature:
    """The acting user signs as president or secretary-general (their role now). Both signatures
    make the minutes signed."""
    minutes = _minutes(minutes_id)
    signatory = signatory_of(actor)
    if signatory is None:
        raise WaslError(
            _("Only the president and the secretary-general sign the minutes."), code="not_signatory"
        )
    if minutes.status != MinutesStatus.DRAFT:
        raise WaslError(_("These minutes are already signed."), code="signed")
    if not (minutes.text_ar or minutes.text_fr):
        raise WaslError(_("Write the minutes before signing them."), code="empty")
    if minutes.signatures.filter(signatory=signatory).exists():
        raise WaslError(_("The minutes already carry this signature."), code="signed_twice")
    signature = MinutesSignature.objects.create(
        minutes=minutes, signatory=signatory, user=actor, name=actor.display_name[:200]
    )
    if minutes.signatures.count() == len(Signatory.values):
        minutes.status = MinutesStatus.SIGNED
        minutes.save(update_fields=["status"])
    audit_record(
        actor=actor, action="governance.minutes.signed", target=minutes, changes={"signatory": signatory}
    )
    return signature


def minutes_snapshot(minutes: Minutes) -> dict:
    association = Association.objects.get(pk=current_association_id())
    return {
        "association": {
            "name_ar": association.name_ar,
            "name_fr": association.name_fr,
            "acronym": association.acronym,
        },
        "facts": minutes.facts,
        "text_ar": minutes.text_ar,
        "text_fr": minutes.text_fr,
        "signatures": [
            {
                "signatory": s.signatory,
                "name": s.name,
                "signed_on": timezone.localdate(s.signed_at).isoformat(),
            }
            for s in minutes.signatures.order_by("signatory")
        ],
        "held_on": minutes.facts.get("assembly", {}).get("held_on", ""),
        "kind": minutes.facts.get("assembly", {}).get("kind", ""),
    }


@transaction.atomic
def minutes_publish(*, actor, minutes_id) -> Minutes:
    """Publish signed minutes: the bilingual PDF is issued (rendered after commit) and the members
    see them in their portal."""
    from documents.services import document_issue

    minutes = _minutes(minutes_id)
    if minutes.status == MinutesStatus.PUBLISHED:
        raise WaslError(_("These minutes are already published."), code="published")
    if minutes.status != MinutesStatus.SIGNED:
        raise WaslError(
            _("The president and the secretary-general must both sign the minutes first."), code="unsigned"
        )
    document = document_issue(
        actor=actor,
        kind="governance_minutes",
        title=f"PV {minutes.assembly.title}"[:200],
        snapshot=minutes_snapshot(minutes),
    )
    minutes.document = document
    minutes.status = MinutesStatus.PUBLISHED
    minutes.published_at = timezone.now()
    minutes.save(update_fields=["document", "status", "published_at"])
    audit_record(actor=actor, action="governance.minutes.published", target=minutes, changes={})
    return minutes
