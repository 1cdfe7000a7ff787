"""The OpenAPI description is true (issue 16 point 11): schemathesis sends generated requests to
every operation of the app, as an investigator, and finds no 5xx, no undocumented status, and
no answer outside its documented schema; every `$ref` resolves; a 405 says what is `Allow`ed."""

from __future__ import annotations

import json
import re

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import (
    allow_header_conformance,
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import Engine

from netsafe.platform.roles import Role
from netsafe.settings import Settings
from netsafe.web.app import create_app
from tests.web.trust_support import bearer

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    allow_header_conformance,
]
#: Examples per operation: the whole run stays under a minute on a loaded two-core machine.
EXAMPLES = 5


@pytest.mark.slow
def test_every_operation_answers_as_documented(settings: Settings, engine: Engine) -> None:
    app = create_app(settings)
    headers = bearer(engine, settings, "gwent.inv", "gwent", Role.INVESTIGATOR)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 40
    for operation in operations:

        @given(case=operation.as_strategy())
        @hypothesis_settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case: schemathesis.Case) -> None:
            case.call_and_validate(headers=headers, checks=CHECKS)

        try:
            check()
        except Exception as error:  # every operation's failure is collected, then reported
            failures.append(f"{operation.label}: {str(error)[:600]}")
    assert not failures, "\n\n".join(failures)


def test_every_reference_resolves_and_errors_share_one_shape(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    refs = set(re.findall(r'"\$ref": "([^"]+)"', json.dumps(document)))
    schemas = document["components"]["schemas"]
    assert refs
    for ref in refs:
        assert ref.startswith("#/components/schemas/"), ref
        assert ref.removeprefix("#/components/schemas/") in schemas, ref
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            assert "422" in responses, (method, path)
            if operation.get("security"):
                assert {"401", "403", "404"} <= set(responses), (method, path)
            if method in ("post", "put"):
                assert {"409", "413"} <= set(responses), (method, path)
            for status, answer in responses.items():
                if status.startswith(("4", "5")):
                    content = answer["content"]["application/json"]["schema"]
                    assert content == {"$ref": "#/components/schemas/ErrorAnswer"}, (path, status)


def test_no_two_routes_answer_one_method_and_path(settings: Settings) -> None:
    """The first route on a method and path answers; a second never would, yet /openapi.json
    describes the last one (the exhibit list was documented without its filters)."""
    from collections import Counter

    from netsafe.web.policy import declared_routes

    served = Counter(
        (method, route.path)
        for route in declared_routes(create_app(settings))
        for method in route.methods
    )
    assert served[("GET", "/api/v1/referrals")] == 1
    assert [key for key, count in served.items() if count > 1] == []


def test_the_exhibit_list_is_documented_with_its_filters(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    listing = document["paths"]["/api/v1/exhibits"]["get"]
    names = {parameter["name"] for parameter in listing["parameters"]}
    assert {"triage", "force", "min_age_days", "max_age_days", "limit", "offset"} <= names
    assert "ExhibitLineOut" in json.dumps(listing["responses"]["200"])


def test_a_405_says_what_is_allowed(client: TestClient) -> None:
    answer = client.delete("/api/v1/referrals")
    assert answer.status_code == 405
    assert set(answer.headers["allow"].replace(" ", "").split(",")) >= {"GET", "POST"}
    assert answer.json()["code"] == "method_not_allowed"


def test_a_unique_conflict_is_409(settings: Settings) -> None:
    """A write meeting a unique constraint answers 409 with the one error shape (never 500)."""
    from sqlalchemy.exc import IntegrityError

    app = create_app(settings)

    def clash() -> None:
        raise IntegrityError("INSERT ...", {}, Exception("UNIQUE constraint failed"))

    app.add_api_route("/api/v1/test-clash", clash, methods=["POST"])
    answer = TestClient(app).post("/api/v1/test-clash")
    assert answer.status_code == 409
    assert answer.json()["code"] == "conflict"
    assert "UNIQUE" not in answer.text
