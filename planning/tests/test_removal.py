"""Removing an objective or a programme of a draft plan: only a draft changes, nothing is removed
while something hangs on it (the refusal says how many), the removal is audited with what was
removed, and the pages ask for a confirmation first (a GET or an unconfirmed POST removes nothing)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from associations.audit import audit_verify_association
from associations.errors import NotFound, WaslError
from associations.models import AuditEvent
from associations.tenancy import association_scope
from planning import services
from planning.models import Objective, Programme, Project
from planning.tests.test_services import _plan, _resolution, _snapshot


def _programme(tenant, objective, code="PX"):
    return services.programme_save(actor=tenant.president, objective_id=objective.pk, code=code, title_fr="T")


# --- Services ------------------------------------------------------------------------------------


def test_an_empty_objective_of_a_draft_is_removed_and_audited(scope_a):
    plan = _plan(scope_a)
    objective = plan.objectives.get(code="O2")
    removed = services.objective_remove(actor=scope_a.president, objective_id=objective.pk)
    assert removed["code"] == "O2" and removed["text_ar"] == "صحة"
    assert list(plan.objectives.values_list("code", flat=True)) == ["O1"]
    event = AuditEvent.objects.order_by("-seq").first()
    assert event.action == "planning.objective.removed"
    assert event.target_id == str(objective.pk) and event.target_type == "planning.objective"
    assert event.changes["code"] == "O2" and event.changes["text_ar"] == "صحة"
    assert event.changes["plan"] == str(plan)
    assert audit_verify_association(scope_a.association) is None


def test_an_empty_programme_of_a_draft_is_removed_and_audited(scope_a):
    plan = _plan(scope_a)
    programme = _programme(scope_a, plan.objectives.get(code="O1"))
    removed = services.programme_remove(actor=scope_a.president, programme_id=programme.pk)
    assert removed["code"] == "PX" and removed["objective"] == "O1"
    assert not Programme.objects.filter(pk=programme.pk).exists()
    event = AuditEvent.objects.order_by("-seq").first()
    assert event.action == "planning.programme.removed" and event.target_id == str(programme.pk)
    assert event.changes["title_fr"] == "T" and event.changes["objective"] == "O1"


def test_an_objective_with_programmes_is_refused_and_says_how_many(scope_a):
    plan = _plan(scope_a)
    objective = plan.objectives.get(code="O1")
    _programme(scope_a, objective, "PA")
    _programme(scope_a, objective, "PB")
    before = _snapshot()
    with pytest.raises(WaslError) as refused:
        services.objective_remove(actor=scope_a.president, objective_id=objective.pk)
    assert refused.value.code == "has_programmes"
    assert "2 programmes" in refused.value.message
    assert _snapshot() == before
    with translation.override("fr"), pytest.raises(WaslError) as refused:
        services.objective_remove(actor=scope_a.president, objective_id=objective.pk)
    assert "2 programmes" in refused.value.message and "objectif" in refused.value.message.lower()
    with translation.override("ar"), pytest.raises(WaslError) as refused:
        services.objective_remove(actor=scope_a.president, objective_id=objective.pk)
    assert "O1" in refused.value.message and "برنامج" in refused.value.message


def test_a_programme_with_projects_is_refused_and_says_how_many(scope_a):
    # The tenant's programme carries the tenant's project.
    programme = scope_a.programme
    assert Project.objects.filter(programme=programme).count() == 1
    before = _snapshot()
    with pytest.raises(WaslError) as refused:
        services.programme_remove(actor=scope_a.president, programme_id=programme.pk)
    assert refused.value.code == "has_projects" and "1 project " in refused.value.message
    assert _snapshot() == before
    with translation.override("fr"), pytest.raises(WaslError) as refused:
        services.programme_remove(actor=scope_a.president, programme_id=programme.pk)
    assert "1 projet" in refused.value.message
    # Once the project has moved to no programme, the programme goes.
    project = scope_a.planning_project
    services.project_update(actor=scope_a.president, planning_project_id=project.pk, programme_id=None)
    services.programme_remove(actor=scope_a.president, programme_id=programme.pk)
    assert not Programme.objects.filter(pk=programme.pk).exists()


def test_an_adopted_or_superseded_plan_never_loses_an_objective_or_a_programme(scope_a):
    plan = _plan(scope_a)
    objective = plan.objectives.get(code="O2")
    programme = _programme(scope_a, plan.objectives.get(code="O1"))
    services.plan_adopt(actor=scope_a.president, plan_id=plan.pk, agenda_item_id=_resolution(scope_a).pk)
    before = _snapshot()
    for remove in (
        lambda: services.objective_remove(actor=scope_a.president, objective_id=objective.pk),
        lambda: services.programme_remove(actor=scope_a.president, programme_id=programme.pk),
    ):
        with pytest.raises(WaslError) as refused:
            remove()
        assert refused.value.code == "not_draft"
    assert _snapshot() == before
    draft = services.plan_new_version(actor=scope_a.president, plan_id=plan.pk)
    services.plan_adopt(actor=scope_a.president, plan_id=draft.pk, agenda_item_id=_resolution(scope_a).pk)
    before = _snapshot()
    with pytest.raises(WaslError) as refused:
        services.objective_remove(actor=scope_a.president, objective_id=objective.pk)
    assert refused.value.code == "not_draft"
    assert _snapshot() == before


def test_another_associations_objective_or_programme_is_not_found(tenant_a, tenant_b):
    with association_scope(tenant_b.association):
        for remove in (
            lambda: services.objective_remove(actor=tenant_b.president, objective_id=tenant_a.objective.pk),
            lambda: services.programme_remove(actor=tenant_b.president, programme_id=tenant_a.programme.pk),
        ):
            with pytest.raises(NotFound):
                remove()
    with association_scope(tenant_a.association):
        assert Objective.objects.filter(pk=tenant_a.objective.pk).exists()
        assert Programme.objects.filter(pk=tenant_a.programme.pk).exists()


# --- Pages ---------------------------------------------------------------------------------------


def url(tenant, name, **kwargs):
    return reverse(f"planning:{name}", kwargs={"association_slug": tenant.association.slug, **kwargs})


def client_of(user, language="en"):
    client = Client(headers={"Accept-Language": language})
    client.force_login(user)
    return client


def _empty_objective(tenant):
    with association_scope(tenant.association):
        return services.objective_save(
            actor=tenant.president, plan_id=tenant.plan.pk, code="O9", text_fr="Objectif à retirer"
        )


@pytest.mark.parametrize("language", ["ar", "fr", "en"])
def test_removing_an_objective_goes_through_a_confirmation(tenant_a, language):
    objective = _empty_objective(tenant_a)
    client = client_of(tenant_a.president, language)
    plan_page = client.get(url(tenant_a, "plan", plan_id=tenant_a.plan.pk)).content.decode()
    page = url(tenant_a, "objective_remove", objective_id=objective.pk)
    assert f'href="{page}"' in plan_page
    confirm = client.get(page)
    body = confirm.content.decode()
    assert confirm.status_code == 200 and 'name="confirm" value="yes"' in body
    assert "Objectif à retirer" in body and f'lang="{language}"' in body
    if language == "ar":
        assert 'dir="rtl"' in body
    assert client.post(page, {}).status_code == 200  # no confirmation: nothing happens
    with association_scope(tenant_a.association):
        assert Objective.objects.filter(pk=objective.pk).exists()
    done = client.post(page, {"confirm": "yes"})
    assert done.status_code == 302 and done["Location"] == url(tenant_a, "plan", plan_id=tenant_a.plan.pk)
    with association_scope(tenant_a.association):
        assert not Objective.objects.filter(pk=objective.pk).exists()
        assert AuditEvent.objects.order_by("-seq").first().action == "planning.objective.removed"
    assert client.get(page).status_code == 404


def test_the_confirmation_says_why_it_is_refused_and_offers_no_button(tenant_a):
    client = client_of(tenant_a.president, "fr")
    page = url(tenant_a, "objective_remove", objective_id=tenant_a.objective.pk)
    body = client.get(page).content.decode()
    assert "1 programme" in body and 'name="confirm"' not in body and "Programmesecreta" in body
    programme_page = url(tenant_a, "programme_remove", programme_id=tenant_a.programme.pk)
    body = client.get(programme_page).content.decode()
    assert "1 projet" in body and 'name="confirm"' not in body
    # A forged confirmation is refused with the same message and changes nothing.
    with association_scope(tenant_a.association):
        before = _snapshot()
    refused = client.post(programme_page, {"confirm": "yes"}, follow=True)
    assert "1 projet" in refused.content.decode()
    with association_scope(tenant_a.association):
        assert _snapshot() == before


def test_removing_a_programme_goes_through_a_confirmation(tenant_a):
    with association_scope(tenant_a.association):
        programme = _programme(tenant_a, tenant_a.objective, "P9")
    client = client_of(tenant_a.president)
    page = url(tenant_a, "programme_remove", programme_id=programme.pk)
    plan_page = client.get(url(tenant_a, "plan", plan_id=tenant_a.plan.pk)).content.decode()
    assert f'href="{page}"' in plan_page
    assert 'name="confirm" value="yes"' in client.get(page).content.decode()
    assert client.post(page, {"confirm": "yes"}).status_code == 302
    with association_scope(tenant_a.association):
        assert not Programme.objects.filter(pk=programme.pk).exists()
        event = AuditEvent.objects.order_by("-seq").first()
        assert event.action == "planning.programme.removed" and event.changes["code"] == "P9"


def test_only_planning_managers_remove(tenant_a):
    objective = _empty_objective(tenant_a)
    for user in (tenant_a.member, tenant_a.treasurer):
        client = client_of(user)
        page = url(tenant_a, "objective_remove", objective_id=objective.pk)
        assert client.get(page).status_code == 403
        assert client.post(page, {"confirm": "yes"}).status_code == 403
        assert (
            client.get(url(tenant_a, "programme_remove", programme_id=tenant_a.programme.pk)).status_code
            == 403
        )
    with association_scope(tenant_a.association):
        assert Objective.objects.filter(pk=objective.pk).exists()
    body = client_of(tenant_a.treasurer).get(url(tenant_a, "plan", plan_id=tenant_a.plan.pk)).content.decode()
    assert url(tenant_a, "objective_remove", objective_id=objective.pk) not in body


def test_an_adopted_plan_offers_no_removal(tenant_a):
    objective = _empty_objective(tenant_a)
    with association_scope(tenant_a.association):
        services.plan_adopt(
            actor=tenant_a.president, plan_id=tenant_a.plan.pk, agenda_item_id=_resolution(tenant_a).pk
        )
    client = client_of(tenant_a.president)
    body = client.get(url(tenant_a, "plan", plan_id=tenant_a.plan.pk)).content.decode()
    assert "/remove/" not in body
    page = url(tenant_a, "objective_remove", objective_id=objective.pk)
    body = client.get(page).content.decode()
    assert "Only a draft can be changed" in body and 'name="confirm"' not in body
    client.post(page, {"confirm": "yes"})
    with association_scope(tenant_a.association):
        assert Objective.objects.filter(pk=objective.pk).exists()


# --- At the same moment (PostgreSQL) ---------------------------------------------------------------


def _hold_then_remove(tenant, attach, remove):
    """`attach` runs in a transaction that stays open while `remove` starts in another connection;
    then the first commits. Returns what `remove` raised or returned."""
    import threading
    import time

    from django.db import connection, transaction

    attached, release = threading.Event(), threading.Event()
    outcomes: dict = {}

    def first():
        try:
            with association_scope(tenant.association), transaction.atomic():
                attach()
                attached.set()
                release.wait(timeout=10)
        except Exception as exc:  # pragma: no cover - reported by the assertion below
            outcomes["attach"] = exc
            attached.set()
        finally:
            connection.close()

    def second():
        try:
            with association_scope(tenant.association):
                outcomes["remove"] = remove()
        except Exception as exc:
            outcomes["remove"] = exc
        finally:
            connection.close()

    holder = threading.Thread(target=first)
    holder.start()
    assert attached.wait(timeout=10)
    remover = threading.Thread(target=second)
    remover.start()
    time.sleep(0.5)  # the removal now waits on the row the attach holds
    release.set()
    holder.join()
    remover.join()
    assert "attach" not in outcomes, outcomes
    return outcomes["remove"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_programme_given_to_a_project_at_the_same_moment_is_not_removed():
    from conftest import build_tenant

    tenant = build_tenant("rm1")
    with association_scope(tenant.association):
        programme = _programme(tenant, tenant.objective, "PZ")
    outcome = _hold_then_remove(
        tenant,
        lambda: services.project_update(
            actor=tenant.president, planning_project_id=tenant.planning_project.pk, programme_id=programme.pk
        ),
        lambda: services.programme_remove(actor=tenant.president, programme_id=programme.pk),
    )
    assert isinstance(outcome, WaslError) and outcome.code == "has_projects", outcome
    with association_scope(tenant.association):
        assert Project.objects.get(pk=tenant.planning_project.pk).programme_id == programme.pk
        assert not AuditEvent.objects.filter(action="planning.programme.removed").exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_objective_given_a_programme_at_the_same_moment_is_not_removed():
    from conftest import build_tenant

    tenant = build_tenant("rm2")
    objective = _empty_objective(tenant)
    outcome = _hold_then_remove(
        tenant,
        lambda: _programme(tenant, objective, "PY"),
        lambda: services.objective_remove(actor=tenant.president, objective_id=objective.pk),
    )
    assert isinstance(outcome, WaslError) and outcome.code == "has_programmes", outcome
    with association_scope(tenant.association):
        assert Programme.objects.filter(objective=objective, code="PY").exists()
        assert not AuditEvent.objects.filter(action="planning.objective.removed").exists()
