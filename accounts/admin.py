from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ("email",)
    list_display = (
        "email",
        "full_name",
        "is_ministry_reviewer",
        "is_training_manager",
        "is_staff",
        "is_active",
    )
    list_filter = ("is_ministry_reviewer", "is_training_manager", "is_staff", "is_active")
    search_fields = ("email", "full_name")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Profile", {"fields": ("full_name",)}),
        (
            "Platform roles",
            {
                "fields": (
                    "is_ministry_reviewer",
                    "is_training_manager",
                    "is_active",
                    "is_staff",
                    "is_superuser",
                )
            },
        ),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)

    def has_delete_permission(self, request, obj=None) -> bool:
        # A user's roles and audit events live in association scopes (and the audit chain is
        # append-only): deactivate the account instead of deleting it.
        return False


# allauth's own admin shows each authenticator's data: the (encrypted) TOTP key and recovery seed.
admin.site.unregister(Authenticator)


@admin.register(Authenticator)
class AuthenticatorAdmin(admin.ModelAdmin):
    """Support can see which second factors a person has and delete a lost one (the person then
    sets up a new one); nothing in `data` is ever shown or editable."""

    list_display = ("user", "type", "created_at", "last_used_at")
    list_filter = ("type", "created_at", "last_used_at")
    search_fields = ("user__email",)
    fields = ("user", "type", "created_at", "last_used_at")
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
