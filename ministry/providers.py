"""What each module contributes to the roll-ups: one function per module, listed in one place.

A provider is `fn(association_ids, *, today) -> iterable of (association_id, year, indicator, value)`:
counts and sums for the given associations, read inside the `cross_tenant_read` block that
`ministry.rollup` opens (the one cross-tenant read path). It never yields a row about a person; the
indicators it may yield are declared in `INDICATORS` with their kind, which decides how a cell is
suppressed (`ministry.suppression`). A module that lands later (governance, foreign funding) adds
one function with `@provider(...)` and its indicators, nothing else.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from django.db.models import Count, Max, Q, Sum, Value
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

PEOPLE = "people"  # a number of people: suppressed under 5 people or 5 associations
MONEY = "money"  # a sum in dirhams: suppressed under 5 associations
COUNT = "count"  # a number of things (courses, assemblies): suppressed under 5 associations
ASSOCIATIONS = "associations"  # a number of associations: suppressed under 5


@dataclass(frozen=True)
class Indicator:
    code: str
    label: object
    kind: str
    group: str  # the breakdown it belongs to (a table of the dashboard)


Row = tuple[int, int, str, Decimal | int]
Provider = Callable[..., Iterable[Row]]

PROVIDERS: dict[str, Provider] = {}
INDICATORS: dict[str, Indicator] = {}


def provider(name: str, indicators: Iterable[Indicator]):
    def register(fn: Provider) -> Provider:
        PROVIDERS[name] = fn
        for indicator in indicators:
            INDICATORS[indicator.code] = indicator
        return fn

    return register


# --- Associations and activity ---------------------------------------------------------------

ACTIVE_DAYS = 365


@provider(
    "associations",
    [
        Indicator("associations", _("Associations on Wasl"), ASSOCIATIONS, "stock"),
        Indicator("associations_active", _("Active associations"), ASSOCIATIONS, "stock"),
    ],
)
def associations_provider(association_ids, *, today: date):
    """Every association counts in the current year; it is active in a year with a posted entry or
    an officer's login in it, and in the current year also when its last one is under a year old."""
    from associations.models import Role
    from finance.models import Entry, EntryStatus

    year = today.year
    active: set[tuple[int, int]] = set()
    last: dict[int, date] = {}
    entries = (
        Entry.objects.filter(association_id__in=association_ids, status=EntryStatus.POSTED)
        .annotate(y=ExtractYear("date"))
        .values_list("association_id", "y")
        .annotate(last=Max("date"))
        .order_by()
    )
    for association_id, entry_year, last_date in entries:
        active.add((association_id, entry_year))
        last[association_id] = max(last.get(association_id, last_date), last_date)
    logins = (
        Role.objects.filter(association_id__in=association_ids, user__last_login__isnull=False)
        .values_list("association_id")
        .annotate(last=Max("user__last_login"))
        .order_by()
    )
    for association_id, last_login in logins:
        login_day = last_login.date()
        active.add((association_id, login_day.year))
        last[association_id] = max(last.get(association_id, login_day), login_day)
    for association_id, assembly_day in assembly_dates(association_ids):
        active.add((association_id, assembly_day.year))
        last[association_id] = max(last.get(association_id, assembly_day), assembly_day)
    for association_id in association_ids:
        yield association_id, year, "associations", 1
        if last.get(association_id, date.min) >= today - timedelta(days=ACTIVE_DAYS):
            active.add((association_id, year))
    for association_id, active_year in active:
        if active_year <= year:
            yield association_id, active_year, "associations_active", 1


# Providers of assembly dates (governance, when it lands) feed the activity above.
ASSEMBLY_DATE_SOURCES: list[Callable[[list[int]], Iterable[tuple[int, date]]]] = []


def assembly_dates(association_ids) -> Iterable[tuple[int, date]]:
    for source in ASSEMBLY_DATE_SOURCES:
        yield from source(association_ids)


# --- Members: status, sex, age band (current snapshot, counted in the current year) -------------

AGE_BANDS = (
    (0, 17, "lt18"),
    (18, 24, "18_24"),
    (25, 34, "25_34"),
    (35, 49, "35_49"),
    (50, 64, "50_64"),
    (65, 200, "65plus"),
)
AGE_LABELS = {
    "lt18": "<18",
    "18_24": "18-24",
    "25_34": "25-34",
    "35_49": "35-49",
    "50_64": "50-64",
    "65plus": "65+",
    "unknown": _("unknown"),
}


def _member_indicators():
    from members.models import Gender, MemberStatus

    found = [Indicator("members", _("Members"), PEOPLE, "stock")]
    found += [Indicator(f"members_status_{s.value}", s.label, PEOPLE, "members_status") for s in MemberStatus]
    found += [Indicator(f"members_sex_{g.value}", g.label, PEOPLE, "members_sex") for g in Gender]
    found.append(Indicator("members_sex_unknown", _("not given"), PEOPLE, "members_sex"))
    found += [
        Indicator(f"members_age_{code}", label, PEOPLE, "members_age") for code, label in AGE_LABELS.items()
    ]
    return found


CURRENT_STATUSES = ("active", "suspended")


def _birth_cutoff(today: date, age: int) -> date:
    """The latest birth date of someone aged `age` or more today."""
    try:
        return today.replace(year=today.year - age)
    except ValueError:  # 29 February
        return today.replace(year=today.year - age, day=28)


def _of_chunk(queryset, association_ids):
    """Rows of these associations. The ids' range is given besides the list: with `IN (2,000 ids)`
    alone, PostgreSQL chose the members' trigram GIN index (association_id leads it), 3.7 s a chunk
    at 10,000 associations and growing with the table; with the range it reads a B-tree, 0.1 s."""
    ids = list(association_ids)
    if not ids:
        return queryset.none()
    return queryset.filter(association_id__in=ids, association_id__gte=min(ids), association_id__lte=max(ids))


@provider("members", _member_indicators())
def members_provider(association_ids, *, today: date):
    from django.db.models import Case, CharField, When

    from members.models import Member

    year = today.year
    members = _of_chunk(Member.objects.all(), association_ids)
    for association_id, status, n in (
        members.values_list("association_id", "status").annotate(n=Count("id")).order_by()
    ):
        yield association_id, year, f"members_status_{status}", n
    current = members.filter(status__in=CURRENT_STATUSES)
    for association_id, n in current.values_list("association_id").annotate(n=Count("id")).order_by():
        yield association_id, year, "members", n
    for association_id, gender, n in (
        current.values_list("association_id", "gender").annotate(n=Count("id")).order_by()
    ):
        yield association_id, year, f"members_sex_{gender or 'unknown'}", n
    # Age band in the database: born after the cut-off of the band's upper age + 1.
    whens = [
        When(birth_date__gt=_birth_cutoff(today, high + 1), then=Value(code))
        for _low, high, code in AGE_BANDS[:-1]
    ]
    band = Case(
        When(birth_date__isnull=True, then=Value("unknown")),
        *whens,
        default=Value("65plus"),
        output_field=CharField(),
    )
    for association_id, code, n in (
        current.annotate(band=band).values_list("association_id", "band").annotate(n=Count("id")).order_by()
    ):
        yield association_id, year, f"members_age_{code}", n


# --- Resources by origin, from the books: posted lines of income accounts, by chart role -------

RESOURCE_ROLES = {
    "dues": ("resources_dues", "7152", _("Dues")),
    "donations": ("resources_donations", "7171", _("Donations")),
    "grant_state": ("grants_state", "71611", _("Grants: State")),
    "grant_commune": ("grants_commune", "71612", _("Grants: local authorities")),
    "grant_indh": ("grants_indh", "71613", _("Grants: INDH")),
    "grant_public_body": ("grants_public_body", "71614", _("Grants: public bodies")),
    "grant_international": ("grants_international", "71615", _("Grants: international")),
}
PUBLIC_GRANTS = ("grants_state", "grants_commune", "grants_indh", "grants_public_body")


@provider(
    "finance",
    [Indicator(code, label, MONEY, "resources") for code, _ref, label in RESOURCE_ROLES.values()]
    + [Indicator("grants_public", _("Public grants (all)"), MONEY, "public")],
)
def finance_provider(association_ids, *, today: date):
    """Credits minus debits of posted lines (closing entries excluded) on the accounts carrying a
    resource role, or a sub-account of the reference account of that role (e.g. 715201)."""
    from finance.models import Account, EntryLine, EntryStatus
    from finance.models.ledger import EntryKind

    accounts = Account.objects.filter(association_id__in=association_ids)
    role_of: dict[int, str] = {}
    by_code = sorted(((ref, code) for code, ref, _label in RESOURCE_ROLES.values()), key=lambda p: -len(p[0]))
    for account_id, role, code in accounts.values_list("id", "role", "code"):
        if role in RESOURCE_ROLES:
            role_of[account_id] = RESOURCE_ROLES[role][0]
            continue
        for ref, indicator in by_code:
            if code.startswith(ref):
                role_of[account_id] = indicator
                break
    if not role_of:
        return
    lines = (
        EntryLine.objects.filter(
            association_id__in=association_ids, account_id__in=list(role_of), entry__status=EntryStatus.POSTED
        )
        .exclude(entry__kind=EntryKind.CLOSING)
        .annotate(y=ExtractYear("entry__date"))
        .values_list("association_id", "y", "account_id")
        .annotate(credit=Sum("credit"), debit=Sum("debit"))
        .order_by()
    )
    totals: dict[tuple[int, int, str], Decimal] = {}
    for association_id, year, account_id, credit, debit in lines:
        key = (association_id, year, role_of[account_id])
        totals[key] = totals.get(key, Decimal("0")) + (credit or 0) - (debit or 0)
    public: dict[tuple[int, int], Decimal] = {}
    for (association_id, year, indicator), amount in totals.items():
        yield association_id, year, indicator, amount
        if indicator in PUBLIC_GRANTS:
            public[(association_id, year)] = public.get((association_id, year), Decimal("0")) + amount
    for (association_id, year), amount in public.items():
        yield association_id, year, "grants_public", amount


# --- Training: courses and participants (training/figures.py's definitions) ------------------


@provider(
    "training",
    [
        Indicator("training_courses", _("Courses"), COUNT, "training"),
        Indicator("training_participants", _("Participants"), PEOPLE, "training"),
    ],
)
def training_provider(association_ids, *, today: date):
    from training.models import Course, Enrolment, EnrolmentStatus

    courses = (
        Course.objects.filter(association_id__in=association_ids)
        .annotate(y=ExtractYear("created_at"))
        .values_list("association_id", "y")
        .annotate(n=Count("id"))
        .order_by()
    )
    for association_id, year, n in courses:
        yield association_id, year, "training_courses", n
    learning = (EnrolmentStatus.ENROLLED, EnrolmentStatus.COMPLETED)
    participants = (
        Enrolment.objects.filter(association_id__in=association_ids, status__in=learning)
        .annotate(y=ExtractYear("created_at"))
        .values_list("association_id", "y")
        .annotate(n=Count("member_id", distinct=True))
        .order_by()
    )
    for association_id, year, n in participants:
        yield association_id, year, "training_participants", n


# --- Governance: assemblies held, bureau declarations on time or late (governance/compliance.py) --

# How recent an ordinary assembly must be to count as "held in the last 12 months".
ASSEMBLY_RECENT_DAYS = 365


def _governance_indicators():
    group = "governance"
    return [
        Indicator(
            "gov_assembly_held",
            _("Associations that held an ordinary assembly in the year"),
            ASSOCIATIONS,
            group,
        ),
        Indicator("gov_assemblies_ordinary", _("Ordinary assemblies held"), COUNT, group),
        Indicator(
            "gov_assembly_12m",
            _("Associations with an ordinary assembly in the last 12 months"),
            ASSOCIATIONS,
            group,
        ),
        Indicator(
            "gov_assembly_overdue", _("Associations late with their ordinary assembly"), ASSOCIATIONS, group
        ),
        Indicator("gov_declarations_on_time", _("Bureau declarations filed on time"), COUNT, group),
        Indicator("gov_declarations_filed_late", _("Bureau declarations filed late"), COUNT, group),
        Indicator("gov_declarations_late", _("Bureau declarations overdue (not filed)"), COUNT, group),
        Indicator(
            "gov_associations_declarations_late",
            _("Associations with an overdue bureau declaration"),
            ASSOCIATIONS,
            group,
        ),
        Indicator("gov_final_receipts_late", _("Final receipts awaited past 60 days"), COUNT, group),
        Indicator(
            "gov_associations_mandates_expired",
            _("Associations with a mandate past its term"),
            ASSOCIATIONS,
            group,
        ),
    ]


@provider("governance", _governance_indicators())
def governance_provider(association_ids, *, today: date):
    """From `governance.compliance.compliance_counts` (the definitions of `compliance_summary`):
    by year, the ordinary assemblies held and the declarations filed by or after their deadline
    (year of the deadline); as of today (the current year), the associations late or overdue."""
    from governance.compliance import compliance_counts

    year = today.year
    for association_id, counts in compliance_counts(association_ids, today=today).items():
        for held_year, n in counts.ordinary_assemblies.items():
            yield association_id, held_year, "gov_assemblies_ordinary", n
            yield association_id, held_year, "gov_assembly_held", 1
        last = counts.last_ordinary_assembly
        if last is not None and last >= today - timedelta(days=ASSEMBLY_RECENT_DAYS):
            yield association_id, year, "gov_assembly_12m", 1
        if counts.ordinary_assembly_overdue(today):
            yield association_id, year, "gov_assembly_overdue", 1
        for due_year, (on_time, late) in counts.declarations_filed.items():
            yield association_id, due_year, "gov_declarations_on_time", on_time
            yield association_id, due_year, "gov_declarations_filed_late", late
        if counts.declarations_late:
            yield association_id, year, "gov_declarations_late", counts.declarations_late
            yield association_id, year, "gov_associations_declarations_late", 1
        yield association_id, year, "gov_final_receipts_late", counts.final_receipts_late
        if counts.mandates_expired:
            yield association_id, year, "gov_associations_mandates_expired", 1


def governance_assembly_dates(association_ids) -> Iterable[tuple[int, date]]:
    """The last general assembly held by each association in each year (activity)."""
    from governance.models import Assembly, AssemblyKind, AssemblyStatus

    found = (
        Assembly.objects.filter(association_id__in=association_ids, status=AssemblyStatus.CLOSED)
        .exclude(kind=AssemblyKind.BOARD)
        .annotate(y=ExtractYear("first_call_at"))
        .values_list("association_id", "y")
        .annotate(last=Max("first_call_at"))
        .order_by()
    )
    for association_id, _year, last in found:
        yield association_id, timezone.localdate(last)


ASSEMBLY_DATE_SOURCES.append(governance_assembly_dates)


# --- Funding (finance): public money by funder type, foreign money and its SGG declarations -----


def _funding_indicators():
    from finance.models.funding import FOREIGN_FUNDER_TYPES, PUBLIC_FUNDER_TYPES, FunderType

    found = [
        Indicator(f"funding_{t.value}", t.label, MONEY, "funders")
        for t in FunderType
        if t in PUBLIC_FUNDER_TYPES
    ]
    found.append(Indicator("funding_public", _("Public funders (all)"), MONEY, "funders"))
    found += [
        Indicator(f"funding_{t.value}", t.label, MONEY, "funders")
        for t in FunderType
        if t not in PUBLIC_FUNDER_TYPES and t not in FOREIGN_FUNDER_TYPES
    ]
    found += [
        Indicator("foreign_received", _("Foreign money received"), MONEY, "foreign"),
        Indicator("foreign_grants", _("of which grants from foreign funders"), MONEY, "foreign"),
        Indicator("foreign_donations", _("of which gifts from abroad"), MONEY, "foreign"),
        Indicator("foreign_declared_on_time", _("SGG declarations made on time"), COUNT, "sgg"),
        Indicator("foreign_declared_late", _("SGG declarations made late"), COUNT, "sgg"),
        Indicator("foreign_overdue", _("SGG declarations overdue (not made)"), COUNT, "sgg"),
        Indicator(
            "foreign_associations_overdue", _("Associations with an overdue SGG declaration"), ASSOCIATIONS,
            "sgg",
        ),
    ]  # fmt: skip
    return found


def _public_funding() -> tuple[str, ...]:
    from finance.models.funding import PUBLIC_FUNDER_TYPES

    return tuple(sorted(f"funding_{t}" for t in PUBLIC_FUNDER_TYPES))


PUBLIC_FUNDING = _public_funding()  # the parts of funding_public


@provider("funding", _funding_indicators())
def funding_provider(association_ids, *, today: date):
    """Grant instalments received, by year and funder type (public funders add up to
    `funding_public`; foreign funders appear as foreign money); foreign money by year of receipt
    from its SGG declarations (one per receipt), declared by or after the deadline or overdue."""
    from django.db.models import F, Q

    from finance.models import DeclarationStatus, ForeignDeclaration, GrantInstalment
    from finance.models.funding import FOREIGN_FUNDER_TYPES, PUBLIC_FUNDER_TYPES

    public: dict[tuple[int, int], Decimal] = {}
    instalments = (
        GrantInstalment.objects.filter(association_id__in=association_ids)
        .annotate(y=ExtractYear("received_on"))
        .values_list("association_id", "y", "grant__funder__funder_type")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    for association_id, year, funder_type, total in instalments:
        if funder_type in FOREIGN_FUNDER_TYPES:
            continue  # counted as foreign money below, from its declaration
        yield association_id, year, f"funding_{funder_type}", total
        if funder_type in PUBLIC_FUNDER_TYPES:
            public[(association_id, year)] = public.get((association_id, year), Decimal("0")) + total
    for (association_id, year), total in public.items():
        yield association_id, year, "funding_public", total
    declared = Q(status=DeclarationStatus.DECLARED, declared_on__isnull=False)
    declarations = (
        ForeignDeclaration.objects.filter(association_id__in=association_ids)
        .annotate(y=ExtractYear("received_on"))
        .values_list("association_id", "y")
        .annotate(
            received=Sum("amount"),
            grants=Sum("amount", filter=Q(instalment__isnull=False)),
            gifts=Sum("amount", filter=Q(instalment__isnull=True)),
            on_time=Count("pk", filter=declared & Q(declared_on__lte=F("due_on"))),
            late=Count("pk", filter=declared & Q(declared_on__gt=F("due_on"))),
            overdue=Count("pk", filter=Q(status=DeclarationStatus.TO_DECLARE, due_on__lt=today)),
        )
        .order_by()
    )
    overdue_now: dict[int, int] = {}
    for association_id, year, received, grants, gifts, on_time, late, overdue in declarations:
        yield association_id, year, "foreign_received", received or 0
        yield association_id, year, "foreign_grants", grants or 0
        yield association_id, year, "foreign_donations", gifts or 0
        yield association_id, year, "foreign_declared_on_time", on_time
        yield association_id, year, "foreign_declared_late", late
        overdue_now[association_id] = overdue_now.get(association_id, 0) + overdue
    # Overdue is a state of today: counted in the current year, whatever the year of receipt.
    for association_id, overdue in overdue_now.items():
        if overdue:
            yield association_id, today.year, "foreign_overdue", overdue
            yield association_id, today.year, "foreign_associations_overdue", 1


# --- Volunteering and staff (the resources app) -----------------------------------------------


def _resources_indicators():
    from resources.models import ContractKind

    found = [
        Indicator("volunteers", _("Volunteers with hours"), PEOPLE, "volunteering"),
        Indicator("volunteer_hours", _("Volunteer hours"), COUNT, "volunteer_time"),
        Indicator("volunteer_value", _("Value of volunteer hours (MAD)"), MONEY, "volunteer_time"),
        Indicator("staff", _("Staff under contract"), PEOPLE, "volunteering"),
    ]
    found += [Indicator(f"staff_{c.value}", c.label, PEOPLE, "staff") for c in ContractKind]
    return found


STAFF_YEARS = 10  # staff is counted at the end of each of the last ten years


@provider("resources", _resources_indicators())
def resources_provider(association_ids, *, today: date):
    """Distinct volunteers with hours, their hours and value by year (resources/figures.py's
    definitions); staff under contract at the end of each year (today for the current one), by
    contract kind, for the years since the first contract."""
    from resources.models import StaffMember, VolunteerHours

    hours = (
        VolunteerHours.objects.filter(association_id__in=association_ids)
        .annotate(y=ExtractYear("date"))
        .values_list("association_id", "y")
        .annotate(people=Count("volunteer_id", distinct=True), hours=Sum("hours"), value=Sum("value"))
        .order_by()
    )
    for association_id, year, people, total_hours, value in hours:
        yield association_id, year, "volunteers", people
        yield association_id, year, "volunteer_hours", total_hours or 0
        yield association_id, year, "volunteer_value", value or 0
    contracts = list(
        StaffMember.objects.filter(association_id__in=association_ids).values_list(
            "association_id", "contract", "starts_on", "ends_on"
        )
    )
    first = min((starts for _a, _c, starts, _e in contracts), default=None)
    if first is None:
        return
    for year in range(max(first.year, today.year - STAFF_YEARS), today.year + 1):
        day = min(today, date(year, 12, 31))
        counts: dict[tuple[int, str], int] = {}
        for association_id, contract, starts, ends in contracts:
            if starts <= day and (ends is None or ends >= day):
                counts[(association_id, contract)] = counts.get((association_id, contract), 0) + 1
        totals: dict[int, int] = {}
        for (association_id, contract), n in counts.items():
            yield association_id, year, f"staff_{contract}", n
            totals[association_id] = totals.get(association_id, 0) + n
        for association_id, n in totals.items():
            yield association_id, year, "staff", n


# Size bands by current members (the dashboard's "size" filter).
SIZE_BANDS = (("0", 0, 0), ("1-10", 1, 10), ("11-50", 11, 50), ("51-200", 51, 200), ("201+", 201, 10**12))


def size_band(members: int) -> str:
    return next(code for code, low, high in SIZE_BANDS if low <= members <= high)


# --- Planning: projects, beneficiaries reached, activities done (the planning app) --------------

# Projects that exist beyond an idea and were not cancelled.
PLANNING_PROJECT_STATUSES = ("planned", "running", "done")


class _RegionName:
    """A region's name in the reader's language (the reference file's Arabic or French)."""

    def __init__(self, name_fr: str, name_ar: str):
        self.name_fr, self.name_ar = name_fr, name_ar

    def __str__(self) -> str:
        return self.name_ar if (get_language() or "ar").startswith("ar") else self.name_fr


def _reference_regions() -> dict[str, _RegionName]:
    """The 12 regions (decree 2-15-40), from the reference file the associations' migration loads
    into `associations.Region`: the indicators are declared at import, before any query."""
    import associations

    path = Path(associations.__file__).resolve().parent / "data" / "ma_territories.csv"
    with open(path, encoding="utf-8") as handle:
        return {
            row["region_code"]: _RegionName(row["region_fr"], row["region_ar"])
            for row in csv.DictReader(handle)
        }


PLANNING_REGIONS = _reference_regions()
PLANNING_NO_REGION = "none"


def planning_place_key(region_code: str | None) -> str:
    """ "MA-06" -> "ma06"; a project with no region given -> "none"."""
    return region_code.replace("-", "").lower() if region_code else PLANNING_NO_REGION


# Each figure broken down by the region where the project runs (its own region, which may differ
# from its association's seat): (the total, the prefix of its parts, the dashboard's group).
PLANNING_PLACE_FIGURES = (
    ("planning_projects", "planning_projects_in_", "planning_place_projects", COUNT),
    ("planning_projects_running", "planning_running_in_", "planning_place_running", COUNT),
    ("planning_beneficiaries", "planning_reached_in_", "planning_place_reached", PEOPLE),
)


def _planning_indicators() -> list[Indicator]:
    found = [
        Indicator("planning_projects", _("Development projects"), COUNT, "planning"),
        Indicator("planning_projects_running", _("of which under way"), COUNT, "planning"),
        Indicator("planning_beneficiaries", _("Beneficiaries reached by projects"), PEOPLE, "planning"),
        Indicator("planning_activities_done", _("Project activities done"), COUNT, "planning"),
    ]
    for _total, prefix, group, kind in PLANNING_PLACE_FIGURES:
        found += [
            Indicator(f"{prefix}{planning_place_key(code)}", name, kind, group)
            for code, name in PLANNING_REGIONS.items()
        ]
        found.append(Indicator(f"{prefix}{PLANNING_NO_REGION}", _("region not given"), kind, group))
    return found


def planning_place_sums() -> dict[str, tuple[str, list[str]]]:
    """The additions that tie the figures by place to their totals (ministry.rollup's
    INDICATOR_SUMS): every project counted is in exactly one region or in "not given"."""
    keys = [planning_place_key(code) for code in PLANNING_REGIONS] + [PLANNING_NO_REGION]
    return {
        group: (total, [f"{prefix}{key}" for key in keys])
        for total, prefix, group, _k in PLANNING_PLACE_FIGURES
    }


@provider("planning", _planning_indicators())
def planning_provider(association_ids, *, today: date):
    """As of today (the current year): the projects planned, under way or completed, and the
    beneficiaries they reached, in total and by the region where each project runs (its own
    region; "none" when not given); by year of their end date, the activities done. The dashboard
    breaks them down by the associations' region, province and sector, as every other figure.
    Counts and sums only: no project, activity or person is ever named. Two grouped queries per
    chunk, whatever the number of projects."""
    from planning.models import Activity, ActivityStatus, Project

    year = today.year
    projects = (
        _of_chunk(Project.objects.filter(status__in=PLANNING_PROJECT_STATUSES), association_ids)
        .values_list("association_id", "region__code")
        .annotate(
            n=Count("id"),
            running=Count("id", filter=Q(status="running")),
            reached=Sum("beneficiaries_reached"),
        )
        .order_by()
    )
    totals: dict[int, list[int]] = {}
    for association_id, region_code, n, running, reached in projects:
        key = planning_place_key(region_code)
        yield association_id, year, f"planning_projects_in_{key}", n
        yield association_id, year, f"planning_running_in_{key}", running
        yield association_id, year, f"planning_reached_in_{key}", reached or 0
        total = totals.setdefault(association_id, [0, 0, 0])
        total[0] += n
        total[1] += running
        total[2] += reached or 0
    for association_id, (n, running, reached) in totals.items():
        yield association_id, year, "planning_projects", n
        yield association_id, year, "planning_projects_running", running
        yield association_id, year, "planning_beneficiaries", reached
    done = (
        _of_chunk(Activity.objects.filter(status=ActivityStatus.DONE), association_ids)
        .annotate(y=ExtractYear("ends_on"))
        .values_list("association_id", "y")
        .annotate(n=Count("id"))
        .order_by()
    )
    for association_id, done_year, n in done:
        if done_year <= year:
            yield association_id, done_year, "planning_activities_done", n
