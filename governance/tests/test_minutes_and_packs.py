"""Minutes drafted from the meeting, signed by the president and the secretary-general, published
as a bilingual PDF with a QR code; the declaration pack and the annual report pack as jobs."""

import io

import pytest
from django.utils import timezone
from pypdf import PdfReader

from associations.capabilities import RoleKind
from associations.errors import WaslError
from documents.files import private_storage
from documents.services import document_render
from governance.models import AgendaItem, AssemblyStatus, Declaration, MinutesStatus
from governance.services_bureau import Seat, bureau_install
from governance.services_minutes import minutes_draft, minutes_edit, minutes_publish, minutes_sign
from governance.services_reports import annual_report_create, annual_report_generate, annual_report_write
from governance.tests import bureau_fixtures
from governance.tests.bureau_fixtures import held_assembly, member, officer_user
from jobs import services as job_services
from jobs.models import Job

pytestmark = pytest.mark.django_db
board = bureau_fixtures.board


def _pdf_text(name: str) -> str:
    with private_storage().open(name, "rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return "\n".join(page.extract_text() for page in reader.pages)


def _signed_minutes(board, assembly):
    secretary = officer_user(
        association=board.association, email="sg@example.ma", kind=RoleKind.SECRETARY_GENERAL
    )
    minutes = minutes_draft(actor=board.president, assembly_id=assembly.pk)
    minutes_sign(actor=board.president, minutes_id=minutes.pk)
    minutes_sign(actor=secretary, minutes_id=minutes.pk)
    minutes.refresh_from_db()
    return minutes


def test_minutes_are_drafted_from_a_held_meeting_only(board):
    assembly = held_assembly(actor=board.president)
    AgendaItem.objects.create(assembly=assembly, position=1, title="Rapport moral", kind="resolution")
    minutes = minutes_draft(actor=board.president, assembly_id=assembly.pk)
    assert minutes.facts["calls"] == [{"call": 1, "members": 40, "present": 25, "reached": True}]
    assert minutes.facts["agenda"][0]["title"] == "Rapport moral"
    assert "25" in minutes.text_fr or "0" in minutes.text_fr
    with pytest.raises(WaslError):
        minutes_draft(actor=board.president, assembly_id=assembly.pk)  # once per meeting
    draft = held_assembly(actor=board.president, title="Not yet")
    draft.status = AssemblyStatus.CONVENED
    draft.save(update_fields=["status"])
    with pytest.raises(WaslError) as refused:
        minutes_draft(actor=board.president, assembly_id=draft.pk)
    assert refused.value.code == "not_held"


def test_only_the_president_and_the_secretary_general_sign_and_signing_freezes_the_text(board):
    assembly = held_assembly(actor=board.president)
    minutes = minutes_draft(actor=board.president, assembly_id=assembly.pk)
    with pytest.raises(WaslError) as refused:
        minutes_sign(actor=board.treasurer, minutes_id=minutes.pk)
    assert refused.value.code == "not_signatory"
    minutes_sign(actor=board.president, minutes_id=minutes.pk)
    with pytest.raises(WaslError):
        minutes_sign(actor=board.president, minutes_id=minutes.pk)  # twice
    with pytest.raises(WaslError):
        minutes_edit(actor=board.president, minutes_id=minutes.pk, text_ar="", text_fr="Autre texte")
    with pytest.raises(WaslError) as unsigned:
        minutes_publish(actor=board.president, minutes_id=minutes.pk)
    assert unsigned.value.code == "unsigned"
    minutes.refresh_from_db()
    assert minutes.status == MinutesStatus.DRAFT and minutes.document is None


def test_signed_minutes_are_published_as_a_bilingual_pdf_with_a_qr_code(board):
    assembly = held_assembly(actor=board.president, title="Assemblée générale ordinaire 2026")
    minutes = _signed_minutes(board, assembly)
    assert minutes.status == MinutesStatus.SIGNED
    minutes_publish(actor=board.president, minutes_id=minutes.pk)
    minutes.refresh_from_db()
    assert minutes.status == MinutesStatus.PUBLISHED
    document = document_render(document_id=minutes.document_id)
    text = _pdf_text(document.file)
    assert "Procès-verbal" in text or "Minutes" in text
    assert "/verify/" in text and document.token in text
    assert "Sg" in text  # the secretary-general's signature, by name


def test_the_declaration_pack_needs_signed_minutes_then_prints_the_particulars(board):
    actor = board.president
    assembly = held_assembly(actor=actor)
    president = member(
        actor=actor, name="Youssef", cin="AB123456", birth_date=timezone.localdate().replace(year=1980)
    )
    bureau_install(
        actor=actor,
        assembly_id=assembly.pk,
        seats=[Seat(president.pk, "president")],
        starts_on=timezone.localdate(),
    )
    declaration = Declaration.objects.get()
    job = job_services.job_start(
        actor=actor,
        role_kind="president",
        kind="governance.declaration_pack",
        params={"declaration_id": declaration.pk},
    )
    assert job_services.job_run(association_id=board.association.pk, job_id=job.pk) == Job.Status.FAILED
    declaration.refresh_from_db()
    assert declaration.pack_file == ""  # refused: the minutes are not signed
    _signed_minutes(board, assembly)
    job = job_services.job_start(
        actor=actor,
        role_kind="president",
        kind="governance.declaration_pack",
        params={"declaration_id": declaration.pk},
    )
    assert job_services.job_run(association_id=board.association.pk, job_id=job.pk) == Job.Status.SUCCEEDED
    declaration.refresh_from_db()
    text = _pdf_text(declaration.pack_file)
    assert "AB123456" in text and "Youssef" in text and "1-58-376" in text


def test_the_annual_report_pack_needs_the_moral_report_then_renders_the_statements(board):
    from finance.models import FiscalYear

    actor = board.president
    today = timezone.localdate()
    year, _created = FiscalYear.objects.get_or_create(
        start_date=today.replace(month=1, day=1), defaults={"end_date": today.replace(month=12, day=31)}
    )
    assembly = held_assembly(actor=actor)
    AgendaItem.objects.create(
        assembly=assembly, position=1, title="Approbation des comptes", kind="resolution"
    )
    report = annual_report_create(actor=actor, assembly_id=assembly.pk, fiscal_year_id=year.pk)
    with pytest.raises(WaslError):
        annual_report_generate(actor=actor, role_kind="president", report_id=report.pk)
    with pytest.raises(WaslError):
        annual_report_write(actor=actor, report_id=report.pk, moral_report_ar=" ", moral_report_fr="")
    annual_report_write(
        actor=actor, report_id=report.pk, moral_report_ar="", moral_report_fr="Une année de travail."
    )
    job = annual_report_generate(actor=actor, role_kind="president", report_id=report.pk)
    assert job_services.job_run(association_id=board.association.pk, job_id=job.pk) == Job.Status.SUCCEEDED
    report.refresh_from_db()
    text = _pdf_text(report.file)
    assert "Une année de travail." in text and "Approbation des comptes" in text
    with pytest.raises(WaslError):
        annual_report_create(actor=actor, assembly_id=assembly.pk, fiscal_year_id=year.pk)  # one per assembly
