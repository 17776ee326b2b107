"""The OpenAPI schema at /api/schema/ tells the truth (issue 7, item 15).

schemathesis reads the schema and calls every operation in-process (WSGI), as the president of A
with a personal access token: valid and invalid inputs, boundary values, then random ones. Every
answer must be documented (status code, content type, body shape, in the one error format) and
invalid input must be refused. Deterministic (a fixed derandomised generation, no example
database) and bounded in size, so it runs in well under a minute.
"""

from __future__ import annotations

import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

CONFIG = """
[generation]
mode = "all"
deterministic = true
database = "none"
max-examples = 8

[phases.examples]
enabled = false
[phases.stateful]
enabled = false

# A business rule may refuse input the schema allows: a category id that is not the association's,
# a second pending invitation to one address, removing the last president, a status that may not
# follow the current one. Those are documented 400s in the one error format, not schema lies.
[checks.positive_data_acceptance]
expected-statuses = ["2xx", "400", "401", "403", "404", "409"]
"""


def served_schema() -> dict:
    """What /api/schema/ serves (the same generator, without a request: collection has no database)."""
    from drf_spectacular.generators import SchemaGenerator
    from rest_framework.utils import encoders

    return json.loads(
        json.dumps(SchemaGenerator().get_schema(request=None, public=True), cls=encoders.JSONEncoder)
    )


schema = schemathesis.openapi.from_dict(served_schema(), config=schemathesis.Config.from_str(CONFIG))
schema.app = get_wsgi_application()  # calls go to the application in-process, inside the test's transaction


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Calls go straight to the WSGI handler, which closes the database connection after each
    request; the test's transaction lives on that connection. Django's test client disconnects
    this for the same reason."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(suppress_health_check=list(HealthCheck), deadline=None)
def test_every_answer_is_documented_in_the_schema(case, tenant_a):
    if case.path_parameters and "association_slug" in case.path_parameters:
        case.path_parameters["association_slug"] = tenant_a.association.slug
    case.call_and_validate(headers={"Authorization": f"Bearer {tenant_a.access_token_raw}"})


def test_lists_are_typed_as_lists_and_creation_as_201():
    paths = served_schema()["paths"]
    members = "/api/v1/associations/{association_slug}/members/"
    invitations = "/api/v1/associations/{association_slug}/invitations/"
    roles = "/api/v1/associations/{association_slug}/roles/"

    def body(path, method, code):
        return paths[path][method]["responses"][code]["content"]["application/json"]["schema"]

    assert body(members, "get", "200") == {"$ref": "#/components/schemas/PaginatedMemberList"}
    assert body(invitations, "get", "200")["type"] == body(roles, "get", "200")["type"] == "array"
    assert "201" in paths[members]["post"]["responses"] and "200" not in paths[members]["post"]["responses"]
    assert "201" in paths[invitations]["post"]["responses"]


def test_every_operation_documents_its_errors_in_the_one_error_format():
    spec = served_schema()
    error = {"$ref": "#/components/schemas/Error"}
    assert spec["components"]["schemas"]["Error"]["properties"]["error"]["$ref"].endswith("/ErrorDetail")
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            expected = {"404"} if "{" in path else set()
            if {} not in operation.get("security", [{}]):  # {}: anonymous allowed (public endpoints)
                expected |= {"401", "403"}
            if method in ("post", "put", "patch", "delete"):
                expected.add("400")
            assert expected <= set(responses), (method, path, sorted(responses))
            for code in expected:
                assert responses[code]["content"]["application/json"]["schema"] == error, (method, path, code)


def test_bodies_are_json_and_booleans_are_booleans(tenant_a):
    from django.test import Client

    from associations.models import Invitation
    from associations.tenancy import association_scope

    api = Client(headers={"Authorization": f"Bearer {tenant_a.access_token_raw}", "Accept-Language": "en"})
    url = f"/api/v1/associations/{tenant_a.association.slug}/invitations/"
    # Multipart, as a browser form: not read (a middleware that looks for NUL bytes has consumed the
    # stream, so DRF sees no body rather than an unsupported one), so refused, never acted on.
    form = api.post(url, {"email": "form@example.ma", "kind": "member"})
    assert form.status_code in (400, 415)
    encoded = api.post(
        url, "email=form%40example.ma&kind=member", content_type="application/x-www-form-urlencoded"
    )
    assert encoded.status_code in (400, 415)
    number = api.post(url, {"email": "zero@example.ma", "kind": "member", "confirm_second_holder": 0},
                      content_type="application/json")  # fmt: skip
    assert number.status_code == 400 and "confirm_second_holder" in number.json()["error"]["fields"]
    ok = api.post(url, {"email": "ok@example.ma", "kind": "member", "confirm_second_holder": False},
                  content_type="application/json")  # fmt: skip
    assert ok.status_code == 201
    with association_scope(tenant_a.association):
        assert not Invitation.objects.filter(email__in=["form@example.ma", "zero@example.ma"]).exists()


def test_the_schema_is_generated_without_warnings():
    """`check --deploy --fail-level WARNING` (CI, the web container) fails on any schema warning:
    an under-specified field or two operations sharing an operationId."""
    from drf_spectacular.drainage import GENERATOR_STATS, reset_generator_stats
    from drf_spectacular.generators import SchemaGenerator

    reset_generator_stats()
    with GENERATOR_STATS.silence():
        SchemaGenerator().get_schema(request=None, public=True)
    assert dict(GENERATOR_STATS._warn_cache) == {} and dict(GENERATOR_STATS._error_cache) == {}
