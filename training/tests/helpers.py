"""Builders for training tests: courses and sessions of both providers, members to enrol."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

from accounts.models import User
from associations.tenancy import association_scope
from members import services as member_services
from training import services


def days(first_in_days: int = 3, count: int = 1):
    zone = timezone.get_current_timezone()
    start = timezone.localdate() + timedelta(days=first_in_days)
    return [
        (
            datetime.combine(start + timedelta(days=i), time(9)).replace(tzinfo=zone),
            datetime.combine(start + timedelta(days=i), time(17)).replace(tzinfo=zone),
        )
        for i in range(count)
    ]


def course_with_session(tenant, *, capacity=2, waitlist=True, published=True, dates=None, **values):
    values.setdefault("title_ar", "تدبير الجمعيات")
    values.setdefault("title_fr", "Gestion des associations")
    with association_scope(tenant.association):
        course = services.course_save(actor=tenant.president, is_published=published, **values)
        session = services.session_save(
            actor=tenant.president, course_id=course.pk, dates=dates or days(), capacity=capacity,
            waitlist_enabled=waitlist,
        )  # fmt: skip
    return course, session


def training_manager(email="manager@example.ma") -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password="x")
        user.is_training_manager = True
        user.save()
    return user


def platform_course_with_session(*, capacity=2, published=True, dates=None, **values):
    manager = training_manager()
    values.setdefault("title_ar", "المالية للجمعيات")
    values.setdefault("title_fr", "Finances associatives")
    course = services.platform_course_save(actor=manager, is_published=published, **values)
    session = services.platform_session_save(
        actor=manager, course_id=course.pk, dates=dates or days(), capacity=capacity
    )
    return course, session


def members(tenant, count: int, prefix="Learner"):
    with association_scope(tenant.association):
        return [
            member_services.member_admit(
                actor=tenant.president,
                first_name_latin=f"{prefix}{i}",
                last_name_latin="Test",
                email=f"{prefix.lower()}{i}@{tenant.association.slug}.example.ma",
            )
            for i in range(count)
        ]


def enrol(tenant, member, *, session=None, platform_session=None):
    with association_scope(tenant.association):
        return services.enrolment_create(
            actor=tenant.president,
            member_id=member.pk,
            session_id=session.pk if session else None,
            platform_session_id=platform_session.pk if platform_session else None,
        )
