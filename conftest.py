"""Fixtures shared by every app's tests. Two associations, A and B, each with officers and data."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from django.db import connection

from associations import services
from associations.capabilities import RoleKind
from associations.models import Association, Role
from associations.tenancy import association_scope
from associations.tests.factories import AssociationFactory, RoleFactory, UserFactory
from communication.models import Announcement, Post, PostPhoto
from documents.files import save_platform_private_file, save_private_file
from documents.models import Document
from jobs.models import Job
from members import services as member_services
from members.models import MemberImport
from notifications.models import Message


def on_postgres() -> bool:
    return connection.vendor == "postgresql"


def pytest_collection_modifyitems(config, items):
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"]
    skip_pg = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL)")
    skip_redis = pytest.mark.skip(reason="needs Redis (set REDIS_URL)")
    for item in items:
        if "postgres" in item.keywords and "postgresql" not in engine:
            item.add_marker(skip_pg)
        if "redis" in item.keywords and not settings.REDIS_URL:
            item.add_marker(skip_redis)


def _load_reference_data():
    import importlib

    from django.apps import apps

    migration = importlib.import_module("associations.migrations.0002_reference_territories_and_sectors")
    migration.load(apps, None)


@pytest.fixture(autouse=True)
def _reference_data(request, django_db_blocker):
    """A transactional test ends by flushing every table, including the regions, provinces and
    sectors that migration 0002 loads; make sure they are there before each database test."""
    marker = request.node.get_closest_marker("django_db")
    transactional = (
        bool(marker and marker.kwargs.get("transaction")) or "transactional_db" in request.fixturenames
    )
    if marker is None and not ({"db", "transactional_db"} & set(request.fixturenames)):
        yield
        return
    request.getfixturevalue("transactional_db" if transactional else "db")
    from associations.models import Region

    if not Region.objects.exists():
        _load_reference_data()
    yield
    if transactional:  # the flush that follows would leave the next test without them
        with django_db_blocker.unblock():
            _load_reference_data()


@pytest.fixture(autouse=True)
def _english_unless_asked():
    """Code outside requests runs in English in tests (the product's default is Arabic), so a test
    does not depend on the language an earlier test left active; tests of Arabic ask for it."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def client():
    """Test client speaking English unless a test asks otherwise (the default language is Arabic)."""
    from django.test import Client

    return Client(headers={"Accept-Language": "en"})


@dataclass
class Tenant:
    """One association with a president, a treasurer and a plain member, plus private data."""

    association: Association
    president: object
    treasurer: object
    member: object
    roles: dict = field(default_factory=dict)
    invitation: object = None
    invitation_token: str = ""
    access_token: object = None
    access_token_raw: str = ""
    entry: object = None  # a posted entry of the books (finance)
    draft_entry: object = None
    fiscal_year: object = None
    ledger_account: object = None
    journal: object = None
    project: object = None
    attachment: object = None
    message: object = None
    member_row: object = None
    member_import: object = None
    correction: object = None
    document: object = None
    job: object = None
    announcement: object = None
    post: object = None
    photo: object = None
    bank_statement: object = None  # an imported bank statement and one of its lines (finance)
    bank_line: object = None
    due: object = None  # a due of the member row, paid by a payment with its receipt (finance)
    receipt: object = None
    course: object = None
    session: object = None
    enrolment: object = None
    certificate: object = None
    platform_course: object = None
    platform_session: object = None
    lesson: object = None
    # Governance: a held assembly, a mandate, a declaration, minutes and an annual report.
    gov_assembly: object = None
    mandate: object = None
    declaration: object = None
    minutes: object = None
    annual_report: object = None
    assembly: object = None  # governance: a convened assembly in session, a poll, a document
    poll: object = None
    assembly_document: object = None
    platform_lesson: object = None  # a file lesson of A's platform course (global content)
    course_invitation_token: str = ""  # an outside participant's invitation link to A's session
    course_invitation: object = None
    participant_token: str = ""  # the signed link to that participant's own page
    volunteer: object = None  # resources: a volunteer with hours, staff, an item, premises with a document
    volunteer_hours: object = None
    staff: object = None
    asset: object = None
    premises: object = None
    premises_document: object = None
    plan: object = None  # planning: a plan, objective, programme, project, activity, indicator, measurement
    objective: object = None
    programme: object = None
    planning_project: object = None
    activity: object = None
    indicator: object = None
    measurement: object = None
    secrets: list[str] = field(default_factory=list)  # strings that must never reach another tenant


def build_tenant(label: str) -> Tenant:
    association = AssociationFactory(slug=f"assoc-{label}", name_fr=f"Association {label.upper()}")
    president = UserFactory(
        email=f"president-{label}@example.ma", full_name=f"President {label.upper()} Secretname"
    )
    treasurer = UserFactory(
        email=f"treasurer-{label}@example.ma", full_name=f"Treasurer {label.upper()} Hiddenname"
    )
    member = UserFactory(email=f"member-{label}@example.ma")
    roles = {
        "president": RoleFactory(association=association, user=president, kind=RoleKind.PRESIDENT),
        "treasurer": RoleFactory(association=association, user=treasurer, kind=RoleKind.TREASURER),
        "member": RoleFactory(association=association, user=member, kind=RoleKind.MEMBER),
    }
    tenant = Tenant(association, president, treasurer, member, roles)
    with association_scope(association):
        invitation, invitation_token = services.invitation_create(
            actor=president, email=f"invitee-{label}@example.ma", kind="treasurer", confirm_second_holder=True
        )
        token, raw = services.access_token_create(actor=president, name=f"token-of-{label}")
    tenant.invitation, tenant.invitation_token = invitation, invitation_token
    with association_scope(association):
        tenant.message = Message.objects.create(
            channel="email",
            to_address=f"outbox-{label}@example.ma",
            template_key="associations.invitation_reminder",
            language="en",
            dedup_key=f"fixture-{label}",
            status=Message.Status.FAILED,
            last_error="fixture failure",
        )
        tenant.document = Document.objects.create(
            kind="association_certificate",
            language="en",
            title="Certificate",
            snapshot={"secret": f"snapshot-secret-{label}"},
            file=save_private_file("documents", "fixture.pdf", f"%PDF-1.4 document-secret-{label}".encode()),
            sha256="0" * 64,
            status=Document.Status.READY,
            issued_by=president,
        )
        tenant.member_row = member_services.member_admit(
            actor=president,
            first_name_latin="Hidden",
            last_name_latin=f"Member{label.upper()}secret",
            phone="0612345678",
            cin=f"ZZ{ord(label[0]):06d}",
            email=f"register-{label}@example.ma",
        )
        member_services.consent_give(
            actor=president,
            member_id=tenant.member_row.pk,
            purpose="membership",
            wording="Management of my membership",
            language="en",
        )
        tenant.correction = member_services.correction_request_create(
            actor=president, member_id=tenant.member_row.pk, message=f"correction-secret-{label}"
        )
        tenant.member_import = MemberImport.objects.create(
            file=save_private_file("imports", "list.csv", f"nom,prenom\nImportsecret{label},x\n".encode()),
            original_name=f"import-secret-{label}.csv",
            row_count=1,
            created_by=president,
        )
        tenant.job = Job.objects.create(
            kind="associations.audit_export",
            requested_by=president,
            language="en",
            status=Job.Status.SUCCEEDED,
            result_file=save_private_file("jobs", "fixture.csv", f"job-secret-{label}".encode()),
            result_name="export.csv",
            result_content_type="text/csv",
        )
        # A draft announcement and a draft post with a photo: never shown to B, nor to the public.
        tenant.announcement = Announcement.objects.create(
            subject_fr=f"announcement-secret-{label}", body_fr="Body", created_by=president
        )
        tenant.post = Post.objects.create(title_fr=f"draft-post-secret-{label}", body_fr="Draft text")
        tenant.photo = PostPhoto.objects.create(
            post=tenant.post,
            file=save_private_file("posts", "photo.jpg", f"photo-secret-{label}".encode()),
            width=1,
            height=1,
            consent_confirmed=True,
        )
    tenant.access_token, tenant.access_token_raw = token, raw
    _build_books(tenant, label)
    _build_bank_statement(tenant, label)
    _build_dues(tenant, label)
    _build_training(tenant, label)
    _build_funding(tenant, label)
    _build_bureau(tenant, label)
    _build_governance(tenant, label)
    _build_resources(tenant, label)
    _build_planning(tenant, label)
    with association_scope(association):
        # The modules' builders queue real messages (receipts, convocations, reminders): settle them as
        # sent, so the outbox tests start with nothing waiting; the rows stay for the isolation sweep.
        Message.objects.filter(status=Message.Status.QUEUED).update(status=Message.Status.SENT)
    tenant.secrets = [
        president.email,
        treasurer.email,
        member.email,
        f"invitee-{label}@example.ma",
        f"President {label.upper()} Secretname",
        f"Treasurer {label.upper()} Hiddenname",
        f"token-of-{label}",
        f"outbox-{label}@example.ma",
        f"snapshot-secret-{label}",
        f"document-secret-{label}",
        f"job-secret-{label}",
        f"Member{label.upper()}secret",
        f"register-{label}@example.ma",
        f"correction-secret-{label}",
        f"import-secret-{label}",
        f"Importsecret{label}",
        f"ZZ{ord(label[0]):06d}",
        f"announcement-secret-{label}",
        f"draft-post-secret-{label}",
        f"photo-secret-{label}",
        f"ledger-secret-{label}",
        f"draft-secret-{label}",
        f"project-secret-{label}",
        f"scan-secret-{label}",
        f"grant-secret-{label}",
        f"donor-secret-{label}",
        f"bank-secret-{label}",
        f"payer-secret-{label}",
        f"Coursesecret{label}",
        f"lesson-file-secret-{label}",
        f"Lessonsecret{label}",
        f"branch-secret-{label}",
        f"minutes-secret-{label}",
        f"moral-secret-{label}",
        f"Assemblysecret{label}",
        f"assembly-document-secret-{label}",
        f"Pollsecret{label}",
        f"platform-lesson-secret-{label}",
        f"participant-{label}@example.ma",
        f"Volunteersecret{label}",
        f"hours-secret-{label}",
        f"Staffsecret{label}",
        f"asset-secret-{label}",
        f"premises-secret-{label}",
        f"premises-file-secret-{label}",
        f"Plansecret{label}",
        f"Programmesecret{label}",
        f"activity-secret-{label}",
        f"indicator-secret-{label}",
        f"measurement-secret-{label}",
    ]
    return tenant


def _build_bureau(tenant: Tenant, label: str) -> None:
    """A held assembly with its minutes and annual report, a mandate and an open declaration."""
    from datetime import timedelta

    from django.utils import timezone

    from governance.models import AnnualReport, Assembly, AssemblyStatus, Minutes
    from governance.services_bureau import mandate_record
    from governance.services_declarations import declaration_open

    president = tenant.president
    with association_scope(tenant.association):
        held = timezone.now() - timedelta(days=5)
        tenant.gov_assembly = Assembly.objects.create(
            title="AG", status=AssemblyStatus.CLOSED, first_call_at=held, opened_at=held, created_by=president
        )
        today = timezone.localdate()
        tenant.mandate = mandate_record(
            actor=president, member_id=tenant.member_row.pk, office="president", starts_on=today
        )
        tenant.declaration = declaration_open(
            actor=president,
            kind="branch",
            changed_on=timezone.localdate(),
            branch_name=f"branch-secret-{label}",
        )
        tenant.minutes = Minutes.objects.create(
            assembly=tenant.gov_assembly, text_fr=f"minutes-secret-{label}", drafted_by=president
        )
        tenant.annual_report = AnnualReport.objects.create(
            assembly=tenant.gov_assembly,
            fiscal_year=tenant.fiscal_year,
            moral_report_fr=f"moral-secret-{label}",
            created_by=president,
        )


def _build_books(tenant: Tenant, label: str) -> None:
    """A posted entry (with a project and a scan) and a draft in the association's books."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from finance import selectors as finance_selectors
    from finance.models import Account, Journal
    from finance.services import entries as entry_services
    from finance.services.projects import project_save

    with association_scope(tenant.association):
        year = finance_selectors.current_year()
        cash, dues = Account.objects.get(code="5161"), Account.objects.get(code="7152")
        journal = Journal.objects.get(code="CAI")
        project = project_save(
            actor=tenant.president,
            code=f"P{label.upper()}",
            name_ar="مشروع",
            name_fr=f"project-secret-{label}",
        )
        lines = [
            entry_services.LineInput(
                cash.pk, debit="150.00", label=f"ledger-secret-{label}", project_id=project.pk
            ),
            entry_services.LineInput(dues.pk, credit="150.00"),
        ]
        entry = entry_services.entry_create(
            actor=tenant.treasurer,
            journal_id=journal.pk,
            date=year.start_date,
            label=f"ledger-secret-{label}",
            lines=lines,
            post=True,
        )
        tenant.draft_entry = entry_services.entry_create(
            actor=tenant.treasurer,
            journal_id=journal.pk,
            date=year.start_date,
            label=f"draft-secret-{label}",
            lines=lines,
        )
        tenant.attachment = entry_services.attachment_add(
            actor=tenant.treasurer,
            entry_id=entry.pk,
            uploaded=SimpleUploadedFile(
                f"scan-secret-{label}.pdf", b"%PDF-1.4 scan-secret", "application/pdf"
            ),
        )
        tenant.entry, tenant.fiscal_year, tenant.ledger_account = entry, year, cash
        tenant.journal, tenant.project = journal, project


def _build_funding(tenant: Tenant, label: str) -> None:
    """A foreign grant with an instalment (so a declaration to the SGG) and a donor with a gift."""
    from finance.models import Account
    from finance.services import funding as funding_services

    with association_scope(tenant.association):
        day = tenant.fiscal_year.start_date
        cash = Account.objects.get(code="5161").pk
        funder = funding_services.funder_create(
            actor=tenant.treasurer, name=f"Funder {label}", funder_type="foreign_organisation"
        )
        tenant.grant = funding_services.grant_create(
            actor=tenant.treasurer, funder_id=funder.pk, name=f"grant-secret-{label}", amount_granted="900.00"
        )
        instalment = funding_services.instalment_record(
            actor=tenant.treasurer, grant_id=tenant.grant.pk, amount="300.00", received_on=day,
            account_id=cash,
        )  # fmt: skip
        tenant.foreign_declaration = instalment.declaration
        tenant.donor = funding_services.donor_create(
            actor=tenant.treasurer, kind="person", name=f"donor-secret-{label}", cin=f"Z{ord(label[0]):06d}"
        )
        funding_services.donation_record(
            actor=tenant.treasurer, donor_id=tenant.donor.pk, nature="cash", amount="20.00", received_on=day,
            account_id=cash,
        )  # fmt: skip


def _build_dues(tenant: Tenant, label: str) -> None:
    """A due of the member row, paid by someone else (a family payer), with its receipt."""
    from finance.models import Due
    from finance.services.payments import payment_record

    with association_scope(tenant.association):
        year = tenant.fiscal_year
        tenant.due = Due.objects.create(
            member=tenant.member_row, fiscal_year=year, amount="100.00", due_date=year.start_date
        )
        payment = payment_record(
            actor=tenant.treasurer,
            amount="100.00",
            method="cash",
            date=year.start_date,
            payer_name=f"payer-secret-{label}",
            member_ids=[tenant.member_row.pk],
            send_receipt=False,
        )
        tenant.receipt = payment.receipts.get()


def _build_bank_statement(tenant: Tenant, label: str) -> None:
    """An imported bank statement of the association's bank account, with one line."""
    from finance.models import Account
    from finance.services import bank

    with association_scope(tenant.association):
        account = Account.objects.get(code="5141")
        content = f"Date;Libellé;Débit;Crédit;Solde\n02/01/2026;bank-secret-{label};;150,00;150,00\n".encode()
        statement = bank.statement_upload(
            actor=tenant.treasurer,
            account_id=account.pk,
            filename=f"bank-secret-{label}.csv",
            content=content,
        )
        tenant.bank_statement = bank.statement_import(
            actor=tenant.treasurer, statement_id=statement.pk, mapping=statement.mapping
        )
        tenant.bank_line = tenant.bank_statement.lines.get()


def _build_training(tenant: Tenant, label: str) -> None:
    """A's course with a session and an enrolment with a certificate; a platform session (public)
    in which A's member is enrolled."""
    from datetime import timedelta

    from django.utils import timezone

    from accounts.models import User
    from training import services as training_services
    from training.models import Certificate, Lesson, Module, PlatformLesson, PlatformModule

    manager, _created = User.objects.get_or_create(
        email="training-manager@example.ma", defaults={"is_training_manager": True}
    )
    start = timezone.now() + timedelta(days=5)
    dates = [(start, start + timedelta(hours=6))]
    tenant.platform_course = training_services.platform_course_save(
        actor=manager, title_ar="دورة المنصة", title_fr=f"Platform course {label}", is_published=True
    )
    tenant.platform_session = training_services.platform_session_save(
        actor=manager, course_id=tenant.platform_course.pk, dates=dates, capacity=5
    )
    tenant.platform_lesson = PlatformLesson.objects.create(
        module=PlatformModule.objects.create(course=tenant.platform_course, title_ar="وحدة", title_fr="M"),
        title_ar="درس",
        title_fr="Platform lesson",
        kind="file",
        file=save_platform_private_file(
            "lessons", "p.pdf", f"%PDF-1.4 platform-lesson-secret-{label}".encode()
        ),
        file_kind="pdf",
        file_mime="application/pdf",
        file_size=40,
    )
    with association_scope(tenant.association):
        president = tenant.president
        tenant.course = training_services.course_save(
            actor=president, title_ar="دورة", title_fr=f"Coursesecret{label}", is_published=True
        )
        tenant.session = training_services.session_save(
            actor=president, course_id=tenant.course.pk, dates=dates, capacity=5
        )
        tenant.enrolment = training_services.enrolment_create(
            actor=president, member_id=tenant.member_row.pk, session_id=tenant.session.pk
        )
        training_services.enrolment_create(
            actor=president, member_id=tenant.member_row.pk, platform_session_id=tenant.platform_session.pk
        )
        tenant.certificate = Certificate.objects.create(
            member=tenant.member_row,
            course=tenant.course,
            enrolment=tenant.enrolment,
            document=tenant.document,
        )
        tenant.course_invitation, tenant.course_invitation_token = training_services.course_invitation_create(
            actor=president, session_id=tenant.session.pk, full_name=f"Outsider {label}",
            email=f"participant-{label}@example.ma",
        )  # fmt: skip
        tenant.participant_token = training_services.participant_page_token(
            tenant.course_invitation.participant
        )
        module = Module.objects.create(course=tenant.course, title_ar="وحدة", title_fr="Module")
        tenant.lesson = Lesson.objects.create(
            module=module,
            title_ar="درس",
            title_fr=f"Lessonsecret{label}",
            kind="file",
            file=save_private_file("lessons", "l.pdf", f"%PDF-1.4 lesson-file-secret-{label}".encode()),
            file_kind="pdf",
            file_mime="application/pdf",
            file_size=40,
        )


def _build_governance(tenant: Tenant, label: str) -> None:
    """A's assembly (convened long ago for today, in session, the member checked in) with a
    document, statute rules with the statutes' text, and an open secret poll."""
    import datetime

    from django.utils import timezone

    from governance import services as governance_services
    from governance.models import AssemblyDocument

    zone = timezone.get_current_timezone()
    nine = datetime.datetime.combine(timezone.localdate(), datetime.time(9)).replace(tzinfo=zone)
    president = tenant.president
    with association_scope(tenant.association):
        rules = governance_services.statute_rules_adopt(actor=president, values={"quorum_first_call": "none"})
        rules.statutes_file = save_private_file(
            "statutes", "s.pdf", f"%PDF-1.4 statutes-secret-{label}".encode()
        )
        rules.save(update_fields=["statutes_file"])
        assembly = governance_services.assembly_create(
            actor=president, values={"title": f"Assemblysecret{label}", "first_call_at": nine}
        )
        item = governance_services.agenda_item_add(
            actor=president, assembly_id=assembly.pk, kind="resolution", title="Accounts"
        )
        tenant.assembly_document = AssemblyDocument.objects.create(
            assembly=assembly,
            title="Report",
            file=save_private_file(
                "assemblies", "r.pdf", f"%PDF-1.4 assembly-document-secret-{label}".encode()
            ),
            original_name="report.pdf",
            uploaded_by=president,
        )
        governance_services.assembly_convene(
            actor=president, assembly_id=assembly.pk, now=nine - datetime.timedelta(days=30)
        )
        governance_services.assembly_open(actor=president, assembly_id=assembly.pk)
        governance_services.attendance_check_in(
            actor=president, assembly_id=assembly.pk, member_id=tenant.member_row.pk
        )
        tenant.poll = governance_services.poll_create(
            actor=president, agenda_item_id=item.pk, question=f"Pollsecret{label}"
        )
        governance_services.poll_open(actor=president, poll_id=tenant.poll.pk)
        assembly.refresh_from_db()
        tenant.assembly = assembly


def _build_resources(tenant: Tenant, label: str) -> None:
    """A volunteer with hours, a staff member, an inventory item and premises with a document."""
    from datetime import timedelta

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from resources import services as resource_services

    today = timezone.localdate()
    with association_scope(tenant.association):
        actor = tenant.president
        resource_services.hourly_value_set(actor=actor, hourly_value="20.00")
        tenant.volunteer = resource_services.volunteer_save(
            actor=actor, name_latin=f"Volunteersecret{label}", skills="Cooking"
        )
        tenant.volunteer_hours = resource_services.hours_record(
            actor=actor,
            volunteer_id=tenant.volunteer.pk,
            day=today - timedelta(days=1),
            hours="3",
            activity=f"hours-secret-{label}",
        )
        tenant.staff = resource_services.staff_save(
            actor=actor,
            name_latin=f"Staffsecret{label}",
            job_title="Coordinator",
            contract="permanent",
            starts_on=today - timedelta(days=100),
        )
        tenant.asset = resource_services.asset_save(
            actor=actor,
            name=f"asset-secret-{label}",
            value="100.00",
            acquired_on=today,
            acquisition="donated",
        )
        tenant.premises = resource_services.premises_save(
            actor=actor, name=f"premises-secret-{label}", kind="lent_commune"
        )
        tenant.premises_document = resource_services.premises_document_add(
            actor=actor, premises_id=tenant.premises.pk, title="Lease",
            uploaded=SimpleUploadedFile("lease.pdf", f"%PDF-1.4 premises-file-secret-{label}".encode(),
                                        "application/pdf"),
        )  # fmt: skip


def _build_planning(tenant: Tenant, label: str) -> None:
    """A plan with an objective and a programme, a project (on the finance project) with an activity,
    an indicator and a measurement."""
    from datetime import timedelta

    from django.utils import timezone

    from planning.models import Activity, Indicator, Measurement, Objective, Plan, Programme, Project

    today = timezone.localdate()
    with association_scope(tenant.association):
        tenant.plan = Plan.objects.create(
            title_fr=f"Plansecret{label}",
            starts_year=today.year,
            ends_year=today.year + 2,
            created_by=tenant.president,
        )
        tenant.objective = Objective.objects.create(plan=tenant.plan, code="O1", text_fr="Objective")
        tenant.programme = Programme.objects.create(
            objective=tenant.objective, code="P1", title_fr=f"Programmesecret{label}"
        )
        tenant.planning_project = Project.objects.create(
            finance_project=tenant.project, programme=tenant.programme, beneficiaries_planned=10
        )
        tenant.activity = Activity.objects.create(
            project=tenant.planning_project,
            title_fr=f"activity-secret-{label}",
            starts_on=today - timedelta(days=10),
            ends_on=today + timedelta(days=10),
        )
        tenant.indicator = Indicator.objects.create(
            project=tenant.planning_project, name_fr=f"indicator-secret-{label}", unit="people", target=100
        )
        tenant.measurement = Measurement.objects.create(
            indicator=tenant.indicator,
            measured_on=today,
            value=5,
            note=f"measurement-secret-{label}",
            recorded_by=tenant.president,
        )


@pytest.fixture
def tenant_a(db) -> Tenant:
    return build_tenant("a")


@pytest.fixture
def tenant_b(db) -> Tenant:
    return build_tenant("b")


@pytest.fixture
def scope_a(tenant_a):
    with association_scope(tenant_a.association):
        yield tenant_a


def role_count(association) -> int:
    with association_scope(association):
        return Role.objects.count()
