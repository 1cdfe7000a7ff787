"""Remote identification: `POST /api/v1/lookup` — hashes, or one file hashed in memory.

JSON: `{"hashes": [{"type": "sha256", "value": "…"}, …], "max_distance": 31}` answers one result
per hash; `type` is any registered signal (`netsafe.signals.registry`). `multipart/form-data`
with a `file` field: the file is read into memory (never written to disk: the upload parser is
capped below its spill size), fingerprinted like `netsafe match` (MD5, SHA-1, SHA-256, PDQ and
every other registered signal that applies) and matched; its bytes are dropped when the request
ends. The matcher
is the hash-list engine (`hashlists.matcher.ListMatcher`) over the saved index (NETSAFE_HOME/index,
memory-mapped: the server's workers share one copy), brought up to date with the stored lists at
most once a second (`index_sync.apply_changes`).
"""

from __future__ import annotations

import io
from collections.abc import AsyncGenerator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from pydantic import BaseModel, Field, ValidationError, field_validator
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser
from starlette.requests import ClientDisconnect

from netsafe.hashlists.matcher import MatchOutcome
from netsafe.platform.roles import POLICE_ROLES, Viewer
from netsafe.signals import registry
from netsafe.signals.fingerprint import fingerprint_stream
from netsafe.web.auditor import AuditDep
from netsafe.web.deps import SessionDep
from netsafe.web.lists_index import lists_index
from netsafe.web.policy import allow

MAX_UPLOAD_BYTES = 64 * 1024 * 1024
MAX_HASHES = 1000
#: The longest value accepted (a video signal's serialisation holds a hash per sampled frame).
MAX_VALUE_CHARS = 1_000_000

router = APIRouter(tags=["lookup"])


class HashQuery(BaseModel):
    """One hash to look up: its type (a registered signal: md5, sha1, sha256, pdq, ...) and
    value (hex for the hashes)."""

    type: str = Field(min_length=1, max_length=40)
    value: str = Field(min_length=1, max_length=MAX_VALUE_CHARS)

    @field_validator("type")
    @classmethod
    def _registered(cls, value: str) -> str:
        if value not in registry.signal_names():
            raise ValueError(f"unknown hash type: use one of {', '.join(registry.signal_names())}")
        return value


class LookupIn(BaseModel):
    """Hashes to look up; `max_distance` overrides every list's PDQ distance."""

    hashes: list[HashQuery] = Field(min_length=1, max_length=MAX_HASHES)
    max_distance: int | None = Field(None, ge=0, le=256)


class _InMemoryMultiPartParser(MultiPartParser):
    """Never spills an upload to a temporary file: bodies are capped below this size."""

    spool_max_size = MAX_UPLOAD_BYTES + 1024 * 1024


async def _capped_body(request: Request) -> AsyncGenerator[bytes, None]:
    received = 0
    async for chunk in request.stream():
        received += len(chunk)
        if received > MAX_UPLOAD_BYTES + 64 * 1024:
            raise HTTPException(413, detail=f"the file is larger than {MAX_UPLOAD_BYTES:,} bytes")
        yield chunk


async def _uploaded_file(request: Request) -> tuple[str, bytes]:
    parser = _InMemoryMultiPartParser(
        request.headers, _capped_body(request), max_files=1, max_fields=10
    )
    try:
        form = await parser.parse()
    except ClientDisconnect:
        raise HTTPException(400, detail="the client went away before sending the file") from None
    except MultiPartException as error:
        raise HTTPException(400, detail=str(error)) from None
    upload = form.get("file")
    if not isinstance(upload, UploadFile):
        raise HTTPException(422, detail="file: send the file in a multipart field named `file`")
    try:
        return upload.filename or "upload", await upload.read()
    finally:
        await upload.close()


def _outcome_json(outcome: MatchOutcome) -> dict[str, object]:
    return outcome.as_json()


LOOKUP_OPENAPI = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": LookupIn.model_json_schema()},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"file": {"type": "string", "format": "binary"}},
                    "required": ["file"],
                }
            },
        },
    }
}


@router.post("/api/v1/lookup", openapi_extra=LOOKUP_OPENAPI)
async def lookup(
    request: Request,
    viewer: Annotated[Viewer, Depends(allow(*POLICE_ROLES))],
    session: SessionDep,
    auditor: AuditDep,
) -> dict[str, Any]:
    """Match hashes (JSON) or one file (multipart, hashed in memory, never stored)."""
    index = lists_index(request)
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        name, data = await _uploaded_file(request)
        fingerprint = await run_in_threadpool(fingerprint_stream, io.BytesIO(data), path=name)
        del data
        outcome: MatchOutcome = await run_in_threadpool(
            index.match, session, lambda m: m.match(fingerprint)
        )
        auditor.record(
            "lookup.file", "hash", fingerprint.sha256, detail=f"{len(outcome.matches)} matches"
        )
        return {
            "file": {
                "size": fingerprint.size,
                "md5": fingerprint.md5,
                "sha1": fingerprint.sha1,
                "sha256": fingerprint.sha256,
                "pdq": fingerprint.pdq,
                "pdq_quality": fingerprint.pdq_quality,
                **fingerprint.signals,
                "error": fingerprint.error,
            },
            **_outcome_json(outcome),
        }
    try:
        body = LookupIn.model_validate_json(await request.body())
    except ClientDisconnect:
        raise HTTPException(400, detail="the client went away before sending the body") from None
    except ValidationError as error:
        raise HTTPException(
            422, detail=error.errors(include_url=False, include_input=False, include_context=False)
        ) from None

    def run(matcher: Any) -> list[dict[str, Any]]:
        results = []
        for item in body.hashes:
            try:
                outcome = matcher.match_values(
                    {item.type: item.value}, max_distance=body.max_distance
                )
            except ValueError as error:
                raise HTTPException(
                    422, detail=f"hashes: {item.type} value {item.value!r}: {error}"
                ) from None
            value = registry.get(item.type).normalize(item.value)
            results.append({"type": item.type, "value": value, **outcome.as_json()})
        return results

    results = await run_in_threadpool(index.match, session, run)
    matched = sum(1 for r in results if r["matches"])
    auditor.record(
        "lookup.hashes", "hash", None, detail=f"{len(results)} hashes, {matched} matched"
    )
    return {"results": results}
