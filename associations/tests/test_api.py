"""The REST API: tokens, scoping, capabilities and the one error format."""

import pytest
from django.test import Client

from associations import services
from associations.capabilities import RoleKind
from associations.models import AccessToken, Invitation
from associations.tenancy import association_scope
from associations.tests.factories import RoleFactory


def bearer(raw):
    return Client(headers={"Authorization": f"Bearer {raw}", "Accept-Language": "en"})


def test_my_associations_with_session(client, tenant_a):
    client.force_login(tenant_a.treasurer)
    data = client.get("/api/v1/me/associations/").json()
    assert [(d["association"]["slug"], d["role"]) for d in data] == [(tenant_a.association.slug, "treasurer")]
    assert "finance.post" in data[0]["capabilities"]


def test_token_lists_roles_in_its_own_association_only(tenant_a, tenant_b):
    api = bearer(tenant_a.access_token_raw)
    response = api.get(f"/api/v1/associations/{tenant_a.association.slug}/roles/")
    assert response.status_code == 200
    assert {r["email"] for r in response.json()} == {
        tenant_a.president.email,
        tenant_a.treasurer.email,
        tenant_a.member.email,
    }
    # Even when its holder also holds a role in B, A's token may not reach B.
    RoleFactory(association=tenant_b.association, user=tenant_a.president, kind=RoleKind.PRESIDENT)
    response = api.get(f"/api/v1/associations/{tenant_b.association.slug}/roles/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert [d["association"]["slug"] for d in api.get("/api/v1/me/associations/").json()] == [
        tenant_a.association.slug
    ]


def test_token_is_hashed_at_rest_and_revocable(tenant_a):
    with association_scope(tenant_a.association):
        stored = AccessToken.objects.get(pk=tenant_a.access_token.pk)
        assert tenant_a.access_token_raw not in (stored.token_hash, stored.prefix)
        services.access_token_revoke(actor=tenant_a.president, token_id=stored.pk)
    response = bearer(tenant_a.access_token_raw).get("/api/v1/me/associations/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"


@pytest.mark.parametrize(
    "raw", ["garbage", "wasl_999999_aaaaaaaaaaaaaaaaaaaaaaaaaaaa", "wasl_x_y", "Bearer a b"]
)
def test_malformed_or_unknown_tokens_are_401(db, raw):
    response = bearer(raw).get("/api/v1/me/associations/")
    assert response.status_code == 401
    assert set(response.json()["error"]) >= {"status", "code", "message"}


def test_member_cannot_list_roles_and_treasurer_cannot_change_them(client, tenant_a):
    slug = tenant_a.association.slug
    client.force_login(tenant_a.member)
    assert client.get(f"/api/v1/associations/{slug}/roles/").status_code == 403
    client.force_login(tenant_a.treasurer)
    role_id = tenant_a.roles["member"].pk
    response = client.patch(
        f"/api/v1/associations/{slug}/roles/{role_id}/",
        {"kind": "president"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


def test_president_changes_and_revokes_roles_through_the_api(client, tenant_a):
    slug = tenant_a.association.slug
    client.force_login(tenant_a.president)
    role_id = tenant_a.roles["member"].pk
    response = client.patch(
        f"/api/v1/associations/{slug}/roles/{role_id}/", {"kind": "staff"}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["kind"] == "staff"
    response = client.patch(
        f"/api/v1/associations/{slug}/roles/{role_id}/", {"kind": "emperor"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "kind" in response.json()["error"]["fields"]
    president_id = tenant_a.roles["president"].pk
    response = client.delete(f"/api/v1/associations/{slug}/roles/{president_id}/")
    assert response.status_code == 400 and response.json()["error"]["code"] == "last_president"
    assert client.delete(f"/api/v1/associations/{slug}/roles/{role_id}/").status_code == 204


def test_invitation_api_validates_and_saves_nothing_on_error(client, tenant_a):
    slug = tenant_a.association.slug
    client.force_login(tenant_a.president)
    url = f"/api/v1/associations/{slug}/invitations/"
    response = client.post(url, {"email": "nope", "kind": "member"}, content_type="application/json")
    assert response.status_code == 400 and "email" in response.json()["error"]["fields"]
    response = client.post(url, {"email": "ok@example.ma", "kind": "member"}, content_type="application/json")
    assert response.status_code == 201
    with association_scope(tenant_a.association):
        assert Invitation.objects.filter(email="ok@example.ma").count() == 1
        assert Invitation.objects.count() == 2


def test_malformed_and_oversized_bodies_are_400_json(client, tenant_a, settings):
    slug = tenant_a.association.slug
    client.force_login(tenant_a.president)
    url = f"/api/v1/associations/{slug}/invitations/"
    response = client.post(url, "{not json", content_type="application/json")
    assert response.status_code == 400 and response.json()["error"]["code"] == "parse_error"
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = client.post(
        url, '{"email": "' + "a" * 5000 + '@x.ma", "kind": "member"}', content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] in {"bad_request", "parse_error"}
    with association_scope(tenant_a.association):
        assert Invitation.objects.count() == 1


def test_public_profile_and_unknown_association(client, tenant_a):
    data = client.get(f"/api/v1/associations/{tenant_a.association.slug}/").json()
    assert data["name_fr"] == tenant_a.association.name_fr and "address" not in data
    response = client.get("/api/v1/associations/nope/")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    assert client.get("/api/v1/nothing-here/").json()["error"]["code"] == "not_found"


def test_unauthenticated_api_is_401_in_the_error_format(client, tenant_a):
    response = client.get(f"/api/v1/associations/{tenant_a.association.slug}/roles/")
    assert response.status_code in (401, 403)
    assert response.json()["error"]["code"] == "not_authenticated"


def test_api_errors_are_translated(tenant_a):
    french = Client(headers={"Accept-Language": "fr"})
    french.force_login(tenant_a.member)
    message = french.get(f"/api/v1/associations/{tenant_a.association.slug}/roles/").json()["error"][
        "message"
    ]
    assert "permission" in message.lower() and "You do not" not in message


def test_schema_and_docs_are_served_without_a_cdn(client, db):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/associations/{association_slug}/roles/" in schema.content
    docs = client.get("/api/docs/").content.decode()
    assert "cdn" not in docs.lower() and "unpkg" not in docs.lower() and "jsdelivr" not in docs.lower()
    assert "/static/drf_spectacular_sidecar/" in docs


@pytest.mark.parametrize(
    "raw",
    [
        "wasl_²_aaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        "wasl_99999999999999999999_aaaaaaaaaaaaaaaaaaaaaaaa",
        "wasl_-1_" + "a" * 30,
    ],
)
def test_tokens_with_odd_ids_are_401_not_500(db, raw):
    assert bearer(raw).get("/api/v1/me/associations/").status_code == 401


def test_tokens_do_not_skip_two_factor(tenant_a, settings):
    settings.WASL_REQUIRE_MFA = True
    api = bearer(tenant_a.access_token_raw)
    for path in ("/api/v1/me/associations/", f"/api/v1/associations/{tenant_a.association.slug}/roles/"):
        response = api.get(path)
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "mfa_required"


def test_revoking_a_role_revokes_its_tokens(tenant_a):
    with association_scope(tenant_a.association):
        token, raw = services.access_token_create(actor=tenant_a.treasurer, name="treasurer script")
        services.role_revoke(actor=tenant_a.president, role_id=tenant_a.roles["treasurer"].pk)
        assert AccessToken.objects.get(pk=token.pk).revoked_at is not None
    assert bearer(raw).get("/api/v1/me/associations/").status_code == 401
