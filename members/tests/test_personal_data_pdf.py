"""The member's copy of their data (law 09-08 right of access), as a PDF a person can read:
labelled in their language, words instead of codes, dates and phones written as on the pages."""

import re
import shutil
import subprocess
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from associations.models import Role
from associations.tenancy import association_scope
from associations.tests.factories import UserFactory
from members import services
from members.models import Member
from notifications.services import message_enqueue

needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")


def pdf_text(pdf: bytes) -> str:
    result = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True)
    return result.stdout.decode("utf-8")


@pytest.fixture
def member_with_history(tenant_a):
    person = UserFactory()
    with association_scope(tenant_a.association):
        member = services.member_admit(
            actor=tenant_a.president,
            first_name_latin="Salma",
            last_name_latin="Bennani",
            first_name_ar="سلمى",
            last_name_ar="بناني",
            gender="F",
            birth_date=date(1990, 5, 3),
            phone="0612345678",
            email="salma@example.ma",
            address="12 rue Ibn Batouta, Casablanca",
        )
        Member.objects.filter(pk=member.pk).update(user=person)
        Role.objects.create(user=person, kind="member")
        services.member_change_status(
            actor=tenant_a.president,
            member_id=member.pk,
            to_status="suspended",
            reason="Cotisation en retard",
        )
        services.consent_give(
            actor=tenant_a.president,
            member_id=member.pk,
            purpose="communications",
            wording="News and information from the association",
            language="fr",
        )
        message_enqueue(
            channel="sms",
            to_address="+212612345678",
            template_key="members.application_accepted",
            dedup_key="t:pdf",
            context={"association_name_ar": "جمعية", "association_name_fr": "Association A"},
            language="fr",
        )
    client = Client(headers={"Accept-Language": "fr"})
    client.force_login(person)
    return member, client


def download(client, tenant, language):
    url = reverse("members:my_data_pdf", kwargs={"association_slug": tenant.association.slug})
    response = client.get(url, headers={"Accept-Language": language})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    return pdf_text(response.content)


@needs_pdftotext
def test_the_pdf_labels_every_value_and_writes_words_not_codes(tenant_a, member_with_history):
    _, client = member_with_history
    text = download(client, tenant_a, "fr")
    # Labelled fields, in the reader's language (the model's French labels).
    for label in ("Téléphone", "Date de naissance", "Adresse électronique", "Sexe", "Statut"):
        assert label in text, label
    # Dates and phone numbers as the pages write them.
    assert "3 mai 1990" in text
    assert "06 12 34 56 78" in text
    # Words, not codes.
    assert "Suspendu" in text or "Suspended" in text
    for raw in ("+212612345678", "1990-05-03", "suspended", "communications", "members.application_accepted"):
        assert raw not in text, raw
    assert not re.search(r"\d{4}-\d{2}-\d{2}T?\d*", text), "a machine timestamp"
    assert not re.search(r"\b(None|True|False)\b", text)
    # A message is told by what it was about, not its template key.
    assert "Association A" in text


@needs_pdftotext
def test_the_arabic_pdf_keeps_numbers_and_phones_in_order(tenant_a, member_with_history):
    _, client = member_with_history
    text = download(client, tenant_a, "ar")
    assert "06 12 34 56 78" in text  # not "78 56 34 12 06"
    assert "12 rue Ibn Batouta, Casablanca" in text  # not "rue Ibn Batouta, Casablanca 12"
    assert "1990" in text and "1990-05-03" not in text
    assert "+212" not in text
