"""Layer 2: PostgreSQL row-level security, proven with raw SQL as the application's role."""

import pytest
from django.db import DatabaseError, connection, transaction

from associations.models import AuditEvent, Role
from associations.tenancy import association_scope, cross_tenant_read, tenant_models

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def fetch(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else cursor.rowcount


def test_the_application_role_is_bound_by_rls():
    ((rolsuper, rolbypassrls),) = fetch(
        "SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user"
    )
    assert rolsuper is False, (
        "tests must run as the non-superuser application role (RLS does not bind superusers)"
    )
    assert rolbypassrls is False


@pytest.mark.parametrize("model", tenant_models(), ids=lambda m: m._meta.label)
def test_raw_sql_under_scope_a_returns_none_of_bs_rows(model, tenant_a, tenant_b):
    table = model._meta.db_table
    with association_scope(tenant_a.association):
        ids = {row[0] for row in fetch(f'SELECT DISTINCT association_id FROM "{table}"')}
    assert tenant_b.association.pk not in ids
    with association_scope(tenant_b.association):
        ids_b = {row[0] for row in fetch(f'SELECT DISTINCT association_id FROM "{table}"')}
    assert tenant_a.association.pk not in ids_b


def test_raw_sql_under_a_sees_as_rows(tenant_a, tenant_b):
    with association_scope(tenant_a.association):
        assert fetch('SELECT count(*) FROM "associations_role"') == [(3,)]
        assert fetch(
            'SELECT count(*) FROM "associations_role" WHERE association_id = %s', [tenant_b.association.pk]
        ) == [(0,)]


@pytest.mark.parametrize("model", tenant_models(), ids=lambda m: m._meta.label)
def test_raw_sql_without_scope_returns_no_rows(model, tenant_a, tenant_b):
    assert fetch(f'SELECT count(*) FROM "{model._meta.db_table}"') == [(0,)]


def test_rls_refuses_writing_a_row_for_another_association(tenant_a, tenant_b):
    with association_scope(tenant_a.association), pytest.raises(DatabaseError), transaction.atomic():
        fetch(
            "INSERT INTO associations_role (association_id, user_id, kind, granted_at) "
            "VALUES (%s, %s, 'member', now())",
            [tenant_b.association.pk, tenant_a.president.pk],
        )
    with association_scope(tenant_a.association):
        # UPDATE of B's rows silently matches nothing under A's scope.
        updated = fetch(
            "UPDATE associations_role SET kind = 'member' WHERE association_id = %s",
            [tenant_b.association.pk],
        )
        assert updated == 0
    with association_scope(tenant_b.association):
        assert Role.objects.get(pk=tenant_b.roles["president"].pk).kind == "president"


def test_cross_tenant_read_is_read_only_at_the_database(tenant_a, tenant_b):
    with cross_tenant_read(reason="test"):
        assert fetch("SELECT count(DISTINCT association_id) FROM associations_role") == [(2,)]
        assert fetch("DELETE FROM associations_role") == 0  # no policy lets it see a row
        with pytest.raises(DatabaseError), transaction.atomic():
            fetch(
                "INSERT INTO associations_role (association_id, user_id, kind, granted_at) "
                "VALUES (%s, %s, 'member', now())",
                [tenant_b.association.pk, tenant_a.president.pk],
            )
    with association_scope(tenant_a.association):
        assert Role.objects.count() == 3
    with association_scope(tenant_b.association):
        assert Role.objects.count() == 3


def test_scope_setting_does_not_outlive_the_scope(tenant_a):
    with association_scope(tenant_a.association):
        assert fetch("SELECT current_setting('app.association_id', true)") == [
            (str(tenant_a.association.pk),)
        ]
    assert fetch("SELECT coalesce(current_setting('app.association_id', true), '')") == [("",)]


def test_audit_events_refuse_update_and_delete(tenant_a):
    with association_scope(tenant_a.association):
        event = AuditEvent.objects.order_by("seq").first()
        for statement in (
            "UPDATE associations_auditevent SET action = 'x' WHERE id = %s",
            "DELETE FROM associations_auditevent WHERE id = %s",
        ):
            with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
                fetch(statement, [event.pk])
