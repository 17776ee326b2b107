"""Layer 3: every URL under /a/<slug>/ and /api/v1/, found in the resolver, requested with every
HTTP method as an officer of association B against A's slug and A's object ids.

Never a 2xx, never a byte of A's private data in the body, and A's data unchanged afterwards.
A new pattern is swept without editing this file; a pattern whose parameters the sweep cannot
fill fails the test (add A's object to `fillers()`), it is never skipped.
"""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from associations.models import Association
from associations.tenancy import association_scope, tenant_models

METHODS = ["GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"]
SWEPT_PREFIXES = ("a/<slug:association_slug>/", "api/v1/")
# Bodies a careless view would happily act on: if scoping broke, these writes would succeed.
FORM_BODY = "kind=member&email=sweep%40example.ma&name=sweep&name_fr=Hijacked&name_ar=x"
JSON_BODY = json.dumps(
    {"kind": "member", "email": "sweep@example.ma", "name": "sweep", "name_fr": "Hijacked"}
)
PARAM = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")


def all_patterns(patterns=None, prefix: str = ""):
    """(full route, pattern) for every URL the resolver knows."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            yield from all_patterns(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


def swept_patterns() -> list[tuple[str, URLPattern]]:
    return [(route, entry) for route, entry in all_patterns() if route.startswith(SWEPT_PREFIXES)]


def fillers(tenant, slug: str) -> dict[str, str]:
    """A's object for every URL parameter name the project uses."""
    return {
        "association_slug": slug,
        "role_id": str(tenant.roles["president"].pk),
        "invitation_id": str(tenant.invitation.pk),
        "token": tenant.invitation_token,
        "token_id": str(tenant.access_token.pk),
        "message_id": str(tenant.message.pk),
        "document_id": str(tenant.document.pk),
        "job_id": str(tenant.job.pk),
        "member_id": str(tenant.member_row.pk),
        "request_id": str(tenant.correction.pk),
        "document_token": tenant.document.token,
        "import_id": str(tenant.member_import.pk),
        "announcement_id": str(tenant.announcement.pk),
        "post_id": str(tenant.post.pk),
        "photo_id": str(tenant.photo.pk),
        "entry_id": str(tenant.entry.pk),
        "draft_id": str(tenant.draft_entry.pk),
        "year_id": str(tenant.fiscal_year.pk),
        "account_id": str(tenant.ledger_account.pk),
        "journal_id": str(tenant.journal.pk),
        "project_id": str(tenant.project.pk),
        "attachment_id": str(tenant.attachment.pk),
        "statement_id": str(tenant.bank_statement.pk),
        "bank_line_id": str(tenant.bank_line.pk),
        "course_id": str(tenant.course.pk),
        "session_id": str(tenant.session.pk),
        # A platform session is public, but A's officers' page of it lists A's learners only, and
        # exists only for an association with learners in it (B has none in A's).
        "platform_session_id": str(tenant.platform_session.pk),
        "enrolment_id": str(tenant.enrolment.pk),
        "certificate_id": str(tenant.certificate.pk),
        "course_token": tenant.platform_course.public_token,
        "lesson_id": str(tenant.lesson.pk),
        "volunteer_id": str(tenant.volunteer.pk),
        "hours_id": str(tenant.volunteer_hours.pk),
        "staff_id": str(tenant.staff.pk),
        "asset_id": str(tenant.asset.pk),
        "premises_id": str(tenant.premises.pk),
        "premises_document_id": str(tenant.premises_document.pk),
        # The ministry's own pages (aggregates, outside any association): a table, a format, a report.
        "key": "areas",
        "fmt": "csv",
        "national_report_id": "1",
        "grant_id": str(tenant.grant.pk),
        "funder_id": str(tenant.grant.funder_id),
        "donor_id": str(tenant.donor.pk),
        "foreign_declaration_id": str(tenant.foreign_declaration.pk),
        "due_id": str(tenant.due.pk),
        "receipt_id": str(tenant.receipt.pk),
        # The payer's signed link to a receipt's PDF is the key itself (like an invitation token):
        # what a stranger can make is A's ids under a signature of their own, which must give nothing.
        "receipt_signature": f"{tenant.association.pk}.{tenant.receipt.pk}:1xXic5:not-signed-by-wasl",
        "mandate_id": str(tenant.mandate.pk),
        "declaration_id": str(tenant.declaration.pk),
        "minutes_id": str(tenant.minutes.pk),
        "report_id": str(tenant.annual_report.pk),
        "assembly_id": str(tenant.assembly.pk),
        "poll_id": str(tenant.poll.pk),
        "assembly_document_id": str(tenant.assembly_document.pk),
        "rules_id": str(tenant.assembly.rules_id),
        "step": "quorum",
        # A's platform course's lesson: global content, opened only to learners seated in it.
        "platform_course_id": str(tenant.platform_course.pk),
        "platform_lesson_id": str(tenant.platform_lesson.pk),
        # The outside participant's link (public: the token is the key; it shows no address and
        # takes a place only with the invitee's confirmation).
        "invitation_token": tenant.course_invitation_token,
        "course_invitation_id": str(tenant.course_invitation.pk),
        "participant_id": str(tenant.course_invitation.participant_id),
        # The participant's own page (public: the signed link is the key; it shows no address) and
        # a certificate that is not theirs (A's member's): 404.
        "participant_token": tenant.participant_token,
        "participant_certificate_id": str(tenant.certificate.pk),
        # planning
        "plan_id": str(tenant.plan.pk),
        "objective_id": str(tenant.objective.pk),
        "programme_id": str(tenant.programme.pk),
        "planning_project_id": str(tenant.planning_project.pk),
        "activity_id": str(tenant.activity.pk),
        "indicator_id": str(tenant.indicator.pk),
        "measurement_id": str(tenant.measurement.pk),
    }


def fill(route: str, values: dict[str, str]) -> str:
    if "(?P<" in route or "^" in route:
        pytest.fail(f"/{route}: regex route; the sweep fills only path() routes")

    def substitute(match):
        name = match.group("name")
        if name not in values:
            pytest.fail(f"The sweep cannot fill <{name}> in /{route}: add A's object to fillers()")
        return values[name]

    return "/" + PARAM.sub(substitute, route)


def object_params(route: str) -> set[str]:
    return {m.group("name") for m in PARAM.finditer(route)} - {"association_slug"}


def is_public(pattern: URLPattern) -> bool:
    view_class = getattr(pattern.callback, "view_class", None)
    return bool(getattr(view_class, "public_endpoint", False))


def snapshot(association: Association) -> dict:
    """Every row of every tenant model of the association (found by introspection), and its own row."""
    with association_scope(association):
        state = {"association": Association.objects.filter(pk=association.pk).values().get()}
        for model in tenant_models():
            state[model._meta.label] = sorted(map(repr, model.objects.values()))
    return state


def request(client: Client, method: str, path: str, *, api: bool, headers: dict | None = None):
    body = JSON_BODY if api else FORM_BODY
    content_type = "application/json" if api else "application/x-www-form-urlencoded"
    return client.generic(
        method,
        path,
        data=body if method not in {"GET", "HEAD"} else "",
        content_type=content_type,
        headers=headers or {},
    )


def assert_no_leak(response, tenant, where: str) -> None:
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    body = raw.decode("utf-8", errors="replace")
    for secret in tenant.secrets:
        assert secret not in body, f"{where}: body contains A's data {secret!r}"


def test_the_sweep_finds_the_tenant_urls():
    routes = {route for route, _ in swept_patterns()}
    assert "a/<slug:association_slug>/roles/<int:role_id>/revoke/" in routes
    assert "api/v1/associations/<slug:association_slug>/roles/<int:role_id>/" in routes
    assert len(routes) >= 15


def ministry_reviewer():
    """A ministry reviewer (platform role, aggregates only) who holds no role in any association."""
    from accounts.models import User

    return User.objects.get_or_create(
        email="reviewer@sweep.gov.ma", defaults={"full_name": "Reviewer", "is_ministry_reviewer": True}
    )[0]


def attacker_clients(tenant_b, attacker: str, api: bool) -> list[tuple[Client, dict]]:
    if attacker == "anonymous":
        return [(Client(), {})]
    if attacker == "reviewer":
        session = Client()
        session.force_login(ministry_reviewer())
        return [(session, {})]
    session = Client()
    session.force_login(getattr(tenant_b, attacker))
    clients = [(session, {})]
    if api and attacker == "president":  # B's president also holds a personal access token of B
        clients.append((Client(), {"Authorization": f"Bearer {tenant_b.access_token_raw}"}))
    return clients


@pytest.mark.django_db
@pytest.mark.parametrize("attacker", ["president", "member", "anonymous", "reviewer"])
def test_b_gets_nothing_of_a(tenant_a, tenant_b, attacker):
    before = snapshot(tenant_a.association)
    checked = 0
    for route, pattern in swept_patterns():
        api = route.startswith("api/")
        in_association = "association_slug" in route  # else a per-person route such as /api/v1/me/…
        for slug, must_fail in (
            (tenant_a.association.slug, in_association),  # A's workspace, A's objects
            (tenant_b.association.slug, in_association and bool(object_params(route))),  # B's, A's objects
        ):
            path = fill(route, fillers(tenant_a, slug))
            for client, headers in attacker_clients(tenant_b, attacker, api):
                for method in METHODS:
                    response = request(client, method, path, api=api, headers=headers)
                    where = f"{attacker} {method} {path} ({'token' if headers else 'session'})"
                    assert response.status_code < 500, f"{where}: {response.status_code}"
                    if must_fail and not is_public(pattern):
                        assert not 200 <= response.status_code < 300, (
                            f"{where}: answered {response.status_code}"
                        )
                    assert_no_leak(response, tenant_a, where)
                    checked += 1
    assert checked > 100
    assert snapshot(tenant_a.association) == before, "a request as B changed A's data"


PROJECT_MODULES = {
    *("accounts", "associations", "members", "finance", "governance"),
    *("training", "notifications", "ministry", "config", "documents", "jobs", "communication"),
    "resources",
}


def person_and_public_patterns() -> list[tuple[str, URLPattern]]:
    """The project's own routes outside /a/ and /api/v1/ (directory, /me/, onboarding, …)."""
    return [
        (route, entry)
        for route, entry in all_patterns()
        if not route.startswith(SWEPT_PREFIXES)
        and getattr(entry.callback, "__module__", "").split(".")[0] in PROJECT_MODULES
    ]


@pytest.mark.django_db
def test_person_and_public_pages_show_b_nothing_of_a(tenant_a, tenant_b):
    before = snapshot(tenant_a.association)
    routes = person_and_public_patterns()
    assert {"", "me/", "associations/new/", "p/<slug:association_slug>/"} <= {route for route, _ in routes}
    for attacker in ("president", "anonymous", "reviewer"):
        for route, _pattern in routes:
            path = fill(route, fillers(tenant_a, tenant_a.association.slug))
            for client, headers in attacker_clients(tenant_b, attacker, api=False):
                for method in METHODS:
                    response = request(client, method, path, api=False, headers=headers)
                    where = f"{attacker} {method} {path}"
                    assert response.status_code < 500, f"{where}: {response.status_code}"
                    assert_no_leak(response, tenant_a, where)
    assert snapshot(tenant_a.association) == before


@pytest.mark.django_db
def test_a_ministry_reviewer_gets_404_on_every_workspace_url(tenant_a):
    """Reviewers see aggregates only: every /a/<slug>/ URL of an association they hold no role in
    is a 404, whatever the method (issue 14)."""
    from ministry.rollup import rebuild

    rebuild()
    client = Client()
    client.force_login(ministry_reviewer())
    checked = not_found = 0
    for route, _pattern in swept_patterns():
        if not route.startswith("a/"):
            continue
        path = fill(route, fillers(tenant_a, tenant_a.association.slug))
        for method in METHODS:
            response = request(client, method, path, api=False)
            # A view refuses a method it does not take (405) before any lookup: that reveals nothing.
            assert response.status_code in {404, 405}, f"reviewer {method} {path}: {response.status_code}"
            checked += 1
            not_found += response.status_code == 404
    assert checked > 100 and not_found > checked // 2
    assert client.get("/ministry/").status_code == 200  # the sweep can fail: their own page opens


@pytest.mark.django_db
def test_sweep_requests_succeed_for_as_own_officer(tenant_a):
    """The sweep must be able to fail: the same URLs answer 2xx for A's own president (GET)."""
    client = Client()
    client.force_login(tenant_a.president)
    ok = 0
    for route, _pattern in swept_patterns():
        if "<str:token>" in route:
            continue  # the invitation link is for the invitee's e-mail only
        response = client.get(fill(route, fillers(tenant_a, tenant_a.association.slug)))
        if response.status_code == 200:
            ok += 1
    assert ok >= 8
