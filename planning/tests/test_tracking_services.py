"""The tracking's rules: a refused input changes nothing; activities move planned → running → done
(or cancelled) and come back only by an explicit reopen; indicator values follow their unit; a
measurement is never changed in place (a correction is a new row, once per row); volunteer hours
are given to one activity and never re-valued here."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from associations.errors import NotFound, WaslError
from associations.models import AuditEvent
from members.models import MemberStatus
from planning import services_tracking as services
from planning.models import Activity, ActivityHours, ActivityStatus, Indicator, Measurement
from resources import services as resource_services
from resources.models import VolunteerHours

TODAY = timezone.localdate
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _audit_count():
    return AuditEvent.objects.count()


def _activity(tenant, **values):
    data = {
        "actor": tenant.president,
        "planning_project_id": tenant.planning_project.pk,
        "title_fr": "Caravane médicale",
        "starts_on": TODAY() - timedelta(days=5),
        "ends_on": TODAY() + timedelta(days=5),
    }
    data.update(values)
    return services.activity_save(**data)


def _indicator(tenant, **values):
    data = {
        "actor": tenant.president,
        "planning_project_id": tenant.planning_project.pk,
        "name_fr": "Taux de réussite",
        "unit": "percent",
        "baseline": "10",
        "target": "80",
    }
    data.update(values)
    return services.indicator_save(**data)


# --- Activities ------------------------------------------------------------------------------------


def test_an_activity_is_added_and_audited(scope_a):
    before = _audit_count()
    activity = _activity(scope_a, responsible_id=scope_a.member_row.pk)
    assert activity.project == scope_a.planning_project
    assert activity.status == ActivityStatus.PLANNED
    assert activity.responsible == scope_a.member_row
    assert _audit_count() == before + 1
    assert AuditEvent.objects.order_by("-pk").first().action == "planning.activity.added"


def test_an_end_before_the_start_is_refused_and_changes_nothing(scope_a):
    activities, events = Activity.objects.count(), _audit_count()
    with pytest.raises(WaslError) as refused:
        _activity(scope_a, starts_on=TODAY(), ends_on=TODAY() - timedelta(days=1))
    assert refused.value.code == "end_before_start" and refused.value.field == "ends_on"
    assert Activity.objects.count() == activities and _audit_count() == events


def test_an_edit_with_an_end_before_the_start_leaves_the_activity_as_it_was(scope_a):
    activity = scope_a.activity
    starts, ends = activity.starts_on, activity.ends_on
    with pytest.raises(WaslError):
        services.activity_save(actor=scope_a.president, activity_id=activity.pk, title_fr="Autre",
                               starts_on=ends, ends_on=starts - timedelta(days=1))  # fmt: skip
    activity.refresh_from_db()
    assert (activity.starts_on, activity.ends_on, activity.title_fr) == (starts, ends, "activity-secret-a")


@pytest.mark.parametrize("years", [-40, 40])
def test_dates_far_outside_a_sensible_range_are_refused(scope_a, years):
    day = TODAY().replace(year=TODAY().year + years, day=1)
    with pytest.raises(WaslError) as refused:
        _activity(scope_a, starts_on=day, ends_on=day)
    assert refused.value.code == "out_of_range"


def test_the_end_date_error_reads_in_arabic_and_french(scope_a):
    for language in ("ar", "fr"):
        with translation.override(language), pytest.raises(WaslError) as refused:
            _activity(scope_a, starts_on=TODAY(), ends_on=TODAY() - timedelta(days=1))
        assert refused.value.message != "The end date is before the start date."


def test_a_title_is_required(scope_a):
    with pytest.raises(WaslError) as refused:
        _activity(scope_a, title_fr="  ", title_ar="")
    assert refused.value.field == "title_fr"


def test_the_responsible_person_is_an_active_member_of_the_association(scope_a, tenant_b):
    with pytest.raises(WaslError) as refused:
        _activity(scope_a, responsible_id=tenant_b.member_row.pk)
    assert refused.value.field == "responsible"
    scope_a.member_row.status = MemberStatus.RESIGNED
    scope_a.member_row.save(update_fields=["status"])
    with pytest.raises(WaslError):
        _activity(scope_a, responsible_id=scope_a.member_row.pk)


def test_an_activity_of_another_association_is_not_found(scope_a, tenant_b):
    with pytest.raises(NotFound):
        services.activity_save(actor=scope_a.president, activity_id=tenant_b.activity.pk, title_fr="x",
                               starts_on=TODAY(), ends_on=TODAY())  # fmt: skip
    with pytest.raises(NotFound):
        _activity(scope_a, planning_project_id=tenant_b.planning_project.pk)


def test_status_moves_forward_and_closed_activities_need_a_reopen(scope_a):
    activity = _activity(scope_a)
    services.activity_set_status(actor=scope_a.president, activity_id=activity.pk, status="running")
    with pytest.raises(WaslError) as refused:
        services.activity_set_status(actor=scope_a.president, activity_id=activity.pk, status="planned")
    assert refused.value.code == "backwards"
    services.activity_set_status(actor=scope_a.president, activity_id=activity.pk, status="done")
    for status in ("running", "planned", "cancelled"):
        with pytest.raises(WaslError) as refused:
            services.activity_set_status(actor=scope_a.president, activity_id=activity.pk, status=status)
        assert refused.value.code == "closed"
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.DONE
    with pytest.raises(WaslError) as refused:
        services.activity_reopen(actor=scope_a.president, activity_id=activity.pk, reason=" ")
    assert refused.value.field == "reason"
    services.activity_reopen(actor=scope_a.president, activity_id=activity.pk, reason="Une séance oubliée")
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.RUNNING
    event = AuditEvent.objects.order_by("-pk").first()
    assert event.action == "planning.activity.reopened" and event.changes["reason"] == "Une séance oubliée"


def test_a_cancelled_activity_stays_cancelled_until_reopened(scope_a):
    activity = _activity(scope_a, starts_on=TODAY() + timedelta(days=3), ends_on=TODAY() + timedelta(days=9))
    services.activity_set_status(actor=scope_a.president, activity_id=activity.pk, status="cancelled")
    with pytest.raises(WaslError):
        services.activity_set_status(actor=scope_a.president, activity_id=activity.pk, status="running")
    services.activity_reopen(
        actor=scope_a.president, activity_id=activity.pk, reason="Le financement est revenu"
    )
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.PLANNED  # it has not started yet


def test_an_activity_that_has_not_started_cannot_be_done(scope_a):
    activity = _activity(scope_a, starts_on=TODAY() + timedelta(days=3), ends_on=TODAY() + timedelta(days=9))
    with pytest.raises(WaslError) as refused:
        services.activity_set_status(actor=scope_a.president, activity_id=activity.pk, status="done")
    assert refused.value.code == "not_started"


def test_an_unknown_status_is_refused(scope_a):
    with pytest.raises(WaslError) as refused:
        services.activity_set_status(actor=scope_a.president, activity_id=scope_a.activity.pk, status="lost")
    assert refused.value.field == "status"


# --- Indicators ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("unit", "field", "value", "code"),
    [
        ("percent", "target", "120", "percent_range"),
        ("percent", "baseline", "-1", "percent_range"),
        ("people", "target", "-5", "negative"),
        ("people", "target", "10.5", "whole"),
        ("mad", "baseline", "-0.01", "negative"),
        ("mad", "target", "12.345", "decimals"),
        ("number", "target", "abc", "invalid"),
        ("number", "target", "", "invalid"),
    ],
)
def test_a_value_in_the_wrong_unit_is_refused_and_changes_nothing(scope_a, unit, field, value, code):
    indicators, events = Indicator.objects.count(), _audit_count()
    values = {"unit": unit, "baseline": "0", "target": "50", field: value}
    with pytest.raises(WaslError) as refused:
        _indicator(scope_a, **values)
    assert (refused.value.field, refused.value.code) == (field, code)
    assert Indicator.objects.count() == indicators and _audit_count() == events


def test_a_percent_target_of_120_is_refused_in_arabic(scope_a):
    with translation.override("ar"), pytest.raises(WaslError) as refused:
        _indicator(scope_a, target="120")
    assert any("\u0600" <= ch <= "\u06ff" for ch in refused.value.message)


def test_a_number_indicator_may_go_below_zero_and_keeps_two_decimals(scope_a):
    indicator = _indicator(scope_a, unit="number", baseline="-3,5", target="12.25")
    assert (indicator.baseline, indicator.target) == (Decimal("-3.50"), Decimal("12.25"))


def test_an_indicator_with_measurements_keeps_its_unit(scope_a):
    indicator = scope_a.indicator  # people, with a measurement
    with pytest.raises(WaslError) as refused:
        services.indicator_save(actor=scope_a.president, indicator_id=indicator.pk, name_fr="x", unit="percent",
                                target="50")  # fmt: skip
    assert refused.value.code == "unit_locked"
    indicator.refresh_from_db()
    assert indicator.unit == "people"
    edited = services.indicator_save(actor=scope_a.president, indicator_id=indicator.pk, name_fr="Bénéficiaires",
                                     unit="people", target="150")  # fmt: skip
    assert edited.target == Decimal("150.00")


def test_an_indicator_without_measurements_may_change_unit(scope_a):
    indicator = _indicator(scope_a)
    edited = services.indicator_save(actor=scope_a.president, indicator_id=indicator.pk, name_fr="x", unit="mad",
                                     target="5000")  # fmt: skip
    assert edited.unit == "mad"


# --- Measurements ----------------------------------------------------------------------------------


def test_a_measurement_is_never_changed_in_place(scope_a):
    row = scope_a.measurement
    row.value = Decimal("999")
    with pytest.raises(ValueError):
        row.save()
    row.refresh_from_db()
    assert row.value == Decimal("5.00")


def test_a_measurement_is_added_with_its_evidence_kept_private(scope_a):
    indicator = _indicator(scope_a)
    upload = SimpleUploadedFile("attendance.pdf", PDF, content_type="application/pdf")
    row = services.measurement_add(actor=scope_a.president, indicator_id=indicator.pk, measured_on=TODAY(),
                                   value="42.5", note="Trimestre 1", evidence=upload)  # fmt: skip
    assert row.value == Decimal("42.50") and row.evidence_name == "attendance.pdf"
    assert row.evidence.startswith(f"associations/{scope_a.association.pk}/planning/")
    assert AuditEvent.objects.order_by("-pk").first().action == "planning.measurement.added"


def test_evidence_of_the_wrong_type_or_size_is_refused_and_nothing_is_recorded(scope_a, settings):
    indicator = _indicator(scope_a)
    rows = Measurement.objects.count()
    fake = SimpleUploadedFile(
        "evidence.pdf", b"<html><script>alert(1)</script></html>", content_type="application/pdf"
    )
    with pytest.raises(WaslError) as refused:
        services.measurement_add(actor=scope_a.president, indicator_id=indicator.pk, measured_on=TODAY(),
                                 value="10", evidence=fake)  # fmt: skip
    assert refused.value.code == "bad_type"
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * (services.EVIDENCE_MAX_BYTES + 1))
    with pytest.raises(WaslError) as refused:
        services.measurement_add(actor=scope_a.president, indicator_id=indicator.pk, measured_on=TODAY(),
                                 value="10", evidence=big)  # fmt: skip
    assert refused.value.code == "too_large"
    assert Measurement.objects.count() == rows


@pytest.mark.parametrize(("day", "value", "field"), [(1, "10", "measured_on"), (0, "101", "value")])
def test_a_measurement_in_the_future_or_out_of_range_is_refused(scope_a, day, value, field):
    indicator = _indicator(scope_a)
    rows, events = Measurement.objects.count(), _audit_count()
    with pytest.raises(WaslError) as refused:
        services.measurement_add(actor=scope_a.president, indicator_id=indicator.pk,
                                 measured_on=TODAY() + timedelta(days=day), value=value)  # fmt: skip
    assert refused.value.field == field
    assert Measurement.objects.count() == rows and _audit_count() == events


def test_a_correction_is_a_new_row_and_the_corrected_value_stays(scope_a):
    original = scope_a.measurement
    before = Measurement.objects.count()
    correction = services.measurement_correct(actor=scope_a.president, measurement_id=original.pk, value="7",
                                              reason="Double comptage")  # fmt: skip
    assert Measurement.objects.count() == before + 1
    assert correction.corrects == original and correction.note == "Double comptage"
    assert correction.measured_on == original.measured_on
    original.refresh_from_db()
    assert original.value == Decimal("5.00") and original.note == "measurement-secret-a"
    event = AuditEvent.objects.order_by("-pk").first()
    assert event.action == "planning.measurement.corrected"
    assert (
        event.changes["value"] == {"from": "5.00", "to": "7.00"}
        and event.changes["reason"] == "Double comptage"
    )


def test_correcting_twice_is_refused_but_the_correction_can_be_corrected(scope_a):
    original = scope_a.measurement
    first = services.measurement_correct(actor=scope_a.president, measurement_id=original.pk, value="7",
                                         reason="Erreur")  # fmt: skip
    rows, events = Measurement.objects.count(), _audit_count()
    with pytest.raises(WaslError) as refused:
        services.measurement_correct(
            actor=scope_a.president, measurement_id=original.pk, value="8", reason="Encore"
        )
    assert refused.value.code == "already_corrected"
    assert Measurement.objects.count() == rows and _audit_count() == events
    second = services.measurement_correct(actor=scope_a.president, measurement_id=first.pk, value="8",
                                          reason="Encore")  # fmt: skip
    assert second.corrects == first


def test_a_correction_needs_a_reason_and_a_valid_value(scope_a):
    rows = Measurement.objects.count()
    with pytest.raises(WaslError) as refused:
        services.measurement_correct(actor=scope_a.president, measurement_id=scope_a.measurement.pk, value="7",
                                     reason="")  # fmt: skip
    assert refused.value.field == "reason"
    with pytest.raises(WaslError) as refused:
        services.measurement_correct(actor=scope_a.president, measurement_id=scope_a.measurement.pk, value="-7",
                                     reason="x")  # fmt: skip
    assert refused.value.code == "negative"
    assert Measurement.objects.count() == rows


def test_a_measurement_of_another_association_cannot_be_corrected(scope_a, tenant_b):
    with pytest.raises(NotFound):
        services.measurement_correct(actor=scope_a.president, measurement_id=tenant_b.measurement.pk, value="1",
                                     reason="x")  # fmt: skip


# --- Volunteer hours -------------------------------------------------------------------------------


def test_hours_are_linked_once_and_never_re_valued(scope_a):
    hours = scope_a.volunteer_hours
    value = hours.value
    resource_services.hourly_value_set(actor=scope_a.president, hourly_value="99")
    link = services.hours_link(actor=scope_a.president, activity_id=scope_a.activity.pk, hours_id=hours.pk)
    assert link.hours == hours
    hours.refresh_from_db()
    assert hours.value == value  # valued once, by resources
    other = _activity(scope_a)
    with pytest.raises(WaslError) as refused:
        services.hours_link(actor=scope_a.president, activity_id=other.pk, hours_id=hours.pk)
    assert refused.value.code == "linked"
    with pytest.raises(WaslError):
        services.hours_link(actor=scope_a.president, activity_id=scope_a.activity.pk, hours_id=hours.pk)
    assert ActivityHours.objects.filter(hours=hours).count() == 1


def test_hours_of_another_association_cannot_be_linked(scope_a, tenant_b):
    with pytest.raises(WaslError) as refused:
        services.hours_link(actor=scope_a.president, activity_id=scope_a.activity.pk,
                            hours_id=tenant_b.volunteer_hours.pk)  # fmt: skip
    assert refused.value.field == "hours"
    assert not ActivityHours.objects.exists()


def test_negative_or_zero_hours_cannot_exist_to_be_linked(scope_a):
    """Hours are recorded only by resources, which refuses zero and negative counts (and the
    database refuses them too): planning has nothing to check beyond linking what exists."""
    for amount in ("0", "-3"):
        with pytest.raises(WaslError):
            resource_services.hours_record(actor=scope_a.president, volunteer_id=scope_a.volunteer.pk, day=TODAY(),
                                           hours=amount, activity="x")  # fmt: skip
    assert not VolunteerHours.objects.filter(hours__lte=0).exists()


def test_hours_are_unlinked_and_can_then_go_to_another_activity(scope_a):
    link = services.hours_link(actor=scope_a.president, activity_id=scope_a.activity.pk,
                               hours_id=scope_a.volunteer_hours.pk)  # fmt: skip
    services.hours_unlink(actor=scope_a.president, activity_id=scope_a.activity.pk, link_id=link.pk)
    assert not ActivityHours.objects.exists()
    assert VolunteerHours.objects.filter(pk=scope_a.volunteer_hours.pk).exists()
    other = _activity(scope_a)
    services.hours_link(actor=scope_a.president, activity_id=other.pk, hours_id=scope_a.volunteer_hours.pk)


def test_a_cancelled_activity_takes_no_hours(scope_a):
    activity = _activity(scope_a)
    services.activity_set_status(actor=scope_a.president, activity_id=activity.pk, status="cancelled")
    with pytest.raises(WaslError) as refused:
        services.hours_link(
            actor=scope_a.president, activity_id=activity.pk, hours_id=scope_a.volunteer_hours.pk
        )
    assert refused.value.code == "cancelled"
