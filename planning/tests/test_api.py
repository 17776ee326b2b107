"""Planning's REST API: reads need planning.view, writes planning.manage and go through the
services (audited, refused input changes nothing); measurements are only added (no PATCH, PUT or
DELETE), a correction names the measurement it corrects; another association's objects answer 404."""

from __future__ import annotations

from datetime import date

import pytest

from associations.capabilities import RoleKind
from associations.models import AuditEvent
from associations.tenancy import association_scope
from planning.models import Activity, Indicator, Measurement, Plan, Project
from planning.tests.test_output_pdf import build_planned

pytestmark = pytest.mark.django_db
JSON = "application/json"


@pytest.fixture
def api(client):
    built = build_planned("apiplans")
    client.force_login(built.president)
    built.client = client
    built.base = f"/api/v1/associations/{built.association.slug}/planning/"
    return built


def count(built, model) -> int:
    with association_scope(built.association):
        return model.objects.count()


def test_plans_and_projects_read_with_their_logframe_parts(api):
    plans = api.client.get(api.base + "plans/")
    assert plans.status_code == 200 and plans.json()[0]["title_fr"] == "Plan stratégique"
    plan = api.client.get(api.base + f"plans/{api.plan.pk}/").json()
    assert plan["status"] == "draft" and plan["objectives"][0]["programmes"][0]["code"] == "P1"
    projects = api.client.get(api.base + "projects/", {"status": "planned"}).json()
    assert [p["code"] for p in projects] == ["EAU0"] and projects[0]["beneficiaries_reached"] == 120
    indicators = api.client.get(api.base + f"projects/{api.project.pk}/indicators/").json()
    by_name = {i["name_fr"]: i for i in indicators}
    assert by_name["Puits creusés"]["latest_value"] == "9.00"  # the correction, not the corrected value
    assert by_name["Taux d'accès"]["latest_value"] == "47.00"
    activities = api.client.get(api.base + f"projects/{api.project.pk}/activities/").json()
    assert activities[0]["title_fr"] == "Forage du puits" and activities[0]["status"] == "done"


def test_a_bad_filter_is_refused_not_ignored(api):
    assert api.client.get(api.base + "projects/", {"status": "everything"}).status_code == 400


def test_writes_go_through_the_services_and_are_audited(api):
    with association_scope(api.association):
        events = AuditEvent.objects.count()
    plan = api.client.post(
        api.base + "plans/",
        {"title_fr": "Plan 2027", "starts_year": 2027, "ends_year": 2029},
        content_type=JSON,
    )
    assert plan.status_code == 201, plan.content
    project = api.client.post(
        api.base + "projects/",
        {"code": "ECOLE", "name_ar": "مدرسة", "name_fr": "École", "programme": api.programme.pk,
         "beneficiaries_planned": 80, "sdg_goals": [4, 5]},
        content_type=JSON,
    )  # fmt: skip
    assert project.status_code == 201, project.content
    body = project.json()
    assert body["code"] == "ECOLE" and body["sdg_goals"] == [4, 5] and body["finance_project"]
    project_id = body["id"]
    activity = api.client.post(
        api.base + f"projects/{project_id}/activities/",
        {"title_fr": "Rentrée", "starts_on": "2025-09-01", "ends_on": "2025-09-30"},
        content_type=JSON,
    )
    assert activity.status_code == 201, activity.content
    indicator = api.client.post(
        api.base + f"projects/{project_id}/indicators/",
        {"name_fr": "Élèves inscrits", "unit": "people", "baseline": "0", "target": "80", "level": "purpose"},
        content_type=JSON,
    )
    assert indicator.status_code == 201, indicator.content
    indicator_id = indicator.json()["id"]
    measured = api.client.post(
        api.base + f"indicators/{indicator_id}/measurements/",
        {"measured_on": "2025-10-01", "value": "64"},
        content_type=JSON,
    )
    assert measured.status_code == 201, measured.content
    correction = api.client.post(
        api.base + f"indicators/{indicator_id}/measurements/",
        {"measured_on": "2025-10-01", "value": "46", "note": "Inversion des chiffres", "corrects": measured.json()["id"]},
        content_type=JSON,
    )  # fmt: skip
    assert correction.status_code == 201, correction.content
    assert correction.json()["corrects"] == measured.json()["id"]
    listed = api.client.get(api.base + f"indicators/{indicator_id}/measurements/").json()
    assert [(m["value"], m["corrected"]) for m in listed] == [("64.00", True), ("46.00", False)]
    assert (
        api.client.get(api.base + f"projects/{project_id}/indicators/").json()[0]["latest_value"] == "46.00"
    )
    with association_scope(api.association):
        assert AuditEvent.objects.count() >= events + 6


def test_bad_input_is_a_400_and_changes_nothing(api):
    before = (count(api, Activity), count(api, Indicator), count(api, Measurement), count(api, Project))
    cases = [
        (f"projects/{api.project.pk}/activities/", {"title_fr": "x", "starts_on": "2025-05-02", "ends_on": "2025-05-01"}),
        (f"projects/{api.project.pk}/activities/", {"title_fr": "x", "starts_on": "1900-01-01", "ends_on": "1900-01-02"}),
        (f"projects/{api.project.pk}/activities/", {"title_fr": 12, "starts_on": "2025-05-01", "ends_on": "2025-05-02"}),
        (f"projects/{api.project.pk}/indicators/", {"name_fr": "x", "unit": "percent", "target": "120"}),
        (f"projects/{api.project.pk}/indicators/", {"name_fr": "x", "unit": "people", "target": "-3"}),
        (f"projects/{api.project.pk}/indicators/", {"name_fr": "x", "target": 5}),
        ("projects/", {"code": "X", "name_fr": "X", "sdg_goals": [18]}),
        ("projects/", {"code": "Y", "name_fr": "Y", "beneficiaries_planned": "5"}),
    ]  # fmt: skip
    for path, payload in cases:
        response = api.client.post(api.base + path, payload, content_type=JSON)
        assert response.status_code == 400, (path, payload, response.content)
    with association_scope(api.association):
        indicator = Indicator.objects.get(name_fr="Puits creusés")
    future = date.today().replace(year=date.today().year + 1).isoformat()
    response = api.client.post(
        api.base + f"indicators/{indicator.pk}/measurements/",
        {"measured_on": future, "value": "1"},
        content_type=JSON,
    )
    assert response.status_code == 400
    after = (count(api, Activity), count(api, Indicator), count(api, Measurement), count(api, Project))
    assert after == before


def test_measurements_are_only_added(api):
    with association_scope(api.association):
        indicator = Indicator.objects.get(name_fr="Puits creusés")
        corrected = Measurement.objects.get(indicator=indicator, corrects__isnull=True)
    url = api.base + f"indicators/{indicator.pk}/measurements/"
    for method in ("patch", "put", "delete"):
        assert getattr(api.client, method)(url, {}, content_type=JSON).status_code == 405
    # A measurement already corrected is corrected through its correction, not twice.
    again = api.client.post(
        url, {"measured_on": "2025-06-01", "value": "10", "note": "encore", "corrects": corrected.pk},
        content_type=JSON,
    )  # fmt: skip
    assert again.status_code == 400
    # A correction needs its reason.
    with association_scope(api.association):
        latest = Measurement.objects.get(corrects=corrected)
    no_reason = api.client.post(
        url, {"measured_on": "2025-06-01", "value": "10", "corrects": latest.pk}, content_type=JSON
    )
    assert no_reason.status_code == 400
    assert count(api, Measurement) == 3


def test_another_associations_objects_answer_404(api, client):
    other = build_planned("otherplans")
    client.force_login(api.president)
    with association_scope(other.association):
        indicator = Indicator.objects.first()
    for path in (
        f"plans/{other.plan.pk}/",
        f"projects/{other.project.pk}/",
        f"projects/{other.project.pk}/activities/",
        f"indicators/{indicator.pk}/measurements/",
    ):
        assert api.client.get(api.base + path).status_code == 404, path
    response = api.client.post(
        api.base + f"indicators/{indicator.pk}/measurements/",
        {"measured_on": "2025-06-01", "value": "1"},
        content_type=JSON,
    )
    assert response.status_code == 404
    with association_scope(other.association):
        assert Measurement.objects.count() == 3


def test_a_board_member_reads_but_does_not_write(api, client):
    from accounts.tests.factories import UserFactory
    from associations.tests.factories import RoleFactory

    board = UserFactory()
    RoleFactory(association=api.association, user=board, kind=RoleKind.BOARD_MEMBER)
    client.force_login(board)
    assert client.get(api.base + "plans/").status_code == 200
    response = client.post(api.base + "plans/", {"starts_year": 2027, "ends_year": 2028}, content_type=JSON)
    assert response.status_code == 403
    member = UserFactory()
    RoleFactory(association=api.association, user=member, kind=RoleKind.MEMBER)
    client.force_login(member)
    assert client.get(api.base + "plans/").status_code == 403
    assert count(api, Plan) == 1
