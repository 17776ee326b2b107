"""Attendance statuses configured per association: the four defaults until it changes them, its own
labels at check-in and on the sheet, its own choice of what counts as attended for completion, and a
clear refusal (nothing recorded) for a status it does not offer."""

import pytest
from django.test import Client
from django.urls import reverse

from associations.errors import WaslError
from associations.tenancy import association_scope
from training import selectors, services
from training.models import Attendance, AttendanceStatusOption, EnrolmentStatus
from training.tests.helpers import course_with_session, days, enrol, members


def url(tenant, name, **kwargs):
    return reverse(f"training:{name}", kwargs={"association_slug": tenant.association.slug, **kwargs})


def test_the_defaults_until_the_association_configures_its_own(tenant_a):
    with association_scope(tenant_a.association):
        assert [s.code for s in selectors.attendance_statuses()] == ["present", "late", "excused", "absent"]
        assert selectors.attended_codes() == {"present", "late"}
        services.attendance_status_save(
            actor=tenant_a.president, code="online", label_ar="عن بعد", label_fr="À distance",
            counts_as_attended=True,
        )  # fmt: skip
        services.attendance_status_save(
            actor=tenant_a.president, code="late", label_ar="متأخر", label_fr="En retard",
            counts_as_attended=False,
        )  # fmt: skip
        codes = [s.code for s in selectors.attendance_statuses()]
        assert codes == ["present", "late", "excused", "absent", "online"]
        assert selectors.attended_codes() == {"present", "online"}


def test_another_associations_settings_do_not_leak(tenant_a, tenant_b):
    with association_scope(tenant_a.association):
        services.attendance_status_save(
            actor=tenant_a.president,
            code="online",
            label_ar="ع",
            label_fr="En ligne",
            counts_as_attended=True,
        )
    with association_scope(tenant_b.association):
        assert "online" not in {s.code for s in selectors.attendance_statuses()}


def test_what_counts_as_attended_follows_the_association(tenant_a):
    _course, session = course_with_session(tenant_a, capacity=3, dates=days(-2, 2))
    enrolment = enrol(tenant_a, members(tenant_a, 1)[0], session=session)
    with association_scope(tenant_a.association):
        services.attendance_status_save(
            actor=tenant_a.president, code="late", label_ar="م", label_fr="Retard", counts_as_attended=False
        )
        for day in services.session_days(session):
            services.attendance_record(
                actor=tenant_a.president, enrolment_id=enrolment.pk, day=day, status="late"
            )
        assert services.attendance_rate(enrolment) == 0
        enrolment.refresh_from_db()
        assert enrolment.status == EnrolmentStatus.ENROLLED  # late no longer counts: not completed


def test_a_status_not_configured_is_refused_and_nothing_is_recorded(tenant_a):
    _course, session = course_with_session(tenant_a, capacity=3, dates=days(-1, 1))
    enrolment = enrol(tenant_a, members(tenant_a, 1)[0], session=session)
    with association_scope(tenant_a.association):
        services.attendance_status_save(
            actor=tenant_a.president, code="excused", label_ar="م", label_fr="Excusé", counts_as_attended=False,
            is_active=False,
        )  # fmt: skip
        day = services.session_days(session)[0]
        for status in ("excused", "holiday"):
            with pytest.raises(WaslError) as caught:
                services.attendance_record(
                    actor=tenant_a.president, enrolment_id=enrolment.pk, day=day, status=status
                )
            assert caught.value.code == "status_not_configured"
        assert not Attendance.objects.exists()
    client = Client(headers={"Accept-Language": "fr"})
    client.force_login(tenant_a.president)
    response = client.post(
        url(tenant_a, "session_attendance", session_id=session.pk) + f"?day={day.isoformat()}",
        {"enrolment": enrolment.pk, "status": "holiday"},
        follow=True,
    )
    assert "pas configuré".encode() in response.content
    with association_scope(tenant_a.association):
        assert not Attendance.objects.exists()


def test_bad_settings_are_refused_and_change_nothing(tenant_a):
    client = Client(headers={"Accept-Language": "fr"})
    client.force_login(tenant_a.president)
    page = url(tenant_a, "attendance_statuses")
    assert client.get(page).status_code == 200
    # Retiring the only statuses that count would leave no way to attend.
    for code in ("present", "late"):
        client.post(
            page,
            {"code": code, "label_ar": "x", "label_fr": code, "counts_as_attended": "", "is_active": "on"},
        )
    with association_scope(tenant_a.association):
        assert set(
            AttendanceStatusOption.objects.filter(counts_as_attended=True).values_list("code", flat=True)
        ) == {"late"}
    with association_scope(tenant_a.association):
        before = sorted(map(repr, AttendanceStatusOption.objects.values()))
    refused = client.post(page, {"code": "late", "label_ar": "x", "label_fr": "Retard", "is_active": "on"})
    assert refused.status_code == 400 and b"au moins un" in refused.content.lower()
    bad_code = client.post(page, {"code": "a b", "label_ar": "x", "label_fr": "y", "is_active": "on"})
    assert bad_code.status_code == 400
    with association_scope(tenant_a.association):
        assert sorted(map(repr, AttendanceStatusOption.objects.values())) == before


def test_the_check_in_page_and_the_sheet_follow_the_statuses(tenant_a):
    _course, session = course_with_session(tenant_a, capacity=3, dates=days(0, 1))
    enrolment = enrol(tenant_a, members(tenant_a, 1)[0], session=session)
    with association_scope(tenant_a.association):
        services.attendance_status_save(
            actor=tenant_a.president,
            code="online",
            label_ar="عن بعد",
            label_fr="À distance",
            counts_as_attended=True,
        )
        services.attendance_status_save(
            actor=tenant_a.president, code="absent", label_ar="غائب", label_fr="Absent", counts_as_attended=False,
            is_active=False,
        )  # fmt: skip
    client = Client(headers={"Accept-Language": "fr"})
    client.force_login(tenant_a.president)
    checkin = client.get(url(tenant_a, "checkin", enrolment_id=enrolment.pk))
    assert "À distance".encode() in checkin.content and b'value="absent"' not in checkin.content
    page = client.get(url(tenant_a, "session_attendance", session_id=session.pk))
    assert b'value="online"' in page.content and b'value="absent"' not in page.content
    client.post(url(tenant_a, "checkin", enrolment_id=enrolment.pk), {"confirm": "yes", "status": "online"})
    with association_scope(tenant_a.association):
        assert Attendance.objects.get(enrolment=enrolment).status == "online"
    sheet = client.get(url(tenant_a, "session_sheet", session_id=session.pk))
    assert sheet.status_code == 200 and sheet.content.startswith(b"%PDF")


def test_only_officers_configure_statuses(tenant_a):
    client = Client()
    client.force_login(tenant_a.member)
    assert client.get(url(tenant_a, "attendance_statuses")).status_code in (403, 404)


def test_the_statuses_page_shows_labels_not_codes_and_changes_a_status_by_its_link(tenant_a):
    """The codes are keys: an Arabic page shows "غائب", never "absent"; a status is changed through
    its own "Change" link (code carried in a hidden field), without typing its code."""
    import re

    client = Client(headers={"Accept-Language": "ar"})
    client.force_login(tenant_a.president)
    page = url(tenant_a, "attendance_statuses")
    body = client.get(page).content.decode()
    visible = re.sub(r"<[^>]+>", " ", body)  # the text, without attributes (hrefs, values)
    for code in ("present", "late", "excused", "absent"):
        assert not re.search(rf"\b{code}\b", visible), code
    with association_scope(tenant_a.association):
        labels = {s.code: s.label for s in selectors.attendance_statuses()}
    for label in labels.values():
        assert label in body
    editing = client.get(page + "?status=absent").content.decode()
    assert 'type="hidden" name="code" value="absent"' in editing
    assert 'value="غائب"' in editing or 'value="' + labels["absent"] + '"' in editing
    response = client.post(
        page + "?status=absent",
        {"code": "absent", "label_ar": "غائب بدون عذر", "label_fr": "Absent sans excuse", "is_active": "on"},
    )
    assert response.status_code == 302
    with association_scope(tenant_a.association):
        option = AttendanceStatusOption.objects.get(code="absent")
        assert (option.label_ar, option.label_fr, option.counts_as_attended) == (
            "غائب بدون عذر", "Absent sans excuse", False,
        )  # fmt: skip
        assert AttendanceStatusOption.objects.count() == 4  # changed, not added
    # An unknown status in the link opens the plain "add" form.
    assert 'name="code" value="' not in client.get(page + "?status=nothing").content.decode()
