"""The governance, funding and resources providers: their figures equal direct counts, agree with
the modules' own aggregates, and come out suppressed per region and province."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.utils import timezone

from accounts.tests.factories import UserFactory
from associations.models import Province, Region
from associations.tenancy import association_scope, cross_tenant_read
from associations.tests.factories import AssociationFactory
from governance.compliance import compliance_summary
from governance.models import Assembly, AssemblyKind, AssemblyStatus, Declaration, DeclarationStatus
from ministry.models import AreaFigure, AssociationFigure
from ministry.rollup import rebuild

pytestmark = pytest.mark.django_db


def cell(indicator, *, level="nation", area="", year=None):
    return AreaFigure.objects.filter(
        level=level, area=area, sector_code="", size_band="", indicator=indicator,
        year=year or timezone.localdate().year,
    ).first()  # fmt: skip


def figure(association, indicator, year=None):
    found = AssociationFigure.objects.filter(
        association_ref=association.pk, indicator=indicator, year=year or timezone.localdate().year
    ).first()
    return found.value if found else Decimal("0")


def held_assembly(association, user, *, days_ago: int, kind=AssemblyKind.ORDINARY):
    when = timezone.now() - timedelta(days=days_ago)
    with association_scope(association):
        return Assembly.objects.create(
            title="AG",
            kind=kind,
            status=AssemblyStatus.CLOSED,
            first_call_at=when,
            opened_at=when,
            created_by=user,
        )


def declaration(association, user, *, due_in: int, filed_after_due: int | None = None):
    """A declaration due `due_in` days from today; filed that many days after its deadline, or open."""
    today = timezone.localdate()
    due = today + timedelta(days=due_in)
    values = {"kind": "bureau", "changed_on": due - timedelta(days=30), "due_on": due, "opened_by": user}
    if filed_after_due is not None:
        values.update(status=DeclarationStatus.FILED, filed_on=due + timedelta(days=filed_after_due))
        values["final_due_on"] = values["filed_on"] + timedelta(days=60)
    with association_scope(association):
        return Declaration.objects.create(**values)


@pytest.fixture
def user():
    return UserFactory()


@pytest.fixture
def region():
    return Region.objects.get(code="MA-06")


@pytest.fixture
def provinces(region):
    first, second = Province.objects.filter(region=region).order_by("pk")[:2]
    return first, second


def test_governance_figures_equal_direct_facts_per_association(user):
    year = timezone.localdate().year
    recent, old, never = AssociationFactory(), AssociationFactory(), AssociationFactory()
    held_assembly(recent, user, days_ago=30)
    held_assembly(recent, user, days_ago=60)
    held_assembly(recent, user, days_ago=20, kind=AssemblyKind.BOARD)  # not an ordinary assembly
    held_assembly(old, user, days_ago=600)
    declaration(recent, user, due_in=-40, filed_after_due=-3)  # filed three days before its deadline
    declaration(recent, user, due_in=-20, filed_after_due=5)  # filed five days late
    declaration(old, user, due_in=-10)  # open past its deadline
    declaration(old, user, due_in=-15)
    declaration(never, user, due_in=10)  # open, within its deadline
    rebuild()

    held_year = (timezone.now() - timedelta(days=30)).year
    assert figure(recent, "gov_assemblies_ordinary", held_year) >= 1
    with association_scope(recent):
        ordinary = Assembly.objects.filter(kind=AssemblyKind.ORDINARY, status=AssemblyStatus.CLOSED)
        by_year = {
            y: ordinary.filter(first_call_at__year=y).count()
            for y in {a.first_call_at.year for a in ordinary}
        }
    for y, n in by_year.items():
        assert figure(recent, "gov_assemblies_ordinary", y) == n
        assert figure(recent, "gov_assembly_held", y) == 1
    assert figure(recent, "gov_assembly_12m") == 1 and figure(recent, "gov_assembly_overdue") == 0
    assert figure(old, "gov_assembly_12m") == 0 and figure(old, "gov_assembly_overdue") == 1
    assert figure(never, "gov_assembly_overdue") == 1  # none recorded: late, as on its home page
    due_years = {(timezone.localdate() - timedelta(days=d)).year for d in (40, 20)}
    assert sum(figure(recent, "gov_declarations_on_time", y) for y in due_years) == 1
    assert sum(figure(recent, "gov_declarations_filed_late", y) for y in due_years) == 1
    assert figure(old, "gov_declarations_late") == 2
    assert figure(old, "gov_associations_declarations_late") == 1
    assert figure(never, "gov_declarations_late") == 0  # within the month: not late
    # A general assembly is activity: the association with a recent one is active this year.
    assert figure(recent, "associations_active", year) == 1


def test_the_national_governance_cells_agree_with_compliance_summary(user):
    associations = [AssociationFactory() for _ in range(6)]
    for index, association in enumerate(associations):
        if index % 2:
            held_assembly(association, user, days_ago=40 * index)
        if index % 3 == 0:
            declaration(association, user, due_in=-5 - index)
        if index == 4:
            declaration(association, user, due_in=-100, filed_after_due=-1)
    rebuild()
    summary = compliance_summary(association_ids=[a.pk for a in associations])
    overdue = summary.associations - summary.with_recent_ordinary_assembly
    assert cell("gov_associations_declarations_late").value == summary.with_late_declarations == 2
    assert cell("gov_declarations_late").value == summary.declarations_late == 2
    assert cell("gov_assembly_overdue").value == overdue == 3
    assert cell("gov_final_receipts_late").value == summary.final_receipts_late == 1
    assert cell("associations").value == summary.associations == 6


def test_a_province_cell_of_one_association_is_hidden_and_so_is_its_complement(user, region, provinces):
    """Five associations held their assembly in one province, one in another of the same region:
    the region (6) is shown; the lone province is hidden, and so is the other, else 6 - 5 = 1."""
    first, second = provinces
    for _ in range(5):
        held_assembly(AssociationFactory(region=region, province=first), user, days_ago=30)
    held_assembly(AssociationFactory(region=region, province=second), user, days_ago=30)
    rebuild()
    region_cell = cell("gov_assembly_12m", level="region", area=region.code)
    assert region_cell.value == 6 and not region_cell.hidden
    lone = cell("gov_assembly_12m", level="province", area=str(second.pk))
    crowd = cell("gov_assembly_12m", level="province", area=str(first.pk))
    assert lone.value == 1 and lone.hidden
    assert crowd.value == 5 and crowd.hidden  # complementary


def test_funding_figures_equal_the_funding_records(tenant_a, tenant_b):
    from finance.models import DeclarationStatus as SggStatus
    from finance.models import ForeignDeclaration

    rebuild()
    today = timezone.localdate()
    with cross_tenant_read(reason="test"):
        declarations = list(ForeignDeclaration.objects.all())
    assert declarations  # the fixture received foreign money: an instalment and no gift from abroad
    received = sum((d.amount for d in declarations), Decimal("0"))
    year = declarations[0].received_on.year
    total = cell("foreign_received", year=year)
    assert total.value == received
    assert total.hidden  # two associations only: "<5"
    for tenant in (tenant_a, tenant_b):
        with association_scope(tenant.association):
            mine = list(ForeignDeclaration.objects.all())
        assert figure(tenant.association, "foreign_received", year) == sum(d.amount for d in mine)
        assert figure(tenant.association, "foreign_grants", year) == sum(
            d.amount for d in mine if d.instalment_id
        )
        overdue = sum(1 for d in mine if d.status == SggStatus.TO_DECLARE and d.due_on < today)
        assert figure(tenant.association, "foreign_overdue") == overdue
        assert figure(tenant.association, "foreign_associations_overdue") == (1 if overdue else 0)


def test_declaring_late_reaches_the_figures_through_the_minute_sweep(
    tenant_a, django_capture_on_commit_callbacks
):
    """The service's audited change moves the association's audit chain; the sweep (not a rebuild)
    takes it and moves the figure."""
    from finance.services import funding as funding_services
    from ministry.rollup import refresh_dirty

    rebuild()
    declaration_row = tenant_a.foreign_declaration
    year = declaration_row.received_on.year
    assert figure(tenant_a.association, "foreign_declared_late", year) == 0
    with django_capture_on_commit_callbacks(execute=True), association_scope(tenant_a.association):
        funding_services.declaration_mark_declared(
            actor=tenant_a.treasurer, declaration_id=declaration_row.pk, reference="SGG-1",
            declared_on=declaration_row.due_on + timedelta(days=2),
        )  # fmt: skip
    assert refresh_dirty()["associations"] == 1
    assert figure(tenant_a.association, "foreign_declared_late", year) == 1
    assert figure(tenant_a.association, "foreign_declared_on_time", year) == 0
    assert figure(tenant_a.association, "foreign_overdue") == 0
    assert figure(tenant_a.association, "foreign_associations_overdue") == 0


def test_public_grants_by_funder_type_add_up(tenant_a):
    from finance.models import Account, GrantInstalment
    from finance.services import funding as funding_services

    with association_scope(tenant_a.association):
        cash = Account.objects.get(code="5161").pk
        day = tenant_a.fiscal_year.start_date
        for funder_type, amount in (
            ("commune", "1000.00"),
            ("indh", "250.00"),
            ("private_national", "70.00"),
        ):
            funder = funding_services.funder_create(
                actor=tenant_a.treasurer, name=f"F {funder_type}", funder_type=funder_type
            )
            grant = funding_services.grant_create(
                actor=tenant_a.treasurer, funder_id=funder.pk, name=f"G {funder_type}", amount_granted=amount
            )
            funding_services.instalment_record(
                actor=tenant_a.treasurer, grant_id=grant.pk, amount=amount, received_on=day, account_id=cash
            )
        foreign = GrantInstalment.objects.filter(grant__funder__funder_type="foreign_organisation").aggregate(
            s=Sum("amount")
        )["s"]
    rebuild()
    a, year = tenant_a.association, tenant_a.fiscal_year.start_date.year
    assert figure(a, "funding_commune", year) == Decimal("1000.00")
    assert figure(a, "funding_indh", year) == Decimal("250.00")
    assert figure(a, "funding_public", year) == Decimal("1250.00")  # the private funder is not public money
    assert figure(a, "funding_private_national", year) == Decimal("70.00")
    assert figure(a, "funding_foreign_organisation", year) == 0  # foreign money is counted as such
    assert figure(a, "foreign_grants", year) == foreign


def test_volunteers_hours_and_staff_equal_the_resources_records(tenant_a, tenant_b):
    from resources.figures import resources_figures
    from resources.models import StaffMember, VolunteerHours

    rebuild()
    year = timezone.localdate().year
    with association_scope(tenant_a.association):
        hours = VolunteerHours.objects.filter(date__year=year)
        volunteers = hours.values("volunteer_id").distinct().count()
        total_hours = hours.aggregate(s=Sum("hours"))["s"]
        staff = StaffMember.objects.filter(ends_on__isnull=True).count()
    a = tenant_a.association
    assert figure(a, "volunteers") == volunteers >= 1
    assert figure(a, "volunteer_hours") == total_hours
    assert figure(a, "staff") == staff == figure(a, "staff_permanent")
    with cross_tenant_read(reason="test"):
        every_hour = VolunteerHours.objects.filter(date__year=year).aggregate(s=Sum("hours"))["s"]
    assert cell("volunteer_hours").value == every_hour
    assert resources_figures(year=year).associations_reporting == cell("volunteers").associations == 2
    assert cell("volunteers").hidden and cell("staff").hidden  # two associations: under five


def test_the_providers_cost_the_same_queries_for_three_or_nine_associations(user):
    """Every provider reads with grouped queries: no query per association (national scale)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ministry.rollup import association_rows

    def queries_for(count: int) -> int:
        associations = [AssociationFactory() for _ in range(count)]
        for association in associations:
            held_assembly(association, user, days_ago=30)
            declaration(association, user, due_in=-3)
        with CaptureQueriesContext(connection) as captured:
            rows = association_rows([a.pk for a in associations], today=timezone.localdate())
        assert {r.association_ref for r in rows if r.indicator == "gov_declarations_late"} == {
            a.pk for a in associations
        }
        return len(captured.captured_queries)

    assert queries_for(3) == queries_for(9)
