"""Writes of the plan and its projects: a strategic plan and its versions, its adoption by a
general assembly's resolution, objectives, programmes, and planning projects tied to a finance
project.

Each service is atomic, validates before writing (a refused input changes nothing), checks that
every related object is the association's (the scoped managers answer only the current
association's rows) and records one audit event per change. Money is never written here: a new
planning project creates its finance project through finance's own service, so the books stay
the only source of the budget and of what was spent."""

from __future__ import annotations

import re
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from associations.audit import audit_record
from associations.errors import NotFound, WaslError
from associations.text import refuse_bidi_formatting
from planning.models import Objective, Plan, PlanStatus, Programme, Project, ProjectStatus

CODE = re.compile(r"^[A-Za-z0-9._-]{1,20}$")
FIRST_YEAR, LAST_YEAR = 1958, 2200  # the 1958 law on associations; the database says the same
LONGEST_PLAN_YEARS = 15
SDG_GOALS = range(1, 18)
MAX_BENEFICIARIES = 100_000_000

PROJECT_FIELDS = (
    "programme",
    "region",
    "province",
    "commune",
    "target_group",
    "beneficiaries_planned",
    "beneficiaries_reached",
    "partners",
    "status",
    "responsible",
    "sdg_goals",
)


# --- Checks ----------------------------------------------------------------------------------------


def _text(value, limit: int, *, field: str) -> str:
    value = (value or "").strip()
    refuse_bidi_formatting(value, field=field)
    if len(value) > limit:
        raise WaslError(
            _("This text is too long (at most %(limit)d characters).") % {"limit": limit}, field=field
        )
    return value


def _bilingual_pair(ar, fr, *, limit: int, field: str, message: str) -> tuple[str, str]:
    """Arabic and French texts: at least one of them."""
    ar = _text(ar, limit, field=f"{field}_ar")
    fr = _text(fr, limit, field=f"{field}_fr")
    if not (ar or fr):
        raise WaslError(message, field=f"{field}_fr")
    return ar, fr


def _code(value, *, field: str = "code") -> str:
    code = (value or "").strip()
    if not CODE.match(code):
        raise WaslError(_("A code has 1 to 20 letters, digits, dots, - or _."), field=field)
    return code


def _year(value, *, field: str) -> int:
    if isinstance(value, bool):
        raise WaslError(_("Give a year, e.g. 2027."), field=field)
    try:
        year = int(str(value).strip())
    except (TypeError, ValueError):
        raise WaslError(_("Give a year, e.g. 2027."), field=field) from None
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise WaslError(
            _("Give a year between %(first)d and %(last)d.") % {"first": FIRST_YEAR, "last": LAST_YEAR},
            field=field,
        )
    return year


def _years(starts_year, ends_year) -> tuple[int, int]:
    start = _year(starts_year, field="starts_year")
    end = _year(ends_year, field="ends_year")
    if end < start:
        raise WaslError(
            _("The last year is before the first year."), field="ends_year", code="end_before_start"
        )
    if end - start + 1 > LONGEST_PLAN_YEARS:
        raise WaslError(
            _("A plan covers at most %(years)d years.") % {"years": LONGEST_PLAN_YEARS}, field="ends_year"
        )
    return start, end


def _date(value, *, field: str) -> date | None:
    if value in (None, ""):
        return None
    if not isinstance(value, date):
        raise WaslError(_("Give a valid date."), field=field)
    return value


def _count(value, *, field: str) -> int:
    if value in (None, ""):
        return 0
    if isinstance(value, bool):
        raise WaslError(_("Give a whole number, e.g. 120."), field=field)
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise WaslError(_("Give a whole number, e.g. 120."), field=field) from None
    if number < 0:
        raise WaslError(_("This number cannot be negative."), field=field, code="negative")
    if number > MAX_BENEFICIARIES:
        raise WaslError(_("This number is too large."), field=field)
    return number


def parse_sdg_goals(value) -> list[int]:
    """Sustainable-development goals: whole numbers 1 to 17, each once; given as a list or as text
    such as "4, 5 10". Returned sorted."""
    if value in (None, ""):
        return []
    if isinstance(value, str):
        items = [item for item in re.split(r"[\s,;،]+", value.strip()) if item]
    elif isinstance(value, list | tuple):
        items = list(value)
    else:
        raise WaslError(_("Give the goals as numbers from 1 to 17."), field="sdg_goals")
    goals: list[int] = []
    for item in items:
        if isinstance(item, bool):
            raise WaslError(_("Give the goals as numbers from 1 to 17."), field="sdg_goals")
        try:
            goal = int(str(item).strip())
        except (TypeError, ValueError):
            raise WaslError(_("Give the goals as numbers from 1 to 17."), field="sdg_goals") from None
        if goal not in SDG_GOALS:
            raise WaslError(_("Give the goals as numbers from 1 to 17."), field="sdg_goals")
        if goal in goals:
            raise WaslError(_("Each goal may be given once."), field="sdg_goals", code="duplicate")
        goals.append(goal)
    return sorted(goals)


def _plan_locked(plan_id: int) -> Plan:
    plan = Plan.objects.select_for_update().filter(pk=plan_id).first()
    if plan is None:
        raise NotFound()
    return plan


def _draft_or_error(plan: Plan) -> None:
    if plan.status != PlanStatus.DRAFT:
        raise WaslError(
            _("Only a draft can be changed: start a new version of this plan."),
            field="plan",
            code="not_draft",
        )


# --- Plans -----------------------------------------------------------------------------------------


@transaction.atomic
def plan_save(
    *,
    actor,
    plan_id: int | None = None,
    title_ar: str = "",
    title_fr: str = "",
    vision_ar: str = "",
    vision_fr: str = "",
    starts_year,
    ends_year,
) -> Plan:
    """Create a plan (version 1, a draft) or edit a draft."""
    plan = _plan_locked(plan_id) if plan_id is not None else None
    if plan is not None:
        _draft_or_error(plan)
    title_ar, title_fr = _bilingual_pair(
        title_ar,
        title_fr,
        limit=200,
        field="title",
        message=_("Give the plan's title in Arabic or in French."),
    )
    vision_ar = _text(vision_ar, 5000, field="vision_ar")
    vision_fr = _text(vision_fr, 5000, field="vision_fr")
    starts_year, ends_year = _years(starts_year, ends_year)
    values = {
        "title_ar": title_ar,
        "title_fr": title_fr,
        "vision_ar": vision_ar,
        "vision_fr": vision_fr,
        "starts_year": starts_year,
        "ends_year": ends_year,
    }
    if plan is None:
        plan = Plan.objects.create(created_by=actor if getattr(actor, "pk", None) else None, **values)
        action = "planning.plan.created"
    else:
        changed = [name for name, value in values.items() if getattr(plan, name) != value]
        for name, value in values.items():
            setattr(plan, name, value)
        plan.save(update_fields=list(values))
        action = "planning.plan.updated"
        values = {name: values[name] for name in changed}
    audit_record(
        actor=actor,
        action=action,
        target=plan,
        changes={"fields": sorted(values), "years": f"{starts_year}-{ends_year}"},
    )
    return plan


@transaction.atomic
def plan_new_version(*, actor, plan_id: int) -> Plan:
    """A new draft version of a plan: the same title, vision and years, its objectives copied (their
    programmes stay with the version they belong to), naming the plan it follows."""
    previous = _plan_locked(plan_id)
    if previous.status == PlanStatus.DRAFT:
        raise WaslError(_("This version is still a draft: change it instead."), field="plan", code="draft")
    if Plan.objects.filter(previous=previous).exists():
        raise WaslError(_("This version already has a newer version."), field="plan", code="has_next_version")
    plan = Plan.objects.create(
        title_ar=previous.title_ar,
        title_fr=previous.title_fr,
        vision_ar=previous.vision_ar,
        vision_fr=previous.vision_fr,
        starts_year=previous.starts_year,
        ends_year=previous.ends_year,
        version=previous.version + 1,
        previous=previous,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    objectives = [
        Objective(plan=plan, code=o.code, text_ar=o.text_ar, text_fr=o.text_fr, position=o.position)
        for o in Objective.objects.filter(plan=previous).order_by("position", "pk")
    ]
    Objective.objects.bulk_create(objectives)
    audit_record(
        actor=actor,
        action="planning.plan.versioned",
        target=plan,
        changes={"version": plan.version, "previous": str(previous), "objectives": len(objectives)},
    )
    return plan


def resolution_adopted(item) -> bool:
    """A resolution is adopted when one of its closed polls counted enough votes for it (the
    statute's majority on the statute's base: governance's own count)."""
    from governance.models import PollStatus
    from governance.selectors import poll_result

    return any(poll_result(poll).adopted for poll in item.polls.filter(status=PollStatus.CLOSED))


@transaction.atomic
def plan_adopt(*, actor, plan_id: int, agenda_item_id: int) -> Plan:
    """Adopt a draft by the resolution of a held general assembly that voted it. The version adopted
    before it (if any) is superseded in the same transaction; the database's `plan_one_adopted`
    refuses a second adopted version should two adoptions race."""
    from governance.models import AgendaItem, AgendaItemKind, AssemblyKind, AssemblyStatus

    plan = _plan_locked(plan_id)
    _draft_or_error(plan)
    if not plan.objectives.exists():
        raise WaslError(_("Give the plan at least one objective before it is adopted."), field="plan")
    item = AgendaItem.objects.select_related("assembly").filter(pk=agenda_item_id).first()
    if item is None:
        raise WaslError(_("Choose a resolution of a general assembly."), field="agenda_item")
    assembly = item.assembly
    if item.kind != AgendaItemKind.RESOLUTION or assembly.kind == AssemblyKind.BOARD:
        raise WaslError(_("Choose a resolution of a general assembly."), field="agenda_item")
    if assembly.status != AssemblyStatus.CLOSED:
        raise WaslError(
            _("The assembly has not been held yet: a plan is adopted once the assembly is closed."),
            field="agenda_item",
            code="assembly_not_held",
        )
    if not resolution_adopted(item):
        raise WaslError(
            _("This resolution was not adopted by the assembly's vote."), field="agenda_item", code="rejected"
        )
    adopted_on = timezone.localdate(assembly.closed_at or assembly.first_call_at)
    superseded = list(Plan.objects.select_for_update().filter(status=PlanStatus.ADOPTED).exclude(pk=plan.pk))
    try:
        with transaction.atomic():
            for old in superseded:
                old.status = PlanStatus.SUPERSEDED
                old.save(update_fields=["status"])
            plan.status = PlanStatus.ADOPTED
            plan.adopted_by = item
            plan.adopted_on = adopted_on
            plan.save(update_fields=["status", "adopted_by", "adopted_on"])
    except IntegrityError:
        raise WaslError(
            _("Another version was adopted at the same moment: reload the page and try again."),
            field="plan",
            code="concurrent",
        ) from None
    for old in superseded:
        audit_record(
            actor=actor,
            action="planning.plan.superseded",
            target=old,
            changes={"version": old.version, "by": str(plan)},
        )
    audit_record(
        actor=actor,
        action="planning.plan.adopted",
        target=plan,
        changes={
            "version": plan.version,
            "resolution": item.pk,
            "adopted_on": adopted_on.isoformat(),
            "superseded": [str(old) for old in superseded],
        },
    )
    return plan


# --- Objectives and programmes ---------------------------------------------------------------------


@transaction.atomic
def objective_save(
    *,
    actor,
    plan_id: int,
    objective_id: int | None = None,
    code: str,
    text_ar: str = "",
    text_fr: str = "",
    position: int | None = None,
) -> Objective:
    """Add an objective to a draft plan, or edit one."""
    plan = _plan_locked(plan_id)
    _draft_or_error(plan)
    objective = None
    if objective_id is not None:
        objective = Objective.objects.select_for_update().filter(pk=objective_id, plan=plan).first()
        if objective is None:
            raise NotFound()
    code = _code(code)
    text_ar, text_fr = _bilingual_pair(
        text_ar, text_fr, limit=2000, field="text", message=_("Give the objective in Arabic or in French.")
    )
    taken = Objective.objects.filter(plan=plan, code=code)
    if objective is not None:
        taken = taken.exclude(pk=objective.pk)
    if taken.exists():
        raise WaslError(_("Another objective of this plan has this code."), field="code", code="duplicate")
    if position in (None, ""):
        position = objective.position if objective else Objective.objects.filter(plan=plan).count() + 1
    position = _count(position, field="position") or 1
    if position > 999:
        raise WaslError(_("This number is too large."), field="position")
    values = {"code": code, "text_ar": text_ar, "text_fr": text_fr, "position": position}
    if objective is None:
        objective = Objective.objects.create(plan=plan, **values)
        action = "planning.objective.added"
    else:
        for name, value in values.items():
            setattr(objective, name, value)
        objective.save(update_fields=list(values))
        action = "planning.objective.updated"
    audit_record(actor=actor, action=action, target=objective, changes={"code": code, "plan": str(plan)})
    return objective


@transaction.atomic
def programme_save(
    *,
    actor,
    objective_id: int,
    programme_id: int | None = None,
    code: str,
    title_ar: str = "",
    title_fr: str = "",
    starts_on: date | None = None,
    ends_on: date | None = None,
) -> Programme:
    """Add a programme under an objective, or edit one (moving it under another objective of the
    same plan is allowed). A superseded plan takes no new programme."""
    # Locked (no key update) until the programme is saved: an objective being removed at the same
    # moment waits, then sees this programme (Django's foreign keys are checked only at commit).
    objective = (
        Objective.objects.select_for_update(of=("self",), no_key=True)
        .select_related("plan")
        .filter(pk=objective_id)
        .first()
    )
    if objective is None:
        raise WaslError(_("Choose an objective of the plan."), field="objective")
    if objective.plan.status == PlanStatus.SUPERSEDED:
        raise WaslError(
            _("This version of the plan was superseded: work on the adopted version."), field="objective"
        )
    programme = None
    if programme_id is not None:
        programme = Programme.objects.select_for_update().filter(pk=programme_id).first()
        if programme is None:
            raise NotFound()
    code = _code(code)
    title_ar, title_fr = _bilingual_pair(
        title_ar,
        title_fr,
        limit=200,
        field="title",
        message=_("Give the programme's title in Arabic or in French."),
    )
    starts_on = _date(starts_on, field="starts_on")
    ends_on = _date(ends_on, field="ends_on")
    if starts_on and ends_on and ends_on < starts_on:
        raise WaslError(_("The end date is before the start date."), field="ends_on", code="end_before_start")
    plan = objective.plan
    for field, day in (("starts_on", starts_on), ("ends_on", ends_on)):
        if day is not None and not plan.starts_year <= day.year <= plan.ends_year:
            raise WaslError(
                _("Give a date within the plan's years (%(first)d to %(last)d).")
                % {"first": plan.starts_year, "last": plan.ends_year},
                field=field,
            )
    taken = Programme.objects.filter(code=code)
    if programme is not None:
        taken = taken.exclude(pk=programme.pk)
    if taken.exists():
        raise WaslError(_("Another programme has this code."), field="code", code="duplicate")
    values = {
        "objective": objective,
        "code": code,
        "title_ar": title_ar,
        "title_fr": title_fr,
        "starts_on": starts_on,
        "ends_on": ends_on,
    }
    if programme is None:
        programme = Programme.objects.create(**values)
        action = "planning.programme.added"
    else:
        for name, value in values.items():
            setattr(programme, name, value)
        programme.save(update_fields=list(values))
        action = "planning.programme.updated"
    audit_record(
        actor=actor, action=action, target=programme, changes={"code": code, "objective": objective.code}
    )
    return programme


def objective_removal_refusal(objective: Objective) -> WaslError | None:
    """Why this objective cannot be removed now (the plan is not a draft; programmes hang on it), or
    None. The confirmation page shows the same refusal the service raises."""
    if objective.plan.status != PlanStatus.DRAFT:
        return WaslError(
            _("Only a draft can be changed: start a new version of this plan."),
            field="plan",
            code="not_draft",
        )
    count = Programme.objects.filter(objective=objective).count()
    if count:
        return WaslError(
            ngettext(
                "Objective %(code)s has %(count)d programme under it: remove it or move it under "
                "another objective first.",
                "Objective %(code)s has %(count)d programmes under it: remove them or move them under "
                "another objective first.",
                count,
            )
            % {"code": objective.code, "count": count},
            field="objective",
            code="has_programmes",
        )
    return None


def programme_removal_refusal(programme: Programme) -> WaslError | None:
    """Why this programme cannot be removed now (its plan is not a draft; projects hang on it), or
    None."""
    if programme.objective.plan.status != PlanStatus.DRAFT:
        return WaslError(
            _("Only a draft can be changed: start a new version of this plan."),
            field="plan",
            code="not_draft",
        )
    count = Project.objects.filter(programme=programme).count()
    if count:
        return WaslError(
            ngettext(
                "Programme %(code)s has %(count)d project under it: give it another programme first.",
                "Programme %(code)s has %(count)d projects under it: give them another programme first.",
                count,
            )
            % {"code": programme.code, "count": count},
            field="programme",
            code="has_projects",
        )
    return None


def _in_use() -> WaslError:
    return WaslError(
        _("Something was attached to it at the same moment: reload the page and try again."),
        code="concurrent",
    )


@transaction.atomic
def objective_remove(*, actor, objective_id: int) -> dict:
    """Remove an objective of a draft plan, once no programme hangs on it. The plan is locked (as
    adoption locks it), then the objective: `programme_save` locks the objective it puts a
    programme under until it commits, so the count below sees every programme that hangs on it."""
    found = Objective.objects.filter(pk=objective_id).values_list("plan_id", flat=True).first()
    if found is None:
        raise NotFound()
    plan = _plan_locked(found)
    objective = Objective.objects.select_for_update().filter(pk=objective_id, plan=plan).first()
    if objective is None:
        raise NotFound()
    objective.plan = plan
    refusal = objective_removal_refusal(objective)
    if refusal is not None:
        raise refusal
    removed = {
        "code": objective.code,
        "plan": str(plan),
        "text_ar": objective.text_ar,
        "text_fr": objective.text_fr,
        "position": objective.position,
    }
    audit_record(actor=actor, action="planning.objective.removed", target=objective, changes=removed)
    try:
        with transaction.atomic():
            objective.delete()
    except (ProtectedError, IntegrityError):
        raise _in_use() from None
    return removed


@transaction.atomic
def programme_remove(*, actor, programme_id: int) -> dict:
    """Remove a programme of a draft plan, once no project hangs on it. Locks: the plan, then the
    programme (a project given this programme locks it until it commits: see `_project_values`)."""
    found = Programme.objects.filter(pk=programme_id).values_list("objective__plan_id", flat=True).first()
    if found is None:
        raise NotFound()
    plan = _plan_locked(found)
    programme = (
        Programme.objects.select_for_update(of=("self",))
        .select_related("objective")
        .filter(pk=programme_id, objective__plan=plan)
        .first()
    )
    if programme is None:
        raise NotFound()
    programme.objective.plan = plan
    refusal = programme_removal_refusal(programme)
    if refusal is not None:
        raise refusal
    removed = {
        "code": programme.code,
        "objective": programme.objective.code,
        "plan": str(plan),
        "title_ar": programme.title_ar,
        "title_fr": programme.title_fr,
        "starts_on": programme.starts_on.isoformat() if programme.starts_on else "",
        "ends_on": programme.ends_on.isoformat() if programme.ends_on else "",
    }
    audit_record(actor=actor, action="planning.programme.removed", target=programme, changes=removed)
    try:
        with transaction.atomic():
            programme.delete()
    except (ProtectedError, IntegrityError):
        raise _in_use() from None
    return removed


# --- Projects --------------------------------------------------------------------------------------


def _project_values(
    *,
    programme_id=None,
    region_id=None,
    province_id=None,
    commune: str = "",
    target_group: str = "",
    beneficiaries_planned=0,
    beneficiaries_reached=0,
    partners: str = "",
    status: str = ProjectStatus.PLANNED,
    responsible_id=None,
    sdg_goals=None,
) -> dict:
    """The planning fields of a project, checked: every related row the association's (or the
    kingdom's, for places), the province inside the region."""
    from associations.models import Province, Region
    from members.models import Member

    programme = None
    if programme_id:
        # Locked (no key update) until the project is saved: a programme being removed at the same
        # moment waits, then sees this project.
        programme = (
            Programme.objects.select_for_update(of=("self",), no_key=True)
            .select_related("objective__plan")
            .filter(pk=programme_id)
            .first()
        )
        if programme is None:
            raise WaslError(_("Choose a programme of the plan."), field="programme")
    region = province = None
    if region_id:
        region = Region.objects.filter(pk=region_id).first()
        if region is None:
            raise WaslError(_("Choose a region."), field="region")
    if province_id:
        province = Province.objects.filter(pk=province_id).first()
        if province is None:
            raise WaslError(_("Choose a province."), field="province")
        if region is None:
            region = province.region
        elif province.region_id != region.pk:
            raise WaslError(_("This province is not in the chosen region."), field="province", code="place")
    responsible = None
    if responsible_id:
        responsible = Member.objects.filter(pk=responsible_id, anonymised_at=None).first()
        if responsible is None:
            raise WaslError(_("Choose a member of the association."), field="responsible")
    if status not in ProjectStatus.values:
        raise WaslError(_("Choose one of the offered values."), field="status")
    planned = _count(beneficiaries_planned, field="beneficiaries_planned")
    reached = _count(beneficiaries_reached, field="beneficiaries_reached")
    return {
        "programme": programme,
        "region": region,
        "province": province,
        "commune": _text(commune, 120, field="commune"),
        "target_group": _text(target_group, 300, field="target_group"),
        "beneficiaries_planned": planned,
        "beneficiaries_reached": reached,
        "partners": _text(partners, 2000, field="partners"),
        "status": status,
        "responsible": responsible,
        "sdg_goals": parse_sdg_goals(sdg_goals),
    }


@transaction.atomic
def project_create(
    *,
    actor,
    finance_project_id: int | None = None,
    code: str = "",
    name_ar: str = "",
    name_fr: str = "",
    starts_on: date | None = None,
    ends_on: date | None = None,
    budget=None,
    funder: str = "",
    **planning_fields,
) -> Project:
    """A planning project on a finance project: an existing one (`finance_project_id`), or a new one
    created by finance's own service from the code, names, dates, budget and funder given. A finance
    project carries one planning project at most."""
    from finance.models import Project as FinanceProject
    from finance.services.projects import project_save

    values = _project_values(**planning_fields)
    if finance_project_id:
        finance_project = FinanceProject.objects.select_for_update().filter(pk=finance_project_id).first()
        if finance_project is None:
            raise WaslError(_("Choose a project of the books."), field="finance_project")
        if finance_project.archived_at is not None:
            raise WaslError(_("This project of the books is archived."), field="finance_project")
        if Project.objects.filter(finance_project=finance_project).exists():
            raise WaslError(
                _("This project of the books already has its planning project."),
                field="finance_project",
                code="duplicate",
            )
    else:
        finance_project = project_save(
            actor=actor,
            code=code,
            name_ar=name_ar,
            name_fr=name_fr,
            starts_on=starts_on,
            ends_on=ends_on,
            budget=budget,
            funder=funder,
        )
    try:
        with transaction.atomic():
            project = Project.objects.create(finance_project=finance_project, **values)
    except IntegrityError:
        raise WaslError(
            _("This project of the books already has its planning project."),
            field="finance_project",
            code="duplicate",
        ) from None
    audit_record(
        actor=actor,
        action="planning.project.created",
        target=project,
        changes={"code": finance_project.code, "status": project.status},
    )
    return project


@transaction.atomic
def project_update(*, actor, planning_project_id: int, **planning_fields) -> Project:
    """Change a planning project's programme, place, target group, beneficiaries, partners, status,
    responsible member and goals. Its name, dates and money are the finance project's."""
    project = (
        Project.objects.select_for_update()
        .select_related("finance_project")
        .filter(pk=planning_project_id)
        .first()
    )
    if project is None:
        raise NotFound()
    values = _project_values(**planning_fields)
    before_status = project.status
    changed = sorted(name for name, value in values.items() if getattr(project, name) != value)
    for name, value in values.items():
        setattr(project, name, value)
    project.save(update_fields=list(values))
    changes: dict = {"fields": changed, "code": project.finance_project.code}
    if before_status != project.status:
        changes["status"] = {"from": before_status, "to": project.status}
    audit_record(actor=actor, action="planning.project.updated", target=project, changes=changes)
    return project
