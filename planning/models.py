"""Planning: a strategic plan with its objectives, programmes under the objectives, projects under
the programmes, activities in the projects, and indicators measured over time. Every model is
tenant data.

Money is never kept here. A planning project is tied to exactly one finance project (a FK with a
unique constraint: the architecture test wants FKs, not one-to-one fields); its budget is the
finance project's budget lines and its actual spending is the books' lines carrying that project,
read from finance, never typed twice. Its funders are the grants restricted to that finance project.

Measurements are only added. A correction is a new measurement naming the one it corrects, and it
is audited; a measurement is never edited in place (`Measurement.save` refuses an update).
Volunteer hours reach an activity through `ActivityHours`, which points at hours already recorded
(and valued once) by resources: resources sits below planning and never learns of activities.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from associations.tenancy import TenantModel


def _bilingual(ar: str, fr: str) -> str:
    if (get_language() or "ar").startswith("ar"):
        return ar or fr
    return fr or ar


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ADOPTED = "adopted", _("Adopted")
    SUPERSEDED = "superseded", _("Superseded")


class Plan(TenantModel):
    """A strategic plan (e.g. three to five years). Versions are kept: a new version starts as a
    draft copy naming the previous one; adopting it supersedes the previous version."""

    title_ar = models.CharField(_("title in Arabic"), max_length=200, blank=True)
    title_fr = models.CharField(_("title in French"), max_length=200, blank=True)
    vision_ar = models.TextField(_("vision in Arabic"), blank=True)
    vision_fr = models.TextField(_("vision in French"), blank=True)
    starts_year = models.PositiveSmallIntegerField(_("first year"))
    ends_year = models.PositiveSmallIntegerField(_("last year"))
    status = models.CharField(
        _("status"), max_length=12, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    previous = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="next_versions"
    )
    # The resolution of a general assembly that adopted this version.
    adopted_by = models.ForeignKey(
        "governance.AgendaItem",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("adopting resolution"),
    )
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(TenantModel.Meta):
        ordering = ["-starts_year", "-version", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_year__gte=F("starts_year")), name="plan_years_ordered"),
            models.CheckConstraint(
                condition=Q(starts_year__gte=1958, ends_year__lte=2200), name="plan_years_plausible"
            ),
            models.CheckConstraint(
                condition=~Q(status="adopted") | Q(adopted_on__isnull=False), name="plan_adopted_has_date"
            ),
            # One adopted version at a time per association.
            models.UniqueConstraint(
                fields=["association"], condition=Q(status="adopted"), name="plan_one_adopted"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} v{self.version}"

    @property
    def title(self) -> str:
        return _bilingual(self.title_ar, self.title_fr)

    @property
    def vision(self) -> str:
        return _bilingual(self.vision_ar, self.vision_fr)


class Objective(TenantModel):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="objectives")
    code = models.CharField(_("code"), max_length=20)
    text_ar = models.TextField(_("objective in Arabic"), blank=True)
    text_fr = models.TextField(_("objective in French"), blank=True)
    position = models.PositiveSmallIntegerField(default=1)

    class Meta(TenantModel.Meta):
        ordering = ["plan", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["association", "plan", "code"], name="objective_code_unique"),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def text(self) -> str:
        return _bilingual(self.text_ar, self.text_fr)


class Programme(TenantModel):
    objective = models.ForeignKey(Objective, on_delete=models.PROTECT, related_name="programmes")
    code = models.CharField(_("code"), max_length=20)
    title_ar = models.CharField(_("title in Arabic"), max_length=200, blank=True)
    title_fr = models.CharField(_("title in French"), max_length=200, blank=True)
    starts_on = models.DateField(_("start date"), null=True, blank=True)
    ends_on = models.DateField(_("end date"), null=True, blank=True)

    class Meta(TenantModel.Meta):
        ordering = ["code", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["association", "code"], name="programme_code_unique"),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(ends_on__gte=F("starts_on")),
                name="programme_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def title(self) -> str:
        return _bilingual(self.title_ar, self.title_fr)


class ProjectStatus(models.TextChoices):
    IDEA = "idea", _("Idea")
    PLANNED = "planned", _("Planned")
    RUNNING = "running", _("Running")
    DONE = "done", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class Project(TenantModel):
    """The planning side of a finance project: where, for whom, with whom, how it is going.
    Dates, names and budget are the finance project's (read through `finance_project`)."""

    finance_project = models.ForeignKey(
        "finance.Project", on_delete=models.PROTECT, related_name="+", verbose_name=_("project in the books")
    )
    programme = models.ForeignKey(
        Programme,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
        verbose_name=_("programme"),
    )
    region = models.ForeignKey(
        "associations.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("region"),
    )
    province = models.ForeignKey(
        "associations.Province",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("province"),
    )
    commune = models.CharField(_("commune"), max_length=120, blank=True)
    target_group = models.CharField(_("target group"), max_length=300, blank=True)
    beneficiaries_planned = models.PositiveIntegerField(_("beneficiaries planned"), default=0)
    beneficiaries_reached = models.PositiveIntegerField(_("beneficiaries reached"), default=0)
    partners = models.TextField(_("partners"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ProjectStatus.choices, default=ProjectStatus.PLANNED
    )
    responsible = models.ForeignKey(
        "members.Member",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible officer"),
    )
    # Sustainable-development goals, a list of numbers 1 to 17 (validated by the service).
    sdg_goals = models.JSONField(_("sustainable-development goals"), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(TenantModel.Meta):
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["association", "finance_project"], name="planning_project_once"),
        ]
        indexes = [models.Index(fields=["association", "status"], name="planning_project_status_idx")]

    def __str__(self) -> str:
        return f"#{self.pk}"


class ActivityStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    RUNNING = "running", _("Under way")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class Activity(TenantModel):
    """Overdue means neither done nor cancelled, with an end date before today."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="activities")
    title_ar = models.CharField(_("title in Arabic"), max_length=200, blank=True)
    title_fr = models.CharField(_("title in French"), max_length=200, blank=True)
    starts_on = models.DateField(_("start date"))
    ends_on = models.DateField(_("end date"))
    responsible = models.ForeignKey(
        "members.Member",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible person"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=ActivityStatus.choices, default=ActivityStatus.PLANNED
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(TenantModel.Meta):
        ordering = ["starts_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="activity_dates_ordered"),
        ]
        indexes = [
            models.Index(fields=["association", "status", "ends_on"], name="activity_overdue_idx"),
            models.Index(fields=["association", "project", "starts_on"], name="activity_project_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk}"

    @property
    def title(self) -> str:
        return _bilingual(self.title_ar, self.title_fr)


class IndicatorUnit(models.TextChoices):
    NUMBER = "number", _("Number")
    PERCENT = "percent", _("Percent")
    MAD = "mad", _("Dirhams (MAD)")
    PEOPLE = "people", _("People")


class Frequency(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    HALF_YEARLY = "half_yearly", _("Every six months")
    YEARLY = "yearly", _("Yearly")
    END = "end", _("At the end")


class LogframeLevel(models.TextChoices):
    GOAL = "goal", _("Overall goal")
    PURPOSE = "purpose", _("Specific objective")
    OUTPUT = "output", _("Output")


class Indicator(TenantModel):
    """Measured on a project, at a level of its logical framework. Percent lies in 0–100; people
    and money are never negative (checked by the service and the database)."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="indicators")
    level = models.CharField(
        _("level"), max_length=10, choices=LogframeLevel.choices, default=LogframeLevel.OUTPUT
    )
    name_ar = models.CharField(_("name in Arabic"), max_length=200, blank=True)
    name_fr = models.CharField(_("name in French"), max_length=200, blank=True)
    unit = models.CharField(
        _("unit"), max_length=10, choices=IndicatorUnit.choices, default=IndicatorUnit.NUMBER
    )
    baseline = models.DecimalField(_("baseline"), max_digits=14, decimal_places=2, default=Decimal("0"))
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=2)
    frequency = models.CharField(
        _("frequency"), max_length=12, choices=Frequency.choices, default=Frequency.QUARTERLY
    )
    means_of_verification = models.CharField(_("means of verification"), max_length=300, blank=True)
    assumptions = models.CharField(_("assumptions"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(TenantModel.Meta):
        ordering = ["project", "level", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(unit="percent")
                | Q(baseline__gte=0, baseline__lte=100, target__gte=0, target__lte=100),
                name="indicator_percent_in_range",
            ),
            models.CheckConstraint(
                condition=~Q(unit__in=["people", "mad"]) | Q(baseline__gte=0, target__gte=0),
                name="indicator_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk}"

    @property
    def name(self) -> str:
        return _bilingual(self.name_ar, self.name_fr)


class Measurement(TenantModel):
    """A value of an indicator on a date. Only added: a correction is a new row naming the row it
    corrects (`corrects`); the corrected row stays, marked by the existence of its correction."""

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="measurements")
    measured_on = models.DateField(_("date"))
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    note = models.CharField(_("note"), max_length=300, blank=True)
    evidence = models.CharField(max_length=300, blank=True)  # a name in the private storage
    evidence_name = models.CharField(max_length=120, blank=True)
    corrects = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="corrections"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta(TenantModel.Meta):
        ordering = ["indicator", "measured_on", "pk"]
        constraints = [
            # A row is corrected at most once; a correction of a correction names the latest.
            models.UniqueConstraint(
                fields=["association", "corrects"],
                condition=Q(corrects__isnull=False),
                name="measurement_corrected_once",
            ),
        ]
        indexes = [
            models.Index(fields=["association", "indicator", "measured_on"], name="measurement_series_idx")
        ]

    def __str__(self) -> str:
        return f"#{self.pk}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValueError("A measurement is never changed: record a correction instead.")
        super().save(*args, **kwargs)


class ActivityHours(TenantModel):
    """Volunteer hours (recorded and valued once by resources) given to an activity."""

    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="hours_given")
    hours = models.ForeignKey("resources.VolunteerHours", on_delete=models.PROTECT, related_name="+")

    class Meta(TenantModel.Meta):
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["association", "hours"], name="activity_hours_once"),
        ]
        indexes = [models.Index(fields=["association", "activity"], name="activity_hours_activity_idx")]

    def __str__(self) -> str:
        return f"#{self.pk}"
