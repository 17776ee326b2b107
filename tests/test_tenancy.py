"""Layer 1: the fail-closed ORM scope."""

import pytest

from associations.models import AuditEvent, Invitation, Role
from associations.tenancy import (
    ScopeError,
    association_scope,
    cross_tenant_read,
    current_association_id,
    tenant_models,
)


@pytest.mark.parametrize("model", tenant_models(), ids=lambda m: m._meta.label)
def test_query_without_scope_raises(model, db):
    with pytest.raises(ScopeError):
        list(model.objects.all())
    with pytest.raises(ScopeError):
        model._base_manager.count()


def test_related_access_without_scope_raises(tenant_a):
    with pytest.raises(ScopeError):
        list(Role.objects.filter(user=tenant_a.president))


def test_scope_filters_to_its_association(tenant_a, tenant_b):
    with association_scope(tenant_a.association):
        emails = set(Role.objects.values_list("user__email", flat=True))
        assert emails == {tenant_a.president.email, tenant_a.treasurer.email, tenant_a.member.email}
        assert not Role.objects.filter(pk=tenant_b.roles["president"].pk).exists()
        assert Invitation.objects.get().email == "invitee-a@example.ma"


def test_saving_another_associations_row_in_a_scope_raises(tenant_a, tenant_b):
    role_b = tenant_b.roles["member"]
    with association_scope(tenant_a.association), pytest.raises(ScopeError):
        role_b.save()


def test_new_rows_take_the_scope_association(tenant_a):
    with association_scope(tenant_a.association):
        invitation = Invitation.objects.first()
        assert invitation.association_id == tenant_a.association.pk


def test_nested_scope_restores_the_outer_one(tenant_a, tenant_b):
    with association_scope(tenant_a.association):
        with association_scope(tenant_b.association):
            assert current_association_id() == tenant_b.association.pk
        assert current_association_id() == tenant_a.association.pk
        assert Role.objects.count() == 3
    with pytest.raises(ScopeError):
        current_association_id()


def test_cross_tenant_read_sees_every_association_and_needs_a_reason(tenant_a, tenant_b):
    with cross_tenant_read(reason="test"):
        assert AuditEvent.objects.values("association").distinct().count() == 2
    with pytest.raises(ScopeError), cross_tenant_read(reason=""):
        pass


def test_scope_is_closed_after_an_exception(tenant_a):
    with pytest.raises(ValueError), association_scope(tenant_a.association):
        raise ValueError
    with pytest.raises(ScopeError):
        Role.objects.count()


def test_cross_tenant_read_refuses_writes_in_the_orm(tenant_a, tenant_b):
    """SQLite has no row-level security: the ORM alone must keep the escape read-only."""
    with cross_tenant_read(reason="test"):
        with pytest.raises(ScopeError):
            Role.objects.filter(association=tenant_b.association).update(kind="member")
        with pytest.raises(ScopeError):
            Role.objects.filter(association=tenant_b.association).delete()
        with pytest.raises(ScopeError):
            Invitation.objects.bulk_create([Invitation(association=tenant_b.association, email="x@y.ma")])
    with association_scope(tenant_b.association):
        assert Role.objects.filter(kind="president").count() == 1


def test_bulk_create_refuses_rows_of_another_association(tenant_a, tenant_b):
    from datetime import timedelta

    from django.utils import timezone

    with association_scope(tenant_a.association), pytest.raises(ScopeError):
        Invitation.objects.bulk_create(
            [
                Invitation(
                    association=tenant_b.association, email="x@y.ma", expires_at=timezone.now() + timedelta(1)
                )
            ]
        )
    with association_scope(tenant_a.association):
        created = Invitation.objects.bulk_create(
            [Invitation(email="bulk@y.ma", token_hash="h", expires_at=timezone.now() + timedelta(1))]
        )
        assert created[0].association_id == tenant_a.association.pk
