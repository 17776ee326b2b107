"""The tracking pages: they render in ar/fr/en, refuse bad input with the service's message and
change nothing, keep their query count whatever the number of rows, correct a measurement only
through a confirmation, and serve evidence only to the association that holds it."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from associations.tenancy import association_scope
from planning import services_tracking as services
from planning.models import Activity, ActivityHours, Indicator, Measurement

TODAY = timezone.localdate
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def url(tenant, name, **kwargs):
    return reverse(
        f"planning_tracking:{name}", kwargs={"association_slug": tenant.association.slug, **kwargs}
    )


def client_of(user, language="en"):
    client = Client(headers={"Accept-Language": language})
    client.force_login(user)
    return client


def pages(tenant):
    return [
        ("activities", {"planning_project_id": tenant.planning_project.pk}),
        ("activity_edit", {"activity_id": tenant.activity.pk}),
        ("activity_hours", {"activity_id": tenant.activity.pk}),
        ("timeline", {}),
        ("indicators", {"planning_project_id": tenant.planning_project.pk}),
        ("indicator", {"indicator_id": tenant.indicator.pk}),
        ("indicator_edit", {"indicator_id": tenant.indicator.pk}),
        (
            "measurement_correct",
            {"indicator_id": tenant.indicator.pk, "measurement_id": tenant.measurement.pk},
        ),
    ]


@pytest.mark.parametrize("language", ["ar", "fr", "en"])
def test_the_pages_render_in_every_language(tenant_a, language):
    client = client_of(tenant_a.president, language)
    for name, kwargs in pages(tenant_a):
        response = client.get(url(tenant_a, name, **kwargs))
        assert response.status_code == 200, name
        body = response.content.decode()
        assert f'lang="{language}"' in body
        if language == "ar":
            assert 'dir="rtl"' in body


def test_a_plain_member_sees_no_tracking_page(tenant_a):
    client = client_of(tenant_a.member)
    for name, kwargs in pages(tenant_a):
        assert client.get(url(tenant_a, name, **kwargs)).status_code in (403, 404), name


def test_an_activity_is_added_from_the_page(tenant_a):
    client = client_of(tenant_a.president)
    response = client.post(
        url(tenant_a, "activities", planning_project_id=tenant_a.planning_project.pk),
        {"title_fr": "Atelier d'écriture", "starts_on": TODAY().isoformat(), "ends_on": TODAY().isoformat()},
    )
    assert response.status_code == 302
    with association_scope(tenant_a.association):
        assert Activity.objects.filter(title_fr="Atelier d'écriture").exists()


def test_an_end_before_the_start_is_refused_on_the_page_in_french(tenant_a):
    client = client_of(tenant_a.president, "fr")
    with association_scope(tenant_a.association):
        before = Activity.objects.count()
    response = client.post(
        url(tenant_a, "activities", planning_project_id=tenant_a.planning_project.pk),
        {
            "title_fr": "Atelier",
            "starts_on": TODAY().isoformat(),
            "ends_on": (TODAY() - timedelta(days=2)).isoformat(),
        },
    )
    assert response.status_code == 400
    assert "The end date is before the start date." not in response.content.decode()
    with association_scope(tenant_a.association):
        assert Activity.objects.count() == before


def test_a_percent_target_above_100_is_refused_on_the_page(tenant_a):
    client = client_of(tenant_a.president, "ar")
    with association_scope(tenant_a.association):
        before = Indicator.objects.count()
    response = client.post(
        url(tenant_a, "indicators", planning_project_id=tenant_a.planning_project.pk),
        {"name_fr": "Taux", "level": "output", "unit": "percent", "baseline": "0", "target": "120",
         "frequency": "yearly"},
    )  # fmt: skip
    assert response.status_code == 400
    assert "A percentage lies between 0 and 100." not in response.content.decode()
    with association_scope(tenant_a.association):
        assert Indicator.objects.count() == before


def test_the_status_moves_and_a_closed_activity_needs_a_reopen_with_a_reason(tenant_a):
    client = client_of(tenant_a.president)
    status = url(tenant_a, "activity_status", activity_id=tenant_a.activity.pk)
    assert client.post(status, {"status": "running"}).status_code == 302
    assert client.post(status, {"status": "done"}).status_code == 302
    client.post(status, {"status": "running"})
    with association_scope(tenant_a.association):
        assert Activity.objects.get(pk=tenant_a.activity.pk).status == "done"
    reopen = url(tenant_a, "activity_reopen", activity_id=tenant_a.activity.pk)
    assert client.post(reopen, {"reason": ""}).status_code == 400
    assert client.post(reopen, {"reason": "Une séance de plus"}).status_code == 302
    with association_scope(tenant_a.association):
        assert Activity.objects.get(pk=tenant_a.activity.pk).status == "running"


def test_a_measurement_with_evidence_is_added_and_the_evidence_downloaded(tenant_a, tenant_b):
    client = client_of(tenant_a.president)
    page = url(tenant_a, "indicator", indicator_id=tenant_a.indicator.pk)
    upload = SimpleUploadedFile("liste.pdf", PDF, content_type="application/pdf")
    response = client.post(page, {"measured_on": TODAY().isoformat(), "value": "12", "evidence": upload})
    assert response.status_code == 302
    with association_scope(tenant_a.association):
        row = Measurement.objects.filter(indicator=tenant_a.indicator, value=Decimal("12")).get()
    evidence = url(
        tenant_a, "measurement_evidence", indicator_id=tenant_a.indicator.pk, measurement_id=row.pk
    )
    response = client.get(evidence)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Cache-Control"] == "private, no-store"
    assert client_of(tenant_a.member).get(evidence).status_code in (403, 404)
    stranger = client_of(tenant_b.president)
    assert stranger.get(evidence).status_code in (403, 404)
    own_slug = reverse(
        "planning_tracking:measurement_evidence",
        kwargs={"association_slug": tenant_b.association.slug, "indicator_id": tenant_a.indicator.pk,
                "measurement_id": row.pk},
    )  # fmt: skip
    assert stranger.get(own_slug).status_code == 404


def test_a_measurement_without_evidence_has_nothing_to_download(tenant_a):
    evidence = url(tenant_a, "measurement_evidence", indicator_id=tenant_a.indicator.pk,
                   measurement_id=tenant_a.measurement.pk)  # fmt: skip
    assert client_of(tenant_a.president).get(evidence).status_code == 404


def test_a_measurement_is_corrected_only_after_the_confirmation(tenant_a):
    client = client_of(tenant_a.president)
    page = url(tenant_a, "measurement_correct", indicator_id=tenant_a.indicator.pk,
               measurement_id=tenant_a.measurement.pk)  # fmt: skip
    data = {"value": "6", "measured_on": TODAY().isoformat(), "reason": "Recompte"}
    with association_scope(tenant_a.association):
        before = Measurement.objects.count()
    response = client.post(page, data)
    assert response.status_code == 200 and 'name="confirm"' in response.content.decode()
    with association_scope(tenant_a.association):
        assert Measurement.objects.count() == before
    assert client.post(page, {**data, "confirm": "yes"}).status_code == 302
    with association_scope(tenant_a.association):
        assert Measurement.objects.count() == before + 1
    body = client.get(url(tenant_a, "indicator", indicator_id=tenant_a.indicator.pk)).content.decode()
    assert "<del>" in body and "Recompte" in body  # the corrected value stays visible
    again = client.get(page)
    assert "already corrected" in again.content.decode()
    assert client.post(page, {**data, "confirm": "yes"}).status_code == 200
    with association_scope(tenant_a.association):
        assert Measurement.objects.count() == before + 1


def test_a_bad_correction_is_refused_before_the_confirmation(tenant_a):
    client = client_of(tenant_a.president)
    page = url(tenant_a, "measurement_correct", indicator_id=tenant_a.indicator.pk,
               measurement_id=tenant_a.measurement.pk)  # fmt: skip
    response = client.post(page, {"value": "-4", "measured_on": TODAY().isoformat(), "reason": "x"})
    assert response.status_code == 400 and 'name="confirm"' not in response.content.decode()


def test_hours_are_linked_from_the_page_once(tenant_a):
    client = client_of(tenant_a.president)
    page = url(tenant_a, "activity_hours", activity_id=tenant_a.activity.pk)
    assert client.post(page, {"hours": tenant_a.volunteer_hours.pk}).status_code == 302
    assert client.post(page, {"hours": tenant_a.volunteer_hours.pk}).status_code == 400
    with association_scope(tenant_a.association):
        assert ActivityHours.objects.count() == 1


def test_the_svg_chart_and_the_table_give_the_same_numbers(tenant_a):
    body = client_of(tenant_a.president).get(url(tenant_a, "indicator", indicator_id=tenant_a.indicator.pk))
    text = body.content.decode()
    assert "<svg" in text and 'class="target"' in text and 'class="point"' in text
    assert "5.00" in text and "100.00" in text  # the measured value and the target, in the table too


def _many_activities(tenant, count):
    with association_scope(tenant.association):
        for index in range(count):
            activity = services.activity_save(
                actor=tenant.president,
                planning_project_id=tenant.planning_project.pk,
                title_fr=f"Activité {index}",
                starts_on=TODAY() - timedelta(days=40 + index),
                ends_on=TODAY() - timedelta(days=index % 3),
                responsible_id=tenant.member_row.pk,
            )
            services.measurement_add(actor=tenant.president, indicator_id=tenant.indicator.pk,
                                     measured_on=TODAY() - timedelta(days=index), value=str(index))  # fmt: skip
            if index % 4 == 0:
                services.activity_set_status(
                    actor=tenant.president, activity_id=activity.pk, status="running"
                )


@pytest.mark.parametrize(
    "name",
    ["timeline", "activities", "indicators", "indicator"],
)
def test_the_query_count_does_not_grow_with_rows(tenant_a, name):
    kwargs = {
        "timeline": {},
        "activities": {"planning_project_id": tenant_a.planning_project.pk},
        "indicators": {"planning_project_id": tenant_a.planning_project.pk},
        "indicator": {"indicator_id": tenant_a.indicator.pk},
    }[name]
    client = client_of(tenant_a.president)
    page = url(tenant_a, name, **kwargs)
    client.get(page)
    with CaptureQueriesContext(connection) as few:
        assert client.get(page).status_code == 200
    _many_activities(tenant_a, 12)
    with CaptureQueriesContext(connection) as many:
        assert client.get(page).status_code == 200
    assert len(many) == len(few), name


def test_the_timeline_filters_by_project_and_moves_by_months(tenant_a):
    client = client_of(tenant_a.president)
    page = url(tenant_a, "timeline")
    body = client.get(page, {"project": tenant_a.planning_project.pk}).content.decode()
    assert "activity-secret-a" in body and "grid-template-columns" in body
    later = client.get(page, {"from": f"{TODAY().year + 3}-01"}).content.decode()
    assert "activity-secret-a" not in later
    assert client.get(page, {"from": "junk", "project": "x"}).status_code == 200


def test_the_home_card_counts_overdue_activities(tenant_a):
    with association_scope(tenant_a.association):
        services.activity_save(actor=tenant_a.president, planning_project_id=tenant_a.planning_project.pk,
                               title_fr="En retard", starts_on=TODAY() - timedelta(days=9),
                               ends_on=TODAY() - timedelta(days=2))  # fmt: skip
    client = client_of(tenant_a.president)
    body = client.get(
        reverse("associations:dashboard", kwargs={"association_slug": tenant_a.association.slug})
    )
    text = body.content.decode()
    assert "Overdue activities" in text and url(tenant_a, "timeline") in text
