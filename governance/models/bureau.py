"""The bureau: who holds which office, from when to when, elected by which assembly.

A mandate is never deleted: when it ends (a new bureau, a resignation) its `ended_on` is set, so
the register keeps the whole history. The product's roles follow the register only when an
officer confirms the changes (governance.services_bureau.bureau_roles_apply)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from associations.capabilities import RoleKind
from associations.tenancy import TenantModel


class Office(models.TextChoices):
    """The offices of a bureau: the same keys as the officer roles and as the statute rules'
    bureau composition (governance.models.rules.default_bureau_composition) and elections."""

    PRESIDENT = "president", _("President")
    VICE_PRESIDENT = "vice_president", _("Vice-president")
    SECRETARY_GENERAL = "secretary_general", _("Secretary-general")
    TREASURER = "treasurer", _("Treasurer")
    DEPUTY = "deputy", _("Deputy officer")
    BOARD_MEMBER = "board_member", _("Board member")


# The role in the product that each office gives (the same key).
OFFICE_ROLE = {office: RoleKind(office.value) for office in Office}
# Offices the statutes give to one person at a time.
SINGLE_OFFICES = frozenset({Office.PRESIDENT, Office.SECRETARY_GENERAL, Office.TREASURER})
# The order of the bureau list (declarations, minutes, pages).
OFFICE_ORDER = {office: index for index, office in enumerate(Office.values)}


class Mandate(TenantModel):
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="mandates")
    office = models.CharField(_("office"), max_length=20, choices=Office.choices)
    starts_on = models.DateField(_("start of the mandate"))
    # The term the statutes give (None: until the next election).
    ends_on = models.DateField(_("end of the term"), null=True, blank=True)
    elected_by = models.ForeignKey(
        "governance.Assembly",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mandates",
        verbose_name=_("elected by the assembly"),
    )
    # When the mandate really ended (a new bureau, a resignation); None while it runs.
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.CharField(_("why it ended"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta(TenantModel.Meta):
        ordering = ["-starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=models.F("starts_on")),
                name="governance_mandate_term",
            ),
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True) | models.Q(ended_on__gte=models.F("starts_on")),
                name="governance_mandate_ended",
            ),
        ]
        indexes = [
            models.Index(fields=["association", "ended_on", "office"], name="governance_mandate_current"),
            models.Index(fields=["association", "member"], name="governance_mandate_member"),
        ]

    def __str__(self) -> str:
        return f"{self.get_office_display()} · {self.member_id}"

    @property
    def role_kind(self) -> str:
        return OFFICE_ROLE[self.office]
