"""Catalogue search and filters, the learner's and the officers' pages, certificates and the API."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from associations.tenancy import association_scope
from documents.models import Document
from members import services as member_services
from training import selectors, services
from training.models import Attendance, Certificate, Enrolment, EnrolmentStatus
from training.selectors import CatalogueFilter
from training.tests.helpers import course_with_session, days, enrol, members, platform_course_with_session


def url(tenant, name, **kwargs):
    return reverse(f"training:{name}", kwargs={"association_slug": tenant.association.slug, **kwargs})


@pytest.mark.parametrize(
    "query", ["إدارة الأمــوال", "ادارة الاموال", "FINANCES", "financés", "gestion finances", "أموال"]
)
def test_the_catalogue_finds_a_course_in_either_script(db, query):
    course, _session = platform_course_with_session(title_ar="إدارة الأموال", title_fr="Gestion des finances")
    platform_course_with_session(title_ar="التواصل", title_fr="Communication")
    found = list(selectors.catalogue(CatalogueFilter(query=query)))
    assert found == [course]


def test_the_catalogue_filters_by_theme_format_region_and_date(db):
    from associations.models import Region

    region = Region.objects.first()
    soon, _ = platform_course_with_session(title_fr="Soon", theme="finance", format="online_live")
    late, late_session = platform_course_with_session(title_fr="Late", dates=days(60))
    late_session.region = region
    late_session.save()
    assert list(selectors.catalogue(CatalogueFilter(theme="finance"))) == [soon]
    assert list(selectors.catalogue(CatalogueFilter(format="online_live"))) == [soon]
    assert list(selectors.catalogue(CatalogueFilter(region_id=region.pk))) == [late]
    later = timezone.localdate() + timedelta(days=30)
    assert list(selectors.catalogue(CatalogueFilter(date_from=later))) == [late]
    assert list(selectors.catalogue(CatalogueFilter(date_to=later))) == [soon]


def test_unpublished_platform_courses_stay_out_of_the_catalogue(db, client):
    hidden, _ = platform_course_with_session(title_fr="Hidden draft", published=False)
    assert list(selectors.catalogue(CatalogueFilter())) == []
    assert client.get(reverse("training_public:course", args=[hidden.public_token])).status_code == 404
    page = client.get(reverse("training_public:catalogue"))
    assert page.status_code == 200 and b"Hidden draft" not in page.content


@pytest.mark.parametrize("language", ["ar", "fr", "en"])
def test_catalogue_and_course_pages_render_in_every_language(db, language):
    course, _ = platform_course_with_session(title_fr="Gestion des finances", title_ar="إدارة الأموال")
    client = Client(headers={"Accept-Language": language})
    assert client.get(reverse("training_public:catalogue") + "?q=finances").status_code == 200
    assert client.get(reverse("training_public:course", args=[course.public_token])).status_code == 200


def test_only_training_managers_reach_the_managers_pages(tenant_a):
    client = Client()
    client.force_login(tenant_a.president)
    assert client.get(reverse("training_public:manage")).status_code == 404
    manager = tenant_a.president
    manager.is_training_manager = True
    manager.save()
    response = client.post(
        reverse("training_public:manage"),
        {"title_ar": "دورة", "title_fr": "Cours", "theme": "other", "audience": "everyone",
         "format": "self_paced", "duration_hours": 3, "min_attendance_percent": 0, "is_published": "on"},
    )  # fmt: skip
    assert response.status_code == 302


def _learner_client(tenant):
    """A's plain member, linked to a member row, signed in."""
    with association_scope(tenant.association):
        row = member_services.member_admit(
            actor=tenant.president,
            first_name_latin="Self",
            last_name_latin="Learner",
            email="self@example.ma",
        )
        from members.models import Member

        Member.objects.filter(pk=row.pk).update(user=tenant.member)
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(tenant.member)
    return client, row


def test_a_member_enrols_from_the_course_page_and_sees_it_in_the_portal(tenant_a):
    course, session = course_with_session(tenant_a, capacity=1, title_fr="Premiers secours")
    client, _row = _learner_client(tenant_a)
    assert client.get(url(tenant_a, "course", course_id=course.pk)).status_code == 200
    response = client.post(url(tenant_a, "session_enrol", session_id=session.pk))
    assert response.status_code == 302
    portal = client.get(reverse("members:my", kwargs={"association_slug": tenant_a.association.slug}))
    assert b"Premiers secours" in portal.content and b"Enrolled" in portal.content
    # The member cannot reach the officers' session page, nor cancel someone else's enrolment.
    assert client.get(url(tenant_a, "session", session_id=session.pk)).status_code == 403
    other = enrol(tenant_a, members(tenant_a, 1)[0], session=session)
    assert (
        client.post(url(tenant_a, "enrolment_cancel", enrolment_id=other.pk), {"confirm": "yes"}).status_code
        == 404
    )


def test_cancelling_needs_the_confirmation_page(tenant_a):
    _course, session = course_with_session(tenant_a, capacity=3)
    enrolment = enrol(tenant_a, members(tenant_a, 1)[0], session=session)
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(tenant_a.president)
    page = client.post(url(tenant_a, "enrolment_cancel", enrolment_id=enrolment.pk))
    assert page.status_code == 200 and b"Cancel the enrolment?" in page.content
    with association_scope(tenant_a.association):
        assert Enrolment.objects.get(pk=enrolment.pk).status == EnrolmentStatus.ENROLLED
    client.post(url(tenant_a, "enrolment_cancel", enrolment_id=enrolment.pk), {"confirm": "yes"})
    with association_scope(tenant_a.association):
        assert Enrolment.objects.get(pk=enrolment.pk).status == EnrolmentStatus.CANCELLED


def test_officer_pages_render(tenant_a):
    course, session = course_with_session(tenant_a, capacity=3)
    enrol(tenant_a, members(tenant_a, 1)[0], session=session)
    client = Client(headers={"Accept-Language": "fr"})
    client.force_login(tenant_a.president)
    for name, kwargs in (
        ("courses", {}),
        ("course_new", {}),
        ("course_edit", {"course_id": course.pk}),
        ("session_new", {"course_id": course.pk}),
        ("session", {"session_id": session.pk}),
        ("session_attendance", {"session_id": session.pk}),
    ):
        assert client.get(url(tenant_a, name, **kwargs)).status_code == 200, name
    sheet = client.get(url(tenant_a, "session_sheet", session_id=session.pk))
    assert sheet.status_code == 200 and sheet.content.startswith(b"%PDF")


def _attend_all(tenant, enrolment, session, status="present"):
    with association_scope(tenant.association):
        for day in services.session_days(session):
            services.attendance_record(
                actor=tenant.president, enrolment_id=enrolment.pk, day=day, status=status
            )


def test_completion_issues_one_certificate_and_revocation_keeps_it(tenant_a):
    course, session = course_with_session(tenant_a, capacity=3, dates=days(-2, 2))
    enrolment = enrol(tenant_a, members(tenant_a, 1)[0], session=session)
    with association_scope(tenant_a.association):
        assert services.enrolment_complete_if_due(actor=tenant_a.president, enrolment_id=enrolment.pk) is None
    _attend_all(tenant_a, enrolment, session)
    with association_scope(tenant_a.association):
        # Issued as soon as the last day was recorded.
        assert Enrolment.objects.get(pk=enrolment.pk).status == EnrolmentStatus.COMPLETED
        first = services.enrolment_complete_if_due(actor=tenant_a.president, enrolment_id=enrolment.pk)
        again = services.enrolment_complete_if_due(actor=tenant_a.president, enrolment_id=enrolment.pk)
        assert first is not None and again.pk == first.pk
        assert Certificate.objects.filter(course=course).count() == 1
        assert Enrolment.objects.get(pk=enrolment.pk).status == EnrolmentStatus.COMPLETED
        assert Document.objects.get(pk=first.document_id).kind == "training_certificate"
        services.certificate_revoke(actor=tenant_a.president, certificate_id=first.pk, reason="Fraud")
        revoked = Certificate.objects.get(pk=first.pk)
        assert revoked.revoked_at is not None and revoked.revocation_reason == "Fraud"
        assert Document.objects.get(pk=first.document_id).cancelled_at is not None


def test_the_database_refuses_a_second_certificate_for_the_same_course(tenant_a):
    with association_scope(tenant_a.association), pytest.raises(IntegrityError), transaction.atomic():
        Certificate.objects.create(
            member=tenant_a.member_row, course=tenant_a.course, enrolment=tenant_a.enrolment,
            document=tenant_a.document,
        )  # fmt: skip


def test_attendance_below_the_rule_does_not_complete(tenant_a):
    _course, session = course_with_session(tenant_a, capacity=3, dates=days(-2, 2))
    enrolment = enrol(tenant_a, members(tenant_a, 1)[0], session=session)
    _attend_all(tenant_a, enrolment, session, status="absent")
    with association_scope(tenant_a.association):
        assert services.enrolment_complete_if_due(actor=tenant_a.president, enrolment_id=enrolment.pk) is None
        assert Attendance.objects.filter(enrolment=enrolment).count() == 2


def test_api_catalogue_enrolment_and_progress(tenant_a):
    _course, session = course_with_session(tenant_a, capacity=1)
    person = members(tenant_a, 1)[0]
    client = Client()
    auth = {"Authorization": f"Bearer {tenant_a.access_token_raw}"}
    base = f"/api/v1/associations/{tenant_a.association.slug}/training"
    created = client.post(
        f"{base}/enrolments/", {"session": session.pk, "member": person.pk}, content_type="application/json",
        headers=auth,
    )  # fmt: skip
    assert created.status_code == 201 and created.json()["status"] == "enrolled"
    twice = client.post(
        f"{base}/enrolments/", {"session": session.pk, "member": person.pk}, content_type="application/json",
        headers=auth,
    )  # fmt: skip
    assert twice.status_code == 400 and twice.json()["error"]["code"] == "duplicate"
    progress = client.get(f"{base}/enrolments/{created.json()['id']}/progress/", headers=auth)
    assert progress.status_code == 200 and progress.json()["attendance_percent"] == 0
    assert client.get("/api/v1/training/catalogue/?q=finances").status_code == 200


def test_the_portal_row_counts_trainings_across_associations(tenant_a):
    client, row = _learner_client(tenant_a)
    _course, session = course_with_session(tenant_a, capacity=2)
    enrol(tenant_a, row, session=session)
    page = client.get(reverse("associations:me"))
    assert page.status_code == 200 and b"<bdi>1</bdi> training<" in page.content


def test_the_home_card_counts_this_association_only(tenant_a, tenant_b):
    _course, session = course_with_session(tenant_a, capacity=1)
    for person in members(tenant_a, 3):
        enrol(tenant_a, person, session=session)
    course_with_session(tenant_b, capacity=1)
    with association_scope(tenant_a.association):
        figures = selectors.association_figures()
    # The fixtures give A one course and a certificate, and enrol its register row in that course and
    # in a platform session: 3 seated, 2 waiting.
    assert figures == {"courses": 2, "enrolled": 3, "waitlisted": 2, "certificates": 1}
