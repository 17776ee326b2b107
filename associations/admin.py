"""Platform admin (Django admin): the tenant rows and reference data only.

Tenant-owned models are not registered: the admin has no association scope, and the tenant
managers (and row-level security) refuse to serve them without one. Operators use the CLI
(`association_create`, `tenant_shell --association SLUG`, `audit_verify`) for tenant data.

Operators verify associations here: after checking the declaration receipt (récépissé) against the
names and receipt number, the action "Mark verified" records who and when (services.association_verify,
with an audit event in the association's trail). Look-alike names are flagged in the list.
"""

from django import forms
from django.contrib import admin, messages
from django.db.models import Exists, OuterRef
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from associations import selectors, services
from associations.errors import WaslError
from associations.models import Association, Province, Region, Sector


def _with_similar_flag(queryset):
    """Annotate `has_similar_name`: another association's Arabic or French name has the same key."""
    others = Association.objects.exclude(pk=OuterRef("pk"))
    same_ar = others.filter(name_ar_key=OuterRef("name_ar_key")).exclude(name_ar_key="")
    same_fr = others.filter(name_fr_key=OuterRef("name_fr_key")).exclude(name_fr_key="")
    return queryset.annotate(has_similar_name=Exists(same_ar) | Exists(same_fr))


class VerifiedFilter(admin.SimpleListFilter):
    title = _("verification")
    parameter_name = "verified"

    def lookups(self, request, model_admin):
        return [("yes", _("Verified")), ("no", _("Unverified"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(verified_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(verified_at__isnull=True)
        return queryset


class SimilarNameFilter(admin.SimpleListFilter):
    """The operator's queue: associations waiting for verification whose names read like another's.
    Limited to unverified ones (verified ones were checked), which also keeps it fast at 250,000
    associations: the look-alike test runs for the few waiting rows only (bench/association_directory.py)."""

    title = _("look-alike names")
    parameter_name = "similar"

    def lookups(self, request, model_admin):
        return [("yes", _("Unverified, resembling another association"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(verified_at__isnull=True, has_similar_name=True)
        return queryset


class WithdrawVerificationForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300, widget=forms.TextInput(attrs={"size": 60}))


@admin.register(Association)
class AssociationAdmin(admin.ModelAdmin):
    list_display = (
        "slug",
        "name_fr",
        "name_ar",
        "region",
        "sector",
        "legal_status",
        "verified",
        "similar_name",
        "is_active",
        "created_at",
    )
    list_filter = (
        VerifiedFilter,
        SimilarNameFilter,
        "is_active",
        "legal_status",
        "region",
        "sector",
        "reach",
        "is_public_utility",
    )
    search_fields = ("slug", "name_fr", "name_ar", "acronym")
    readonly_fields = (
        "slug",
        "created_at",
        "created_by",
        "search_text",
        "verified_at",
        "verified_by",
        "similar_associations",
    )
    list_select_related = ("region", "sector")
    actions = ["mark_verified", "withdraw_verification"]

    def get_queryset(self, request):
        return _with_similar_flag(super().get_queryset(request))

    @admin.display(description=_("verified"), boolean=True, ordering="verified_at")
    def verified(self, association):
        return association.verified_at is not None

    @admin.display(description=_("look-alike name"), boolean=True, ordering="-has_similar_name")
    def similar_name(self, association):
        # None (not False) shows no icon: only a resemblance is worth the operator's eye.
        return True if getattr(association, "has_similar_name", False) else None

    @admin.display(description=_("associations with a similar name"))
    def similar_associations(self, association):
        similar = selectors.associations_with_similar_names(
            name_ar=association.name_ar, name_fr=association.name_fr, exclude_id=association.pk
        )[:20]
        if not similar:
            return "—"
        return format_html_join(
            mark_safe("<br>"),
            '<a href="{}">{}</a> — {} ({})',
            (
                (
                    reverse("admin:associations_association_change", args=[other.pk]),
                    other.name_fr,
                    other.name_ar,
                    _("verified") if other.verified_at else _("unverified"),
                )
                for other in similar
            ),
        )

    @admin.action(description=_("Mark verified (declaration receipt checked)"))
    def mark_verified(self, request, queryset):
        done, refused = 0, []
        for association in queryset.order_by("pk"):
            try:
                services.association_verify(actor=request.user, association_id=association.pk)
            except WaslError as exc:
                refused.append(f"{association.slug}: {exc.message}")
            else:
                done += 1
        if done:
            self.message_user(
                request,
                ngettext("%(count)d association is verified.", "%(count)d associations are verified.", done)
                % {"count": done},
                messages.SUCCESS,
            )
        for line in refused:
            self.message_user(request, line, messages.ERROR)

    @admin.action(description=_("Withdraw the verification"))
    def withdraw_verification(self, request, queryset):
        """An intermediate page asks for the reason (recorded in each association's audit trail)."""
        form = WithdrawVerificationForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            for association in queryset.order_by("pk"):
                services.association_unverify(
                    actor=request.user, association_id=association.pk, reason=form.cleaned_data["reason"]
                )
            self.message_user(request, _("The verification is withdrawn."), messages.SUCCESS)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Withdraw the verification"),
            "associations": queryset,
            "form": form,
            "opts": self.model._meta,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/associations/withdraw_verification.html", context)


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
