"""The bureau register (mandates) and the product roles that follow it.

Recording a bureau never changes anyone's role by itself: `bureau_role_plan` says what the register
implies (the new treasurer gets the treasurer role, the old one goes back to member), an officer
reads it on a confirmation page, and `bureau_roles_apply` carries out exactly the plan that was
shown (the associations role services do the work, with their own checks and audit events)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from associations.audit import audit_record
from associations.capabilities import OFFICER_ROLES, ROLES_BY_POWER, RoleKind
from associations.errors import NotFound, WaslError
from associations.models import Role
from governance.models import Assembly, Mandate, Office
from governance.models.bureau import OFFICE_ROLE, SINGLE_OFFICES
from members.models import Member, MemberStatus


def _today() -> date:
    return timezone.localdate()


def current_mandates():
    """Mandates running today (started, not ended)."""
    return Mandate.objects.filter(ended_on__isnull=True, starts_on__lte=_today())


def _member(member_id) -> Member:
    member = Member.objects.filter(pk=member_id).first() if str(member_id or "").isdigit() else None
    if member is None:
        raise WaslError(_("Choose a member of the association."), field="member")
    if member.status != MemberStatus.ACTIVE:
        raise WaslError(_("Only an active member can hold an office."), field="member")
    return member


def _assembly(assembly_id) -> Assembly | None:
    if assembly_id in (None, ""):
        return None
    assembly = Assembly.objects.filter(pk=assembly_id).first() if str(assembly_id).isdigit() else None
    if assembly is None:
        raise WaslError(_("Choose an assembly of the association."), field="assembly")
    return assembly


def _check_term(starts_on: date | None, ends_on: date | None) -> None:
    if starts_on is None:
        raise WaslError(_("Give the date the mandate starts."), field="starts_on")
    if starts_on > _today() + timedelta(days=366):
        raise WaslError(_("The mandate cannot start more than a year from now."), field="starts_on")
    if ends_on is not None and ends_on < starts_on:
        raise WaslError(_("The term cannot end before it starts."), field="ends_on")


@transaction.atomic
def mandate_record(
    *,
    actor,
    member_id,
    office: str,
    starts_on: date,
    ends_on: date | None = None,
    assembly_id=None,
    replace_holder: bool = False,
) -> Mandate:
    """Record one office holder (a co-optation, a replacement, the register's history). A single
    office (president, secretary-general, treasurer) held by someone else is refused unless
    `replace_holder`: then the holder's mandate ends the day the new one starts."""
    if office not in Office.values:
        raise WaslError(_("Choose an office."), field="office")
    _check_term(starts_on, ends_on)
    member = _member(member_id)
    assembly = _assembly(assembly_id)
    running = current_mandates().select_for_update()
    if running.filter(member=member).exists():
        raise WaslError(_("This member already holds an office: end that mandate first."), field="member")
    holders = list(running.filter(office=office)) if office in SINGLE_OFFICES else []
    if holders and not replace_holder:
        raise WaslError(
            _("%(office)s is held by someone else: confirm that the new holder replaces them.")
            % {"office": Office(office).label},
            field="office",
            code="office_held",
        )
    for holder in holders:
        _end(holder, ended_on=max(starts_on, holder.starts_on), reason=_("Replaced"))
    mandate = Mandate.objects.create(
        member=member,
        office=office,
        starts_on=starts_on,
        ends_on=ends_on,
        elected_by=assembly,
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        action="governance.mandate.recorded",
        target=mandate,
        changes={"office": office, "starts_on": starts_on.isoformat(), "replaced": len(holders)},
    )
    return mandate


def _end(mandate: Mandate, *, ended_on: date, reason: str) -> None:
    mandate.ended_on = ended_on
    mandate.end_reason = reason[:200]
    mandate.save(update_fields=["ended_on", "end_reason"])


@transaction.atomic
def mandate_end(*, actor, mandate_id: int, ended_on: date | None, reason: str) -> Mandate:
    """End a mandate (resignation, death, dismissal): kept in the register with its end."""
    mandate = Mandate.objects.select_for_update().filter(pk=mandate_id).first()
    if mandate is None:
        raise NotFound()
    if mandate.ended_on is not None:
        raise WaslError(_("This mandate has already ended."), code="ended")
    reason = (reason or "").strip()
    if not reason:
        raise WaslError(_("Say why the mandate ends."), field="reason")
    if ended_on is None:
        raise WaslError(_("Give the date the mandate ends."), field="ended_on")
    if ended_on < mandate.starts_on:
        raise WaslError(_("A mandate cannot end before it starts."), field="ended_on")
    if ended_on > _today():
        raise WaslError(_("Record the end of a mandate once it has happened."), field="ended_on")
    _end(mandate, ended_on=ended_on, reason=reason)
    audit_record(
        actor=actor,
        action="governance.mandate.ended",
        target=mandate,
        changes={"office": mandate.office, "ended_on": ended_on.isoformat()},
    )
    return mandate


@dataclass(frozen=True)
class Seat:
    member_id: int
    office: str


@transaction.atomic
def bureau_install(
    *,
    actor,
    assembly_id,
    seats: list[Seat],
    starts_on: date,
    ends_on: date | None = None,
    open_declaration: bool = True,
) -> list[Mandate]:
    """A new bureau elected by an assembly: every running mandate ends the day the new ones start,
    and the declaration of the change (art. 5, within one month) is opened. Called by the officers'
    form and by the election results."""
    assembly = _assembly(assembly_id)
    if assembly is None:
        raise WaslError(_("Choose the assembly that elected the bureau."), field="assembly")
    _check_term(starts_on, ends_on)
    if not seats:
        raise WaslError(_("Name at least the president."), field="seats")
    offices = [seat.office for seat in seats]
    for office in offices:
        if office not in Office.values:
            raise WaslError(_("Choose an office."), field="seats")
    if Office.PRESIDENT not in offices:
        raise WaslError(_("The bureau needs a president."), field="seats")
    for office in SINGLE_OFFICES:
        if offices.count(office) > 1:
            raise WaslError(_("%(office)s is given twice.") % {"office": Office(office).label}, field="seats")
    member_ids = [seat.member_id for seat in seats]
    if len(set(member_ids)) != len(member_ids):
        raise WaslError(_("A member can hold only one office."), field="seats")
    members = {seat.member_id: _member(seat.member_id) for seat in seats}
    ended = 0
    for mandate in current_mandates().select_for_update():
        _end(mandate, ended_on=max(starts_on, mandate.starts_on), reason=_("New bureau elected"))
        ended += 1
    created = [
        Mandate.objects.create(
            member=members[seat.member_id],
            office=seat.office,
            starts_on=starts_on,
            ends_on=ends_on,
            elected_by=assembly,
            recorded_by=actor,
        )
        for seat in seats
    ]
    audit_record(
        actor=actor,
        action="governance.bureau.installed",
        target=assembly,
        changes={"seats": len(created), "ended": ended, "starts_on": starts_on.isoformat()},
    )
    if open_declaration:
        from governance.services_declarations import declaration_open_for_assembly

        declaration_open_for_assembly(actor=actor, assembly=assembly, kind="bureau", changed_on=starts_on)
    return created


def bureau_install_from_election(*, actor, assembly_id, starts_on: date | None = None) -> list[Mandate]:
    """The bureau as the assembly's elections returned it (governance.selectors.election_results):
    a seat won without an office is a board member's. The term follows the statutes in force."""
    from governance.selectors import election_results, rules_current

    assembly = _assembly(assembly_id)
    if assembly is None:
        raise WaslError(_("Choose the assembly that elected the bureau."), field="assembly")
    elected = election_results(assembly_id=assembly.pk)
    if not elected:
        raise WaslError(_("This assembly has no closed election."), code="no_election")
    starts_on = starts_on or max(seat.elected_on for seat in elected)
    rules = rules_current()
    years = getattr(rules, "bureau_term_years", 0) or 0
    ends_on = _years_later(starts_on, years) if years else None
    seats = [Seat(member_id=seat.member_id, office=seat.office or Office.BOARD_MEMBER) for seat in elected]
    return bureau_install(
        actor=actor, assembly_id=assembly.pk, seats=seats, starts_on=starts_on, ends_on=ends_on
    )


def _years_later(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years) - timedelta(days=1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28) - timedelta(days=1)


# --- Roles follow the register ---------------------------------------------------------------------


@dataclass(frozen=True)
class RoleStep:
    """One change the register implies. `action`: grant, change, demote, or (not applied) invite
    (an officer without an account) and keep (a role that stays for a stated reason)."""

    action: str
    name: str
    office: str  # the office's label, or "" for a former officer
    from_kind: str  # "" when the person has no role
    to_kind: str
    user_id: int | None = None
    role_id: int | None = None

    @property
    def applies(self) -> bool:
        return self.action in ("grant", "change", "demote")

    def from_label(self) -> str:
        return RoleKind(self.from_kind).label if self.from_kind else ""

    def to_label(self) -> str:
        return RoleKind(self.to_kind).label if self.to_kind else ""


@dataclass(frozen=True)
class RolePlan:
    steps: list[RoleStep]

    @property
    def changes(self) -> list[RoleStep]:
        return [step for step in self.steps if step.applies]

    @property
    def digest(self) -> str:
        """What the confirmation page showed: applying checks the plan is still the same."""
        text = "|".join(f"{s.action}:{s.user_id}:{s.role_id}:{s.from_kind}:{s.to_kind}" for s in self.changes)
        return hashlib.sha256(text.encode()).hexdigest()[:32]


def _power(kind: str) -> int:
    return ROLES_BY_POWER.index(RoleKind(kind))


def bureau_role_plan() -> RolePlan:
    """What the roles should become for the register to be true today (a handful of queries)."""
    running = list(current_mandates().select_related("member__user"))
    roles = {role.user_id: role for role in Role.objects.select_related("user")}
    wanted: dict[int, tuple[str, Mandate]] = {}
    steps: list[RoleStep] = []
    for mandate in running:
        kind = OFFICE_ROLE[mandate.office]
        user_id = mandate.member.user_id
        if user_id is None:
            steps.append(
                RoleStep(
                    action="invite",
                    name=mandate.member.display_name,
                    office=mandate.get_office_display(),
                    from_kind="",
                    to_kind=kind,
                )
            )
            continue
        if user_id not in wanted or _power(kind) > _power(wanted[user_id][0]):
            wanted[user_id] = (kind, mandate)
    president_user_ids = {uid for uid, (kind, _m) in wanted.items() if kind == RoleKind.PRESIDENT}
    for user_id, (kind, mandate) in wanted.items():
        role = roles.get(user_id)
        name = mandate.member.display_name
        office = mandate.get_office_display()
        if role is None:
            steps.append(RoleStep("grant", name, office, "", kind, user_id=user_id))
        elif role.kind != kind:
            steps.append(RoleStep("change", name, office, role.kind, kind, user_id=user_id, role_id=role.pk))
    # Former officers: people whose officer role came from a mandate that has ended. Roles given
    # outside the register (no mandate ever recorded) are left alone.
    former = set(
        Mandate.objects.filter(ended_on__isnull=False, member__user__isnull=False).values_list(
            "member__user_id", flat=True
        )
    )
    for user_id, role in roles.items():
        if user_id in wanted or user_id not in former or role.kind not in OFFICER_ROLES:
            continue
        name = role.user.display_name
        if role.kind == RoleKind.PRESIDENT and not president_user_ids:
            # The association keeps a president in the product until the new one has an account.
            steps.append(RoleStep("keep", name, "", role.kind, role.kind, user_id=user_id, role_id=role.pk))
            continue
        steps.append(
            RoleStep("demote", name, "", role.kind, RoleKind.MEMBER, user_id=user_id, role_id=role.pk)
        )
    order = {"grant": 0, "change": 1, "demote": 2, "keep": 3, "invite": 4}
    steps.sort(key=lambda step: (order[step.action], step.name))
    return RolePlan(steps=steps)


@transaction.atomic
def bureau_roles_apply(*, actor, digest: str) -> int:
    """Carry out the role plan the officer confirmed. Refused if the plan changed since it was shown
    (another officer applied it, or the register changed). Returns how many roles changed."""
    from accounts.models import User
    from associations.services import role_change, role_grant

    plan = bureau_role_plan()
    if not plan.changes:
        raise WaslError(_("The roles already follow the bureau register."), code="nothing")
    if digest != plan.digest:
        raise WaslError(
            _("The bureau or the roles changed since this page was shown: check the changes again."),
            code="stale",
        )
    for step in plan.changes:
        if step.action == "grant":
            role_grant(actor=actor, user=User.objects.get(pk=step.user_id), kind=step.to_kind)
        else:
            role_change(actor=actor, role_id=step.role_id, kind=step.to_kind, confirm_second_holder=True)
    audit_record(
        actor=actor,
        action="governance.roles.applied",
        target=None,
        changes={"changes": len(plan.changes)},
    )
    return len(plan.changes)
