"""The member register: members, categories, status history, consents, correction requests,
account claims and the association's membership settings."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from associations.tenancy import TenantModel


class MembershipSettings(TenantModel):
    """One row per association: its join form and how long former members' data is kept."""

    join_form_open = models.BooleanField(_("public join form open"), default=False)
    join_form_intro = models.TextField(_("text above the join form"), blank=True)
    retention_years = models.PositiveSmallIntegerField(
        _("years a former member's data is kept"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
    )

    class Meta(TenantModel.Meta):
        constraints = [models.UniqueConstraint(fields=["association"], name="membership_settings_one")]


class MemberCategory(TenantModel):
    name_ar = models.CharField(_("name in Arabic"), max_length=80)
    name_fr = models.CharField(_("name in French"), max_length=80)
    annual_dues = models.DecimalField(
        _("default annual dues (MAD)"),
        max_digits=10,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0.00"))],
    )
    is_active = models.BooleanField(_("in use"), default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta(TenantModel.Meta):
        ordering = ["position", "name_fr"]
        constraints = [
            models.UniqueConstraint(fields=["association", "name_fr"], name="category_name_unique")
        ]

    def __str__(self) -> str:
        from django.utils.translation import get_language

        return self.name_ar if (get_language() or "ar").startswith("ar") else self.name_fr


class MemberStatus(models.TextChoices):
    APPLICANT = "applicant", _("Applicant")
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    RESIGNED = "resigned", _("Resigned")
    EXCLUDED = "excluded", _("Excluded")
    DECEASED = "deceased", _("Deceased")
    REJECTED = "rejected", _("Application rejected")


FORMER_STATUSES = frozenset(
    {MemberStatus.RESIGNED, MemberStatus.EXCLUDED, MemberStatus.DECEASED, MemberStatus.REJECTED}
)

# Which status may follow which (a deceased member, or a rejected application, is final).
STATUS_TRANSITIONS: dict[str, frozenset[str]] = {
    MemberStatus.APPLICANT: frozenset({MemberStatus.ACTIVE, MemberStatus.REJECTED}),
    MemberStatus.ACTIVE: frozenset(
        {MemberStatus.SUSPENDED, MemberStatus.RESIGNED, MemberStatus.EXCLUDED, MemberStatus.DECEASED}
    ),
    MemberStatus.SUSPENDED: frozenset(
        {MemberStatus.ACTIVE, MemberStatus.RESIGNED, MemberStatus.EXCLUDED, MemberStatus.DECEASED}
    ),
    MemberStatus.RESIGNED: frozenset({MemberStatus.ACTIVE, MemberStatus.DECEASED}),
    MemberStatus.EXCLUDED: frozenset({MemberStatus.ACTIVE, MemberStatus.DECEASED}),
    MemberStatus.DECEASED: frozenset(),
    MemberStatus.REJECTED: frozenset(),
}


# Statuses recorded only with a reason, kept in the status history: they take a member's rights
# away or end the membership. A death is recorded without one: its cause is health data, which the
# register has no business holding (law 09-08).
STATUS_REASON_REQUIRED = frozenset({MemberStatus.SUSPENDED, MemberStatus.RESIGNED, MemberStatus.EXCLUDED})
# Changes an officer confirms on a second page that says what will happen: every status but active.
STATUS_CONFIRMATION_REQUIRED = frozenset(set(MemberStatus) - {MemberStatus.ACTIVE})


def status_is_final(status: str) -> bool:
    """No status may follow it (deceased, a rejected application): setting it cannot be undone."""
    return not STATUS_TRANSITIONS[status]


class Gender(models.TextChoices):
    FEMALE = "F", _("Female")
    MALE = "M", _("Male")


class Member(TenantModel):
    """One person in one association. A person in several associations is one row in each, linked
    to one user account when they have one."""

    number = models.PositiveIntegerField(_("member number"), null=True, blank=True)  # given on admission
    first_name_ar = models.CharField(_("first name (Arabic script)"), max_length=80, blank=True)
    last_name_ar = models.CharField(_("last name (Arabic script)"), max_length=80, blank=True)
    first_name_latin = models.CharField(_("first name (Latin script)"), max_length=80, blank=True)
    last_name_latin = models.CharField(_("last name (Latin script)"), max_length=80, blank=True)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    birth_place = models.CharField(_("place of birth"), max_length=120, blank=True)
    nationality = models.CharField(_("nationality"), max_length=60, blank=True, default="")
    # Restricted (law 09-08): shown only to roles with members.view_sensitive, every view audited.
    cin = models.CharField(_("CIN number"), max_length=20, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)  # E.164
    email = models.EmailField(_("e-mail address"), blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    profession = models.CharField(_("profession"), max_length=120, blank=True)
    photo = models.CharField(max_length=300, blank=True)  # name in the private storage
    category = models.ForeignKey(
        MemberCategory,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("category"),
    )
    join_date = models.DateField(_("join date"), default=timezone.localdate)
    status = models.CharField(
        _("status"), max_length=12, choices=MemberStatus.choices, default=MemberStatus.ACTIVE
    )
    status_since = models.DateField(default=timezone.localdate)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="member_rows"
    )
    # Folded names, phone, number (and CIN) for search in both scripts.
    search_text = models.TextField(default="", editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    anonymised_at = models.DateTimeField(null=True, blank=True)

    class Meta(TenantModel.Meta):
        ordering = ["number", "id"]
        constraints = [
            models.UniqueConstraint(fields=["association", "number"], name="member_number_unique"),
            models.UniqueConstraint(
                fields=["association", "cin"],
                condition=models.Q(anonymised_at__isnull=True) & ~models.Q(cin=""),
                name="member_cin_unique",
            ),
            models.UniqueConstraint(
                fields=["association", "user"],
                condition=models.Q(user__isnull=False),
                name="member_one_per_user",
            ),
        ]
        indexes = [
            models.Index(fields=["association", "status", "number"], name="member_status_number"),
            models.Index(fields=["association", "category", "number"], name="member_category_number"),
            models.Index(fields=["association", "last_name_latin", "id"], name="member_latin_name"),
            models.Index(fields=["association", "cin"], name="member_cin"),
            models.Index(fields=["association", "phone"], name="member_phone"),
        ]

    def __str__(self) -> str:
        # Neutral on purpose: this is what the audit trail records, and it must hold no name.
        return f"#{self.number or '—'} (id {self.pk})"

    @property
    def name_ar(self) -> str:
        return " ".join(p for p in (self.first_name_ar, self.last_name_ar) if p)

    @property
    def name_latin(self) -> str:
        return " ".join(p for p in (self.first_name_latin, self.last_name_latin) if p)

    @property
    def display_name(self) -> str:
        return self.name_latin or self.name_ar or f"#{self.number or self.pk}"


class MemberNumberCounter(TenantModel):
    """The last member number given in an association; locked to give the next one, so numbers are
    unique and gap-free under concurrency."""

    last_number = models.PositiveIntegerField(default=0)

    class Meta(TenantModel.Meta):
        constraints = [models.UniqueConstraint(fields=["association"], name="member_counter_one")]


class MemberStatusChange(TenantModel):
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=12, choices=MemberStatus.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=MemberStatus.choices)
    effective_on = models.DateField()
    reason = models.CharField(max_length=300, blank=True)
    decision_reference = models.CharField(max_length=120, blank=True)  # board decision, for exclusions
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta(TenantModel.Meta):
        ordering = ["-effective_on", "-id"]
        indexes = [
            models.Index(fields=["association", "member", "effective_on"], name="status_change_member")
        ]


class ConsentPurpose(models.TextChoices):
    MEMBERSHIP = "membership", _("Management of my membership")
    COMMUNICATIONS = "communications", _("News and information from the association")
    PHOTOS = "photos", _("Publication of photos where I appear")


class Consent(TenantModel):
    """A consent given for one purpose, with the exact wording shown; withdrawal is recorded."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(max_length=20, choices=ConsentPurpose.choices)
    wording = models.TextField()
    language = models.CharField(max_length=8)
    given_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta(TenantModel.Meta):
        ordering = ["-given_at"]
        indexes = [models.Index(fields=["association", "member", "purpose"], name="consent_member_purpose")]


class CorrectionRequest(TenantModel):
    """A member asks for their data to be corrected (law 09-08 right of rectification)."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Corrected")
        REFUSED = "refused", _("Refused")

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="correction_requests")
    message = models.TextField(_("what should be corrected"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    response = models.TextField(_("answer"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta(TenantModel.Meta):
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["association", "status", "created_at"], name="correction_status")]


class MemberClaim(TenantModel):
    """A one-time link that binds a user account to this member row, and to nothing else."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="claims")
    token_hash = models.CharField(max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)

    class Meta(TenantModel.Meta):
        constraints = [
            models.UniqueConstraint(fields=["association", "token_hash"], name="member_claim_token")
        ]


class MemberImport(TenantModel):
    """An uploaded member list, between upload, column mapping, check and import."""

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded")
        CHECKED = "checked", _("Checked")
        IMPORTED = "imported", _("Imported")

    file = models.CharField(max_length=300)  # name in the private storage
    original_name = models.CharField(max_length=200)
    row_count = models.PositiveIntegerField(default=0)
    # Read once at upload, so the mapping page never parses the file again.
    headers = models.JSONField(default=list, blank=True)
    samples = models.JSONField(default=list, blank=True)  # the first rows, shortened
    mapping = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.UPLOADED)
    report = models.JSONField(default=dict, blank=True)
    job = models.ForeignKey("jobs.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta(TenantModel.Meta):
        ordering = ["-created_at"]


class ImportMapping(TenantModel):
    """The column mapping an association chose for a file layout, remembered for the next import."""

    header_signature = models.CharField(max_length=64)  # sha256 of the normalised header row
    mapping = models.JSONField(default=dict)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta(TenantModel.Meta):
        constraints = [
            models.UniqueConstraint(fields=["association", "header_signature"], name="import_mapping_unique"),
        ]
