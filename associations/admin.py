"""Platform admin (Django admin): the tenant rows and reference data only.

Tenant-owned models are not registered: the admin has no association scope, and the tenant
managers (and row-level security) refuse to serve them without one. Operators use the CLI
(`association_create`, `tenant_shell --association SLUG`, `audit_verify`) for tenant data.
"""

from django.contrib import admin

from associations.models import Association, Province, Region, Sector


@admin.register(Association)
class AssociationAdmin(admin.ModelAdmin):
    list_display = (
        "slug",
        "name_fr",
        "name_ar",
        "region",
        "sector",
        "legal_status",
        "is_active",
        "created_at",
    )
    list_filter = ("is_active", "legal_status", "region", "sector", "reach", "is_public_utility")
    search_fields = ("slug", "name_fr", "name_ar", "acronym")
    readonly_fields = ("slug", "created_at", "created_by", "search_text")
    list_select_related = ("region", "sector")


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name_fr", "name_ar")


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin):
    list_display = ("name_fr", "name_ar", "kind", "region")
    list_filter = ("region", "kind")


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ("code", "name_fr", "name_ar", "name_en")
