"""The reviewers' pages: access (reviewer only, two-factor login), suppression on every output,
exports recorded."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from ministry.models import ExportRecord, Report
from ministry.rollup import rebuild

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewer():
    return UserFactory(email="reviewer@interieur.gov.ma", is_ministry_reviewer=True)


@pytest.fixture
def figures(tenant_a, tenant_b):
    rebuild()


PAGES = ["ministry:dashboard", "ministry:compliance", "ministry:reports"]


@pytest.mark.parametrize("name", PAGES)
def test_pages_are_for_reviewers_only(client, tenant_a, name):
    url = reverse(name)
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(tenant_a.president)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("name", PAGES)
def test_a_reviewer_without_two_factor_login_is_sent_to_set_it_up(client, reviewer, settings, name):
    settings.WASL_REQUIRE_MFA = True
    client.force_login(reviewer)
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


@pytest.mark.parametrize("language", ["ar", "fr", "en"])
def test_the_dashboard_shows_suppressed_figures_and_no_name(client, reviewer, figures, tenant_a, language):
    client.force_login(reviewer)
    client.cookies["django_language"] = language
    response = client.get(reverse("ministry:dashboard"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "&lt;5" in html  # two associations: every cell is under five
    assert "<svg" in html and "<table" in html
    for secret in tenant_a.secrets:
        assert secret not in html
    assert tenant_a.association.name_fr not in html


def test_drill_down_to_the_provinces_of_a_region(client, reviewer, figures, tenant_a):
    client.force_login(reviewer)
    region = tenant_a.association.region.code
    response = client.get(reverse("ministry:dashboard"), {"region": region, "indicator": "members"})
    assert response.status_code == 200
    assert tenant_a.association.province.name in response.content.decode()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_every_table_exports_suppressed_and_the_export_is_recorded(client, reviewer, figures, fmt):
    client.force_login(reviewer)
    keys = ["areas", "trend", "members_sex", "members_age", "members_status", "resources", "training"]
    keys += ["funders", "foreign", "governance", "sgg", "volunteering", "volunteer_time", "staff"]
    for key in keys:
        response = client.get(reverse("ministry:export_table", args=[key, fmt]), {"indicator": "members"})
        assert response.status_code == 200, key
        if fmt == "csv" and key not in ("funders", "sgg"):  # the fixture has no public grant nor declared SGG
            assert "<5" in response.content.decode(), key
    assert ExportRecord.objects.filter(user=reviewer).count() == len(keys)


def test_an_unknown_table_or_format_is_a_404(client, reviewer, figures):
    client.force_login(reviewer)
    assert client.get(reverse("ministry:export_table", args=["nope", "csv"])).status_code == 404
    assert client.get(reverse("ministry:export_table", args=["areas", "pdf"])).status_code == 404


def test_open_data_is_suppressed_and_recorded(client, reviewer, figures, tenant_a):
    client.force_login(reviewer)
    response = client.get(reverse("ministry:open_data"))
    body = b"".join(response.streaming_content).decode()
    assert body.splitlines()[0].lstrip("\ufeff").startswith("year,level,area")
    values = [line.rsplit(",", 1)[1] for line in body.splitlines()[1:]]
    assert values and all(v == "<5" or v == "0" for v in values)  # two associations only
    assert tenant_a.association.name_fr not in body
    assert ExportRecord.objects.filter(user=reviewer, kind="open_data").exists()


def test_a_report_is_rendered_after_commit_and_downloaded(
    client, reviewer, figures, django_capture_on_commit_callbacks, settings
):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    client.force_login(reviewer)
    from django.utils import timezone

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("ministry:reports"), {"year": timezone.localdate().year, "region": ""})
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.status == Report.Status.DONE, report.error
    download = client.get(reverse("ministry:report_download", args=[report.pk]))
    assert download.content.startswith(b"%PDF")
    assert ExportRecord.objects.filter(user=reviewer, kind="report").exists()


def test_a_report_for_a_year_without_figures_is_refused(client, reviewer, figures):
    client.force_login(reviewer)
    response = client.post(reverse("ministry:reports"), {"year": "1990", "region": ""}, follow=True)
    assert "There are no figures for that year." in response.content.decode()
    assert not Report.objects.exists()


def test_the_api_gives_the_same_suppressed_figures_to_reviewers_only(client, reviewer, figures, tenant_a):
    url = reverse("api-ministry-figures")
    client.force_login(tenant_a.president)
    assert client.get(url).status_code == 403
    client.force_login(reviewer)
    response = client.get(url, {"level": "nation", "indicator": "members"})
    assert response.status_code == 200
    rows = response.json()
    assert rows and all(row["value"] == "<5" for row in rows)
    assert client.get(url, {"level": "country"}).status_code == 400
    assert ExportRecord.objects.filter(user=reviewer, kind="api").count() == 1


def test_the_compliance_list_shows_public_facts_of_associations_above_the_funding_line(
    client, reviewer, figures, tenant_a, tenant_b, settings
):
    from django.utils import timezone

    from ministry.models import AssociationFigure

    settings.WASL_MINISTRY_PUBLIC_FUNDING_LINE = "500000"
    a = tenant_a.association
    for association, amount in ((a, "600000.00"), (tenant_b.association, "499999.00")):
        AssociationFigure.objects.create(
            association_ref=association.pk, year=timezone.localdate().year, indicator="grants_public", value=amount,
            region_code=association.region.code, province_ref=association.province_id,
            sector_code=association.sector.code, size_band="1-10",
        )  # fmt: skip
    client.force_login(reviewer)
    client.cookies["django_language"] = "fr"
    html = client.get(reverse("ministry:compliance"), {"list": "public_funding"}).content.decode()
    assert a.name_fr in html and a.province.name_fr in html
    assert tenant_b.association.name_fr not in html
    for secret in tenant_a.secrets:
        assert secret not in html
    response = client.get(reverse("ministry:export_compliance", args=["public_funding", "csv"]))
    assert a.name_fr in response.content.decode()
    assert ExportRecord.objects.filter(user=reviewer, kind="compliance:public_funding").exists()
