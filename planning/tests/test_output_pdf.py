"""Planning's PDF reports: the project sheet and the plan report, made by jobs, bilingual, in the
logical-framework layout, with the indicators' numbers and finance's actual; a rendering that
fails fails the job."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from associations.capabilities import RoleKind
from associations.tenancy import association_scope
from jobs.models import Job

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
pytestmark = pytest.mark.django_db


def pdf_text(pdf: bytes) -> str:
    result = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True)
    return result.stdout.decode("utf-8")


def as_extracted(arabic: str) -> str:
    """An Arabic label as pdftotext gives it back: a lam joined with a following alef (a ligature
    in the font) comes out as the alef, then the lam."""
    for alef in "اأإآى":
        arabic = arabic.replace("ل" + alef, alef + "ل")
    return arabic


class Planned:
    pass


def build_planned(slug: str = "plans", *, projects: int = 1) -> Planned:
    from accounts.tests.factories import UserFactory
    from associations.tests.factories import AssociationFactory, RoleFactory
    from finance.models import FiscalYear
    from finance.models import Project as FinanceProject
    from finance.services.budget import budget_save
    from finance.services.entries import LineInput, entry_create
    from finance.tests.helpers import account, journal
    from planning.models import Activity, Indicator, Measurement, Objective, Plan, Programme, Project

    built = Planned()
    built.association = AssociationFactory(slug=slug, fiscal_year_start_month=1)
    built.president = UserFactory(email=f"president-{slug}@example.ma")
    RoleFactory(association=built.association, user=built.president, kind=RoleKind.PRESIDENT)
    with association_scope(built.association):
        built.year, _ = FiscalYear.objects.get_or_create(
            start_date=date(2025, 1, 1), defaults={"end_date": date(2025, 12, 31)}
        )
        built.plan = Plan.objects.create(
            title_ar="الخطة الاستراتيجية", title_fr="Plan stratégique", vision_fr="Une vision",
            starts_year=2025, ends_year=2027,
        )  # fmt: skip
        built.objective = Objective.objects.create(
            plan=built.plan, code="O1", text_ar="تحسين الولوج إلى الماء", text_fr="Améliorer l'accès à l'eau"
        )
        built.programme = Programme.objects.create(
            objective=built.objective, code="P1", title_ar="برنامج الماء", title_fr="Programme eau"
        )
        built.projects = []
        for number in range(projects):
            finance_project = FinanceProject.objects.create(
                code=f"EAU{number}", name_ar=f"مشروع الماء {number}", name_fr=f"Projet eau {number}",
                starts_on=date(2025, 1, 1), ends_on=date(2025, 12, 31),
            )  # fmt: skip
            project = Project.objects.create(
                finance_project=finance_project, programme=built.programme, target_group="Villages",
                beneficiaries_planned=400, beneficiaries_reached=120,
            )  # fmt: skip
            built.projects.append(project)
        built.project = built.projects[0]
        built.finance_project = built.project.finance_project
        expense = account("6131")
        budget_save(
            actor=built.president, year_id=built.year.pk, amounts={expense.pk: "5000"},
            project_id=built.finance_project.pk,
        )  # fmt: skip
        entry_create(
            actor=built.president, journal_id=journal("OD").pk, date=date(2025, 3, 10), label="Pompe",
            lines=[
                LineInput(expense.pk, debit=Decimal("1234.50"), project_id=built.finance_project.pk),
                LineInput(account("5161").pk, credit=Decimal("1234.50")),
            ],
            post=True,
        )  # fmt: skip
        goal = Indicator.objects.create(
            project=built.project, level="goal", name_fr="Taux d'accès", unit="percent",
            baseline=Decimal("35"), target=Decimal("80"), means_of_verification="Enquête",
            assumptions="Stabilité",
        )  # fmt: skip
        Indicator.objects.create(
            project=built.project, level="purpose", name_fr="Foyers raccordés", unit="number",
            baseline=Decimal("10"), target=Decimal("250"),
        )  # fmt: skip
        output = Indicator.objects.create(
            project=built.project, level="output", name_fr="Puits creusés", unit="number",
            baseline=Decimal("0"), target=Decimal("12"), means_of_verification="PV de réception",
            assumptions="Nappe accessible",
        )  # fmt: skip
        Measurement.objects.create(indicator=goal, measured_on=date(2025, 6, 1), value=Decimal("47"))
        wrong = Measurement.objects.create(
            indicator=output, measured_on=date(2025, 6, 1), value=Decimal("90")
        )
        Measurement.objects.create(
            indicator=output, measured_on=date(2025, 6, 1), value=Decimal("9"), corrects=wrong
        )
        Activity.objects.create(
            project=built.project, title_fr="Forage du puits", starts_on=date(2025, 2, 1),
            ends_on=date(2025, 4, 30), status="done",
        )  # fmt: skip
    return built


@pytest.fixture
def planned(client):
    built = build_planned()
    client.force_login(built.president)
    built.client = client
    return built


def sheet_url(built):
    return reverse(
        "planning_outputs:project_sheet",
        kwargs={"association_slug": built.association.slug, "planning_project_id": built.project.pk},
    )


def plan_url(built):
    return reverse(
        "planning_outputs:plan_report",
        kwargs={"association_slug": built.association.slug, "plan_id": built.plan.pk},
    )


def the_job(built, kind: str) -> Job:
    with association_scope(built.association):
        return Job.objects.get(kind=kind)


def downloaded(built, job: Job) -> bytes:
    response = built.client.get(
        reverse("jobs:download", kwargs={"association_slug": built.association.slug, "job_id": job.pk})
    )
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def ask(built, url, django_capture_on_commit_callbacks, *, language="ar"):
    with django_capture_on_commit_callbacks(execute=True):
        response = built.client.post(url, {"year": built.year.pk}, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 302
    return response


@needs_poppler
def test_the_project_sheet_is_a_job_whose_pdf_holds_the_logframe_in_both_languages(
    planned, django_capture_on_commit_callbacks
):
    response = ask(planned, sheet_url(planned), django_capture_on_commit_callbacks)
    job = the_job(planned, "planning.project_sheet")
    assert response["Location"] == reverse(
        "jobs:detail", kwargs={"association_slug": planned.association.slug, "job_id": job.pk}
    )
    assert job.status == Job.Status.SUCCEEDED and job.language == "ar"
    pdf = downloaded(planned, job)
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf)
    # The rows of the logical framework, each label in Arabic then in French, in the funders' order.
    labels = ["الهدف العام", "Objectif global", "الهدف الخاص", "Objectif spécifique", "النتائج",
              "Résultats", "الأنشطة", "Activités"]  # fmt: skip
    positions = [text.find(as_extracted(label)) for label in labels]
    assert -1 not in positions, dict(zip(labels, positions, strict=True))
    assert positions == sorted(positions)
    # The columns too.
    for label in ("Moyens de vérification", "Hypothèses", "Indicateurs"):
        assert label in text
    laid_out = pdf_text(pdf)
    # The indicators' baseline, target and latest measured value (the correction, not the row it corrects).
    assert "35 %" in laid_out and "80 %" in laid_out and "47 %" in laid_out
    assert "Puits creusés" in laid_out and "PV de réception" in laid_out and "Nappe accessible" in laid_out
    assert "90" not in laid_out.split()
    # The finance actual, read from the books, and the budget line.
    assert "1234,50" in laid_out and "5000,00" in laid_out
    # The activity with its dates.
    assert "Forage du puits" in laid_out and "01/02/2025" in laid_out and "30/04/2025" in laid_out


@needs_poppler
def test_a_french_sheet_puts_french_first(planned, django_capture_on_commit_callbacks):
    ask(planned, sheet_url(planned), django_capture_on_commit_callbacks, language="fr")
    text = pdf_text(downloaded(planned, the_job(planned, "planning.project_sheet")))
    assert (
        text.find("Objectif global")
        < text.find(as_extracted("الهدف العام"))
        < text.find("Objectif spécifique")
    )
    assert "1 234,50" in pdf_text(downloaded(planned, the_job(planned, "planning.project_sheet")))


@needs_poppler
def test_the_plan_report_is_made_in_steps_and_joined(django_capture_on_commit_callbacks, monkeypatch, client):
    from pypdf import PdfReader

    from planning import output_jobs

    monkeypatch.setattr(output_jobs, "PROJECTS_PER_STEP", 2)
    built = build_planned("longplan", projects=5)
    client.force_login(built.president)
    built.client = client
    ask(built, plan_url(built), django_capture_on_commit_callbacks)
    job = the_job(built, "planning.plan_report")
    assert job.status == Job.Status.SUCCEEDED and job.steps_total == 3
    pdf = downloaded(built, job)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 6  # the cover, then each project from a new page
    text = pdf_text(pdf)
    for number in range(5):
        assert f"EAU{number}" in text
    assert "Améliorer l'accès à l'eau" in text and "1234,50" in text
    with association_scope(built.association):
        from documents.files import private_storage

        assert not any(
            private_storage().exists(output_jobs._part_name(job, index)) for index in range(3)
        )  # the parts are removed once joined


def test_a_rendering_that_fails_fails_the_job_and_keeps_no_file(
    planned, django_capture_on_commit_callbacks, monkeypatch
):
    from planning import output_jobs

    def broken(*args, **kwargs):
        raise RuntimeError("WeasyPrint fell over")

    monkeypatch.setattr(output_jobs, "project_sheet_pdf", broken)
    response = ask(planned, sheet_url(planned), django_capture_on_commit_callbacks)
    job = the_job(planned, "planning.project_sheet")
    assert job.status == Job.Status.FAILED and not job.result_file and not job.summary
    assert job.error_message
    page = planned.client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en")
    assert "Download" not in page.text and job.error_message in page.text


def test_a_failing_step_fails_the_plan_report(planned, django_capture_on_commit_callbacks, monkeypatch):
    from planning import output_jobs

    monkeypatch.setattr(output_jobs, "PROJECTS_PER_STEP", 0)  # forces steps for one project

    def broken(*args, **kwargs):
        raise RuntimeError("WeasyPrint fell over")

    monkeypatch.setattr(output_jobs, "plan_part_pdf", broken)
    ask(planned, plan_url(planned), django_capture_on_commit_callbacks)
    job = the_job(planned, "planning.plan_report")
    assert job.status == Job.Status.FAILED and not job.result_file


def test_the_request_pages_render_and_refuse_what_is_not_there(planned):
    for language in ("ar", "fr", "en"):
        for url in (sheet_url(planned), plan_url(planned)):
            assert planned.client.get(url, HTTP_ACCEPT_LANGUAGE=language).status_code == 200
        index = reverse("planning_outputs:reports", kwargs={"association_slug": planned.association.slug})
        assert planned.client.get(index, HTTP_ACCEPT_LANGUAGE=language).status_code == 200
    response = planned.client.post(sheet_url(planned), {"year": "999999"})
    assert response.status_code == 400
    with association_scope(planned.association):
        assert not Job.objects.exists()
    missing = reverse(
        "planning_outputs:plan_report",
        kwargs={"association_slug": planned.association.slug, "plan_id": 999999},
    )
    assert planned.client.get(missing).status_code == 404


def test_a_member_may_not_ask_for_a_report(planned, client):
    from accounts.tests.factories import UserFactory
    from associations.tests.factories import RoleFactory

    member = UserFactory()
    RoleFactory(association=planned.association, user=member, kind=RoleKind.MEMBER)
    client.force_login(member)
    assert client.post(sheet_url(planned), {"year": planned.year.pk}).status_code == 403


def test_the_reports_index_costs_the_same_queries_for_one_or_many_projects(
    planned, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from finance.models import Project as FinanceProject
    from planning.models import Plan, Project

    index = reverse("planning_outputs:reports", kwargs={"association_slug": planned.association.slug})
    with django_assert_max_num_queries(17):
        assert planned.client.get(index).status_code == 200
    with CaptureQueriesContext(connection) as one:
        planned.client.get(index)
    with association_scope(planned.association):
        for number in range(3):
            fp = FinanceProject.objects.create(code=f"X{number}", name_ar="م", name_fr="P")
            Project.objects.create(finance_project=fp)
            Plan.objects.create(title_fr=f"Plan {number}", starts_year=2026, ends_year=2027)
    with CaptureQueriesContext(connection) as many:
        planned.client.get(index)
    assert len(many) == len(one)
