"""Funding: funders and their grant agreements (with the instalments received), donors and their
donations (in cash, in kind, or volunteering), and the declarations foreign money calls for.

Money received is posted to the ledger by the services (finance/services/funding.py): a grant
instalment to the grant account of its funder's type (71611–71615, 7174), a cash donation to 7171,
an in-kind gift or volunteering to its class-0 account (0711 / 0714, counterpart 0719).
Each foreign receipt opens a declaration to the Secretariat General of the Government (SGG,
dahir 1958 art. 32 bis) with a deadline.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from associations.tenancy import TenantModel

MONEY = {"max_digits": 14, "decimal_places": 2}
PUBLIC_CERTIFICATION_THRESHOLD = Decimal("500000.00")  # MAD a year (circular 7/2003)
DEFAULT_DECLARATION_DAYS = 30  # widely cited, not confirmed in a retrieved text: a setting


class FunderType(models.TextChoices):
    STATE = "state", _("State")
    MINISTRY = "ministry", _("Ministry")
    COMMUNE = "commune", _("Commune")
    PROVINCE = "province", _("Province or prefecture")
    REGION = "region", _("Region")
    PUBLIC_BODY = "public_body", _("Public establishment")
    INDH = "indh", _("INDH")
    FOREIGN_GOVERNMENT = "foreign_government", _("Foreign government")
    FOREIGN_ORGANISATION = "foreign_organisation", _("Foreign or international organisation")
    PRIVATE_NATIONAL = "private_national", _("Private, national")


# The grant account of each funder type (chart: 7161x by funder, 7174 sponsorship by companies).
FUNDER_ACCOUNT_CODES = {
    FunderType.STATE: "71611",
    FunderType.MINISTRY: "71611",
    FunderType.COMMUNE: "71612",
    FunderType.PROVINCE: "71612",
    FunderType.REGION: "71612",
    FunderType.INDH: "71613",
    FunderType.PUBLIC_BODY: "71614",
    FunderType.FOREIGN_GOVERNMENT: "71615",
    FunderType.FOREIGN_ORGANISATION: "71615",
    FunderType.PRIVATE_NATIONAL: "7174",
}
PUBLIC_FUNDER_TYPES = frozenset(
    {
        FunderType.STATE,
        FunderType.MINISTRY,
        FunderType.COMMUNE,
        FunderType.PROVINCE,
        FunderType.REGION,
        FunderType.PUBLIC_BODY,
        FunderType.INDH,
    }
)
FOREIGN_FUNDER_TYPES = frozenset({FunderType.FOREIGN_GOVERNMENT, FunderType.FOREIGN_ORGANISATION})
# Public money in the ledger: the grant accounts of public funders.
PUBLIC_ACCOUNT_CODES = ("71611", "71612", "71613", "71614")


class FundingSettings(TenantModel):
    """The association's own settings for funding (one row, made on first use)."""

    foreign_declaration_days = models.PositiveSmallIntegerField(
        _("days to declare foreign money to the SGG"), default=DEFAULT_DECLARATION_DAYS
    )

    class Meta(TenantModel.Meta):
        constraints = [models.UniqueConstraint(fields=["association"], name="finance_funding_settings_one")]


class Funder(TenantModel):
    name = models.CharField(_("name"), max_length=200)
    funder_type = models.CharField(_("type of funder"), max_length=24, choices=FunderType.choices)
    country = models.CharField(_("country"), max_length=100, blank=True)
    # Optional: when stored, the receipt of each instalment is sent there through the outbox.
    email = models.EmailField(_("contact e-mail"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta(TenantModel.Meta):
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["association", "name"], name="finance_funder_name_unique")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_public(self) -> bool:
        return self.funder_type in PUBLIC_FUNDER_TYPES

    @property
    def is_foreign(self) -> bool:
        return self.funder_type in FOREIGN_FUNDER_TYPES


class Grant(TenantModel):
    """A grant agreement (convention) with a funder: the amount granted, restricted to a project."""

    name = models.CharField(_("name"), max_length=200)
    funder = models.ForeignKey(
        Funder, on_delete=models.PROTECT, related_name="grants", verbose_name=_("funder")
    )
    reference = models.CharField(_("agreement reference"), max_length=80, blank=True)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    amount_granted = models.DecimalField(_("amount granted (MAD)"), **MONEY)
    project = models.ForeignKey(
        "finance.Project",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="grants",
        verbose_name=_("restricted to project"),
    )
    purpose = models.TextField(_("purpose"), blank=True)
    use_report = models.TextField(_("report on the use of the grant"), blank=True)
    use_report_on = models.DateField(_("use report sent on"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta(TenantModel.Meta):
        ordering = ["-signed_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_granted__gt=0), name="finance_grant_amount_positive"
            ),
            models.CheckConstraint(condition=~models.Q(name=""), name="finance_grant_name_required"),
        ]
        indexes = [models.Index(fields=["association", "funder"], name="finance_grant_funder_idx")]

    def __str__(self) -> str:
        return self.name


class GrantInstalment(TenantModel):
    """Money received under a grant: posted to the grant account of the funder's type."""

    grant = models.ForeignKey(Grant, on_delete=models.PROTECT, related_name="instalments")
    amount = models.DecimalField(_("amount (MAD)"), **MONEY)
    received_on = models.DateField(_("received on"))
    reference = models.CharField(_("reference"), max_length=60, blank=True)
    entry = models.ForeignKey("finance.Entry", on_delete=models.PROTECT, related_name="+")
    # The payment (finance.services.payments.payment_record) that posted it and numbered its receipt.
    # One instalment per payment, unique within the association (a key that leads with it, as every
    # unique key here: tests/test_architecture.py).
    payment = models.ForeignKey(
        "finance.Payment", on_delete=models.PROTECT, null=True, blank=True, related_name="grant_instalments"
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta(TenantModel.Meta):
        ordering = ["received_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="finance_instalment_amount_positive"
            ),
            models.UniqueConstraint(
                fields=["association", "payment"], name="finance_instalment_payment_once"
            ),
        ]
        indexes = [models.Index(fields=["association", "grant"], name="finance_instalment_grant_idx")]

    @property
    def declaration(self):
        """The SGG declaration this receipt of foreign money opened, if any (at most one)."""
        return next(iter(self.declarations.all()), None)


class DonorKind(models.TextChoices):
    PERSON = "person", _("Person")
    ORGANISATION = "organisation", _("Organisation")


class Donor(TenantModel):
    kind = models.CharField(_("kind"), max_length=12, choices=DonorKind.choices, default=DonorKind.PERSON)
    name = models.CharField(_("name"), max_length=200)
    cin = models.CharField(_("CIN"), max_length=20, blank=True)
    ice = models.CharField(_("ICE"), max_length=15, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    from_abroad = models.BooleanField(_("gives from abroad"), default=False)
    country = models.CharField(_("country"), max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta(TenantModel.Meta):
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["association", "name"], name="finance_donor_name_idx")]

    def __str__(self) -> str:
        return self.name


class DonationNature(models.TextChoices):
    CASH = "cash", _("Money")
    IN_KIND = "in_kind", _("In kind")
    VOLUNTEERING = "volunteering", _("Volunteering")


class Donation(TenantModel):
    """A gift. Money is posted to 7171 through the cash or bank account; a gift in kind (valued) to
    0711 and volunteering (valued hours) to 0714, both against 0719 (class 0, off the result)."""

    donor = models.ForeignKey(
        Donor, on_delete=models.PROTECT, related_name="donations", verbose_name=_("donor")
    )
    nature = models.CharField(_("nature"), max_length=12, choices=DonationNature.choices)
    amount = models.DecimalField(_("amount or value (MAD)"), **MONEY)
    received_on = models.DateField(_("received on"))
    description = models.CharField(_("description"), max_length=300, blank=True)
    valuation = models.CharField(_("how the value was set"), max_length=200, blank=True)
    hours = models.DecimalField(_("hours"), max_digits=8, decimal_places=2, null=True, blank=True)
    project = models.ForeignKey(
        "finance.Project", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    entry = models.ForeignKey("finance.Entry", on_delete=models.PROTECT, related_name="+")
    # A gift of money is a payment with its receipt (series "donations"); gifts in kind have none.
    payment = models.ForeignKey(
        "finance.Payment", on_delete=models.PROTECT, null=True, blank=True, related_name="donations"
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta(TenantModel.Meta):
        ordering = ["-received_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="finance_donation_amount_positive"),
            models.UniqueConstraint(fields=["association", "payment"], name="finance_donation_payment_once"),
        ]
        indexes = [
            models.Index(fields=["association", "donor", "received_on"], name="finance_donation_donor_idx")
        ]

    @property
    def declaration(self):
        """The SGG declaration this receipt of foreign money opened, if any (at most one)."""
        return next(iter(self.declarations.all()), None)


class DeclarationStatus(models.TextChoices):
    TO_DECLARE = "to_declare", _("To declare")
    DECLARED = "declared", _("Declared")


class ForeignDeclaration(TenantModel):
    """The declaration to the SGG that one receipt of foreign money calls for."""

    # One declaration per receipt of foreign money: unique within the association (see GrantInstalment).
    instalment = models.ForeignKey(
        GrantInstalment, on_delete=models.PROTECT, null=True, blank=True, related_name="declarations"
    )
    donation = models.ForeignKey(
        Donation, on_delete=models.PROTECT, null=True, blank=True, related_name="declarations"
    )
    amount = models.DecimalField(_("amount (MAD)"), **MONEY)
    origin = models.CharField(_("origin"), max_length=300)
    purpose = models.CharField(_("purpose"), max_length=300)
    received_on = models.DateField(_("received on"))
    due_on = models.DateField(_("to declare by"))
    status = models.CharField(
        _("status"), max_length=12, choices=DeclarationStatus.choices, default=DeclarationStatus.TO_DECLARE
    )
    reference = models.CharField(_("SGG reference"), max_length=80, blank=True)
    declared_on = models.DateField(_("declared on"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta(TenantModel.Meta):
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["association", "status", "due_on"], name="finance_declaration_due_idx")
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(instalment__isnull=False) | models.Q(donation__isnull=False),
                name="finance_declaration_has_source",
            ),
            models.UniqueConstraint(
                fields=["association", "instalment"], name="finance_declaration_instalment_once"
            ),
            models.UniqueConstraint(
                fields=["association", "donation"], name="finance_declaration_donation_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.origin} {self.amount}"
