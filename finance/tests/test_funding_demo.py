"""`seed_demo` gives the treasurer's funding pages something to show, and stays idempotent."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from associations.models import Association
from associations.tenancy import association_scope
from finance import funding_selectors
from finance.models import Donation, Donor, ForeignDeclaration, Funder, Grant, GrantInstalment, Receipt
from finance.verify import verify_books


def _counts():
    return (
        Funder.objects.count(),
        Grant.objects.count(),
        GrantInstalment.objects.count(),
        Donor.objects.count(),
        Donation.objects.count(),
        ForeignDeclaration.objects.count(),
        Receipt.objects.count(),
    )


@pytest.mark.django_db
def test_seed_demo_brings_funders_grants_and_a_gift_once(settings):
    call_command("seed_demo", "--no-logins", verbosity=0)
    association = Association.objects.get(acronym="AADE")
    with association_scope(association):
        first = _counts()
        assert first[:6] == (2, 2, 2, 1, 1, 1)  # the foreign instalment opened its declaration
        grants = {grant.funder.funder_type: grant for grant in funding_selectors.grants()}
        assert grants["commune"].received == Decimal("30000.00")
        assert grants["commune"].project is not None  # restricted to the demo project
        assert Donation.objects.get().payment.receipts.get().series == "donations"
    assert verify_books(association) is None  # every posting balanced and chained
    call_command("seed_demo", "--no-logins", verbosity=0)
    with association_scope(association):
        assert _counts() == first

    treasurer = Client(headers={"Accept-Language": "fr"})
    assert treasurer.login(email="treasurer@demo.wasl.ma", password=settings.WASL_DEMO_PASSWORD)
    for name in ("home", "grants", "funders", "donors", "declarations"):
        page = treasurer.get(reverse(f"funding:{name}", kwargs={"association_slug": association.slug}))
        assert page.status_code == 200, name
    grants_page = treasurer.get(reverse("funding:grants", kwargs={"association_slug": association.slug}))
    assert "Bibliothèque de quartier".encode() in grants_page.content
    assert b"Soutien scolaire" in grants_page.content
