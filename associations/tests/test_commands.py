"""The scoped command-line entry point and the platform admin."""

import pytest
from django.core.management import CommandError, call_command

from associations.models import Role


def test_tenant_shell_runs_inside_one_association(tenant_a, tenant_b, capsys):
    code = (
        "from associations.models import Role\n"
        "print(sorted(Role.objects.values_list('user__email', flat=True)))"
    )
    call_command("tenant_shell", "--association", tenant_a.association.slug, "-c", code)
    out = capsys.readouterr().out
    assert tenant_a.president.email in out
    assert tenant_b.president.email not in out


def test_tenant_shell_refuses_an_unknown_association(db):
    with pytest.raises(CommandError, match="No association"):
        call_command("tenant_shell", "--association", "nope", "-c", "pass")


def test_seed_demo_is_idempotent(db, capsys):
    call_command("seed_demo")
    call_command("seed_demo")
    assert "wasl-demo-2026" in capsys.readouterr().out
    from associations.models import Association
    from associations.tenancy import cross_tenant_read

    assert Association.objects.count() == 3
    with cross_tenant_read(reason="test"):
        assert Role.objects.count() == 7


def test_admin_lists_associations_for_platform_admins(client, tenant_a):
    from associations.tests.factories import UserFactory

    admin_user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    response = client.get("/admin/associations/association/")
    assert response.status_code == 200
    assert tenant_a.association.slug in response.content.decode()
    client.force_login(tenant_a.president)
    assert client.get("/admin/associations/association/").status_code == 302


def test_admin_login_goes_through_allauth(client, db):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_users_are_deactivated_not_deleted_in_the_admin(client, tenant_a):
    from associations.tests.factories import UserFactory

    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.get(f"/admin/accounts/user/{tenant_a.member.pk}/delete/")
    assert response.status_code == 403


@pytest.mark.postgres
def test_the_role_check_passes_for_the_application_role(db):
    from associations.checks import application_role_is_bound_by_rls

    assert application_role_is_bound_by_rls(databases=["default"]) == []
