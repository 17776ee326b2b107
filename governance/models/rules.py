"""The statutes' rules: one version per adoption of the statutes, the rules in force at a
convocation stay with that assembly (Assembly.rules points at the version)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from associations.tenancy import TenantModel


class AssemblyKind(models.TextChoices):
    ORDINARY = "ordinary", _("Ordinary general assembly")
    EXTRAORDINARY = "extraordinary", _("Extraordinary general assembly")
    CONSTITUTIVE = "constitutive", _("Constitutive general assembly")
    BOARD = "board", _("Board meeting")


class DecisionKind(models.TextChoices):
    ORDINARY = "ordinary", _("Ordinary decision")
    STATUTES = "statutes", _("Amendment of the statutes")
    DISSOLUTION = "dissolution", _("Dissolution")
    ELECTION = "election", _("Election")


class Threshold(models.TextChoices):
    """A share that a count must reach. Integer arithmetic only (governance.arithmetic)."""

    NONE = "none", _("No minimum")
    ONE_QUARTER = "1/4", _("At least a quarter")
    ONE_THIRD = "1/3", _("At least a third")
    HALF = "1/2", _("At least half")
    MORE_THAN_HALF = ">1/2", _("More than half")
    TWO_THIRDS = "2/3", _("At least two thirds")
    THREE_QUARTERS = "3/4", _("At least three quarters")


class MajorityBase(models.TextChoices):
    """What a majority is counted against (OpenSlides' "100 % base")."""

    VALID = "valid", _("Votes for and against (abstentions not counted)")
    CAST = "cast", _("Votes cast (abstentions counted)")
    PRESENT = "present", _("Members present and represented")
    MEMBERS = "members", _("All members with a vote")


class TieRule(models.TextChoices):
    NEW_ROUND = "new_round", _("A new round between the tied candidates")
    ELDEST = "eldest", _("The eldest candidate")
    YOUNGEST = "youngest", _("The youngest candidate")


def default_bureau_composition() -> dict[str, int]:
    # The usual bureau of a Moroccan association (domain/governance.md, "Organs").
    return {
        "president": 1,
        "vice_president": 1,
        "secretary_general": 1,
        "treasurer": 1,
        "deputy": 2,
        "board_member": 2,
    }


class StatuteRules(TenantModel):
    """The key rules of one version of the statutes. A new adoption is a new version; a version
    referenced by an assembly is never edited (services refuse it)."""

    version = models.PositiveIntegerField(_("version"))
    adopted_on = models.DateField(_("adopted on"), default=timezone.localdate)
    statutes_file = models.CharField(max_length=300, blank=True)  # name in the private storage
    statutes_file_name = models.CharField(max_length=200, blank=True)
    # Notice, in days, between the convocation and the first call, per kind of meeting.
    notice_days_ordinary = models.PositiveSmallIntegerField(
        _("notice for an ordinary assembly (days)"), default=15, validators=[MaxValueValidator(365)]
    )
    notice_days_extraordinary = models.PositiveSmallIntegerField(
        _("notice for an extraordinary assembly (days)"), default=15, validators=[MaxValueValidator(365)]
    )
    notice_days_constitutive = models.PositiveSmallIntegerField(
        _("notice for a constitutive assembly (days)"), default=0, validators=[MaxValueValidator(365)]
    )
    notice_days_board = models.PositiveSmallIntegerField(
        _("notice for a board meeting (days)"), default=3, validators=[MaxValueValidator(365)]
    )
    # Quorum: members with a vote present or represented, at the first and the second call.
    quorum_first_call = models.CharField(
        _("quorum at the first call"),
        max_length=5,
        choices=Threshold.choices,
        default=Threshold.MORE_THAN_HALF,
    )
    quorum_second_call = models.CharField(
        _("quorum at the second call"), max_length=5, choices=Threshold.choices, default=Threshold.NONE
    )
    second_call_delay_minutes = models.PositiveIntegerField(
        _("delay before the second call (minutes)"), default=30, validators=[MaxValueValidator(60 * 24 * 30)]
    )
    # Majority and its base per kind of decision.
    majority_ordinary = models.CharField(
        _("majority for ordinary decisions"), max_length=5, choices=Threshold.choices,
        default=Threshold.MORE_THAN_HALF,
    )  # fmt: skip
    base_ordinary = models.CharField(
        _("counted against"), max_length=8, choices=MajorityBase.choices, default=MajorityBase.VALID
    )
    majority_statutes = models.CharField(
        _("majority to amend the statutes"), max_length=5, choices=Threshold.choices,
        default=Threshold.TWO_THIRDS,
    )  # fmt: skip
    base_statutes = models.CharField(
        _("counted against"), max_length=8, choices=MajorityBase.choices, default=MajorityBase.PRESENT
    )
    majority_dissolution = models.CharField(
        _("majority to dissolve"), max_length=5, choices=Threshold.choices, default=Threshold.THREE_QUARTERS
    )
    base_dissolution = models.CharField(
        _("counted against"), max_length=8, choices=MajorityBase.choices, default=MajorityBase.PRESENT
    )
    majority_election = models.CharField(
        _("majority to be elected"), max_length=5, choices=Threshold.choices, default=Threshold.NONE
    )
    base_election = models.CharField(
        _("counted against"), max_length=8, choices=MajorityBase.choices, default=MajorityBase.VALID
    )
    tie_rule = models.CharField(
        _("a tie in an election is settled by"),
        max_length=10,
        choices=TieRule.choices,
        default=TieRule.ELDEST,
    )
    proxies_allowed = models.BooleanField(_("proxies allowed"), default=True)
    proxies_per_holder = models.PositiveSmallIntegerField(
        _("proxies one member may hold"), default=1, validators=[MinValueValidator(1), MaxValueValidator(50)]
    )
    dues_required_to_vote = models.BooleanField(
        _("only members up to date with their dues vote"), default=True
    )
    bureau_composition = models.JSONField(_("bureau composition"), default=default_bureau_composition)
    bureau_term_years = models.PositiveSmallIntegerField(
        _("bureau term (years)"), default=4, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta(TenantModel.Meta):
        ordering = ["-version"]
        verbose_name = _("statute rules")
        verbose_name_plural = _("statute rules")
        constraints = [
            models.UniqueConstraint(fields=["association", "version"], name="statute_rules_version_unique")
        ]

    def __str__(self) -> str:
        return f"v{self.version}"

    def notice_days(self, kind: str) -> int:
        return int(getattr(self, f"notice_days_{kind}"))

    def majority_for(self, decision_kind: str) -> tuple[str, str]:
        """(threshold, base) of a kind of decision."""
        return getattr(self, f"majority_{decision_kind}"), getattr(self, f"base_{decision_kind}")
