"""Architecture rules that keep tenant isolation permanent. Models, views and modules are found by
introspection, so whatever is added later is checked without editing this file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection, models

from associations.api_base import TenantAPIView
from associations.models import Association
from associations.tenancy import (
    CROSS_TENANT_MODULES,
    TenantManager,
    TenantModel,
    covered_by_a_composite_index,
    tenant_models,
)
from tests.test_isolation_sweep import all_patterns

PROJECT_APPS = {
    "accounts",
    "associations",
    "members",
    "finance",
    "governance",
    "training",
    "notifications",
    "documents",
    "jobs",
    "ministry",
}


def models_owned_by_an_association() -> list[type[models.Model]]:
    """Every concrete project model with a foreign key to Association, TenantModel or not."""
    found = []
    for model in apps.get_models():
        if model._meta.app_label not in PROJECT_APPS or model is Association:
            continue
        if any(
            isinstance(f, models.ForeignKey) and f.related_model is Association
            for f in model._meta.get_fields()
        ):
            found.append(model)
    return found


def test_introspection_finds_the_tenant_models():
    names = {m.__name__ for m in tenant_models()}
    assert {"Role", "Invitation", "AccessToken", "AuditEvent", "AuditChainHead"} <= names


@pytest.mark.parametrize("model", models_owned_by_an_association(), ids=lambda m: m._meta.label)
def test_every_model_owned_by_an_association_is_a_tenant_model(model):
    assert issubclass(model, TenantModel), (
        f"{model._meta.label} points at Association but is not a TenantModel"
    )


@pytest.mark.parametrize("model", tenant_models(), ids=lambda m: m._meta.label)
class TestTenantModel:
    def test_has_a_not_null_association_key(self, model):
        field = model._meta.get_field("association")
        assert isinstance(field, models.ForeignKey)
        assert field.related_model is Association
        assert not field.null, f"{model._meta.label}.association must be NOT NULL"
        # Indexed: by a composite index or unique constraint leading with it, else on its own (the
        # single-column index is dropped where it would be redundant; tenancy.py).
        assert field.db_index != covered_by_a_composite_index(model._meta), model._meta.label

    def test_default_and_base_managers_are_scoped(self, model):
        assert isinstance(model._default_manager, TenantManager), f"{model._meta.label}: default manager"
        assert isinstance(model._base_manager, TenantManager), (
            f"{model._meta.label}: base manager is not scoped — declare `class Meta(TenantModel.Meta):`"
        )
        for manager in model._meta.managers:
            assert isinstance(manager, TenantManager), f"{model._meta.label}.{manager.name} is unscoped"

    def test_unique_constraints_lead_with_association(self, model):
        for field in model._meta.local_fields:
            if field.unique and not field.primary_key:
                raise AssertionError(f"{model._meta.label}.{field.name} is unique across associations")
        for fields in model._meta.unique_together:
            assert fields[0] == "association", f"{model._meta.label} unique_together {fields}"
        for constraint in model._meta.constraints:
            if isinstance(constraint, models.UniqueConstraint):
                assert constraint.fields and constraint.fields[0] == "association", (
                    f"{model._meta.label}: constraint {constraint.name} must lead with association"
                )

    def test_composite_indexes_lead_with_association(self, model):
        for index in model._meta.indexes:
            if len(index.fields) > 1:
                assert index.fields[0] == "association", f"{model._meta.label}: index {index.name}"

    def test_no_implicit_many_to_many_tables(self, model):
        for field in model._meta.local_many_to_many:
            assert not field.remote_field.through._meta.auto_created, (
                f"{model._meta.label}.{field.name}: use an explicit TenantModel `through` "
                "(it needs association_id)"
            )

    @pytest.mark.postgres
    @pytest.mark.django_db
    def test_has_forced_row_level_security_and_a_policy(self, model):
        table = model._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE relname = %s", [table]
            )
            assert cursor.fetchone() == (True, True), f"{table}: RLS not enabled and forced"
            cursor.execute(
                "SELECT policyname, cmd, qual FROM pg_policies WHERE tablename = %s ORDER BY policyname",
                [table],
            )
            policies = {name: (cmd, qual) for name, cmd, qual in cursor.fetchall()}
        assert "wasl_tenant_isolation" in policies
        assert "app.association_id" in policies["wasl_tenant_isolation"][1]
        assert policies["wasl_cross_tenant_read"][0] == "SELECT"


def _python_files():
    root = Path(settings.BASE_DIR)
    for app in PROJECT_APPS | {"config"}:
        for path in (root / app).rglob("*.py"):
            if "/tests/" in str(path) or "/migrations/" in str(path):
                continue
            yield root, path


CROSS_TENANT_CALL = re.compile(r"cross_tenant_read\(\s*reason\s*=")


def test_cross_tenant_reads_only_in_allowed_modules():
    offenders = []
    for root, path in _python_files():
        relative = str(path.relative_to(root))
        if relative == "associations/tenancy.py":
            continue
        if CROSS_TENANT_CALL.search(path.read_text(encoding="utf-8")) and not any(
            relative == allowed or (allowed.endswith("/") and relative.startswith(allowed))
            for allowed in CROSS_TENANT_MODULES
        ):
            offenders.append(relative)
    assert offenders == [], f"cross_tenant_read() outside CROSS_TENANT_MODULES: {offenders}"


def test_no_raw_sql_settings_of_the_scope_outside_tenancy():
    pattern = re.compile(r"app\.(association_id|cross_tenant)")
    offenders = [
        str(p.relative_to(r))
        for r, p in _python_files()
        if pattern.search(p.read_text(encoding="utf-8")) and p.name not in {"tenancy.py", "rls.py"}
    ]
    assert offenders == []


def test_every_workspace_view_declares_a_capability_or_its_own_check():
    workspace = [(route, p) for route, p in all_patterns() if route.startswith("a/")]
    assert len(workspace) >= 5
    for route, pattern in workspace:
        view = pattern.callback
        assert getattr(view, "required_capability", None) or getattr(view, "allow_non_members", False), (
            f"/{route} declares neither @requires(...) nor @allow_non_members"
        )


def test_every_api_view_with_an_association_is_a_tenant_api_view():
    for route, pattern in all_patterns():
        if not route.startswith("api/v1/") or "association_slug" not in route:
            continue
        view_class = getattr(pattern.callback, "view_class", None)
        assert view_class is not None, f"/{route}: API views are class-based"
        assert issubclass(view_class, TenantAPIView) or getattr(view_class, "public_endpoint", False), (
            f"/{route}: {view_class.__name__} must subclass TenantAPIView (or be a marked public endpoint)"
        )


def test_tenant_api_views_cannot_override_the_scope():
    with pytest.raises(TypeError, match="overrides get_queryset"):

        class Sneaky(TenantAPIView):
            def get_queryset(self):
                return Association.objects.all()


# --- The ministry's roll-ups: counts and sums only (issue 14) -----------------------------------

ROLLUP_COLUMNS = {
    "AssociationFigure": {
        "id", "association_ref", "year", "indicator", "value", "region_code", "province_ref", "sector_code",
        "size_band",
    },
    "AreaFigure": {
        "id", "level", "area", "sector_code", "size_band", "year", "indicator", "value", "associations", "hidden",
    },
    "DirtyAssociation": {"id", "association_ref", "marked_at"},
    "SweptAudit": {"id", "association_ref", "last_seq"},
    "RollupState": {"id", "rebuilt_at", "refreshed_at", "seconds"},
}  # fmt: skip


def test_rollup_tables_hold_counts_and_sums_only():
    """No roll-up column can identify a person: a new column must be added here, on purpose."""
    from ministry import models as ministry_models

    for name, expected in ROLLUP_COLUMNS.items():
        model = getattr(ministry_models, name)
        columns = {field.name for field in model._meta.concrete_fields}
        assert columns == expected, f"ministry.{name} columns changed: {sorted(columns ^ expected)}"
        assert not any(field.is_relation for field in model._meta.concrete_fields), name


def test_the_ministry_pages_read_only_the_rollups():
    """The dashboard, exports and API import no module that holds people's rows."""
    forbidden = re.compile(r"^\s*(from|import)\s+(members|finance|training|governance|communication)\b", re.M)
    for module in (
        "selectors.py",
        "tables.py",
        "views.py",
        "api.py",
        "charts.py",
        "reports.py",
        "compliance.py",
    ):
        source = (Path(settings.BASE_DIR) / "ministry" / module).read_text(encoding="utf-8")
        assert not forbidden.search(source), f"ministry/{module} imports a module with people's data"
