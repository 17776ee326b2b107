"""The plan's and projects' rules: a draft is the only version that changes, a new version copies
the objectives, adoption needs a resolution the assembly voted and supersedes the version adopted
before, projects sit on exactly one finance project, and bad input changes nothing."""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from associations.audit import audit_verify_association
from associations.errors import NotFound, WaslError
from associations.models import AuditEvent, Province, Region
from finance.models import Project as FinanceProject
from planning import services
from planning.models import Objective, Plan, PlanStatus, Programme, Project, ProjectStatus

YEAR = timezone.localdate().year


def _resolution(
    tenant, *, adopted: bool = True, status: str = "closed", kind: str = "ordinary", item_kind="resolution"
):
    """A general assembly's resolution with a closed show-of-hands poll (adopted or rejected)."""
    from governance.models import AgendaItem, Assembly, Poll, PollMethod, PollStatus

    held = timezone.now() - datetime.timedelta(days=3)
    assembly = Assembly.objects.create(
        kind=kind,
        title="AG plan",
        status=status,
        first_call_at=held,
        opened_at=held,
        closed_at=held if status == "closed" else None,
        created_by=tenant.president,
    )
    item = AgendaItem.objects.create(assembly=assembly, position=1, kind=item_kind, title="Strategic plan")
    Poll.objects.create(
        assembly=assembly,
        agenda_item=item,
        question="Adopt the plan?",
        method=PollMethod.SHOW_OF_HANDS,
        status=PollStatus.CLOSED,
        present_count=12,
        members_count=20,
        hands_for=10 if adopted else 2,
        hands_against=2 if adopted else 10,
        hands_abstain=0,
    )
    return item


def _plan(tenant, **extra) -> Plan:
    values = {"title_fr": "Plan 2027", "title_ar": "مخطط", "starts_year": YEAR, "ends_year": YEAR + 2}
    values.update(extra)
    plan = services.plan_save(actor=tenant.president, **values)
    services.objective_save(actor=tenant.president, plan_id=plan.pk, code="O1", text_fr="Educate")
    services.objective_save(actor=tenant.president, plan_id=plan.pk, code="O2", text_ar="صحة")
    return plan


def _snapshot() -> tuple:
    return (
        list(Plan.objects.order_by("pk").values()),
        list(Objective.objects.order_by("pk").values()),
        list(Programme.objects.order_by("pk").values()),
        list(Project.objects.order_by("pk").values()),
        FinanceProject.objects.count(),
        AuditEvent.objects.count(),
    )


# --- Plans ---------------------------------------------------------------------------------------


def test_a_plan_is_created_as_a_draft_and_audited(scope_a):
    before = AuditEvent.objects.count()
    plan = services.plan_save(
        actor=scope_a.president, title_fr="Plan", vision_ar="رؤية", starts_year=str(YEAR), ends_year=YEAR + 4
    )
    assert plan.status == PlanStatus.DRAFT and plan.version == 1 and plan.previous is None
    assert (plan.starts_year, plan.ends_year) == (YEAR, YEAR + 4)
    event = AuditEvent.objects.order_by("-seq").first()
    assert AuditEvent.objects.count() == before + 1 and event.action == "planning.plan.created"
    assert "Secretname" not in str(event.changes)
    services.plan_save(
        actor=scope_a.president, plan_id=plan.pk, title_fr="Plan B", starts_year=YEAR, ends_year=YEAR + 4
    )
    plan.refresh_from_db()
    assert plan.title_fr == "Plan B"
    assert AuditEvent.objects.order_by("-seq").first().changes["fields"] == ["title_fr", "vision_ar"]


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"title_fr": "", "title_ar": ""}, "title_fr"),
        ({"starts_year": YEAR + 3, "ends_year": YEAR}, "ends_year"),
        ({"starts_year": 1900}, "starts_year"),
        ({"ends_year": 3000}, "ends_year"),
        ({"starts_year": "twenty"}, "starts_year"),
        ({"ends_year": YEAR + 40}, "ends_year"),
        ({"title_fr": "Plan\u202e"}, "title_fr"),
    ],
)
def test_a_bad_plan_is_refused_and_changes_nothing(scope_a, values, field):
    plan = _plan(scope_a)
    before = _snapshot()
    data = {"title_fr": "Plan", "starts_year": YEAR, "ends_year": YEAR + 2, **values}
    with pytest.raises(WaslError) as refused:
        services.plan_save(actor=scope_a.president, **data)
    assert refused.value.field == field
    with pytest.raises(WaslError):
        services.plan_save(actor=scope_a.president, plan_id=plan.pk, **data)
    assert _snapshot() == before


def test_refusals_read_in_arabic_and_french(scope_a):
    for language, word in (("ar", "السنة"), ("fr", "année")):
        with translation.override(language), pytest.raises(WaslError) as refused:
            services.plan_save(actor=scope_a.president, title_fr="P", starts_year=YEAR + 2, ends_year=YEAR)
        assert word in refused.value.message


def test_only_a_draft_changes(scope_a):
    plan = _plan(scope_a)
    services.plan_adopt(actor=scope_a.president, plan_id=plan.pk, agenda_item_id=_resolution(scope_a).pk)
    before = _snapshot()
    with pytest.raises(WaslError) as refused:
        services.plan_save(
            actor=scope_a.president, plan_id=plan.pk, title_fr="X", starts_year=YEAR, ends_year=YEAR
        )
    assert refused.value.code == "not_draft"
    with pytest.raises(WaslError):
        services.objective_save(actor=scope_a.president, plan_id=plan.pk, code="O3", text_fr="More")
    assert _snapshot() == before


def test_a_new_version_copies_the_objectives_and_names_the_previous(scope_a):
    plan = _plan(scope_a)
    services.plan_adopt(actor=scope_a.president, plan_id=plan.pk, agenda_item_id=_resolution(scope_a).pk)
    draft = services.plan_new_version(actor=scope_a.president, plan_id=plan.pk)
    assert draft.status == PlanStatus.DRAFT and draft.version == 2 and draft.previous_id == plan.pk
    assert list(draft.objectives.values_list("code", "text_fr", "text_ar")) == list(
        plan.objectives.values_list("code", "text_fr", "text_ar")
    )
    assert plan.objectives.count() == 2  # the old version keeps its own
    assert AuditEvent.objects.order_by("-seq").first().action == "planning.plan.versioned"
    before = _snapshot()
    with pytest.raises(WaslError) as refused:
        services.plan_new_version(actor=scope_a.president, plan_id=plan.pk)
    assert refused.value.code == "has_next_version"
    with pytest.raises(WaslError) as refused:
        services.plan_new_version(actor=scope_a.president, plan_id=draft.pk)
    assert refused.value.code == "draft"
    assert _snapshot() == before


def test_adopting_a_new_version_supersedes_the_old(scope_a):
    first = _plan(scope_a)
    services.plan_adopt(actor=scope_a.president, plan_id=first.pk, agenda_item_id=_resolution(scope_a).pk)
    first.refresh_from_db()
    assert first.status == PlanStatus.ADOPTED and first.adopted_on is not None
    second = services.plan_new_version(actor=scope_a.president, plan_id=first.pk)
    item = _resolution(scope_a)
    adopted = services.plan_adopt(actor=scope_a.president, plan_id=second.pk, agenda_item_id=item.pk)
    first.refresh_from_db()
    assert adopted.status == PlanStatus.ADOPTED and adopted.adopted_by_id == item.pk
    assert adopted.adopted_on == timezone.localdate(item.assembly.closed_at)
    assert first.status == PlanStatus.SUPERSEDED
    assert Plan.objects.filter(status=PlanStatus.ADOPTED).count() == 1
    actions = list(AuditEvent.objects.order_by("-seq").values_list("action", flat=True)[:2])
    assert actions == ["planning.plan.adopted", "planning.plan.superseded"]
    assert audit_verify_association(scope_a.association) is None


@pytest.mark.parametrize(
    ("resolution", "code"),
    [
        ({"adopted": False}, "rejected"),
        ({"status": "open"}, "assembly_not_held"),
        ({"kind": "board"}, "invalid"),
        ({"item_kind": "information"}, "invalid"),
    ],
)
def test_adoption_needs_a_resolution_the_general_assembly_voted(scope_a, resolution, code):
    old = _plan(scope_a)
    services.plan_adopt(actor=scope_a.president, plan_id=old.pk, agenda_item_id=_resolution(scope_a).pk)
    plan = services.plan_new_version(actor=scope_a.president, plan_id=old.pk)
    item = _resolution(scope_a, **resolution)
    before = _snapshot()
    with pytest.raises(WaslError) as refused:
        services.plan_adopt(actor=scope_a.president, plan_id=plan.pk, agenda_item_id=item.pk)
    assert refused.value.field == "agenda_item" and refused.value.code == code
    assert _snapshot() == before


def test_adoption_refuses_another_associations_resolution_and_an_empty_plan(tenant_a, tenant_b):
    from associations.tenancy import association_scope

    with association_scope(tenant_b.association):
        foreign = _resolution(tenant_b)
    with association_scope(tenant_a.association):
        plan = _plan(tenant_a)
        empty = services.plan_save(actor=tenant_a.president, title_fr="E", starts_year=YEAR, ends_year=YEAR)
        before = _snapshot()
        with pytest.raises(WaslError) as refused:
            services.plan_adopt(actor=tenant_a.president, plan_id=plan.pk, agenda_item_id=foreign.pk)
        assert refused.value.field == "agenda_item"
        with pytest.raises(WaslError):
            services.plan_adopt(
                actor=tenant_a.president, plan_id=empty.pk, agenda_item_id=_resolution(tenant_a).pk
            )
        assert _snapshot()[:4] == before[:4]


def test_the_database_keeps_one_adopted_version(scope_a):
    plan = _plan(scope_a)
    services.plan_adopt(actor=scope_a.president, plan_id=plan.pk, agenda_item_id=_resolution(scope_a).pk)
    other = _plan(scope_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        Plan.objects.filter(pk=other.pk).update(status=PlanStatus.ADOPTED, adopted_on=timezone.localdate())


# --- Objectives and programmes ---------------------------------------------------------------------


def test_objectives_and_programmes(scope_a):
    plan = _plan(scope_a)
    objective = plan.objectives.get(code="O1")
    assert objective.position == 1 and plan.objectives.get(code="O2").position == 2
    services.objective_save(
        actor=scope_a.president, plan_id=plan.pk, objective_id=objective.pk, code="O1", text_fr="Teach"
    )
    objective.refresh_from_db()
    assert objective.text_fr == "Teach"
    programme = services.programme_save(
        actor=scope_a.president,
        objective_id=objective.pk,
        code="PR-1",
        title_fr="Literacy",
        starts_on=datetime.date(YEAR, 1, 1),
        ends_on=datetime.date(YEAR + 1, 6, 30),
    )
    services.programme_save(
        actor=scope_a.president,
        objective_id=objective.pk,
        programme_id=programme.pk,
        code="PR-1",
        title_ar="محو",
    )
    programme.refresh_from_db()
    assert programme.title_ar == "محو" and programme.starts_on is None
    actions = list(AuditEvent.objects.order_by("-seq").values_list("action", flat=True)[:3])
    assert actions == ["planning.programme.updated", "planning.programme.added", "planning.objective.updated"]


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"code": "P1"}, "code"),  # the fixture's programme
        ({"code": "bad code!"}, "code"),
        ({"title_fr": "", "title_ar": ""}, "title_fr"),
        ({"starts_on": datetime.date(YEAR, 5, 1), "ends_on": datetime.date(YEAR, 4, 1)}, "ends_on"),
        ({"starts_on": datetime.date(YEAR - 5, 5, 1)}, "starts_on"),
        ({"objective_id": 0}, "objective"),
    ],
)
def test_a_bad_programme_is_refused_and_changes_nothing(scope_a, values, field):
    plan = _plan(scope_a)
    data = {"objective_id": plan.objectives.first().pk, "code": "PX", "title_fr": "T", **values}
    before = _snapshot()
    with pytest.raises(WaslError) as refused:
        services.programme_save(actor=scope_a.president, **data)
    assert refused.value.field == field
    assert _snapshot() == before


def test_a_duplicate_objective_code_is_refused(scope_a):
    plan = _plan(scope_a)
    before = _snapshot()
    with pytest.raises(WaslError) as refused:
        services.objective_save(actor=scope_a.president, plan_id=plan.pk, code="O1", text_fr="Again")
    assert refused.value.code == "duplicate"
    assert _snapshot() == before


# --- Projects --------------------------------------------------------------------------------------


def _place():
    region = Region.objects.order_by("code").first()
    province = Province.objects.filter(region=region).first()
    elsewhere = Province.objects.exclude(region=region).first()
    return region, province, elsewhere


def test_a_project_creates_its_finance_project_through_finance(scope_a):
    region, province, _elsewhere = _place()
    project = services.project_create(
        actor=scope_a.president,
        code="SCH-1",
        name_ar="مدرسة",
        name_fr="École",
        budget="12000.50",
        programme_id=scope_a.programme.pk,
        province_id=province.pk,
        commune="Ait Ourir",
        target_group="Girls aged 6 to 12",
        beneficiaries_planned="120",
        sdg_goals="4, 5",
        responsible_id=scope_a.member_row.pk,
    )
    finance_project = project.finance_project
    assert finance_project.code == "SCH-1" and str(finance_project.budget) == "12000.50"
    assert project.region == region  # the province's region
    assert project.sdg_goals == [4, 5] and project.beneficiaries_planned == 120
    actions = list(AuditEvent.objects.order_by("-seq").values_list("action", flat=True)[:2])
    assert actions == ["planning.project.created", "finance.project.created"]


def test_a_finance_project_carries_one_planning_project(scope_a):
    from finance.services.projects import project_save

    other = project_save(actor=scope_a.president, code="OTHER", name_ar="آخر", name_fr="Autre")
    project = services.project_create(actor=scope_a.president, finance_project_id=other.pk)
    assert project.finance_project == other and project.status == ProjectStatus.PLANNED
    before = _snapshot()
    with pytest.raises(WaslError) as refused:
        services.project_create(actor=scope_a.president, finance_project_id=scope_a.project.pk)
    assert refused.value.code == "duplicate"
    assert _snapshot() == before


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"sdg_goals": [0]}, "sdg_goals"),
        ({"sdg_goals": [18]}, "sdg_goals"),
        ({"sdg_goals": "4, 4"}, "sdg_goals"),
        ({"sdg_goals": ["x"]}, "sdg_goals"),
        ({"sdg_goals": [True]}, "sdg_goals"),
        ({"beneficiaries_planned": -3}, "beneficiaries_planned"),
        ({"status": "dreaming"}, "status"),
        ({"programme_id": 999999}, "programme"),
        ({"responsible_id": 999999}, "responsible"),
        ({"region_id": 999999}, "region"),
        ("mismatch", "province"),
        ({"code": "", "name_fr": "X", "name_ar": "س"}, "code"),
        ({"code": "NEW", "name_fr": "", "name_ar": ""}, "name_ar"),
        ({"commune": "x" * 121}, "commune"),
    ],
)
def test_a_bad_project_is_refused_and_changes_nothing(scope_a, values, field):
    region, _province, elsewhere = _place()
    if values == "mismatch":
        values = {"region_id": region.pk, "province_id": elsewhere.pk}
    before = _snapshot()
    data = {"code": "NEW", "name_ar": "جديد", "name_fr": "Nouveau", **values}
    with pytest.raises(WaslError) as refused:
        services.project_create(actor=scope_a.president, **data)
    assert refused.value.field == field
    planning_only = {k: v for k, v in values.items() if k not in ("code", "name_ar", "name_fr")}
    if planning_only:
        with pytest.raises(WaslError):
            services.project_update(
                actor=scope_a.president, planning_project_id=scope_a.planning_project.pk, **planning_only
            )
    assert _snapshot() == before


def test_a_project_is_updated_and_the_change_is_audited(scope_a):
    region, province, _elsewhere = _place()
    project = services.project_update(
        actor=scope_a.president,
        planning_project_id=scope_a.planning_project.pk,
        programme_id=scope_a.programme.pk,
        region_id=region.pk,
        province_id=province.pk,
        status="running",
        sdg_goals=[10, 1],
        partners="Commune; school",
        beneficiaries_planned=10,
    )
    assert project.status == "running" and project.sdg_goals == [1, 10] and project.province == province
    event = AuditEvent.objects.order_by("-seq").first()
    assert event.action == "planning.project.updated"
    assert event.changes["status"] == {"from": "planned", "to": "running"}
    assert "sdg_goals" in event.changes["fields"] and "beneficiaries_planned" not in event.changes["fields"]


def test_another_associations_rows_are_not_found(tenant_a, tenant_b):
    from associations.tenancy import association_scope

    with association_scope(tenant_a.association):
        with pytest.raises(NotFound):
            services.project_update(
                actor=tenant_a.president, planning_project_id=tenant_b.planning_project.pk
            )
        with pytest.raises(NotFound):
            services.plan_save(
                actor=tenant_a.president,
                plan_id=tenant_b.plan.pk,
                title_fr="X",
                starts_year=YEAR,
                ends_year=YEAR,
            )
        with pytest.raises(WaslError) as refused:
            services.project_create(actor=tenant_a.president, finance_project_id=tenant_b.project.pk)
        assert refused.value.field == "finance_project"
        with pytest.raises(WaslError) as refused:
            services.programme_save(
                actor=tenant_a.president, objective_id=tenant_b.objective.pk, code="Z", title_fr="Z"
            )
        assert refused.value.field == "objective"
