"""The OpenAPI description, made true to what the app answers (`install_openapi(app)`).

FastAPI documents a route's success and its 422; the app also answers, for every route, errors
no route declares: the input guard's 400/413/415/422 (`input_guard.py`), 401/403 from the access
policy, 404 for a record the caller may not see, 409 when a write meets a unique constraint,
429 from the rate limits. `true_openapi` adds each error where it can happen, all in the one
error shape (`ErrorAnswer`: `{"detail": ..., "code": ...}`), and moves the `$defs` that
hand-written request schemas carry into `components/schemas`, so every `$ref` resolves.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from netsafe.web.error_codes import ErrorAnswer

ERROR_REF = "#/components/schemas/ErrorAnswer"
WRITE_METHODS = frozenset({"post", "put", "patch", "delete"})
ERRORS = {
    "400": "The request is malformed (a Content-Length that is not a number).",
    "401": "No valid token or session.",
    "403": "The caller's role may not do this.",
    "404": "No such record, or one the caller may not see (the answer is the same).",
    "409": "The write conflicts with a stored record (a reference already used).",
    "413": "The request body is larger than this route takes.",
    "415": "A media type this route does not take (a file where none is expected).",
    "422": "The input is invalid: which field and why, never the values sent.",
    "429": "Too many calls from this client: please try again later.",
}


def _errors_of(path: str, method: str, operation: dict[str, Any]) -> list[str]:
    """The error statuses an operation can answer."""
    statuses = ["422"]  # the guard refuses unstorable text in any path or query string
    if operation.get("security"):
        statuses += ["401", "403"]
    if "{" in path or operation.get("security"):
        statuses.append("404")
    if method in WRITE_METHODS:
        statuses += ["400", "409", "413", "415"]
    return statuses


def _move_defs(node: Any, schemas: dict[str, Any]) -> Any:
    """`node` with each nested `$defs` moved into `schemas` and its refs pointed there."""
    if isinstance(node, dict):
        for name, schema in node.pop("$defs", {}).items():
            schemas.setdefault(name, _move_defs(schema, schemas))
        return {key: _move_defs(value, schemas) for key, value in node.items()}
    if isinstance(node, list):
        return [_move_defs(item, schemas) for item in node]
    if isinstance(node, str) and node.startswith("#/$defs/"):
        return "#/components/schemas/" + node.removeprefix("#/$defs/")
    return node


def true_openapi(app: FastAPI) -> dict[str, Any]:
    """The app's OpenAPI document with every error documented and every reference resolving."""
    document = get_openapi(
        title=app.title,
        version=app.version,
        description=app.description,
        routes=app.routes,
    )
    components = document.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    error_schema = ErrorAnswer.model_json_schema(ref_template="#/components/schemas/{model}")
    for name, schema in error_schema.pop("$defs", {}).items():
        schemas[name] = schema
    schemas["ErrorAnswer"] = error_schema
    for path, operations in document.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for status in _errors_of(path, method, operation):
                described = responses.get(status, {}).get("description") or ERRORS[status]
                responses[status] = {
                    "description": described,
                    "content": {"application/json": {"schema": {"$ref": ERROR_REF}}},
                }
            for status, answer in responses.items():  # the routes' own errors too
                if status.startswith(("4", "5")):
                    answer["content"] = {"application/json": {"schema": {"$ref": ERROR_REF}}}
    moved: dict[str, Any] = {}
    document["paths"] = _move_defs(document.get("paths", {}), moved)
    for name, schema in list(schemas.items()):
        schemas[name] = _move_defs(schema, moved)
    for name, schema in moved.items():
        schemas.setdefault(name, schema)
    text = json.dumps(document)
    for unused in ("HTTPValidationError", "ValidationError"):
        if f'/{unused}"' not in text:
            schemas.pop(unused, None)
    return document


def install_openapi(app: FastAPI) -> None:
    """Serve `true_openapi(app)` at /openapi.json (built once, on first request)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = true_openapi(app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
