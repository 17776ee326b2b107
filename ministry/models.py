"""Cross-association roll-ups: counts and sums only, never a row about a person.

No tenant model lives here. `AssociationFigure` holds one association's figure for one indicator and
one year (the association is a public body; its id is not personal data), `AreaFigure` the sums of
those per area (nation, region, province) × sector × size band × year. The dashboard, exports and
the API read `AreaFigure` only, through `ministry.selectors`, which suppress small cells.

tests/test_architecture.py (ministry part) lists every column of these tables: a new column that
could name a person fails it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class AssociationFigure(models.Model):
    """One indicator of one association for one year (non-zero values only)."""

    # A plain id, not a foreign key: a roll-up row is rebuilt, never joined back to the tenant.
    association_ref = models.BigIntegerField()
    year = models.PositiveSmallIntegerField()
    indicator = models.CharField(max_length=40)
    value = models.DecimalField(max_digits=16, decimal_places=2)
    # Where and what the association is (copied so the area roll-up is one GROUP BY).
    region_code = models.CharField(max_length=8)
    province_ref = models.IntegerField()
    sector_code = models.CharField(max_length=12)
    size_band = models.CharField(max_length=8)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["association_ref", "year", "indicator"], name="ministry_figure_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.association_ref} {self.year} {self.indicator}"


class AreaLevel(models.TextChoices):
    NATION = "nation"
    REGION = "region"
    PROVINCE = "province"


ALL = ""  # the sector or size band of a cell over every sector / every size


class AreaFigure(models.Model):
    """The sum of one indicator over the associations of one area, sector, size band and year."""

    level = models.CharField(max_length=8, choices=AreaLevel.choices)
    area = models.CharField(max_length=12)  # "" (nation), region code, or province id
    sector_code = models.CharField(max_length=12, blank=True)  # "" = every sector
    size_band = models.CharField(max_length=8, blank=True)  # "" = every size
    year = models.PositiveSmallIntegerField()
    indicator = models.CharField(max_length=40)
    value = models.DecimalField(max_digits=18, decimal_places=2)
    associations = models.IntegerField()  # how many associations contribute a non-zero value
    # Small-cell suppression (ministry.suppression), decided when the roll-up is built: a hidden
    # cell shows "<5" on every page, export and API response.
    hidden = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["level", "area", "sector_code", "size_band", "year", "indicator"],
                name="ministry_area_figure_unique",
            )
        ]
        indexes = [
            models.Index(
                fields=["level", "year", "indicator", "sector_code", "size_band"], name="ministry_area_lookup"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.level}:{self.area} {self.year} {self.indicator}"


class DirtyAssociation(models.Model):
    """An association whose data changed since its figures were last computed (swept by beat)."""

    association_ref = models.BigIntegerField(unique=True)
    marked_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return str(self.association_ref)


class SweptAudit(models.Model):
    """How far an association's audit chain had reached when its figures were last computed.

    Every service appends an audit event for each change it makes, in the change's transaction, so
    the chain's head (`associations.AuditChainHead.last_seq`) counts an association's changes: the
    sweep takes again every association whose head moved past the seq kept here. A payment or any
    other audited change thus writes nothing for the ministry (no mark, no second transaction)."""

    association_ref = models.BigIntegerField(unique=True)
    last_seq = models.BigIntegerField()

    def __str__(self) -> str:
        return f"{self.association_ref}@{self.last_seq}"


class RollupState(models.Model):
    """When the figures were last rebuilt or refreshed (one row)."""

    rebuilt_at = models.DateTimeField(null=True)
    refreshed_at = models.DateTimeField(null=True)
    seconds = models.FloatField(default=0)

    def __str__(self) -> str:
        return f"{self.refreshed_at}"


class ExportRecord(models.Model):
    """Every export a reviewer makes (page table, spreadsheet, report, open data, API)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=60)  # "compliance:foreign_declarations", "table:…"
    params = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.created_at}"


class Report(models.Model):
    """A national or regional PDF report, rendered in the background."""

    class Status(models.TextChoices):
        QUEUED = "queued"
        DONE = "done"
        FAILED = "failed"

    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    region_code = models.CharField(max_length=8, blank=True)  # "" = national
    year = models.PositiveSmallIntegerField()
    language = models.CharField(max_length=8, default="ar")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    pdf = models.BinaryField(null=True, editable=False)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.region_code or 'MA'} {self.year}"
