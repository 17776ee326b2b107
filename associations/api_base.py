"""Entry point for the API: base views that open the association scope.

`TenantAPIView` resolves `association_slug`, opens the scope around the whole request, then (once
DRF has authenticated the caller) checks the caller's role and the view's capability. Another
association's object, or an association the caller holds no role in, answers 404.

Subclasses cannot bypass this: overriding `dispatch`, `initial`, `get_queryset` or `get_object`
raises at import time. They implement `scoped_queryset()` instead.
"""

from __future__ import annotations

import contextlib

from django.db.models import QuerySet
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, generics, permissions, serializers

from accounts.mfa import MFASatisfied
from associations.capabilities import has_capability
from associations.models import AccessToken, Association
from associations.selectors import role_of
from associations.tenancy import association_scope, current_association_id

_SEALED = ("dispatch", "initial", "get_queryset", "get_object")


class TenantAPIView(generics.GenericAPIView):
    # Capability for GET/HEAD/OPTIONS, and for writes.
    read_capability: str = "association.view"
    write_capability: str | None = None

    association: Association | None = None
    permission_classes = [permissions.IsAuthenticated, MFASatisfied]
    # No OPTIONS metadata: it would answer 200 about an object without looking it up.
    metadata_class = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        for name in _SEALED:
            if name in cls.__dict__:
                raise TypeError(
                    f"{cls.__name__} overrides {name}(); tenant API views implement scoped_queryset() "
                    "instead, so the scope and role checks cannot be bypassed."
                )

    def dispatch(self, request, *args, **kwargs):
        slug = kwargs.get("association_slug")
        self.association = Association.objects.filter(slug=slug, is_active=True).first() if slug else None
        scope = association_scope(self.association) if self.association else contextlib.nullcontext()
        with scope:
            return super().dispatch(request, *args, **kwargs)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)  # authentication, permissions, throttling
        if self.association is None:
            raise exceptions.NotFound
        if isinstance(request.auth, AccessToken) and request.auth.association_id != self.association.pk:
            raise exceptions.NotFound  # a token works in its own association only
        self.role = role_of(user=request.user)
        if self.role is None:
            raise exceptions.NotFound
        safe = request.method in permissions.SAFE_METHODS
        capability = self.read_capability if safe else self.write_capability
        if capability is None or not has_capability(self.role.kind, capability):
            raise exceptions.PermissionDenied

    def finalize_response(self, request, response, *args, **kwargs):
        # An association's data (members, their CIN, roles) is never kept by a browser or a proxy.
        response = super().finalize_response(request, response, *args, **kwargs)
        add_never_cache_headers(response)
        return response

    def get_queryset(self):
        current_association_id()  # raises if, somehow, no scope is open
        return self.scoped_queryset()

    def scoped_queryset(self):
        raise NotImplementedError(f"{type(self).__name__} must implement scoped_queryset()")


def query_filters(request, serializer_class) -> dict:
    """The request's query parameters checked by `serializer_class`: an invalid value, or a filter
    given twice, is a 400 with field errors rather than a filter silently ignored."""
    fields = serializer_class().fields
    errors = {}
    for key, values in request.query_params.lists():
        if key not in fields:
            continue  # pagination and other parameters are checked by their own code
        if len(values) > 1:
            errors[key] = [_("Give this parameter once.")]
        elif values[0] == "" and not getattr(fields[key], "allow_blank", False):
            # DRF would treat "status=" as absent; the schema says it is not a value.
            errors[key] = [_("This field may not be blank.")]
    if errors:
        raise exceptions.ValidationError(errors)
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class StrictBooleanField(serializers.BooleanField):
    """A JSON true or false, as the schema says; DRF's BooleanField would also take 0, 1, "yes"…"""

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data


class StrictCharField(serializers.CharField):
    """A JSON string, as the schema says; DRF's CharField would also take 0 or 1.5 and store "0"."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class EventDateTimeField(serializers.DateTimeField):
    """The date and time of something an association does: from 1958, the year of the dahir on
    associations, to 2200. Earlier years are typing slips, and Morocco's clock before 1913 was local
    mean time (UTC-0:30:20), which no ISO 8601 date-time can state."""

    # Lazy: a class attribute translated at import would keep the language of the first request.
    default_error_messages = {"out_of_range": gettext_lazy("Enter a date between 1958 and 2200.")}

    def to_internal_value(self, value):
        moment = super().to_internal_value(value)
        if not 1958 <= moment.year <= 2200:
            self.fail("out_of_range")
        return moment


class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A related field whose queryset is built at each use, in the request's association scope.

    A queryset written at class definition is built when the module is imported; if that happens
    inside a scope (the first request that loads the URL map), it stays bound to that association
    and every other association's request would fail on it."""

    def __init__(self, *, model, filters=None, **kwargs):
        self.scoped_model, self.scoped_filters = model, dict(filters or {})
        # A plain, unscoped and never evaluated queryset: only the schema reads its model.
        super().__init__(queryset=QuerySet(model=model).none(), **kwargs)

    def get_queryset(self):
        return self.scoped_model.objects.filter(**self.scoped_filters)
