"""The audit trail reads as sentences in the reader's language, and shows no Python.

Cross-cutting: the sentences of the member register, documents, jobs and the outbox are registered
by those modules into the tenant core (associations.seams.AUDIT_ACTIONS).
"""

from __future__ import annotations

import ast
import contextlib
import html
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from django.utils.translation import trans_real

from associations import seams
from associations import services as association_services
from associations.audit import audit_record
from associations.audit_text import describe
from associations.models import Association, AuditEvent
from associations.tenancy import association_scope
from documents import services as document_services
from jobs import services as job_services
from members import services as member_services
from notifications import services as notification_services

ROOT = Path(settings.BASE_DIR)
PROJECT_PACKAGES = [
    p for p in ROOT.iterdir() if (p / "__init__.py").exists() and p.name not in {"tests", "config"}
]


@contextlib.contextmanager
def catalogue(language: str, entries: dict[str, str]):
    """Translate these msgids in `language` for the duration of a block, as the catalogues will
    once the lead regenerates them (tests must not depend on locale/ being up to date)."""
    catalog = trans_real.translation(language)._catalog._catalogs[0]
    saved = {key: catalog[key] for key in entries if key in catalog}
    catalog.update(entries)
    try:
        yield
    finally:
        for key in entries:
            catalog.pop(key, None)
        catalog.update(saved)


def recorded_actions() -> set[str]:
    """Every action code a service passes to audit_record, read from the source."""
    found = set()
    for package in PROJECT_PACKAGES:
        for path in package.rglob("*.py"):
            if "tests" in path.parts or "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "audit_record":
                    for keyword in node.keywords:
                        if keyword.arg == "action":
                            found |= {
                                n.value
                                for n in ast.walk(keyword.value)
                                if isinstance(n, ast.Constant) and isinstance(n.value, str)
                            }
    return found


def test_every_recorded_action_has_a_sentence():
    actions = recorded_actions()
    assert "members.member.admitted" in actions and "associations.role.granted" in actions
    missing = sorted(a for a in actions if seams.audit_action(a) is None)
    assert not missing, f"register a seams.AuditAction for: {missing}"


ADMITTED = "%(actor)s admitted member #%(number)s"


@pytest.mark.parametrize(
    ("language", "translation_of_the_sentence", "expected"),
    [
        ("en", None, '<bdi>President A Secretname</bdi> admitted member #<bdi dir="ltr">{n}</bdi>'),
        (
            "fr",
            "%(actor)s a admis l'adhérent n° %(number)s",
            '<bdi>President A Secretname</bdi> a admis l&#x27;adhérent n° <bdi dir="ltr">{n}</bdi>',
        ),
        (
            "ar",
            "قبِل %(actor)s العضو رقم %(number)s",
            'قبِل <bdi>President A Secretname</bdi> العضو رقم <bdi dir="ltr">{n}</bdi>',
        ),
    ],
)
def test_a_member_admission_reads_as_a_sentence_in_the_readers_language(
    client, tenant_a, language, translation_of_the_sentence, expected
):
    with association_scope(tenant_a.association):
        member = member_services.member_admit(
            actor=tenant_a.president, first_name_latin="Amina", last_name_latin="Alaoui", phone="0612345678"
        )
        event = AuditEvent.objects.select_related("actor").get(
            action="members.member.admitted", target_id=member.pk
        )
    entries = {ADMITTED: translation_of_the_sentence} if translation_of_the_sentence else {}
    with catalogue(language, entries), translation.override(language):
        line = describe(event)
        assert str(line.sentence) == expected.format(n=member.number)
        assert "Amina" not in str(line.sentence)  # the member is named by number only
    # The page, asked for in that language, says the same.
    client.force_login(tenant_a.president)
    url = reverse("associations:audit", kwargs={"association_slug": tenant_a.association.slug})
    with catalogue(language, entries):
        page = client.get(url, headers={"Accept-Language": language}).content.decode()
    assert expected.format(n=member.number) in page


def test_a_from_to_change_uses_the_translated_words_and_the_readers_order():
    """A status change: codes become the status names, in the order the translation puts them."""
    event = AuditEvent(
        action="members.member.status_changed",
        actor_label="system",
        target_label="#7 (id 3)",
        changes={"status": {"from": "active", "to": "suspended"}, "on": "2026-03-02", "decision": ""},
    )
    sentence = "%(actor)s changed the status of member #%(number)s from %(status_before)s to %(status_after)s"
    arabic = "غيّر %(actor)s وضعية العضو رقم %(number)s من %(status_before)s إلى %(status_after)s"
    with (
        catalogue("ar", {sentence: arabic, "Active": "نشيط", "Suspended": "موقوف"}),
        translation.override("ar"),
    ):
        line = describe(event)
        assert "غيّر" in line.text and line.text.index("نشيط") < line.text.index("موقوف")
        assert '<bdi dir="ltr">7</bdi>' in str(line.sentence)
        details = dict(line.details)
        assert "2026-03-02" not in line.details_text and "2026" in line.details_text  # a date, as words
        assert all("None" not in str(v) for v in details.values())


def test_an_action_nobody_registered_still_reads_as_a_neutral_line(tenant_a):
    with association_scope(tenant_a.association):
        event = audit_record(
            actor=None,
            action="oldmodule.thing.done",
            changes={"some_flag": True, "missing": None, "items": ["a", "b"], "nested": {"x": 1}},
        )
    line = describe(event)
    assert line.text.startswith("Wasl (automatic)") and "Thing done" in line.text
    shown = line.text + " " + line.details_text
    for python in ("None", "True", "[", "]", "{", "}", "'", "some_flag"):
        assert python not in shown, python
    assert "Some flag: yes" in line.details_text and "Items: a, b" in line.details_text


# --- No Python on the audit page, whatever the event --------------------------------------------

PYTHON_LOOKS = [
    (re.compile(r"\bNone\b"), "None"),
    (re.compile(r"\b(True|False)\b"), "a boolean"),
    (re.compile(r"[{}\[\]<>]"), "brackets or a tag"),
    (re.compile(r"object \("), "an object repr"),
    (re.compile(r"\b[a-z]+_[a-z_]+\b"), "a field code"),
    (re.compile(r"\b[a-z]+\.[a-z_]+\.[a-z_]+\b"), "an action code"),
    (re.compile(r"\d{4}-\d{2}-\d{2}"), "an ISO date"),
]


def audit_cells(page: str) -> list[str]:
    """The text of the sentence and details cells of the audit table (the hash is left out)."""
    body = page[page.index("<tbody>") : page.index("</tbody>")]
    cells = []
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        for cell in re.findall(r"<td>(.*?)</td>", row, re.S)[2:]:
            cell = re.sub(r'<div class="audit-hash".*?</div>', "", cell, flags=re.S)
            cells.append(html.unescape(re.sub(r"<[^>]+>", "", cell)))
    return cells


def assert_no_python(page: str) -> None:
    cells = audit_cells(page)
    assert cells
    for text in cells:
        text = re.sub(r"\S+@\S+", "", text)  # e-mail addresses are what they are
        for pattern, what in PYTHON_LOOKS:
            assert not pattern.search(text), f"{what} in {text!r}"


def test_every_event_kind_of_the_tests_reads_without_python(client, tenant_a, tenant_b):
    a = tenant_a
    with association_scope(a.association):
        member = a.member_row
        association_services.association_update(
            actor=a.president,
            association=a.association,
            address="12 rue Ibn Batouta, Casablanca",
            ga_notice_days=20,
        )
        association_services.role_change(actor=a.president, role_id=a.roles["member"].pk, kind="staff")
        association_services.invitation_revoke(actor=a.president, invitation_id=a.invitation.pk)
        association_services.access_token_revoke(actor=a.president, token_id=a.access_token.pk)
        member_services.member_update(actor=a.president, member_id=member.pk, phone="0622222222", address="x")
        member_services.member_change_status(
            actor=a.president, member_id=member.pk, to_status="suspended", reason="dues"
        )
        member_services.consent_withdraw(actor=a.president, member_id=member.pk, purpose="membership")
        member_services.cin_viewed(actor=a.president, member=member)
        member_services.category_save(
            actor=a.president, name_ar="فئة", name_fr="Catégorie", annual_dues="120"
        )
        member_services.membership_settings_update(actor=a.president, join_form_open=True, retention_years=6)
        member_services.correction_request_resolve(
            actor=a.president, request_id=a.correction.pk, done=True, response="ok"
        )
        member_services.member_claim_create(actor=a.president, member_id=member.pk)
        applicant = member_services.member_admit(
            actor=None, status="applicant", first_name_latin="Yassine", last_name_latin="Amrani"
        )
        member_services.member_change_status(actor=a.president, member_id=applicant.pk, to_status="active")
        notification_services.message_resend(actor=a.president, message_id=a.message.pk)
        notification_services.opposition_record(actor=a.president, channel="sms", address="0655555555")
        document = document_services.association_certificate_issue(actor=a.president)
        document_services.document_cancel(actor=a.president, document_id=document.pk, reason="typo")
        job_services.job_start(actor=a.president, role_kind="president", kind="associations.audit_export")
        association_services.role_revoke(actor=a.president, role_id=a.roles["member"].pk)
        actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert len(actions) >= 24
    assert all(seams.audit_action(action) for action in actions)
    client.force_login(a.president)
    url = reverse("associations:audit", kwargs={"association_slug": a.association.slug})
    for language in ("en", "fr", "ar"):
        assert_no_python(client.get(url, headers={"Accept-Language": language}).content.decode())


@pytest.mark.django_db
def test_the_demo_data_reads_without_python(client):
    call_command("seed_demo", verbosity=0)
    from accounts.models import User

    client.force_login(User.objects.get(email="president@demo.wasl.ma"))
    association = Association.objects.get(slug="aade")
    url = reverse("associations:audit", kwargs={"association_slug": association.slug})
    page = client.get(url, headers={"Accept-Language": "ar"})
    pages = page.context["page"].paginator.num_pages
    for number in range(1, pages + 1):
        assert_no_python(
            client.get(url, {"page": number}, headers={"Accept-Language": "ar"}).content.decode()
        )


def test_the_action_filter_offers_readable_names(client, tenant_a):
    client.force_login(tenant_a.president)
    url = reverse("associations:audit", kwargs={"association_slug": tenant_a.association.slug})
    page = client.get(url).content.decode()
    assert '<option value="members.member.admitted" label="Member admitted">' in page


def test_a_filter_that_matches_nothing_says_so_and_offers_every_event(client, tenant_a):
    client.force_login(tenant_a.president)
    url = reverse("associations:audit", kwargs={"association_slug": tenant_a.association.slug})
    page = client.get(url, {"action": "nothing.like.this"}).content.decode()
    assert "No event matches these filters." in page
    assert f'href="{url}">Show every event</a>' in page
