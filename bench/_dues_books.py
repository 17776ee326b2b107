"""The books both lock benches post into (bench/payment_locks.py, bench/posting_cpu.py): one
association with this year's fiscal year, one member category with its dues schedule, `members`
active members whose dues are generated, and the cash (5161) and dues income (7152) accounts with the
cash journal. Call inside the benches' test databases, after `django.setup()`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass
class DuesBooks:
    association: object
    treasurer: object
    today: date
    member_ids: list[int]
    cash: object
    dues: object
    journal: object


def dues_books(members: int) -> DuesBooks:
    from django.db import transaction
    from django.utils import timezone

    import documents.tasks
    from associations.tenancy import association_scope
    from associations.tests.factories import AssociationFactory, UserFactory
    from finance.models import Account, DuesSchedule, FiscalYear, Journal
    from finance.services.dues import dues_generate
    from members.models import Member, MemberCategory

    documents.tasks.document_render.delay = lambda **kwargs: None  # the PDF is made after commit
    association = AssociationFactory(fiscal_year_start_month=1)
    treasurer = UserFactory()
    today = timezone.localdate()
    with association_scope(association):
        start = date(today.year, 1, 1)
        year = FiscalYear.objects.filter(start_date=start).first() or FiscalYear.objects.create(
            start_date=start, end_date=date(today.year, 12, 31)
        )
        category = MemberCategory.objects.create(
            name_ar="أعضاء", name_fr="Membres", annual_dues=Decimal("100")
        )
        DuesSchedule.objects.create(
            fiscal_year=year, category=category, amount=Decimal("100.00"), due_date=year.start_date
        )
        Member.objects.bulk_create(
            Member(number=n, first_name_latin=f"M{n}", last_name_latin="Bench", category=category,
                   join_date=date(2020, 1, 1), status="active", search_text=f"m{n} bench")
            for n in range(1, members + 1)
        )  # fmt: skip
        with transaction.atomic():
            dues_generate(actor=treasurer, fiscal_year_id=year.pk)
        return DuesBooks(
            association=association,
            treasurer=treasurer,
            today=today,
            member_ids=list(Member.objects.order_by("pk").values_list("pk", flat=True)),
            cash=Account.objects.get(code="5161"),
            dues=Account.objects.get(code="7152"),
            journal=Journal.objects.get(code="CAI"),
        )
