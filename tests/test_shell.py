"""The UI shell: languages and direction, navigation by capability, error pages, health check."""

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse


@pytest.mark.parametrize(
    ("accept", "lang", "direction"),
    [
        ("ar", "ar", "rtl"),
        ("fr-FR,fr;q=0.9", "fr", "ltr"),
        ("en-US", "en", "ltr"),
        ("de-DE", "ar", "rtl"),
        ("", "ar", "rtl"),
    ],
)
def test_browser_decides_first_then_arabic(db, accept, lang, direction):
    client = Client(headers={"Accept-Language": accept} if accept else {})
    body = client.get("/").content.decode()
    assert f'<html lang="{lang}" dir="{direction}">' in body
    assert ("bootstrap.rtl.min.css" in body) == (direction == "rtl")


def test_language_choice_persists_over_the_browser(db):
    client = Client(headers={"Accept-Language": "en"})
    response = client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    assert response.status_code == 302
    body = client.get("/").content.decode()
    assert '<html lang="fr" dir="ltr">' in body
    assert "Annuaire" in body or "annuaire" in body.lower()


def test_pages_are_translated(db):
    arabic = Client(headers={"Accept-Language": "ar"}).get("/").content.decode()
    french = Client(headers={"Accept-Language": "fr"}).get("/").content.decode()
    english = Client(headers={"Accept-Language": "en"}).get("/").content.decode()
    assert "Directory" in english
    assert "Directory" not in french and "Directory" not in arabic


def test_navigation_shows_only_what_capabilities_allow(tenant_a):
    client = Client(headers={"Accept-Language": "en"})
    slug = tenant_a.association.slug
    client.force_login(tenant_a.member)
    member_page = client.get(f"/a/{slug}/").content.decode()
    client.force_login(tenant_a.president)
    president_page = client.get(f"/a/{slug}/").content.decode()
    for path in (f"/a/{slug}/roles/", f"/a/{slug}/audit/", f"/a/{slug}/settings/", f"/a/{slug}/tokens/"):
        assert path in president_page
        assert path not in member_page


def test_association_switch_lists_every_membership(tenant_a, tenant_b):
    from associations.capabilities import RoleKind
    from associations.tests.factories import RoleFactory

    RoleFactory(association=tenant_b.association, user=tenant_a.treasurer, kind=RoleKind.MEMBER)
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(tenant_a.treasurer)
    body = client.get("/me/").content.decode()
    assert f"/a/{tenant_a.association.slug}/" in body and f"/a/{tenant_b.association.slug}/" in body


def test_unknown_pages_and_malformed_ids_are_translated_404s(tenant_a):
    client = Client(headers={"Accept-Language": "fr"})
    client.force_login(tenant_a.president)
    for path in ("/nowhere/", f"/a/{tenant_a.association.slug}/roles/abc/revoke/", "/a/UPPER CASE/"):
        response = client.get(path)
        assert response.status_code == 404
        assert "Page introuvable" in response.content.decode()


def test_csrf_failure_is_a_clear_page_and_saves_nothing(tenant_a):
    client = Client(enforce_csrf_checks=True, headers={"Accept-Language": "en"})
    client.force_login(tenant_a.president)
    role = tenant_a.roles["member"]
    response = client.post(f"/a/{tenant_a.association.slug}/roles/{role.pk}/revoke/")
    assert response.status_code == 403
    assert "Security check failed" in response.content.decode()
    from conftest import role_count

    assert role_count(tenant_a.association) == 3


def test_oversized_form_post_is_a_400_page(tenant_a, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 500
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(tenant_a.president)
    response = client.post(
        f"/a/{tenant_a.association.slug}/roles/invite/", {"email": "x" * 2000 + "@x.ma", "kind": "member"}
    )
    assert response.status_code == 400
    assert "Bad request" in response.content.decode()


def test_healthz_reports_database_and_broker(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    data = response.json()
    assert data["checks"]["database"] == "ok"
    assert data["checks"]["broker"].startswith("ok")


def test_healthz_reports_an_unreachable_broker(client, db, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["broker"].startswith("error")


def test_pages_render_for_a_360px_phone_meta(client, db):
    assert b'name="viewport" content="width=device-width, initial-scale=1"' in client.get("/").content


@pytest.mark.parametrize(
    ("language", "expected"),
    [("ar", "2 ماي 2009"), ("fr", "2 mai 2009"), ("en", "2 May 2009")],  # English as used in Morocco
)
def test_dates_use_moroccan_month_names_and_day_first(language, expected):
    from datetime import date

    from django.template import Context, Template
    from django.utils import translation

    with translation.override(language):
        rendered = Template('{{ d|date:"DATE_FORMAT" }}').render(Context({"d": date(2009, 5, 2)}))
    assert rendered == expected


def test_arabic_months_are_the_moroccan_ones():
    from django.utils import translation
    from django.utils.dates import MONTHS

    with translation.override("ar"):
        names = [str(MONTHS[m]) for m in range(1, 13)]
    moroccan = "يناير فبراير مارس أبريل ماي يونيو يوليوز غشت شتنبر أكتوبر نونبر دجنبر"
    assert names == moroccan.split()


def test_rate_limited_account_pages_answer_with_a_translated_page(db, settings):
    cache.clear()
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "signup": "1/m/ip"}
    client = Client(headers={"Accept-Language": "en"})
    client.post(reverse("account_signup"), {"email": "a@example.ma", "password1": "x", "password2": "y"})
    response = client.post(
        reverse("account_signup"), {"email": "b@example.ma", "password1": "x", "password2": "y"}
    )
    assert response.status_code == 429
    body = response.content.decode()
    assert "Too many attempts from your connection" in body and '<html lang="en"' in body
    cache.clear()


def test_healthz_reuses_one_redis_client(client, db, settings, monkeypatch):
    import redis

    from associations import views

    made = []
    original = redis.Redis.from_url

    def counting(url, **kwargs):
        made.append(url)
        return original(url, **kwargs)

    views._health_redis.cache_clear()
    monkeypatch.setattr(redis.Redis, "from_url", counting)
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    for _ in range(3):
        assert client.get("/healthz").status_code == 503
    assert made == ["redis://127.0.0.1:1/0"]
    views._health_redis.cache_clear()
