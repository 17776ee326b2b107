"""Demo data of resources for AADE: the value of an hour, volunteers (members and not) with hours
over the last weeks, a staff member, an inventory (bought, donated, lent) and premises lent by the
commune. Registered as the "resources" demo seeder (after "members" and "finance"); idempotent."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from associations.demo import demo_user
from associations.models import Association
from associations.tenancy import association_scope
from members.models import Member, MemberStatus
from resources import services
from resources.models import Volunteer


def seed_resources() -> list[str]:
    association = Association.objects.get(acronym="AADE")
    president = demo_user("president@demo.wasl.ma")
    today = timezone.localdate()
    with association_scope(association):
        if Volunteer.objects.exists():
            return []
        services.hourly_value_set(actor=president, hourly_value=Decimal("40.00"))
        volunteers = [
            services.volunteer_save(
                actor=president,
                member_id=member.pk,
                skills="Animation, soutien scolaire",
                availability="Samedi matin",
            )
            for member in Member.objects.filter(status=MemberStatus.ACTIVE).order_by("number")[:3]
        ]
        volunteers.append(
            services.volunteer_save(
                actor=president,
                name_ar="سلمى العلوي",
                name_latin="Salma Alaoui",
                skills="Premiers secours",
                availability="Week-ends",
                since=today - timedelta(days=200),
            )
        )
        for number, volunteer in enumerate(volunteers):
            for week in range(1, 4):
                services.hours_record(
                    actor=president,
                    volunteer_id=volunteer.pk,
                    day=today - timedelta(days=7 * week + number),
                    hours=Decimal("3.5") if number % 2 else Decimal("2"),
                    activity="Soutien scolaire",
                )
        services.staff_save(
            actor=president,
            name_ar="يوسف بناني",
            name_latin="Youssef Bennani",
            job_title="Coordinateur de projets",
            contract="fixed_term",
            starts_on=today.replace(month=1, day=1),
            ends_on=today.replace(month=12, day=31),
            weekly_hours=Decimal("40"),
        )
        for spec in (
            {
                "name": "Ordinateur portable",
                "category": "it",
                "value": "6500.00",
                "acquisition": "bought",
                "source": "Electroplanet",
                "location": "Bureau",
                "state": "good",
            },
            {
                "name": "Vidéoprojecteur",
                "category": "office",
                "value": "3000.00",
                "acquisition": "donated",
                "source": "Fondation partenaire",
                "location": "Salle de réunion",
                "state": "good",
            },
            {
                "name": "Tables et chaises (20)",
                "category": "furniture",
                "value": "0",
                "acquisition": "lent",
                "source": "Commune",
                "location": "Salle polyvalente",
                "state": "worn",
                "lent_until": today + timedelta(days=180),
            },
        ):
            services.asset_save(actor=president, acquired_on=today - timedelta(days=60), **spec)
        services.premises_save(
            actor=president,
            name="Siège – Maison des jeunes",
            kind="lent_commune",
            address="Rue 12, Hay Mohammadi",
            commune="Casablanca",
            owner="Commune de Casablanca",
            area_m2=60,
            starts_on=today - timedelta(days=700),
        )
    return ["  resources: AADE: 4 volunteers with hours, 1 staff member, 3 items, 1 premises"]
