"""Security headers: a Content-Security-Policy that allows scripts from our own origin only (and no
page needs more: no inline script, handler or <style> anywhere), a Permissions-Policy, and
`Cache-Control: no-store` on the pages and API answers that carry personal data or a secret."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from associations.tenancy import association_scope
from associations.tests.factories import UserFactory
from members import services as member_services
from tests.test_isolation_sweep import PARAM, all_patterns, fill, fillers

POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; style-src-attr 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)


class InlineCode(HTMLParser):
    """What `script-src 'self'` and `style-src 'self'` would refuse in a page."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, value in attributes.items():
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=...> handler")
            if name in {"href", "src", "action", "formaction"} and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.found.append(f"<{tag} {name}=javascript:...>")
        data_block = attributes.get("type") in {"application/json", "application/ld+json"}
        if tag == "script" and not attributes.get("src") and not data_block:
            self.found.append("inline <script>")
        if tag == "style":
            self.found.append("<style> element")


def inline_code(html: str) -> list[str]:
    parser = InlineCode()
    parser.feed(html)
    return parser.found


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def test_a_public_page_carries_the_policies(db):
    response = Client().get(reverse("associations:home"))
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == POLICY
    assert (
        "camera=()" in response["Permissions-Policy"] and "geolocation=()" in response["Permissions-Policy"]
    )


def test_the_checker_finds_inline_code():
    page = '<a href="javascript:x()">x</a><script>x()</script><b onclick="x()"></b><style>b{}</style>'
    assert len(inline_code(page)) == 4
    assert inline_code('<script src="/s.js"></script><script type="application/json">{}</script>') == []


def _project_get_paths(tenant) -> list[str]:
    """Every route whose parameters name one of A's objects (as the isolation sweep fills them)."""
    values = fillers(tenant, tenant.association.slug)
    paths = []
    for route, _pattern in all_patterns():
        if route.startswith("admin/") or "(?P<" in route or "^" in route:
            continue
        if {m.group("name") for m in PARAM.finditer(route)} <= values.keys():
            paths.append(fill(route, values))
    return paths


def _admin_paths(user) -> list[str]:
    paths = [reverse("admin:index"), reverse("admin:accounts_user_change", args=[user.pk])]
    for model in admin.site._registry:
        paths.append(reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"))
    return paths


def test_no_page_has_inline_script_and_every_page_has_the_policy(tenant_a):
    with association_scope(tenant_a.association):
        member_services.membership_settings_update(actor=tenant_a.president, join_form_open=True)
    operator = UserFactory(email="operator@example.ma", is_staff=True, is_superuser=True)
    anonymous, president, platform = Client(), Client(), Client()
    president.force_login(tenant_a.president)
    president.post(reverse("account_reauthenticate"), {"password": "correct-horse-battery"})  # to set up TOTP
    platform.force_login(operator)
    pages = {
        "anonymous": (anonymous, [*_project_get_paths(tenant_a), "/accounts/login/", "/accounts/signup/",
                                  "/accounts/password/reset/", "/accounts/login/code/"]),
        "president": (president, [*_project_get_paths(tenant_a), "/accounts/email/", "/accounts/password/change/",
                                  "/accounts/2fa/", "/accounts/reauthenticate/", "/accounts/2fa/totp/activate/"]),
        "platform admin": (platform, _admin_paths(operator)),
    }  # fmt: skip
    checked = set()
    for who, (client, paths) in pages.items():
        for path in paths:
            response = client.get(path)
            if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
                continue
            assert response["Content-Security-Policy"] == POLICY, f"{who} {path}"
            assert inline_code(response.content.decode()) == [], f"{who} {path}"
            checked.add(path)
    must_see = {"/", "/api/docs/", "/accounts/login/", "/accounts/2fa/", "/accounts/2fa/totp/activate/", "/admin/", f"/join/{tenant_a.association.slug}/",
                f"/a/{tenant_a.association.slug}/members/", f"/a/{tenant_a.association.slug}/members/{tenant_a.member_row.pk}/",
                f"/a/{tenant_a.association.slug}/tokens/", "/admin/mfa/authenticator/"}  # fmt: skip
    assert must_see <= checked, must_see - checked
    assert len(checked) >= 40


def test_the_api_docs_start_up_script_is_a_file_of_our_own(db):
    client = Client()
    page = client.get(reverse("api-docs")).content.decode()
    assert '<script src="/api/docs/?script="></script>' in page
    script = client.get(reverse("api-docs") + "?script=")
    assert script.status_code == 200 and script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()


def _no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


def test_pages_with_personal_data_or_a_secret_are_never_cached(tenant_a):
    slug, member = tenant_a.association.slug, tenant_a.member_row
    client = Client()
    client.force_login(tenant_a.president)
    for name in ("members:detail", "members:cin", "members:edit"):
        response = client.get(reverse(name, kwargs={"association_slug": slug, "member_id": member.pk}))
        assert response.status_code == 200 and _no_store(response), name
    tokens = reverse("associations:tokens", kwargs={"association_slug": slug})
    assert _no_store(client.get(tokens))
    created = client.post(tokens, {"name": "script"})
    assert created.status_code == 200 and _no_store(created)
    claim = client.post(reverse("members:claim", kwargs={"association_slug": slug, "member_id": member.pk}))
    assert claim.status_code == 200 and _no_store(claim)
    # A page without personal data keeps the browser's normal caching.
    assert not _no_store(Client().get(reverse("associations:home")))


def test_api_answers_about_members_are_never_cached(tenant_a):
    slug, member = tenant_a.association.slug, tenant_a.member_row
    client = Client(headers={"Authorization": f"Bearer {tenant_a.access_token_raw}"})
    base = f"/api/v1/associations/{slug}"
    for path in (f"{base}/members/", f"{base}/members/{member.pk}/", f"{base}/member-imports/{tenant_a.member_import.pk}/",
                 f"{base}/roles/"):  # fmt: skip
        response = client.get(path)
        assert response.status_code == 200 and _no_store(response), path
    refused = client.post(
        f"{base}/members/{member.pk}/status/", {"to_status": "nonsense"}, content_type="application/json"
    )
    assert refused.status_code == 400 and _no_store(refused)
    assert _no_store(client.get(f"{base}/members/999999/"))  # errors too


def test_pdfs_get_no_content_security_policy(tenant_a):
    # Browsers show PDFs in a built-in viewer that a strict policy can blank (config/middleware.py).
    client = Client()
    client.force_login(tenant_a.president)
    pdf = client.get(
        reverse(
            "documents:download",
            kwargs={"association_slug": tenant_a.association.slug, "document_id": tenant_a.document.pk},
        )
    )
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert "Content-Security-Policy" not in pdf and "Permissions-Policy" in pdf
