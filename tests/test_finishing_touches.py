"""What looked unfinished to a first-time user (issue 9, items 4 and 7), each with its test."""

from __future__ import annotations

import datetime
import importlib
import inspect
import re
import time
from decimal import Decimal
from pathlib import Path

from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
from django import forms
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import Promise

from associations.formatting import format_money, format_phone
from associations.models import Role
from associations.tenancy import association_scope
from associations.tests.factories import UserFactory
from jobs.models import Job
from members import services as member_services
from members.models import Member


def url(tenant, name, **kwargs):
    return reverse(name, kwargs={"association_slug": tenant.association.slug, **kwargs})


def page(client, address, language="en", **params) -> str:
    response = client.get(address, params, headers={"Accept-Language": language})
    assert response.status_code == 200, (address, response.status_code)
    return response.content.decode()


# --- Item 4: numbers inside Arabic text ------------------------------------------------------


def test_the_phone_hint_stays_in_order_inside_an_arabic_error(client, tenant_a):
    client.force_login(tenant_a.president)
    response = client.post(
        url(tenant_a, "members:create"),
        {"first_name_latin": "Amina", "last_name_latin": "Alaoui", "phone": "12", "join_date": "2026-01-10"},
        headers={"Accept-Language": "ar"},
    )
    body = response.content.decode()
    assert '<bdi dir="ltr">06 12 34 56 78</bdi>' in body
    assert "\u2066" not in body  # the plain-text isolate became the element


def test_the_api_gives_the_phone_hint_as_plain_text_with_its_isolate(tenant_a):
    client = Client(headers={"Authorization": f"Bearer {tenant_a.access_token_raw}", "Accept-Language": "ar"})
    response = client.post(
        f"/api/v1/associations/{tenant_a.association.slug}/members/",
        {"first_name_latin": "Amina", "last_name_latin": "Alaoui", "phone": "12"},
        content_type="application/json",
    )
    assert response.status_code == 400
    message = response.json()["error"]["fields"]["phone"][0]
    assert "\u206606 12 34 56 78\u2069" in message and "<bdi" not in message


# --- Item 7: "Position" untranslated ------------------------------------------------------------


def test_every_form_label_is_marked_for_translation():
    """A model field without a verbose name gives an English label that no catalogue can translate
    ("Position" on the category form)."""
    untranslated = []
    for path in sorted(Path(settings.BASE_DIR).glob("*/forms.py")):
        module = importlib.import_module(f"{path.parent.name}.forms")
        for name, form in inspect.getmembers(module, inspect.isclass):
            if not issubclass(form, forms.BaseForm) or form.__module__ != module.__name__:
                continue
            for field_name, field in form.base_fields.items():
                if isinstance(field.widget, forms.HiddenInput) or field.label is None:
                    continue  # hidden, or labelled when the form is built (in the active language)
                if not isinstance(field.label, Promise):
                    untranslated.append(f"{module.__name__}.{name}.{field_name}: {field.label!r}")
    assert not untranslated


# --- Item 7: "MAD" in Arabic text ---------------------------------------------------------------


def test_amounts_take_the_currency_word_of_the_language():
    assert format_money(Decimal("120"), language="ar") == "120,00\u00a0درهم"
    assert format_money(Decimal("1234.5"), language="fr") == "1\u00a0234,50\u00a0MAD"
    assert format_money("120.00", language="en") == "120.00\u00a0MAD"


def test_the_category_list_says_dirham_in_arabic(client, tenant_a):
    with association_scope(tenant_a.association):
        member_services.category_save(
            actor=tenant_a.president, name_ar="منخرط نشيط", name_fr="Membre actif", annual_dues="120"
        )
    client.force_login(tenant_a.president)
    arabic = page(client, url(tenant_a, "members:categories"), "ar")
    assert '<bdi dir="ltr">120,00</bdi>\u00a0درهم' in arabic
    assert "120.00 MAD" not in arabic
    assert '<bdi dir="ltr">120,00</bdi>\u00a0MAD' in page(client, url(tenant_a, "members:categories"), "fr")


# --- Item 7: "---------" as an empty choice ---------------------------------------------------


def test_empty_choices_say_what_they_mean(client, tenant_a):
    client.force_login(tenant_a.president)
    with association_scope(tenant_a.association):
        member_services.category_save(
            actor=tenant_a.president, name_ar="فئة", name_fr="Catégorie", annual_dues="0"
        )
    for name in ("members:create", "associations:settings"):
        body = page(client, url(tenant_a, name))
        assert "---------" not in body, name
    member_form = page(client, url(tenant_a, "members:create"))
    assert '<option value="" selected>— None —</option>' in member_form  # an optional gender or category
    register = page(client, reverse("associations:register"))
    assert "---------" not in register and "— Choose —" in register  # a required region or sector


# --- Item 7: CIN dots for a member without a CIN -----------------------------------------------


def test_no_cin_means_no_dots_and_no_show_button(client, tenant_a):
    with association_scope(tenant_a.association):
        without = member_services.member_admit(
            actor=tenant_a.president, first_name_latin="Nadia", last_name_latin="Sans"
        )
    client.force_login(tenant_a.president)
    body = page(client, url(tenant_a, "members:detail", member_id=without.pk))
    assert "•••" not in body and "Show (recorded in the audit trail)" not in body
    assert "Not recorded" in body
    with_cin = page(client, url(tenant_a, "members:detail", member_id=tenant_a.member_row.pk))
    assert "•••" in with_cin and "Show (recorded in the audit trail)" in with_cin


# --- Item 7: two date formats on one page ------------------------------------------------------

NUMERIC_DATE = re.compile(r"\b\d{2}/\d{2}/\d{4}\b")
LONG_DATE = re.compile(
    r"\b\d{1,2} (January|February|March|April|May|June|July|August|September|October|November|December) \d{4}\b"
)


def main_content(body: str) -> str:
    return body[body.index("<main") : body.index("</main>")]


def test_the_member_page_writes_every_date_the_same_way(client, tenant_a):
    member = tenant_a.member_row
    with association_scope(tenant_a.association):
        member_services.member_change_status(
            actor=tenant_a.president, member_id=member.pk, to_status="suspended", reason="Dues unpaid"
        )
    client.force_login(tenant_a.president)
    body = main_content(page(client, url(tenant_a, "members:detail", member_id=member.pk)))
    assert LONG_DATE.search(body) and not NUMERIC_DATE.search(body)


def test_the_job_page_has_one_date_style_and_no_double_period(client, tenant_a):
    started = timezone.make_aware(datetime.datetime(2026, 11, 29, 6, 40), timezone.get_default_timezone())
    with association_scope(tenant_a.association):
        Job.objects.filter(pk=tenant_a.job.pk).update(created_at=started)
    client.force_login(tenant_a.president)
    body = main_content(page(client, url(tenant_a, "jobs:detail", job_id=tenant_a.job.pk)))
    assert "a.m." not in body and ".." not in body.replace("...", "")
    assert "Started on 29 November 2026, 06:40." in body
    assert not NUMERIC_DATE.search(body)


# --- Item 7: /me/ ----------------------------------------------------------------------------


def test_me_says_each_status_word_once(client, tenant_a):
    person = tenant_a.member
    with association_scope(tenant_a.association):
        category = member_services.category_save(
            actor=tenant_a.president, name_ar="منخرط نشيط", name_fr="Active member", annual_dues="0"
        )
        Member.objects.filter(pk=tenant_a.member_row.pk).update(user=person, category=category)
    client.force_login(person)
    row = main_content(page(client, reverse("associations:me")))
    words = re.findall(r'<span class="badge[^"]*">(.*?)</span>', row, re.S)
    labels = [re.sub(r"<[^>]+>|\s+", " ", w).strip() for w in words]
    assert "Active member" in labels
    assert "Active" not in labels and "Member" not in labels  # the status and the plain role said it twice


def test_an_officer_keeps_their_office_on_me(client, tenant_a):
    client.force_login(tenant_a.treasurer)
    assert '<span class="badge text-bg-secondary">Treasurer</span>' in page(
        client, reverse("associations:me")
    )


def test_the_ministry_reviewer_is_not_told_to_register_an_association(client, db):
    reviewer = UserFactory(is_ministry_reviewer=True)
    client.force_login(reviewer)
    body = page(client, reverse("associations:me"))
    assert "register your association" not in body and "Register an association" not in body
    assert "aggregated, anonymous figures" in body
    assert f'href="{reverse("associations:home")}">Browse the directory of associations' in body


# --- Item 7: account e-mails from "Wasl" -------------------------------------------------------


def test_account_emails_greet_from_wasl_not_from_the_host(db, settings):
    UserFactory(email="amina@example.ma")
    client = Client(headers={"Accept-Language": "en"}, SERVER_NAME="127.0.0.1", SERVER_PORT="8101")
    settings.ALLOWED_HOSTS = ["127.0.0.1", "testserver"]
    client.post(reverse("account_reset_password"), {"email": "amina@example.ma"}, HTTP_HOST="127.0.0.1:8101")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject.startswith("[Wasl] ")
    assert "Hello from Wasl!" in message.body
    assert "from 127.0.0.1" not in message.body and "127.0.0.1:8101]" not in message.subject
    assert "http://127.0.0.1:8101/" in message.body  # links still follow the host in use


# --- Item 7: ?status=applicant with the default sort -------------------------------------------


def test_applicants_are_listed_with_the_default_sort(client, tenant_a):
    with association_scope(tenant_a.association):
        applicant = member_services.member_admit(
            actor=None, status="applicant", first_name_latin="Yassine", last_name_latin="Amrani"
        )
    client.force_login(tenant_a.president)
    listed = page(client, url(tenant_a, "members:list"), status="applicant")
    assert "Amrani" in listed
    assert "Amrani" in page(client, url(tenant_a, "members:list"), q="Amrani")  # found by name too
    assert "Amrani" in page(client, url(tenant_a, "members:list"))  # after the numbered members
    assert applicant.number is None


def test_the_number_order_pages_through_numbered_members_then_applicants(tenant_a, monkeypatch):
    from members import selectors

    monkeypatch.setattr(selectors, "PAGE_SIZE", 2)
    with association_scope(tenant_a.association):
        for i in range(2):
            member_services.member_admit(
                actor=tenant_a.president, first_name_latin="N", last_name_latin=f"N{i}"
            )
        for i in range(3):
            member_services.member_admit(
                actor=None, status="applicant", first_name_latin="A", last_name_latin=f"A{i}"
            )
        seen, cursor = [], ""
        for _ in range(10):
            result = selectors.member_page(selectors.member_search(), sort="number", cursor=cursor)
            seen += result.members
            if not result.next_cursor:
                break
            cursor = result.next_cursor
        assert len(seen) == Member.objects.count() == len({m.pk for m in seen})
        numbers = [m.number for m in seen]
        assert numbers == sorted(n for n in numbers if n is not None) + [None] * 3


# --- Item 7: the job page's time --------------------------------------------------------------
# (test_the_job_page_has_one_date_style_and_no_double_period above)


# --- Item 7: forced two-factor set-up right after login -------------------------------------


def test_setting_up_two_factor_right_after_login_does_not_ask_the_password_again(client, tenant_a, settings):
    settings.WASL_REQUIRE_MFA = True
    client.post(
        reverse("account_login"), {"login": tenant_a.president.email, "password": "correct-horse-battery"}
    )
    assert client.get(reverse("associations:me"))["Location"] == reverse("mfa_activate_totp")
    setup = client.get(reverse("mfa_activate_totp"))
    assert setup.status_code == 200 and "mfa.totp.secret" in client.session


def test_a_stale_login_still_asks_before_setting_up_two_factor(client, tenant_a, settings):
    settings.WASL_REQUIRE_MFA = True
    client.post(
        reverse("account_login"), {"login": tenant_a.president.email, "password": "correct-horse-battery"}
    )
    session = client.session
    records = session[AUTHENTICATION_METHODS_SESSION_KEY]
    for record in records:
        record["at"] = time.time() - 3600
    session[AUTHENTICATION_METHODS_SESSION_KEY] = records
    session.save()
    setup = client.get(reverse("mfa_activate_totp"))
    assert setup.status_code == 302 and reverse("account_reauthenticate") in setup["Location"]


# --- Item 7: an unknown verify token ---------------------------------------------------------


def test_an_unknown_document_code_gets_a_page_that_says_so(client, db):
    response = client.get("/verify/not-a-real-token")
    assert response.status_code == 404
    body = response.content.decode()
    assert "This document is not known to Wasl." in body
    assert "not-a-real-token" in body
    with translation.override("en"):
        assert 'href="/"' in body


def test_formatting_helpers():
    assert format_phone("+212612345678") == "06 12 34 56 78"
    assert format_phone("+33612345678") == "+33 6 12 34 56 78"
    assert format_phone("") == ""
    assert format_phone("not a phone") == "not a phone"


def test_the_member_role_badge_is_kept_when_there_is_no_member_row(client, tenant_b):
    # tenant_b's plain member has a role but no member row: the role is all /me/ can say.
    client.force_login(tenant_b.member)
    assert '<span class="badge text-bg-secondary">Member</span>' in page(client, reverse("associations:me"))
    with association_scope(tenant_b.association):
        assert Role.objects.filter(user=tenant_b.member).exists()
