"""Tenant scope: the first property of Wasl. One forgotten filter must not leak data.

Three layers (DESIGN.md, "Tenancy"):

1. Fail-closed ORM scope. The current association lives in a ContextVar. Every tenant model's
   querysets filter by the active association and raise `ScopeError` when they would reach the
   database with no scope active (see TenantQuerySet).
2. PostgreSQL row-level security. `association_scope()` also sets `app.association_id`
   transaction-locally; the RLS policy installed on every tenant table (see `rls.py`) compares
   each row's `association_id` with it. With no setting, a table returns no rows at all.
3. Entry points open the scope in exactly one place each: `AssociationScopeMiddleware`
   (/a/<slug>/), `TenantAPIView` (API), `TenantTask` (Celery) and `scoped_command` (CLI).

Crossing tenants is a read-only, greppable escape: `cross_tenant_read(reason=...)`, allowed only
in the modules listed in `CROSS_TENANT_MODULES` (an architecture test enforces the list).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import connection, models, transaction

if TYPE_CHECKING:
    from associations.models import Association

# Modules allowed to call cross_tenant_read(); tests/test_architecture.py greps for the rest.
CROSS_TENANT_MODULES = frozenset(
    {
        "associations/selectors.py",  # a person's own roles across associations (/me/, switcher)
        "ministry/",  # aggregates only
        "notifications/tasks.py",  # which associations have messages or reminders due (ids only)
        "jobs/tasks.py",  # which associations have waiting or stale jobs, or results to expire (ids only)
        "documents/selectors.py",  # /verify/<token>: the public check of a document by its token
        "members/selectors.py",  # a person's own member rows across associations (/me/)
        "communication/selectors.py",  # a person's own unread announcements across associations (/me/)
        "communication/tasks.py",  # which associations have scheduled announcements due (ids only)
        # the first learner waiting for a platform session's seat (ids only); a person's own enrolments (/me/)
        "training/selectors.py",
        "training/figures.py",  # aggregate counts for the ministry's view, cells under 5 suppressed
        "governance/compliance.py",  # compliance aggregates for the ministry (counts only)
        # a training manager's list of one platform session's learners: association, name, attendance
        "training/platform_learners.py",
        "resources/figures.py",  # volunteers, hours and staff for the ministry, cells under 5 suppressed
    }
)


class ScopeError(RuntimeError):
    """A tenant model was queried without an active association scope, or across scopes."""


@dataclass(frozen=True)
class _Scope:
    association_id: int | None  # None together with cross_tenant=True: read every association
    cross_tenant: bool = False


_current: ContextVar[_Scope | None] = ContextVar("wasl_association_scope", default=None)


def current_association_id() -> int:
    """The association of the active scope; raises when none (or a cross-tenant read) is active."""
    scope = _current.get()
    if scope is None or scope.association_id is None:
        raise ScopeError("No association scope is active.")
    return scope.association_id


def scope_is_active() -> bool:
    return _current.get() is not None


def _set_db_scope(association_id: int | None, cross_tenant: bool) -> None:
    """Make the scope visible to PostgreSQL's row-level security for this transaction only."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('app.association_id', %s, true), set_config('app.cross_tenant', %s, true)",
            ["" if association_id is None else str(association_id), "on" if cross_tenant else ""],
        )


@contextlib.contextmanager
def _enter(scope: _Scope) -> Iterator[None]:
    previous = _current.get()
    token = _current.set(scope)
    nested = connection.in_atomic_block
    try:
        # The scope is one transaction: the RLS setting is transaction-local, so it cannot leak
        # into the next request served by the same pooled connection.
        with transaction.atomic():
            _set_db_scope(scope.association_id, scope.cross_tenant)
            yield
            # Hand an enclosing transaction back the setting it had (an outermost one ends here and
            # takes the setting with it). A block marked for rollback reverts the setting itself.
            if nested and not connection.needs_rollback:
                _set_db_scope(
                    previous.association_id if previous else None,
                    previous.cross_tenant if previous else False,
                )
    finally:
        _current.reset(token)


@contextlib.contextmanager
def association_scope(association: Association | int) -> Iterator[None]:
    """Open the scope of one association: ORM filter, RLS setting and a transaction."""
    association_id = association if isinstance(association, int) else association.pk
    if association_id is None:
        raise ScopeError("Cannot scope to an unsaved association.")
    with _enter(_Scope(association_id=int(association_id))):
        yield


# The lookup of the workspace middleware sets the row-level security setting in the same round
# trip: one row at most (the slug is unique), and the setting is that row's own id.
_SET_SCOPE_OF_ROW = (
    "set_config('app.association_id', associations_association.id::text, true) "
    "|| set_config('app.cross_tenant', '', true)"
)


@contextlib.contextmanager
def association_scope_of_slug(slug: str) -> Iterator[Association | None]:
    """Find the active association with this slug and open its scope (as `association_scope`);
    yields None, with no scope open, when there is none. On PostgreSQL the lookup itself sets the
    row-level security setting: one round trip instead of two on every workspace request."""
    from django.db.models.expressions import RawSQL

    from associations.models import Association

    previous = _current.get()
    nested = connection.in_atomic_block
    with transaction.atomic():
        found = Association.objects.filter(slug=slug, is_active=True)
        if connection.vendor == "postgresql":
            found = found.annotate(_wasl_scope=RawSQL(_SET_SCOPE_OF_ROW, []))  # noqa: S611 (no input)
        association = found.first()
        if association is None:
            yield None
            return
        token = _current.set(_Scope(association_id=association.pk))
        try:
            yield association
            if nested and not connection.needs_rollback:
                _set_db_scope(
                    previous.association_id if previous else None,
                    previous.cross_tenant if previous else False,
                )
        finally:
            _current.reset(token)


@contextlib.contextmanager
def cross_tenant_read(*, reason: str) -> Iterator[None]:
    """Read across every association. Read-only on PostgreSQL (the RLS escape is SELECT-only).

    Evaluate querysets inside the block. Allowed only in CROSS_TENANT_MODULES.
    """
    if not reason:
        raise ScopeError("cross_tenant_read() needs a reason.")
    with _enter(_Scope(association_id=None, cross_tenant=True)):
        yield


def _require_single_scope(operation: str) -> int:
    scope = _current.get()
    if scope is None or scope.cross_tenant or scope.association_id is None:
        raise ScopeError(f"{operation}() needs one association's scope; cross_tenant_read() is read-only.")
    return scope.association_id


_CROSS = "cross-tenant"


def _scope_key(scope: _Scope | None):
    if scope is None:
        return None
    return _CROSS if scope.cross_tenant else scope.association_id


class TenantQuerySet(models.QuerySet):
    """Fail-closed at evaluation: a tenant queryset touches the database only inside a scope.

    Built inside a scope, it is filtered by that association at once and may be evaluated only
    in the same scope. Built outside any scope (a form field's choices, defined at import time),
    it takes the association of the scope active when it is evaluated, and raises if there is none.
    Bulk writes need one association's scope: cross_tenant_read() is read-only here as it is in
    PostgreSQL, and SQLite (no row-level security) relies on this alone.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._wasl_bound_to = None  # the scope key whose filter this queryset carries, if any

    def _clone(self):
        clone = super()._clone()
        clone._wasl_bound_to = self._wasl_bound_to
        return clone

    def _bind(self, scope: _Scope) -> None:
        if not scope.cross_tenant:
            self.query.add_q(models.Q(association_id=scope.association_id))
        self._wasl_bound_to = _scope_key(scope)

    def _require_scope(self) -> None:
        scope = _current.get()
        if scope is None:
            raise ScopeError(
                f"{self.model.__name__} queried with no association scope. Open one with "
                "association_scope(), or read across associations with cross_tenant_read()."
            )
        if self._wasl_bound_to is None:
            self._bind(scope)
        elif self._wasl_bound_to != _scope_key(scope):
            raise ScopeError(f"{self.model.__name__} queryset built in one scope and evaluated in another.")

    # Every way a queryset reaches the database goes through one of these.
    def _fetch_all(self):
        if self._result_cache is None:
            self._require_scope()
        super()._fetch_all()

    def iterator(self, *args, **kwargs):
        self._require_scope()
        return super().iterator(*args, **kwargs)

    def count(self):
        if self._result_cache is None:
            self._require_scope()
        return super().count()

    def exists(self):
        if self._result_cache is None:
            self._require_scope()
        return super().exists()

    def aggregate(self, *args, **kwargs):
        self._require_scope()
        return super().aggregate(*args, **kwargs)

    def explain(self, *args, **kwargs):
        self._require_scope()
        return super().explain(*args, **kwargs)

    def in_bulk(self, *args, **kwargs):
        self._require_scope()
        return super().in_bulk(*args, **kwargs)

    def _update(self, values):
        self._require_scope()
        _require_single_scope("save")
        return super()._update(values)

    def update(self, **kwargs):
        self._require_scope()
        _require_single_scope("update")
        return super().update(**kwargs)

    def delete(self):
        self._require_scope()
        _require_single_scope("delete")
        return super().delete()

    def _raw_delete(self, using):
        self._require_scope()
        _require_single_scope("delete")
        return super()._raw_delete(using)

    def bulk_update(self, objs, fields, batch_size=None):
        _require_single_scope("bulk_update")
        return super().bulk_update(objs, fields, batch_size=batch_size)

    def bulk_create(self, objs, *args, **kwargs):
        association_id = _require_single_scope("bulk_create")
        objs = list(objs)
        for obj in objs:
            if obj.association_id is None:
                obj.association_id = association_id
            elif obj.association_id != association_id:
                raise ScopeError(
                    f"bulk_create() of association {obj.association_id}'s rows in another scope."
                )
        return super().bulk_create(objs, *args, **kwargs)


class TenantManager(models.Manager.from_queryset(TenantQuerySet)):  # type: ignore[misc]
    """Default (and base) manager of every tenant model: fail-closed (see TenantQuerySet)."""

    # Historical models in migrations get a plain manager: migrations never need a scope.
    use_in_migrations = False

    def get_queryset(self) -> models.QuerySet:
        queryset = super().get_queryset()
        scope = _current.get()
        if scope is not None:
            queryset._bind(scope)
        return queryset


class TenantModel(models.Model):
    """Base of every association-owned model.

    Subclasses inherit Meta (`class Meta(TenantModel.Meta):`) so related-object access and
    saves go through the scoped manager too; every unique constraint and composite index leads
    with `association`. tests/test_architecture.py checks all of this for every model.
    """

    association = models.ForeignKey(
        "associations.Association", on_delete=models.PROTECT, related_name="+", db_index=True
    )

    objects = TenantManager()

    class Meta:
        abstract = True
        base_manager_name = "objects"

    def save(self, *args, **kwargs) -> None:
        scope_association_id = current_association_id()
        if self.association_id is None:
            self.association_id = scope_association_id
        elif self.association_id != scope_association_id:
            raise ScopeError(
                f"{type(self).__name__} of association {self.association_id} saved "
                f"in the scope of association {scope_association_id}."
            )
        super().save(*args, **kwargs)


def covered_by_a_composite_index(meta) -> bool:
    """A full (not partial) index or unique constraint of the model leads with `association`."""
    for index in meta.indexes:
        if index.fields and index.fields[0] == "association" and index.condition is None:
            return True
    for constraint in meta.constraints:
        if (
            isinstance(constraint, models.UniqueConstraint)
            and constraint.fields
            and constraint.fields[0] == "association"
            and constraint.condition is None
        ):
            return True
    return any(fields and fields[0] == "association" for fields in meta.unique_together)


def _drop_redundant_association_index(sender, **kwargs) -> None:
    """The single-column association_id index is redundant where a composite index leads with it:
    it costs every write, and under row-level security the planner, which cannot see the policy's
    value, picks it for a whole-association scan and sorts (13.8 ms instead of 0.1 at 10,000
    members). A tenant model keeps it only when nothing else indexes association_id."""
    concrete = issubclass(sender, TenantModel) and not sender._meta.abstract and not sender._meta.proxy
    if concrete and covered_by_a_composite_index(sender._meta):
        sender._meta.get_field("association").db_index = False


models.signals.class_prepared.connect(_drop_redundant_association_index, dispatch_uid="wasl_tenant_index")


def tenant_models() -> list[type[models.Model]]:
    """Every concrete tenant model, found by introspection so new models are covered."""
    from django.apps import apps

    return [
        model
        for model in apps.get_models()
        if not model._meta.abstract and not model._meta.proxy and issubclass(model, TenantModel)
    ]
