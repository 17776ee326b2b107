"""Resources: who helps (volunteers and staff) and what the association works with (equipment and
premises). Every model is tenant data.

Volunteer hours are valued at the association's hourly value when they are recorded (the value is
frozen on the row), and posted to the books once: a `Valuation` is one posted entry (0714 Bénévolat
debit / 0719 counterpart credit) and each hours row points at the valuation that carried it. The
service sets that pointer with a compare-and-set update (only rows still without a valuation), so a
row is valued once even when two treasurers post at the same moment; a valued row never changes.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from associations.tenancy import TenantModel

MONEY = {"max_digits": 14, "decimal_places": 2}


def _bilingual(ar: str, latin: str) -> str:
    if (get_language() or "ar").startswith("ar"):
        return ar or latin
    return latin or ar


class ResourceSettings(TenantModel):
    """The association's own settings for resources: the value of one volunteer hour (MAD)."""

    hourly_value = models.DecimalField(
        _("value of one volunteer hour (MAD)"), **MONEY, default=Decimal("0.00")
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(TenantModel.Meta):
        constraints = [
            models.UniqueConstraint(fields=["association"], name="resources_settings_once"),
            models.CheckConstraint(
                condition=Q(hourly_value__gte=0), name="resources_hourly_value_not_negative"
            ),
        ]


class Volunteer(TenantModel):
    """Someone who gives time: a member of the association (linked) or not (named here)."""

    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    name_ar = models.CharField(_("name (Arabic script)"), max_length=120, blank=True)
    name_latin = models.CharField(_("name (Latin script)"), max_length=120, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    skills = models.CharField(_("skills"), max_length=300, blank=True)
    availability = models.CharField(_("availability"), max_length=200, blank=True)
    since = models.DateField(_("volunteering since"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(TenantModel.Meta):
        ordering = ["name_latin", "name_ar", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["association", "member"],
                condition=Q(member__isnull=False),
                name="volunteer_member_once",
            )
        ]

    def __str__(self) -> str:
        # The audit trail names the row, never the person (its chain is kept for years).
        return f"#{self.pk}"

    @property
    def display_name(self) -> str:
        return _bilingual(self.name_ar, self.name_latin) or f"#{self.pk}"


class Valuation(TenantModel):
    """One posting of valued volunteer hours to the books (one posted entry)."""

    entry = models.ForeignKey("finance.Entry", on_delete=models.PROTECT, related_name="+")
    date = models.DateField(_("date"))
    hours = models.DecimalField(_("hours"), max_digits=10, decimal_places=2)
    value = models.DecimalField(_("value (MAD)"), **MONEY)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta(TenantModel.Meta):
        ordering = ["-date", "-pk"]
        constraints = [models.UniqueConstraint(fields=["association", "entry"], name="valuation_entry_once")]


class VolunteerHours(TenantModel):
    """Hours a volunteer gave on one day to one activity, valued when recorded."""

    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="hours")
    date = models.DateField(_("date"))
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=2)
    activity = models.CharField(_("activity"), max_length=200)
    hourly_value = models.DecimalField(_("value of one hour (MAD)"), **MONEY)
    value = models.DecimalField(_("value (MAD)"), **MONEY)
    valuation = models.ForeignKey(
        Valuation, on_delete=models.PROTECT, null=True, blank=True, related_name="hours_rows"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(TenantModel.Meta):
        ordering = ["-date", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(hours__gt=0, hours__lte=24), name="volunteer_hours_in_a_day"),
            models.CheckConstraint(
                condition=Q(value__gte=0, hourly_value__gte=0), name="volunteer_hours_value_ok"
            ),
        ]
        indexes = [
            models.Index(fields=["association", "date"], name="volunteer_hours_date_idx"),
            models.Index(fields=["association", "valuation"], name="volunteer_hours_valued_idx"),
        ]

    @property
    def is_valued(self) -> bool:
        return self.valuation_id is not None


class VolunteerCertificate(TenantModel):
    """A certificate of volunteering (a verifiable document) thanking a volunteer for a period."""

    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="certificates")
    document = models.ForeignKey("documents.Document", on_delete=models.PROTECT, related_name="+")
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    hours = models.DecimalField(_("hours"), max_digits=10, decimal_places=2)
    issued_at = models.DateTimeField(auto_now_add=True)

    class Meta(TenantModel.Meta):
        ordering = ["-issued_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="volcert_period_ok"
            )
        ]


class ContractKind(models.TextChoices):
    PERMANENT = "permanent", _("Permanent contract (CDI)")
    FIXED_TERM = "fixed_term", _("Fixed-term contract (CDD)")
    PART_TIME = "part_time", _("Part-time")
    SERVICE = "service", _("Service contract")
    INTERNSHIP = "internship", _("Internship")
    SECONDED = "seconded", _("Seconded")


class StaffMember(TenantModel):
    """A paid person working for the association: role and contract dates."""

    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    name_ar = models.CharField(_("name (Arabic script)"), max_length=120, blank=True)
    name_latin = models.CharField(_("name (Latin script)"), max_length=120, blank=True)
    job_title = models.CharField(_("role"), max_length=120)
    contract = models.CharField(_("contract"), max_length=12, choices=ContractKind.choices)
    starts_on = models.DateField(_("contract starts"))
    ends_on = models.DateField(_("contract ends"), null=True, blank=True)
    weekly_hours = models.DecimalField(
        _("hours a week"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(TenantModel.Meta):
        ordering = ["-starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="staff_dates_ok",
            )
        ]

    def __str__(self) -> str:
        # The audit trail names the row, never the person (its chain is kept for years).
        return f"#{self.pk}"

    @property
    def display_name(self) -> str:
        return _bilingual(self.name_ar, self.name_latin) or f"#{self.pk}"


class AssetCategory(models.TextChoices):
    FURNITURE = "furniture", _("Furniture")
    IT = "it", _("Computers and phones")
    OFFICE = "office", _("Office equipment")
    VEHICLE = "vehicle", _("Vehicle")
    TOOLS = "tools", _("Tools and machines")
    SPORT = "sport", _("Sport and leisure equipment")
    OTHER = "other", _("Other")


class Acquisition(models.TextChoices):
    BOUGHT = "bought", _("Bought")
    DONATED = "donated", _("Donated")
    LENT = "lent", _("Lent")


class AssetState(models.TextChoices):
    NEW = "new", _("New")
    GOOD = "good", _("Good")
    WORN = "worn", _("Worn")
    BROKEN = "broken", _("Out of order")
    GONE = "gone", _("Disposed of or returned")


class Asset(TenantModel):
    """An item of the inventory. A bought item may point at the posted ledger line that bought it
    (a class-2 fixed-asset account); a donated one carries its estimated value (an in-kind donation
    that the treasurer may post, then link); a lent one is never the association's asset."""

    name = models.CharField(_("item"), max_length=200)
    category = models.CharField(_("category"), max_length=12, choices=AssetCategory.choices, default="other")
    reference = models.CharField(_("serial number or reference"), max_length=80, blank=True)
    value = models.DecimalField(_("value (MAD)"), **MONEY, default=Decimal("0.00"))
    acquired_on = models.DateField(_("acquired on"))
    acquisition = models.CharField(_("acquired how"), max_length=8, choices=Acquisition.choices)
    source = models.CharField(_("bought from, donated or lent by"), max_length=200, blank=True)
    lent_until = models.DateField(_("lent until"), null=True, blank=True)
    location = models.CharField(_("location"), max_length=200, blank=True)
    state = models.CharField(_("state"), max_length=8, choices=AssetState.choices, default="good")
    account = models.ForeignKey(
        "finance.Account",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("fixed-asset account"),
    )
    entry_line = models.ForeignKey(
        "finance.EntryLine", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(TenantModel.Meta):
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(value__gte=0), name="asset_value_not_negative"),
            models.CheckConstraint(
                condition=Q(lent_until__isnull=True) | Q(lent_until__gte=models.F("acquired_on")),
                name="asset_lent_until_after_acquired",
            ),
            models.CheckConstraint(
                condition=Q(entry_line__isnull=True) | ~Q(acquisition="lent"), name="asset_lent_has_no_line"
            ),
        ]
        indexes = [models.Index(fields=["association", "state"], name="asset_state_idx")]

    def __str__(self) -> str:
        return self.name


class PremisesKind(models.TextChoices):
    OWNED = "owned", _("Owned")
    RENTED = "rented", _("Rented")
    LENT_COMMUNE = "lent_commune", _("Lent by a commune")
    LENT_OTHER = "lent_other", _("Lent by someone else")


class Premises(TenantModel):
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("held how"), max_length=14, choices=PremisesKind.choices)
    address = models.CharField(_("address"), max_length=300, blank=True)
    commune = models.CharField(_("commune"), max_length=120, blank=True)
    owner = models.CharField(_("owner, landlord or lender"), max_length=200, blank=True)
    area_m2 = models.PositiveIntegerField(_("area (m²)"), null=True, blank=True)
    monthly_rent = models.DecimalField(_("monthly rent (MAD)"), **MONEY, default=Decimal("0.00"))
    starts_on = models.DateField(_("held since"), null=True, blank=True)
    ends_on = models.DateField(_("held until"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(TenantModel.Meta):
        ordering = ["name", "pk"]
        verbose_name_plural = "premises"
        constraints = [
            models.CheckConstraint(condition=Q(monthly_rent__gte=0), name="premises_rent_not_negative"),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(ends_on__gte=models.F("starts_on")),
                name="premises_dates_ok",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PremisesDocument(TenantModel):
    """A lease, a commune's decision to lend, a title deed: a private file, type and size checked."""

    premises = models.ForeignKey(Premises, on_delete=models.PROTECT, related_name="documents")
    title = models.CharField(_("title"), max_length=200)
    file = models.CharField(max_length=300)  # a name in the private storage
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta(TenantModel.Meta):
        ordering = ["-uploaded_at", "-pk"]
