"""The tenant (Association), its reference data, roles, invitations, API tokens and audit trail."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from associations.capabilities import RoleKind
from associations.tenancy import TenantModel

# --- Reference data (shared by every association, loaded by migration 0002) ------------------


class LocalisedNameMixin:
    name_fr: str
    name_ar: str

    @property
    def name(self) -> str:
        return self.name_ar if (get_language() or "ar").startswith("ar") else self.name_fr

    def __str__(self) -> str:
        return self.name


class Region(LocalisedNameMixin, models.Model):
    """One of the 12 regions (decree 2-15-40 of 2015)."""

    code = models.CharField(max_length=8, unique=True)
    name_fr = models.CharField(max_length=120)
    name_ar = models.CharField(max_length=120)

    class Meta:
        ordering = ["code"]


class Province(LocalisedNameMixin, models.Model):
    """One of the 75 prefectures and provinces."""

    class Kind(models.TextChoices):
        PREFECTURE = "prefecture", _("Prefecture")
        PROVINCE = "province", _("Province")

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="provinces")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    name_fr = models.CharField(max_length=120)
    name_ar = models.CharField(max_length=120)

    class Meta:
        ordering = ["region__code", "name_fr"]
        constraints = [models.UniqueConstraint(fields=["region", "name_fr"], name="province_unique_name")]


class Sector(models.Model):
    """ICNPO classification of the association's main field of activity."""

    code = models.CharField(max_length=12, unique=True)
    name_en = models.CharField(max_length=120)
    name_fr = models.CharField(max_length=120)
    name_ar = models.CharField(max_length=120)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        language = get_language() or "ar"
        if language.startswith("ar"):
            return self.name_ar
        return self.name_fr if language.startswith("fr") else self.name_en


# --- The tenant -----------------------------------------------------------------------------


class Association(models.Model):
    """The tenant. Its own row holds public facts and statutory settings, so it is not RLS-bound;
    everything it owns is (see tenancy.TenantModel)."""

    class LegalStatus(models.TextChoices):
        DECLARED = "declared", _("Declared, receipt pending")
        PROVISIONAL = "provisional", _("Provisional receipt")
        FINAL = "final", _("Final receipt")

    class Reach(models.TextChoices):
        LOCAL = "local", _("Local")
        PROVINCIAL = "provincial", _("Provincial")
        REGIONAL = "regional", _("Regional")
        NATIONAL = "national", _("National")

    slug = models.SlugField(max_length=60, unique=True)
    name_ar = models.CharField(_("name in Arabic"), max_length=200)
    name_fr = models.CharField(_("name in French"), max_length=200)
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    legal_status = models.CharField(
        _("legal status"), max_length=12, choices=LegalStatus.choices, default=LegalStatus.DECLARED
    )
    provisional_receipt_number = models.CharField(_("provisional receipt number"), max_length=60, blank=True)
    provisional_receipt_date = models.DateField(_("provisional receipt date"), null=True, blank=True)
    final_receipt_number = models.CharField(_("final receipt number"), max_length=60, blank=True)
    final_receipt_date = models.DateField(_("final receipt date"), null=True, blank=True)
    is_public_utility = models.BooleanField(_("recognised of public utility"), default=False)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, verbose_name=_("region"))
    province = models.ForeignKey(Province, on_delete=models.PROTECT, verbose_name=_("prefecture or province"))
    sector = models.ForeignKey(Sector, on_delete=models.PROTECT, verbose_name=_("sector"))
    reach = models.CharField(_("reach"), max_length=12, choices=Reach.choices, default=Reach.LOCAL)
    address = models.CharField(_("address"), max_length=300, blank=True)
    founded_on = models.DateField(_("founding date"), null=True, blank=True)

    # Statutory settings read by later modules (general assemblies, elections, finance).
    ga_notice_days = models.PositiveSmallIntegerField(
        _("general-assembly notice (days)"),
        default=15,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
    )
    ga_quorum_percent = models.PositiveSmallIntegerField(
        _("first-call quorum (percentage of members)"),
        default=50,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    board_term_years = models.PositiveSmallIntegerField(
        _("board term (years)"), default=3, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    max_proxies_per_holder = models.PositiveSmallIntegerField(
        _("maximum proxies per holder"), default=1, validators=[MaxValueValidator(20)]
    )
    fiscal_year_start_month = models.PositiveSmallIntegerField(
        _("fiscal year starts in month"), default=1, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )

    # Lower-cased, accent- and diacritic-free names for directory search in both scripts.
    search_text = models.TextField(editable=False, default="")
    # Comparison keys of each name (text.name_key), to flag look-alike names of other associations.
    name_ar_key = models.CharField(max_length=250, editable=False, default="", db_index=True)
    name_fr_key = models.CharField(max_length=250, editable=False, default="", db_index=True)
    # Set when a platform operator has checked the declaration receipt (the récépissé) against the
    # names and receipt number above (services.association_verify). Unverified associations are
    # shown as such in the directory, on their public pages and on every document they issue.
    verified_at = models.DateTimeField(_("verified on"), null=True, blank=True, editable=False)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("verified by"),
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["name_fr"]
        indexes = [
            models.Index(fields=["region", "sector"], name="association_region_sector"),
            # The directory's order (selectors.association_directory), of the active associations
            # only (the directory shows no other): a page is a range of this index (keyset).
            models.Index(
                fields=["name_fr", "verified_at", "id"],
                name="association_directory_active",
                condition=models.Q(is_active=True),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(fiscal_year_start_month__gte=1, fiscal_year_start_month__lte=12),
                name="association_fiscal_month_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.name_ar if (get_language() or "ar").startswith("ar") else self.name_fr

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None


# --- Owned by an association -----------------------------------------------------------------


class Role(TenantModel):
    """What one user is in one association. One role per user per association."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="association_roles"
    )
    kind = models.CharField(_("role"), max_length=24, choices=RoleKind.choices)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    granted_at = models.DateTimeField(default=timezone.now)

    class Meta(TenantModel.Meta):
        ordering = ["kind", "id"]
        constraints = [models.UniqueConstraint(fields=["association", "user"], name="role_one_per_user")]
        indexes = [models.Index(fields=["association", "kind"], name="role_association_kind")]

    def __str__(self) -> str:
        return f"{self.user.email} ({self.kind})"


class Invitation(TenantModel):
    """An invitation by e-mail to take a role. Only the hash of its token is stored."""

    email = models.EmailField(_("e-mail address"))
    kind = models.CharField(_("role"), max_length=24, choices=RoleKind.choices)
    language = models.CharField(max_length=8, default="ar")  # of the inviter: e-mails go out in it
    token_hash = models.CharField(max_length=64)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta(TenantModel.Meta):
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["association", "token_hash"], name="invitation_token_unique"),
        ]

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > timezone.now()


class AccessToken(TenantModel):
    """A personal access token for the API, valid in one association only. Hashed at rest."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=80)
    prefix = models.CharField(max_length=16)  # shown in lists so a person can tell tokens apart
    token_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta(TenantModel.Meta):
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["association", "token_hash"], name="token_hash_unique")
        ]


class AuditChainHead(TenantModel):
    """The last link of an association's audit chain; locked to append the next event."""

    last_seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="")

    class Meta(TenantModel.Meta):
        constraints = [models.UniqueConstraint(fields=["association"], name="audit_head_one_per_association")]


class AuditEvent(TenantModel):
    """Append-only, hash-chained record of every change to an association's data.

    UPDATE and DELETE are refused by a trigger on PostgreSQL (migration 0003).
    """

    seq = models.PositiveBigIntegerField()
    # PROTECT: the chain is append-only, so deleting a user must not rewrite their events.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(max_length=254, blank=True)  # kept if the user is deleted
    action = models.CharField(max_length=80)
    target_type = models.CharField(max_length=60, blank=True)
    target_id = models.CharField(max_length=40, blank=True)
    target_label = models.CharField(max_length=200, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField()
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta(TenantModel.Meta):
        ordering = ["-seq"]
        constraints = [models.UniqueConstraint(fields=["association", "seq"], name="audit_seq_unique")]
        indexes = [
            models.Index(fields=["association", "action"], name="audit_association_action"),
            models.Index(fields=["association", "created_at"], name="audit_association_created"),
        ]
