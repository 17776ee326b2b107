"""Writes for governance: statute rules, assemblies and their convocation, attendance and
proxies, polls and ballots.

Secrecy of the ballot (DESIGN.md, "Invariants"): `ballot_cast` inserts the voter's
`Participation` (unique per poll and member: a second attempt inserts nothing, ON CONFLICT DO
NOTHING, and is refused) and then a `Ballot` that says nothing of who cast it, in one
transaction; no audit event is written for a vote (the audit trail would tie a time and a person
to it). Until the poll closes both rows carry that transaction's id (they carried adjacent ids
when the participation had a savepoint of its own): `poll_close` rewrites the poll's ballots in
random order, so that neither the table's physical order nor the transaction ids follow the
order of the votes (docs/notes/2026-11-29/s2-assembly.md says what remains).
"""

from __future__ import annotations

import datetime
import random
import re

from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from associations.audit import audit_record
from associations.capabilities import RoleKind
from associations.errors import NotFound, WaslError
from associations.links import absolute_url
from associations.models import Association
from associations.tenancy import current_association_id
from documents.files import save_private_file, validate_upload
from governance import selectors
from governance.models import (
    AgendaItem,
    AgendaItemKind,
    Assembly,
    AssemblyDocument,
    AssemblyStatus,
    Attendance,
    Ballot,
    BallotChoice,
    BallotSelection,
    Candidate,
    CandidateList,
    CheckInMethod,
    ConvocationReply,
    DecisionKind,
    ElectionMode,
    Participation,
    Poll,
    PollMethod,
    PollStatus,
    Proxy,
    ReplyAnswer,
    StatuteRules,
    Threshold,
    VoterRollEntry,
)
from members.models import Member
from notifications.models import Channel
from notifications.services import MessageSpec, message_enqueue_many, normalise_address

CONVOCATION_TEMPLATE = "governance.convocation"
RULES_FIELDS = (
    "adopted_on",
    "notice_days_ordinary",
    "notice_days_extraordinary",
    "notice_days_constitutive",
    "notice_days_board",
    "quorum_first_call",
    "quorum_second_call",
    "second_call_delay_minutes",
    "majority_ordinary",
    "base_ordinary",
    "majority_statutes",
    "base_statutes",
    "majority_dissolution",
    "base_dissolution",
    "majority_election",
    "base_election",
    "tie_rule",
    "proxies_allowed",
    "proxies_per_holder",
    "dues_required_to_vote",
    "bureau_composition",
    "bureau_term_years",
)
ASSEMBLY_FIELDS = ("kind", "title", "first_call_at", "second_call_at", "place", "remote_voting")


# --- Statute rules -------------------------------------------------------------------------------


def _validate_composition(composition) -> dict[str, int]:
    offices = {kind.value for kind in RoleKind if kind not in (RoleKind.STAFF, RoleKind.MEMBER)}
    if not isinstance(composition, dict) or not composition:
        raise WaslError(_("Give the bureau's offices and their number of seats."), field="bureau_composition")
    clean = {}
    for office, seats in composition.items():
        if office not in offices:
            raise WaslError(
                _("%(office)s is not an office of the bureau.") % {"office": office},
                field="bureau_composition",
            )
        if not isinstance(seats, int) or isinstance(seats, bool) or not 0 <= seats <= 50:
            raise WaslError(_("Each office has between 0 and 50 seats."), field="bureau_composition")
        clean[office] = seats
    return clean


@transaction.atomic
def statute_rules_adopt(*, actor, values: dict, statutes_upload=None) -> StatuteRules:
    """Record a new version of the statutes' rules (the text as a private file). Earlier versions
    stay as they are: assemblies convened under them keep them."""
    unknown = set(values) - set(RULES_FIELDS)
    if unknown:
        raise WaslError(_("Unknown rule: %(names)s.") % {"names": ", ".join(sorted(unknown))})
    latest = StatuteRules.objects.select_for_update().order_by("-version").first()
    rules = StatuteRules(version=(latest.version + 1) if latest else 1, created_by=actor)
    if latest is not None:  # a new version starts from the one in force
        for name in RULES_FIELDS:
            setattr(rules, name, getattr(latest, name))
        rules.statutes_file, rules.statutes_file_name = latest.statutes_file, latest.statutes_file_name
    for name, value in values.items():
        setattr(rules, name, value)
    rules.bureau_composition = _validate_composition(rules.bureau_composition)
    if rules.quorum_second_call != Threshold.NONE and rules.quorum_first_call == Threshold.NONE:
        raise WaslError(
            _("A second call cannot need a quorum when the first needs none."), field="quorum_second_call"
        )
    _full_clean(rules, exclude=["association", "created_by"])
    if statutes_upload is not None:
        validate_upload(statutes_upload, allowed={"pdf"})
        rules.statutes_file = save_private_file("statutes", statutes_upload.name, statutes_upload.read())
        rules.statutes_file_name = statutes_upload.name[:200]
    rules.save()
    audit_record(
        actor=actor, action="governance.rules.adopted", target=rules, changes={"version": rules.version}
    )
    return rules


def _full_clean(obj, *, exclude=None) -> None:
    from django.core.exceptions import ValidationError

    try:
        obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise WaslError(" ".join(messages), field=None if field == "__all__" else field) from None


# --- Assemblies ----------------------------------------------------------------------------------


def _assembly_for_update(assembly_id: int) -> Assembly:
    assembly = Assembly.objects.select_for_update().filter(pk=assembly_id).first()
    if assembly is None:
        raise NotFound()
    return assembly


def _require_draft(assembly: Assembly) -> None:
    if assembly.status != AssemblyStatus.DRAFT:
        raise WaslError(
            _("The assembly is convened: its date and agenda no longer change."), code="not_draft"
        )


def _check_dates(assembly: Assembly) -> None:
    if assembly.second_call_at is not None and assembly.second_call_at < assembly.first_call_at:
        raise WaslError(_("The second call comes after the first."), field="second_call_at")


@transaction.atomic
def assembly_create(*, actor, values: dict) -> Assembly:
    assembly = Assembly(created_by=actor)
    for name in ASSEMBLY_FIELDS:
        if name in values:
            setattr(assembly, name, values[name])
    _full_clean(assembly, exclude=["association", "created_by", "rules", "convened_by"])
    _check_dates(assembly)
    assembly.save()
    audit_record(actor=actor, action="governance.assembly.created", target=assembly)
    return assembly


@transaction.atomic
def assembly_update(*, actor, assembly_id: int, values: dict) -> Assembly:
    assembly = _assembly_for_update(assembly_id)
    _require_draft(assembly)
    changed = [name for name in ASSEMBLY_FIELDS if name in values and getattr(assembly, name) != values[name]]
    for name in changed:
        setattr(assembly, name, values[name])
    _full_clean(assembly, exclude=["association", "created_by", "rules", "convened_by"])
    _check_dates(assembly)
    if changed:
        assembly.save(update_fields=changed)
        audit_record(
            actor=actor, action="governance.assembly.updated", target=assembly, changes={"fields": changed}
        )
    return assembly


@transaction.atomic
def agenda_item_add(
    *, actor, assembly_id: int, kind: str, title: str, description: str = "", decision_kind: str = ""
) -> AgendaItem:
    assembly = _assembly_for_update(assembly_id)
    _require_draft(assembly)
    if kind == AgendaItemKind.ELECTION:
        decision_kind = DecisionKind.ELECTION
    elif decision_kind in ("", DecisionKind.ELECTION):
        decision_kind = DecisionKind.ORDINARY
    last = AgendaItem.objects.filter(assembly=assembly).order_by("-position").first()
    item = AgendaItem(
        assembly=assembly,
        position=(last.position + 1) if last else 1,
        kind=kind,
        title=(title or "").strip(),
        description=(description or "").strip(),
        decision_kind=decision_kind,
    )
    _full_clean(item, exclude=["association", "assembly"])
    item.save()
    audit_record(
        actor=actor, action="governance.agenda.added", target=assembly, changes={"position": item.position}
    )
    return item


@transaction.atomic
def agenda_item_remove(*, actor, item_id: int) -> None:
    item = AgendaItem.objects.filter(pk=item_id).first()
    if item is None:
        raise NotFound()
    assembly = _assembly_for_update(item.assembly_id)
    _require_draft(assembly)
    position = item.position
    item.delete()
    audit_record(
        actor=actor, action="governance.agenda.removed", target=assembly, changes={"position": position}
    )


DOCUMENT_KINDS = {"pdf", "png", "jpeg", "docx", "xlsx", "odt", "ods"}


@transaction.atomic
def assembly_document_attach(*, actor, assembly_id: int, title: str, upload) -> AssemblyDocument:
    assembly = _assembly_for_update(assembly_id)
    if assembly.status in (AssemblyStatus.CLOSED, AssemblyStatus.CANCELLED):
        raise WaslError(_("The assembly is over."), code="over")
    checked = validate_upload(upload, allowed=DOCUMENT_KINDS)
    document = AssemblyDocument(
        assembly=assembly,
        title=(title or upload.name).strip()[:200],
        original_name=upload.name[:200],
        content_type=checked.mime,
        uploaded_by=actor,
    )
    document.file = save_private_file("assemblies", upload.name, upload.read())
    document.save()
    audit_record(actor=actor, action="governance.document.attached", target=assembly)
    return document


def earliest_first_call(kind: str, rules: StatuteRules, *, today: datetime.date) -> datetime.date:
    """The first day a meeting convened today may sit, under the statutes' notice."""
    return today + datetime.timedelta(days=rules.notice_days(kind))


@transaction.atomic
def assembly_convene(*, actor, assembly_id: int, now: datetime.datetime | None = None) -> int:
    """Convene: fix the rules in force, refuse a date the notice does not allow, and queue the
    convocation to every member (e-mail, else SMS) in the outbox, in the same transaction.
    Returns how many messages were queued."""
    now = now or timezone.now()
    assembly = _assembly_for_update(assembly_id)
    _require_draft(assembly)
    if not AgendaItem.objects.filter(assembly=assembly).exists():
        raise WaslError(_("Put at least one item on the agenda before convening."), code="no_agenda")
    rules = selectors.rules_current()
    if rules is None:  # the defaults become version 1, so the assembly keeps what it was held under
        rules = StatuteRules.objects.create(version=1, created_by=actor)
    earliest = earliest_first_call(assembly.kind, rules, today=timezone.localdate(now))
    if timezone.localdate(assembly.first_call_at) < earliest:
        raise WaslError(
            _("The statutes ask for %(days)s days' notice: the first call cannot be before %(date)s.")
            % {"days": rules.notice_days(assembly.kind), "date": earliest.isoformat()},
            field="first_call_at",
            code="notice",
        )
    assembly.rules = rules
    if assembly.second_call_at is None:
        assembly.second_call_at = assembly.first_call_at + datetime.timedelta(
            minutes=rules.second_call_delay_minutes
        )
    assembly.status = AssemblyStatus.CONVENED
    assembly.convened_at = now
    assembly.convened_by = actor
    assembly.save(update_fields=["rules", "second_call_at", "status", "convened_at", "convened_by"])
    queued = _queue_convocations(assembly)
    audit_record(
        actor=actor,
        action="governance.assembly.convened",
        target=assembly,
        changes={"rules_version": rules.version, "messages": queued},
    )
    return queued


def _valid_address(channel: str, address: str) -> str:
    if not address:
        return ""
    try:
        return normalise_address(channel, address)
    except WaslError:
        return ""


def _queue_convocations(assembly: Assembly) -> int:
    """One message per convened member: e-mail when they have a usable address, else SMS. The
    convocation is a statutory notice, not a communication a member may opt out of; an address
    that objected to a channel is still honoured by the outbox (recorded as suppressed)."""
    from members.selectors import member_reach

    association = Association.objects.get(pk=current_association_id())
    portal_url = absolute_url(reverse("members:my", kwargs={"association_slug": association.slug}))
    member_ids = list(selectors.convened_members(assembly).order_by("pk").values_list("pk", flat=True))
    specs = []
    when = timezone.localtime(assembly.first_call_at)
    for start in range(0, len(member_ids), 1000):
        for reach in member_reach(member_ids=member_ids[start : start + 1000]):
            context = {
                "assembly": assembly.pk,
                "kind": assembly.kind,
                "title": assembly.title,
                "date": when.strftime("%Y-%m-%d %H:%M"),
                "place": assembly.place,
                "association_name": association.name_fr if reach.language == "fr" else association.name_ar,
                "portal_url": portal_url,
            }
            email = _valid_address(Channel.EMAIL, reach.email)
            phone = "" if email else _valid_address(Channel.SMS, reach.phone)
            if not (email or phone):
                continue
            channel = Channel.EMAIL if email else Channel.SMS
            specs.append(
                MessageSpec(
                    channel=channel,
                    to_address=email or phone,
                    template_key=CONVOCATION_TEMPLATE,
                    dedup_key=f"governance.convocation:{assembly.pk}:{reach.member_id}",
                    language=reach.language,
                    context=context,
                    recipient_user_id=reach.user_id,
                    recipient_name=reach.name[:200],
                )
            )
    return message_enqueue_many(specs)


@transaction.atomic
def assembly_cancel(*, actor, assembly_id: int) -> Assembly:
    assembly = _assembly_for_update(assembly_id)
    if assembly.status not in (AssemblyStatus.DRAFT, AssemblyStatus.CONVENED):
        raise WaslError(_("Only an assembly not yet in session can be cancelled."), code="not_cancellable")
    assembly.status = AssemblyStatus.CANCELLED
    assembly.save(update_fields=["status"])
    audit_record(actor=actor, action="governance.assembly.cancelled", target=assembly)
    return assembly


@transaction.atomic
def convocation_reply(*, member: Member, assembly_id: int, answer: str) -> ConvocationReply:
    """A member says whether they will come."""
    assembly = Assembly.objects.filter(pk=assembly_id).first()
    if assembly is None or not selectors.convened_members(assembly).filter(pk=member.pk).exists():
        raise NotFound()
    if assembly.status != AssemblyStatus.CONVENED:
        raise WaslError(_("This assembly no longer takes replies."), code="closed")
    if answer not in ReplyAnswer.values:
        raise WaslError(_("Choose an answer."), field="answer")
    reply, created = ConvocationReply.objects.get_or_create(
        assembly=assembly, member=member, defaults={"answer": answer}
    )
    if not created and reply.answer != answer:
        reply.answer = answer
        reply.answered_at = timezone.now()
        reply.save(update_fields=["answer", "answered_at"])
    return reply


# --- The day: session, attendance, proxies -------------------------------------------------------


def _require_in_session(assembly: Assembly) -> None:
    if assembly.status != AssemblyStatus.OPEN:
        raise WaslError(_("The assembly is not in session."), code="not_in_session")


@transaction.atomic
def assembly_open(*, actor, assembly_id: int) -> Assembly:
    """Open the session (first call): the door and the quorum counter start."""
    assembly = _assembly_for_update(assembly_id)
    if assembly.status != AssemblyStatus.CONVENED:
        raise WaslError(_("Only a convened assembly can be opened."), code="not_convened")
    assembly.status = AssemblyStatus.OPEN
    assembly.opened_at = timezone.now()
    assembly.save(update_fields=["status", "opened_at"])
    audit_record(actor=actor, action="governance.assembly.opened", target=assembly)
    return assembly


def _record_quorum(assembly: Assembly, status: selectors.QuorumStatus) -> list[str]:
    prefix = "quorum_first" if status.call == 1 else "quorum_second"
    setattr(assembly, f"{prefix}_present", status.present_and_represented)
    setattr(assembly, f"{prefix}_members", status.members)
    setattr(assembly, f"{prefix}_reached", status.reached)
    return [f"{prefix}_present", f"{prefix}_members", f"{prefix}_reached"]


@transaction.atomic
def quorum_declare(*, actor, assembly_id: int) -> selectors.QuorumStatus:
    """The chair declares the current call's quorum as it stands (recorded for the minutes)."""
    assembly = _assembly_for_update(assembly_id)
    _require_in_session(assembly)
    status = selectors.quorum_status(assembly)
    assembly.save(update_fields=_record_quorum(assembly, status))
    audit_record(
        actor=actor,
        action="governance.quorum.declared",
        target=assembly,
        changes={
            "call": status.call,
            "present": status.present_and_represented,
            "members": status.members,
            "reached": status.reached,
        },
    )
    return status


@transaction.atomic
def second_call_open(*, actor, assembly_id: int, now: datetime.datetime | None = None) -> Assembly:
    """The first call failed its quorum: at the time the statutes set, the second call opens with
    its own quorum."""
    now = now or timezone.now()
    assembly = _assembly_for_update(assembly_id)
    _require_in_session(assembly)
    if assembly.current_call != 1:
        raise WaslError(_("The second call is already open."), code="second_call")
    first = selectors.quorum_status(assembly, call=1)
    if first.reached:
        raise WaslError(_("The first call has its quorum: no second call is needed."), code="quorum_reached")
    if Poll.objects.filter(assembly=assembly).exclude(status=PollStatus.DRAFT).exists():
        raise WaslError(_("A vote was held at the first call."), code="voted")
    if assembly.second_call_at and now < assembly.second_call_at:
        raise WaslError(
            _("The second call opens at %(time)s.")
            % {"time": timezone.localtime(assembly.second_call_at).strftime("%H:%M")},
            code="too_early",
        )
    fields = _record_quorum(assembly, first)
    assembly.current_call = 2
    assembly.second_call_opened_at = now
    assembly.save(update_fields=[*fields, "current_call", "second_call_opened_at"])
    audit_record(actor=actor, action="governance.assembly.second_call", target=assembly)
    return assembly


@transaction.atomic
def assembly_close(*, actor, assembly_id: int) -> Assembly:
    assembly = _assembly_for_update(assembly_id)
    _require_in_session(assembly)
    if Poll.objects.filter(assembly=assembly, status=PollStatus.OPEN).exists():
        raise WaslError(_("Close the open votes first."), code="poll_open")
    assembly.status = AssemblyStatus.CLOSED
    assembly.closed_at = timezone.now()
    assembly.save(update_fields=["status", "closed_at"])
    audit_record(actor=actor, action="governance.assembly.closed", target=assembly)
    return assembly


def _door_open(assembly: Assembly) -> None:
    if assembly.status not in (AssemblyStatus.CONVENED, AssemblyStatus.OPEN):
        raise WaslError(_("The door is closed: this assembly is not being held."), code="door_closed")
    if assembly.status == AssemblyStatus.CONVENED and timezone.localdate() < selectors.assembly_date(
        assembly
    ):
        raise WaslError(_("Check-in opens on the day of the assembly."), code="too_early")


def attendance_check_in(*, actor, assembly_id: int, member_id: int, method: str = CheckInMethod.SEARCH):
    """Check a convened member in at the door. Returns (attendance, created): checking in someone
    already in is not an error, the door says so. A member who had given a proxy and comes in
    person votes in person: the proxy is withdrawn. No audit event (the row records who and when)."""
    with transaction.atomic():
        assembly = Assembly.objects.filter(pk=assembly_id).first()
        if assembly is None:
            raise NotFound()
        _door_open(assembly)
        member = selectors.convened_members(assembly).filter(pk=member_id).first()
        if member is None:
            raise WaslError(_("This person is not convened to this assembly."), code="not_convened")
        existing = Attendance.objects.filter(assembly=assembly, member=member).first()
        if existing is not None:
            return existing, False
        try:
            with transaction.atomic():
                attendance = Attendance.objects.create(
                    assembly=assembly,
                    member=member,
                    call=assembly.current_call,
                    method=method,
                    checked_in_by=actor if getattr(actor, "is_authenticated", False) else None,
                )
        except IntegrityError:  # two phones checked the same person in at once
            return Attendance.objects.get(assembly=assembly, member=member), False
        Proxy.objects.filter(assembly=assembly, grantor=member).delete()
        return attendance, True


_CARD_TOKEN = re.compile(r"(?:/verify/)?([A-Za-z0-9_-]{16,40})/?$")


def member_from_card(scanned: str) -> Member:
    """The member whose card was scanned: the card's QR holds its verification URL; the token
    names an issued, not cancelled, member card of this association."""
    from documents.models import Document

    match = _CARD_TOKEN.search((scanned or "").strip().split("?")[0])
    document = None
    if match:
        document = Document.objects.filter(
            token=match.group(1), kind="member_card", cancelled_at=None
        ).first()
    if document is None:
        raise WaslError(_("This code is not a valid member card of the association."), code="bad_card")
    number = (document.snapshot.get("member") or {}).get("number")
    member = Member.objects.filter(number=number, anonymised_at=None).first() if number else None
    if member is None:
        raise WaslError(_("This code is not a valid member card of the association."), code="bad_card")
    return member


@transaction.atomic
def proxy_record(*, actor, assembly_id: int, grantor_id: int, holder_id: int, document_upload=None) -> Proxy:
    """A written proxy: the statutes must allow them, both members have a vote, the holder is in
    the room, the grantor is not, and the holder stays within the statutes' cap. The assembly's
    row is locked, so two proxies recorded at once cannot both take the last place."""
    assembly = _assembly_for_update(assembly_id)
    _door_open(assembly)
    rules = selectors.rules_for(assembly)
    if not rules.proxies_allowed:
        raise WaslError(_("The statutes do not allow proxies."), code="no_proxies")
    if grantor_id == holder_id:
        raise WaslError(_("A member cannot hold their own proxy."), field="holder")
    voters = selectors.voters(assembly)
    found = {m.pk: m for m in voters.filter(pk__in=[grantor_id, holder_id])}
    if grantor_id not in found:
        raise WaslError(_("The member giving the proxy has no vote at this assembly."), field="grantor")
    if holder_id not in found:
        raise WaslError(_("The proxy holder has no vote at this assembly."), field="holder")
    if not Attendance.objects.filter(assembly=assembly, member_id=holder_id).exists():
        raise WaslError(_("The proxy holder must be present: check them in first."), field="holder")
    if Attendance.objects.filter(assembly=assembly, member_id=grantor_id).exists():
        raise WaslError(_("This member is present and votes in person."), field="grantor")
    if Proxy.objects.filter(assembly=assembly, grantor_id=grantor_id).exists():
        raise WaslError(_("This member has already given a proxy."), field="grantor")
    if Proxy.objects.filter(assembly=assembly, grantor_id=holder_id).exists():
        raise WaslError(_("The holder has given their own vote by proxy."), field="holder")
    held = Proxy.objects.filter(assembly=assembly, holder_id=holder_id).count()
    if held >= rules.proxies_per_holder:
        raise WaslError(
            _("The statutes allow %(cap)s proxies per member, and this holder has %(held)s.")
            % {"cap": rules.proxies_per_holder, "held": held},
            field="holder",
            code="proxy_cap",
        )
    proxy = Proxy(assembly=assembly, grantor_id=grantor_id, holder_id=holder_id, recorded_by=actor)
    if document_upload is not None:
        validate_upload(document_upload, allowed={"pdf", "png", "jpeg"})
        proxy.document = save_private_file("proxies", document_upload.name, document_upload.read())
    proxy.save()
    audit_record(actor=actor, action="governance.proxy.recorded", target=assembly)
    return proxy


@transaction.atomic
def proxy_withdraw(*, actor, proxy_id: int) -> None:
    proxy = Proxy.objects.filter(pk=proxy_id).first()
    if proxy is None:
        raise NotFound()
    assembly = _assembly_for_update(proxy.assembly_id)
    _door_open(assembly)
    proxy.delete()
    audit_record(actor=actor, action="governance.proxy.withdrawn", target=assembly)


# --- Polls ---------------------------------------------------------------------------------------


def _poll_for_update(poll_id: int) -> Poll:
    poll = Poll.objects.select_for_update().filter(pk=poll_id).first()
    if poll is None:
        raise NotFound()
    return poll


@transaction.atomic
def poll_create(
    *,
    actor,
    agenda_item_id: int,
    question: str = "",
    method: str = PollMethod.SECRET,
    office: str = "",
    seats: int = 1,
    election_mode: str = ElectionMode.CANDIDATES,
) -> Poll:
    item = AgendaItem.objects.select_related("assembly").filter(pk=agenda_item_id).first()
    if item is None:
        raise NotFound()
    if item.kind == AgendaItemKind.INFORMATION:
        raise WaslError(_("This agenda item is not put to the vote."), code="not_votable")
    if item.assembly.status in (AssemblyStatus.CLOSED, AssemblyStatus.CANCELLED):
        raise WaslError(_("The assembly is over."), code="over")
    if method not in PollMethod.values:
        raise WaslError(_("Choose how the vote is held."), field="method")
    election = item.kind == AgendaItemKind.ELECTION
    if election and not 1 <= int(seats or 0) <= 50:
        raise WaslError(_("An election fills between 1 and 50 seats."), field="seats")
    if election and office and office not in RoleKind.values:
        raise WaslError(_("%(office)s is not an office of the bureau.") % {"office": office}, field="office")
    if election_mode not in ElectionMode.values:
        raise WaslError(_("Choose candidates or lists."), field="election_mode")
    poll = Poll.objects.create(
        assembly=item.assembly,
        agenda_item=item,
        question=(question or item.title).strip()[:300],
        method=method,
        decision_kind=item.decision_kind,
        office=office if election else "",
        seats=int(seats) if election else 1,
        election_mode=election_mode if election else ElectionMode.CANDIDATES,
    )
    audit_record(actor=actor, action="governance.poll.created", target=poll)
    return poll


@transaction.atomic
def candidate_add(*, actor, poll_id: int, member_id: int, list_name: str = "", office: str = "") -> Candidate:
    poll = _poll_for_update(poll_id)
    if not poll.is_election:
        raise WaslError(_("Only an election has candidates."), code="not_election")
    if poll.status != PollStatus.DRAFT:
        raise WaslError(_("Candidates are closed once the vote has opened."), code="not_draft")
    member = selectors.convened_members(poll.assembly).filter(pk=member_id).first()
    if member is None:
        raise WaslError(_("A candidate is a member of the association."), field="member")
    if office and office not in RoleKind.values:
        raise WaslError(_("%(office)s is not an office of the bureau.") % {"office": office}, field="office")
    candidate_list = None
    if poll.election_mode == ElectionMode.LISTS:
        name = (list_name or "").strip()[:200]
        if not name:
            raise WaslError(_("Name the candidate's list."), field="list_name")
        candidate_list, _created = CandidateList.objects.get_or_create(poll=poll, name=name)
    if Candidate.objects.filter(poll=poll, member=member).exists():
        raise WaslError(_("This member is already a candidate."), field="member")
    last = Candidate.objects.filter(poll=poll).order_by("-position").first()
    candidate = Candidate.objects.create(
        poll=poll,
        member=member,
        candidate_list=candidate_list,
        office=office,
        position=(last.position + 1) if last else 1,
    )
    audit_record(actor=actor, action="governance.candidate.added", target=poll, changes={"member": member.pk})
    return candidate


@transaction.atomic
def poll_open(*, actor, poll_id: int, remote_minutes: int | None = None, now=None) -> Poll:
    """Open a vote: the current call must have its quorum; the statute's majority and base are
    copied onto the poll, and the voter list is frozen — the voters checked in, the proxies their
    holders carry, and (remote secret ballots) the absent members with a vote."""
    now = now or timezone.now()
    poll = _poll_for_update(poll_id)
    if poll.status != PollStatus.DRAFT:
        raise WaslError(_("This vote has already been opened."), code="not_draft")
    assembly = _assembly_for_update(poll.assembly_id)
    _require_in_session(assembly)
    if poll.is_election:
        candidates = Candidate.objects.filter(poll=poll).count()
        if candidates == 0:
            raise WaslError(_("An election needs at least one candidate."), code="no_candidates")
    # The voter list, set-based: three reads (selectors.Room) and one INSERT whatever the number
    # of voters (PostgreSQL inserts any number of rows in one statement; SQLite splits the rows
    # at its 999-parameter limit).
    room = selectors.room_of(assembly)
    quorum = selectors.quorum_status(assembly, room=room)
    if not quorum.reached:
        raise WaslError(
            _("No quorum: %(present)s present or represented, %(needed)s needed.")
            % {"present": quorum.present_and_represented, "needed": quorum.needed},
            code="no_quorum",
        )
    rules = selectors.rules_for(assembly)
    poll.majority, poll.base = rules.majority_for(poll.decision_kind)
    poll.tie_rule = rules.tie_rule
    present = sorted(room.present)
    proxies = sorted(room.represented)
    entries = [VoterRollEntry(poll=poll, member_id=m, holder_id=m) for m in present]
    entries += [VoterRollEntry(poll=poll, member_id=g, holder_id=h) for g, h in proxies]
    remote = poll.method == PollMethod.SECRET and assembly.remote_voting and remote_minutes
    if remote:
        on_roll = set(present) | {g for g, _h in proxies}
        entries += [
            VoterRollEntry(poll=poll, member_id=m, holder_id=m, remote=True)
            for m in sorted(room.voters - on_roll)
        ]
        poll.remote_until = now + datetime.timedelta(minutes=int(remote_minutes))
    VoterRollEntry.objects.bulk_create(entries)
    poll.present_count = len(present) + len(proxies)
    poll.members_count = quorum.members
    poll.status = PollStatus.OPEN
    poll.opened_at = now
    poll.opened_by = actor
    poll.save(
        update_fields=[
            "majority",
            "base",
            "tie_rule",
            "remote_until",
            "present_count",
            "members_count",
            "status",
            "opened_at",
            "opened_by",
        ]
    )
    audit_record(actor=actor, action="governance.poll.opened", target=poll, changes={"voters": len(entries)})
    return poll


# The ballot's one read, written out rather than built by the ORM: compiling the equivalent
# queryset (a subquery in an annotation) cost more than the read itself on the benchmark's busy
# machine (docs/notes/2026-11-29/s3-ballotspeed.md). The association's filter is explicit (and
# PostgreSQL's row-level security checks it again); `roll_remote` is the voter's roll entry —
# NULL when they are not on the roll, else whether it is a remote vote.
_VOTE_READ = (
    "SELECT p.*, (SELECT r.remote FROM governance_voterrollentry r WHERE r.association_id ="
    " p.association_id AND r.poll_id = p.id AND r.member_id = %s AND r.holder_id = %s) AS roll_remote"
    " FROM governance_poll p WHERE p.association_id = %s AND p.id = %s"
)


def _poll_and_roll_entry(poll_id: int, *, voter_id: int, holder_id: int) -> Poll | None:
    """The poll, with `roll_remote` from the voter's roll entry, in one query. On PostgreSQL the
    poll's row is read FOR KEY SHARE: ballots do not wait for each other, but a closing (FOR
    UPDATE) waits for the ballots in flight, and a ballot that comes after the closing sees it
    closed."""
    sql = _VOTE_READ + (" FOR KEY SHARE OF p" if connection.vendor == "postgresql" else "")
    params = [voter_id, holder_id, current_association_id(), poll_id]
    found = list(Poll.objects.raw(sql, params))
    return found[0] if found else None


def _participation_insert(*, poll_id: int, voter_id: int, cast_by_id: int, remote: bool) -> bool:
    """Insert the voter's participation unless they have one: True if it was inserted. One
    statement (INSERT ... ON CONFLICT DO NOTHING) rather than a savepoint around an insert that
    may fail: on PostgreSQL a concurrent attempt waits for the first one's transaction and then
    inserts nothing, so the unique constraint still decides, without an error to roll back."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO governance_participation (association_id, poll_id, member_id, cast_by_id, remote)"
            " VALUES (%s, %s, %s, %s, %s) ON CONFLICT DO NOTHING RETURNING id",
            [current_association_id(), poll_id, voter_id, cast_by_id, remote],
        )
        return cursor.fetchone() is not None


def ballot_cast(
    *,
    member: Member,
    poll_id: int,
    choice: str = "",
    candidate_ids=(),
    list_id: int | None = None,
    on_behalf_of: int | None = None,
    now=None,
) -> str:
    """Cast one secret ballot (the member's own, or one they hold by proxy). Returns the receipt
    code, shown once to the voter. The participation row is inserted first, and only if the voter
    has none: a second ballot for the same vote inserts nothing and is refused.

    Three statements for a resolution (the poll with the voter's roll entry, the participation,
    the ballot), in the caller's transaction or one of its own. Every check is made before the
    first write, so a refusal leaves nothing to undo: no savepoint is needed, and the refusal is
    raised after the block (raised inside it, it would doom the caller's transaction)."""
    now = now or timezone.now()
    voter_id = on_behalf_of or member.pk
    with transaction.atomic(savepoint=False):
        refusal, receipt = _ballot_write(
            member=member,
            poll_id=poll_id,
            voter_id=voter_id,
            choice=choice,
            candidate_ids=candidate_ids,
            list_id=list_id,
            now=now,
        )
    if refusal is not None:
        raise refusal
    return receipt


def _ballot_write(
    *, member: Member, poll_id: int, voter_id: int, choice: str, candidate_ids, list_id, now
) -> tuple[WaslError | None, str]:
    poll = _poll_and_roll_entry(poll_id, voter_id=voter_id, holder_id=member.pk)
    if poll is None:
        return NotFound(), ""
    if poll.method != PollMethod.SECRET:
        return WaslError(_("This vote is by show of hands."), code="not_secret"), ""
    if poll.status != PollStatus.OPEN:
        return WaslError(_("This vote is closed."), code="closed"), ""
    if poll.roll_remote is None:
        return WaslError(_("You have no vote in this poll."), code="not_on_roll"), ""
    if poll.roll_remote and (poll.remote_until is None or now > poll.remote_until):
        return WaslError(_("The remote voting window is closed."), code="window_closed"), ""
    try:
        selections = _validate_selections(poll, choice=choice, candidate_ids=candidate_ids, list_id=list_id)
    except WaslError as refusal:
        return refusal, ""
    if not _participation_insert(
        poll_id=poll.pk, voter_id=voter_id, cast_by_id=member.pk, remote=bool(poll.roll_remote)
    ):
        return WaslError(_("This vote has already been cast."), code="already_voted"), ""
    ballot = Ballot.objects.create(poll_id=poll.pk, choice=choice if not poll.is_election else "")
    if selections:
        BallotSelection.objects.bulk_create(
            [BallotSelection(ballot=ballot, candidate_id=c, candidate_list_id=lst) for c, lst in selections]
        )
    return None, ballot.receipt_code


def _validate_selections(
    poll: Poll, *, choice: str, candidate_ids, list_id
) -> list[tuple[int | None, int | None]]:
    if not poll.is_election:
        if choice not in BallotChoice.values:
            raise WaslError(_("Choose for, against or abstain."), field="choice", code="bad_choice")
        return []
    if poll.election_mode == ElectionMode.LISTS:
        if list_id in (None, ""):
            return []  # a blank ballot
        if not CandidateList.objects.filter(poll_id=poll.pk, pk=list_id).exists():
            raise WaslError(
                _("This list is not standing in this election."), field="list", code="not_candidate"
            )
        return [(None, int(list_id))]
    try:
        ids = {int(c) for c in candidate_ids}
    except (TypeError, ValueError):
        raise WaslError(
            _("This person is not a candidate in this election."), field="candidates", code="not_candidate"
        ) from None
    if len(ids) > poll.seats:
        raise WaslError(
            _("Choose at most %(seats)s candidates.") % {"seats": poll.seats},
            field="candidates",
            code="too_many",
        )
    known = set(Candidate.objects.filter(poll_id=poll.pk, pk__in=ids).values_list("pk", flat=True))
    if known != ids:
        raise WaslError(
            _("This person is not a candidate in this election."), field="candidates", code="not_candidate"
        )
    return [(c, None) for c in sorted(ids)]


@transaction.atomic
def hands_record(
    *, actor, poll_id: int, yes: int = 0, no: int = 0, abstain: int = 0, candidate_hands: dict | None = None
) -> Poll:
    """The officers count a show of hands; the poll closes with their count. For an election,
    `yes` is the number of voters who took part and `candidate_hands` the hands per candidate."""
    poll = _poll_for_update(poll_id)
    if poll.method != PollMethod.SHOW_OF_HANDS:
        raise WaslError(_("This vote is by secret ballot."), code="not_hands")
    if poll.status != PollStatus.OPEN:
        raise WaslError(_("This vote is not open."), code="closed")
    counts = [yes, no, abstain, *(candidate_hands or {}).values()]
    if any(not isinstance(n, int) or isinstance(n, bool) or n < 0 for n in counts):
        raise WaslError(_("Counts are whole numbers, zero or more."), code="bad_count")
    room = poll.present_count or 0
    if yes + no + abstain > room:
        raise WaslError(
            _("%(count)s hands counted, but only %(room)s votes are in the room.")
            % {"count": yes + no + abstain, "room": room},
            code="too_many_hands",
        )
    if poll.is_election:
        candidates = {c.pk: c for c in Candidate.objects.filter(poll=poll)}
        if set(candidate_hands or {}) - set(candidates):
            raise WaslError(_("This person is not a candidate in this election."), code="not_candidate")
        for pk, candidate in candidates.items():
            candidate.hands = int((candidate_hands or {}).get(pk, 0))
            if candidate.hands > room:
                raise WaslError(
                    _("A candidate cannot have more hands than votes in the room."), code="too_many_hands"
                )
        Candidate.objects.bulk_update(list(candidates.values()), ["hands"])
    poll.hands_for, poll.hands_against, poll.hands_abstain = yes, no, abstain
    poll.status = PollStatus.CLOSED
    poll.closed_at = timezone.now()
    poll.save(update_fields=["hands_for", "hands_against", "hands_abstain", "status", "closed_at"])
    audit_record(
        actor=actor,
        action="governance.poll.counted",
        target=poll,
        changes={"for": yes, "against": no, "abstain": abstain},
    )
    return poll


@transaction.atomic
def poll_close(*, actor, poll_id: int) -> Poll:
    """Close a secret vote. Checks that ballots and participations agree, then rewrites the
    ballots in random order (same keys and content) so that their physical order in the table,
    and on PostgreSQL their transaction ids, no longer follow the order of the votes."""
    poll = _poll_for_update(poll_id)  # FOR UPDATE: waits for the ballots in flight
    if poll.status != PollStatus.OPEN:
        raise WaslError(_("This vote is not open."), code="closed")
    if poll.method != PollMethod.SECRET:
        raise WaslError(_("Record the show of hands to close this vote."), code="not_secret")
    ballots = Ballot.objects.filter(poll=poll).count()
    participations = Participation.objects.filter(poll=poll).count()
    if ballots != participations:  # never expected: the two are written together
        raise WaslError(_("The count does not balance; the vote stays open."), code="unbalanced")
    _shuffle_ballots(poll)
    poll.status = PollStatus.CLOSED
    poll.closed_at = timezone.now()
    poll.save(update_fields=["status", "closed_at"])
    audit_record(actor=actor, action="governance.poll.closed", target=poll, changes={"ballots": ballots})
    return poll


def _shuffle_ballots(poll: Poll) -> None:
    rng = random.SystemRandom()
    ballots = list(Ballot.objects.filter(poll=poll))
    selections = list(BallotSelection.objects.filter(ballot__poll=poll))
    rng.shuffle(ballots)
    rng.shuffle(selections)
    BallotSelection.objects.filter(ballot__poll=poll).delete()
    Ballot.objects.filter(poll=poll).delete()
    Ballot.objects.bulk_create(ballots, batch_size=1000)
    BallotSelection.objects.bulk_create(selections, batch_size=1000)


@transaction.atomic
def poll_new_round(*, actor, poll_id: int) -> Poll:
    """A tie the statute settles by a new round: a new poll between the tied candidates for the
    seats still to fill."""
    poll = _poll_for_update(poll_id)
    if poll.status != PollStatus.CLOSED or not poll.is_election:
        raise WaslError(_("Only a closed election can go to a new round."), code="not_closed")
    result = selectors.poll_result(poll)
    if not result.needs_new_round:
        raise WaslError(_("This election has no tie to settle."), code="no_tie")
    if Poll.objects.filter(previous_round=poll).exists():
        raise WaslError(_("The new round already exists."), code="exists")
    tied = [c for c in result.candidates if c.tied]
    new = Poll.objects.create(
        assembly_id=poll.assembly_id,
        agenda_item_id=poll.agenda_item_id,
        question=poll.question,
        method=poll.method,
        decision_kind=poll.decision_kind,
        office=poll.office,
        seats=1 if poll.election_mode == ElectionMode.LISTS else result.seats_in_tie,
        election_mode=poll.election_mode,
        round=poll.round + 1,
        previous_round=poll,
    )
    if poll.election_mode == ElectionMode.LISTS:
        lists = {c.list_id for c in tied}
        for position, old in enumerate(
            Candidate.objects.filter(poll=poll, candidate_list_id__in=lists), start=1
        ):
            new_list, _created = CandidateList.objects.get_or_create(poll=new, name=old.candidate_list.name)
            Candidate.objects.create(
                poll=new,
                member_id=old.member_id,
                candidate_list=new_list,
                office=old.office,
                position=position,
            )
    else:
        for position, candidate in enumerate(tied, start=1):
            Candidate.objects.create(
                poll=new, member_id=candidate.member_id, office=candidate.office, position=position
            )
    audit_record(actor=actor, action="governance.poll.new_round", target=new, changes={"round": new.round})
    return new
