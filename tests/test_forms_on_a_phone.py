"""Forms on a phone (issue 9, item 6): every problem at once (the join form used to reveal one rule
per submission), a summary at the form's top linking to each field, the first field in error
focused by a static script (the CSP refuses inline ones), and Arabic names first in Arabic."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import translation

from associations.tenancy import association_scope
from members import services
from members.forms import JoinForm, MemberForm
from members.models import Member


@pytest.fixture
def join_url(tenant_a):
    cache.clear()
    with association_scope(tenant_a.association):
        services.membership_settings_update(actor=tenant_a.president, join_form_open=True)
    yield reverse("join", kwargs={"association_slug": tenant_a.association.slug})
    cache.clear()


def summary(body: str) -> str:
    found = re.search(r'<div class="alert alert-danger form-error-summary".*?</div>', body, re.DOTALL)
    assert found, "no error summary"
    return found.group(0)


def test_the_join_form_shows_every_problem_in_one_submission(tenant_a, join_url):
    client = Client(headers={"Accept-Language": "en"})
    response = client.post(
        join_url,
        {"first_name_latin": "Karim", "phone": "12", "birth_date": "2090-01-01", "email": ""},
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    # The missing last name, the phone, the date of birth and the consent, all at once.
    assert set(errors) >= {"last_name_latin", "phone", "birth_date", "consent_membership"}
    body = response.content.decode()
    shown = summary(body)
    assert "This form has 4 problems" in shown
    for field in ("id_last_name_latin", "id_phone", "id_birth_date", "id_consent_membership"):
        assert f'href="#{field}" data-error-link' in shown
    # Each field in error says so to screen readers, and points to its message.
    assert re.search(r'<input[^>]*aria-invalid="true"[^>]*id="id_phone"', body)
    assert 'aria-describedby="id_phone_error"' in body and 'id="id_phone_error"' in body
    with association_scope(tenant_a.association):
        assert not Member.objects.filter(first_name_latin="Karim").exists()


def test_the_join_form_asks_for_a_way_to_answer_with_the_other_problems(join_url):
    response = Client(headers={"Accept-Language": "en"}).post(join_url, {"consent_membership": "on"})
    errors = response.context["form"].errors
    assert (
        "Give the first and last name in Arabic script, in Latin script, or both."
        in errors["last_name_latin"]
    )
    assert "Give an e-mail address or a phone number, so the association can answer." in errors["email"]


def test_a_right_application_is_still_saved(tenant_a, join_url):
    response = Client(headers={"Accept-Language": "en"}).post(
        join_url,
        {
            "first_name_latin": "Karim",
            "last_name_latin": "Zaari",
            "phone": "0611223344",
            "consent_membership": "on",
        },
    )
    assert response.status_code == 200
    with association_scope(tenant_a.association):
        assert Member.objects.filter(last_name_latin="Zaari").exists()


def test_the_officers_member_form_shows_every_problem_too(tenant_a):
    client = Client(headers={"Accept-Language": "fr"})
    client.force_login(tenant_a.president)
    response = client.post(
        reverse("members:create", kwargs={"association_slug": tenant_a.association.slug}),
        {"first_name_ar": "كريم", "email": "pas-un-courriel", "phone": "12", "join_date": "1850-01-01"},
    )
    assert set(response.context["form"].errors) >= {"last_name_ar", "email", "phone", "join_date"}
    assert "form-error-summary" in response.content.decode()


@pytest.mark.parametrize(
    ("language", "first"),
    [("ar", ["first_name_ar", "last_name_ar"]), ("fr", ["first_name_latin", "last_name_latin"])],
)
def test_names_in_the_pages_script_come_first(db, language, first):
    with translation.override(language):
        assert list(JoinForm().fields)[:4] == [
            *first,
            *[n for n in JoinForm().fields if n.startswith(("first", "last")) and n not in first],
        ]
        assert list(MemberForm().fields)[:2] == first


def test_the_first_field_in_error_is_focused_by_a_static_script():
    base = (Path(settings.BASE_DIR) / "templates" / "base.html").read_text()
    assert "{% static 'js/forms.js' %}" in base
    script = (Path(settings.BASE_DIR) / "static" / "js" / "forms.js").read_text()
    assert '[aria-invalid="true"]' in script and ".focus(" in script and "data-error-summary" in script


def test_every_form_template_with_fields_has_the_summary():
    """A form built from the shared field include shows the shared summary (new modules too)."""
    base = Path(settings.BASE_DIR)
    missing = []
    for template in base.glob("*/templates/**/*.html"):
        if ".venv" in template.parts:
            continue
        text = template.read_text()
        for form in re.findall(r"<form[^>]*method=\"post\".*?</form>", text, re.DOTALL):
            if (
                "_field.html" in form
                and "_form_errors.html" not in form
                and "_association_form.html" not in form
            ):
                missing.append(str(template.relative_to(base)))
    assert missing == []
