"""Demo data of training: a training manager (training@demo.wasl.ma), two platform courses with a
session each, and one course of AADE's own with a session of 10 seats and a few members enrolled.
Registered as the "training" demo seeder (after "members"); idempotent."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.utils import timezone

from accounts.models import User
from associations.demo import demo_user
from associations.models import Association, Region
from associations.tenancy import association_scope
from members.models import Member, MemberStatus
from training import lessons, services
from training.models import Course, Format, PlatformCourse, Theme

MANAGER_EMAIL = "training@demo.wasl.ma"


def _days(first_in_days: int, count: int):
    zone = timezone.get_current_timezone()
    day = timezone.localdate() + timedelta(days=first_in_days)
    return [
        (
            datetime.combine(day + timedelta(days=i), time(9)).replace(tzinfo=zone),
            datetime.combine(day + timedelta(days=i), time(16)).replace(tzinfo=zone),
        )
        for i in range(count)
    ]


def seed_training() -> list[str]:
    manager = User.objects.filter(email=MANAGER_EMAIL).first()
    if manager is None:
        manager = User.objects.create_user(
            email=MANAGER_EMAIL, password=settings.WASL_DEMO_PASSWORD, full_name="Nadia Training"
        )
        manager.is_training_manager = True
        manager.save(update_fields=["is_training_manager"])
        EmailAddress.objects.get_or_create(
            user=manager, email=MANAGER_EMAIL, defaults={"verified": True, "primary": True}
        )
    if not PlatformCourse.objects.exists():
        casablanca = Region.objects.filter(code="MA-06").first()
        for spec in (
            {
                "title_ar": "تدبير مالية الجمعيات",
                "title_fr": "Gérer les finances d'une association",
                "description_fr": "Budget, comptabilité simplifiée, reçus et rapport financier annuel.",
                "description_ar": "الميزانية والمحاسبة المبسطة والوصولات والتقرير المالي السنوي.",
                "theme": Theme.FINANCE,
                "format": Format.BLENDED,
                "duration_hours": 12,
            },
            {
                "title_ar": "الحكامة والجموع العامة",
                "title_fr": "Gouvernance et assemblées générales",
                "description_fr": "Convoquer, tenir et consigner une assemblée générale selon les statuts.",
                "description_ar": "الدعوة إلى جمع عام وعقده وتحرير محضره وفق القانون الأساسي.",
                "theme": Theme.GOVERNANCE,
                "format": Format.ONLINE_LIVE,
                "duration_hours": 6,
            },
        ):
            course = services.platform_course_save(actor=manager, is_published=True, **spec)
            services.platform_session_save(
                actor=manager, course_id=course.pk, dates=_days(10, 2), capacity=30, region=casablanca,
                place="Casablanca", trainers="Nadia Training",
            )  # fmt: skip
    finances = PlatformCourse.objects.filter(title_fr="Gérer les finances d'une association").first()
    if finances is not None and not finances.modules.exists():
        # The platform course's self-paced part: a module with a lesson and a short quiz.
        module = lessons.module_save(
            actor=manager, course_id=finances.pk, title_ar="الميزانية", title_fr="Le budget", platform=True
        )
        lessons.lesson_save(
            actor=manager,
            module_id=module.pk,
            title_ar="ما هي الميزانية؟",
            title_fr="Qu'est-ce qu'un budget ?",
            kind="text",
            body_ar="<p>الميزانية توقع للمداخيل والمصاريف لسنة.</p>",
            body_fr="<p>Le budget prévoit les recettes et les dépenses d'une année.</p>",
            platform=True,
        )
        quiz = lessons.lesson_save(
            actor=manager,
            module_id=module.pk,
            title_ar="اختبار قصير",
            title_fr="Petit quiz",
            kind="quiz",
            pass_mark=100,
            max_attempts=3,
            platform=True,
        )
        lessons.question_add(
            actor=manager,
            lesson_id=quiz.pk,
            text_ar="هل الميزانية توقع؟",
            text_fr="Le budget est-il une prévision ?",
            multiple=False,
            choices=[("نعم", "Oui", True), ("لا", "Non", False)],
            platform=True,
        )
    association = Association.objects.get(acronym="AADE")
    president = demo_user("president@demo.wasl.ma")
    with association_scope(association):
        if not Course.objects.exists():
            course = services.course_save(
                actor=president,
                title_ar="الإسعافات الأولية",
                title_fr="Premiers secours",
                description_fr="Les gestes qui sauvent, pour les bénévoles des activités de l'association.",
                description_ar="حركات تنقذ الأرواح، لمتطوعي أنشطة الجمعية.",
                theme=Theme.OTHER,
                format=Format.IN_PERSON,
                duration_hours=8,
                is_published=True,
            )
            session = services.session_save(
                actor=president, course_id=course.pk, dates=_days(1, 1), capacity=10,
                place="Siège de l'association", trainers="Croissant-Rouge marocain",
            )  # fmt: skip
            for member in Member.objects.filter(status=MemberStatus.ACTIVE).order_by("number")[:12]:
                services.enrolment_create(actor=president, member_id=member.pk, session_id=session.pk)
    # The logins are printed last by the core; the training manager's is in the README's table.
    return ["  training: 2 platform courses and their manager; AADE: 1 course, 12 enrolments (2 waiting)"]
