"""Demo funding for `manage.py seed_demo`: in each demo association, a commune and a foreign
foundation as funders, a grant agreement with each and an instalment received (the foreign one opens
its declaration to the SGG), a donor and a gift of money with its receipt. Run after the books'
seeder (the year and its project exist). Idempotent: an association that has funders is left alone."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from associations.demo import demo_user
from associations.models import Association
from associations.tenancy import association_scope
from finance import selectors
from finance.demo import DEMO
from finance.models import Account, Funder, Project
from finance.services import funding as services


def seed_funding() -> list[str]:
    lines_out = []
    for acronym, email in DEMO.items():
        association = Association.objects.filter(acronym=acronym).first()
        if association is None:
            continue
        with association_scope(association):
            if Funder.objects.exists():
                continue
            year = selectors.current_year()
            if year is None or year.is_closed:
                continue
            _seed(demo_user(email), year)
            lines_out.append(f"{acronym}: 2 funders, 2 grants with an instalment each, 1 donor and a gift")
    return lines_out


def _day(year, days_after_start: int):
    """A day of the demo year, never after today (money cannot be received in the future)."""
    last = min(year.end_date, timezone.localdate())
    return max(year.start_date, min(year.start_date + timedelta(days=days_after_start), last))


def _seed(actor, year) -> None:
    bank = Account.objects.get(code="5141").pk
    project = Project.objects.filter(code="SOUTIEN").first()
    commune = services.funder_create(actor=actor, name="Commune de Salé", funder_type="commune")
    foundation = services.funder_create(
        actor=actor, name="Fondation Euro-Méditerranée", funder_type="foreign_organisation", country="Espagne"
    )
    school = services.grant_create(
        actor=actor,
        funder_id=commune.pk,
        name="Soutien scolaire — convention communale",
        amount_granted=Decimal("60000.00"),
        signed_on=_day(year, 20),
        reference=f"CS-{year.start_date.year}-014",
        project_id=project.pk if project else None,
        purpose="Cours de soutien pour 120 élèves du quartier",
    )
    services.instalment_record(
        actor=actor, grant_id=school.pk, amount=Decimal("30000.00"), received_on=_day(year, 45),
        account_id=bank, reference="VIR-CS-1",
    )  # fmt: skip
    library = services.grant_create(
        actor=actor,
        funder_id=foundation.pk,
        name="Bibliothèque de quartier",
        amount_granted=Decimal("45000.00"),
        signed_on=_day(year, 60),
        reference="FEM-22-117",
        purpose="Équiper une bibliothèque de quartier",
    )
    services.instalment_record(
        actor=actor, grant_id=library.pk, amount=Decimal("15000.00"), received_on=_day(year, 75),
        account_id=bank, reference="SWIFT-117-1",
    )  # fmt: skip
    donor = services.donor_create(
        actor=actor, kind="organisation", name="Pharmacie Al Amal", ice="001525879000045",
        address="12, avenue Hassan II, Salé",
    )  # fmt: skip
    services.donation_record(
        actor=actor, donor_id=donor.pk, nature="cash", amount=Decimal("2500.00"), received_on=_day(year, 90),
        account_id=bank, method="transfer", reference="VIR-PA-1",
    )  # fmt: skip
