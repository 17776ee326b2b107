"""The public join form is rate-limited per client address (behind the proxy, as logins are) and per
association: over the limit, a translated 429 and nothing saved."""

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from associations.tenancy import association_scope
from members import services
from members.models import Member


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def open_join_form(tenant_a, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1  # production's value
    with association_scope(tenant_a.association):
        services.membership_settings_update(actor=tenant_a.president, join_form_open=True)
    return reverse("join", kwargs={"association_slug": tenant_a.association.slug})


def _client(address: str) -> Client:
    return Client(headers={"Accept-Language": "en"}, REMOTE_ADDR="172.18.0.5", HTTP_X_FORWARDED_FOR=address)


def _application(n: int) -> dict:
    return {"first_name_latin": f"Applicant{n}", "last_name_latin": "Amrani", "email": f"applicant{n}@example.ma",
            "consent_membership": "on"}  # fmt: skip


def _applicants(tenant) -> int:
    with association_scope(tenant.association):
        return Member.objects.filter(last_name_latin="Amrani").count()


def test_one_address_cannot_flood_the_join_form(tenant_a, open_join_form):
    flooder = _client("203.0.113.9")
    statuses = [flooder.post(open_join_form, _application(n)).status_code for n in range(30)]
    assert statuses == [200] * 5 + [429] * 25
    assert _applicants(tenant_a) == 5
    refused = flooder.post(open_join_form, _application(99))
    assert "Too many applications in a short time. Nothing was saved" in refused.content.decode()
    assert 'name="first_name_latin" value="Applicant99"' in refused.content.decode()  # input kept
    # Another person behind the same proxy is not affected.
    assert _client("198.51.100.20").post(open_join_form, _application(100)).status_code == 200
    assert _applicants(tenant_a) == 6


def test_many_addresses_cannot_flood_one_association(tenant_a, tenant_b, open_join_form, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "members_join": "5/10m/ip,3/h/key"}
    statuses = [_client(f"203.0.113.{n}").post(open_join_form, _application(n)).status_code for n in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert _applicants(tenant_a) == 3
    # Another association's form still takes applications.
    with association_scope(tenant_b.association):
        services.membership_settings_update(actor=tenant_b.president, join_form_open=True)
    other_form = reverse("join", kwargs={"association_slug": tenant_b.association.slug})
    assert _client("203.0.113.50").post(other_form, _application(50)).status_code == 200


def test_invalid_submissions_do_not_use_up_the_limit(tenant_a, open_join_form):
    person = _client("203.0.113.9")
    without_consent = {k: v for k, v in _application(1).items() if k != "consent_membership"}
    for _ in range(10):
        assert person.post(open_join_form, without_consent).status_code == 400
    assert person.post(open_join_form, _application(1)).status_code == 200
    assert _applicants(tenant_a) == 1
