"""Demo data of the plan for AADE: a draft strategic plan over three years with two objectives and
their programmes, and three projects on projects of the books (the finance seeder's SOUTIEN, and two
created here through the books' own service). Registered as the "planning" demo seeder (after
"members" and "finance"); idempotent. The plan stays a draft: the demo has no general assembly
whose vote could adopt it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.utils import timezone

from associations.demo import demo_user
from associations.models import Association, Province
from associations.tenancy import association_scope
from finance.models import Project as FinanceProject
from members.models import Member, MemberStatus
from planning import services
from planning.models import Plan


def seed_planning() -> list[str]:
    association = Association.objects.filter(acronym="AADE").first()
    if association is None:
        return []
    president = demo_user("president@demo.wasl.ma")
    year = timezone.localdate().year
    with association_scope(association):
        if Plan.objects.exists():
            return []
        plan = services.plan_save(
            actor=president,
            title_ar="المخطط الاستراتيجي للجمعية",
            title_fr="Plan stratégique de l'association",
            vision_ar="جيل متعلم ومتمكن في كل دواوير الجماعة.",
            vision_fr="Une génération instruite et autonome dans chaque douar de la commune.",
            starts_year=year,
            ends_year=year + 2,
        )
        education = services.objective_save(
            actor=president,
            plan_id=plan.pk,
            code="O1",
            text_ar="الحد من الهدر المدرسي",
            text_fr="Réduire l'abandon scolaire",
        )
        women = services.objective_save(
            actor=president,
            plan_id=plan.pk,
            code="O2",
            text_ar="تمكين النساء اقتصاديا",
            text_fr="Autonomiser économiquement les femmes",
        )
        support = services.programme_save(
            actor=president,
            objective_id=education.pk,
            code="P1.1",
            title_ar="الدعم المدرسي",
            title_fr="Soutien scolaire",
            starts_on=date(year, 1, 1),
            ends_on=date(year + 2, 12, 31),
        )
        reading = services.programme_save(
            actor=president,
            objective_id=education.pk,
            code="P1.2",
            title_ar="القراءة للجميع",
            title_fr="Lecture pour tous",
        )
        crafts = services.programme_save(
            actor=president,
            objective_id=women.pk,
            code="P2.1",
            title_ar="التعاونيات النسوية",
            title_fr="Coopératives féminines",
        )
        members = list(Member.objects.filter(status=MemberStatus.ACTIVE).order_by("number")[:3])
        province = Province.objects.filter(name_fr__icontains="Marrakech").first() or Province.objects.first()
        place = {"province_id": province.pk if province else None, "commune": "Tahannaout"}
        made = 0
        soutien = FinanceProject.objects.filter(code="SOUTIEN").first()
        if soutien is not None:
            services.project_create(
                actor=president,
                finance_project_id=soutien.pk,
                programme_id=support.pk,
                status="running",
                target_group="Élèves du primaire",
                beneficiaries_planned=120,
                beneficiaries_reached=64,
                partners="Direction provinciale de l'éducation",
                responsible_id=members[0].pk if members else None,
                sdg_goals=[4, 10],
                **place,
            )
            made += 1
        services.project_create(
            actor=president,
            code="LECTURE",
            name_ar="مكتبة الدوار",
            name_fr="Bibliothèque du douar",
            starts_on=date(year, 3, 1),
            ends_on=date(year + 1, 6, 30),
            budget=Decimal("18000.00"),
            programme_id=reading.pk,
            status="planned",
            target_group="Enfants de 6 à 14 ans",
            beneficiaries_planned=200,
            sdg_goals=[4],
            responsible_id=members[1].pk if len(members) > 1 else None,
            **place,
        )
        services.project_create(
            actor=president,
            code="COOP",
            name_ar="تعاونية الكسكس",
            name_fr="Coopérative de couscous",
            starts_on=date(year, 1, 15),
            budget=Decimal("35000.00"),
            funder="INDH",
            programme_id=crafts.pk,
            status="running",
            target_group="Femmes du douar",
            beneficiaries_planned=25,
            beneficiaries_reached=18,
            partners="INDH; Office de développement de la coopération",
            sdg_goals=[1, 5, 8],
            responsible_id=members[2].pk if len(members) > 2 else None,
            **place,
        )
        made += 2
    return [f"AADE: a draft strategic plan with 2 objectives, 3 programmes and {made} projects"]
