"""Demo books for `manage.py seed_demo`: a realistic year of posted entries in each demo
association (dues, donations, grants, rent, transport, supplies, aid, bank fees), with a project.
Idempotent: an association that already has entries is left alone."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from associations.demo import demo_user
from associations.models import Association
from associations.tenancy import association_scope
from finance import selectors
from finance.models import Account, Entry, Journal
from finance.services.entries import LineInput, entry_create
from finance.services.projects import project_save

DEMO = {"AADE": "treasurer@demo.wasl.ma", "AAEF": "member@demo.wasl.ma", "ATCA": "secretary@demo.wasl.ma"}

# (label, debit code, credit code, journal, amount range, times a year)
MOVES = (
    ("Cotisations annuelles", "5161", "7152", "CAI", (120, 600), 12),
    ("Don manuel", "5141", "7171", "BNQ", (200, 3000), 6),
    ("Subvention de la commune", "5141", "71612", "BNQ", (15000, 40000), 1),
    ("Subvention INDH", "5141", "71613", "BNQ", (20000, 60000), 1),
    ("Loyer du local", "6131", "5141", "BNQ", (1500, 2500), 12),
    ("Transport des bénévoles", "6142", "5161", "CAI", (80, 400), 8),
    ("Fournitures", "6125", "5141", "BNQ", (100, 900), 6),
    ("Aides aux bénéficiaires", "6183", "5141", "BNQ", (1000, 5000), 6),
    ("Frais bancaires", "6147", "5141", "BNQ", (20, 60), 12),
    ("Dépôt d'espèces en banque", "5141", "5161", "CAI", (300, 800), 2),
)


def seed_books() -> list[str]:
    lines_out = []
    for acronym, email in DEMO.items():
        association = Association.objects.filter(acronym=acronym).first()
        if association is None:
            continue
        with association_scope(association):
            if Entry.objects.exists():
                continue
            actor = demo_user(email)
            count = _seed_year(actor, random.Random(acronym))  # noqa: S311 - demo data
            lines_out.append(f"{acronym}: {count} entries posted")
    return lines_out


def _seed_year(actor, rng: random.Random) -> int:
    year = selectors.current_year()
    accounts = {a.code: a.pk for a in Account.objects.all()}
    journals = {j.code: j.pk for j in Journal.objects.all()}
    project = project_save(
        actor=actor,
        code="SOUTIEN",
        name_ar="برنامج الدعم المدرسي",
        name_fr="Programme de soutien scolaire",
        starts_on=year.start_date,
        ends_on=year.end_date,
        budget=Decimal("50000.00"),
        funder="INDH",
    )
    last_day = min(year.end_date, date.today())
    span = max((last_day - year.start_date).days, 1)
    # Opening cash and bank, brought in as the association's fund.
    entry_create(
        actor=actor,
        journal_id=journals["OD"],
        date=year.start_date,
        label="Apport initial (fonds associatif)",
        lines=[
            LineInput(accounts["5141"], debit=Decimal("25000.00")),
            LineInput(accounts["5161"], debit=Decimal("2000.00")),
            LineInput(accounts["1111"], credit=Decimal("27000.00")),
        ],
        post=True,
    )
    planned = []
    for label, debit, credit, journal, (low, high), times in MOVES:
        for i in range(times):
            day = year.start_date + timedelta(days=min(span, int(span * (i + rng.random()) / times)))
            amount = Decimal(rng.randint(low * 100, high * 100)) / 100
            planned.append((day, label, debit, credit, journal, amount))
    planned.sort()
    for number, (day, label, debit, credit, journal, amount) in enumerate(planned, start=1):
        project_id = project.pk if debit in ("6183", "6125") or credit == "71613" else None
        entry_create(
            actor=actor,
            journal_id=journals[journal],
            date=min(day, last_day),
            label=label,
            reference=f"PJ-{number:03d}",
            lines=[
                LineInput(
                    accounts[debit], debit=amount, project_id=project_id if debit.startswith("6") else None
                ),
                LineInput(
                    accounts[credit], credit=amount, project_id=project_id if credit.startswith("7") else None
                ),
            ],
            post=True,
        )
    return len(planned) + 1
