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
import math
import threading
import time
from collections.abc import AsyncGenerator
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from pydantic import BaseModel, Field, ValidationError, field_validator
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser
from starlette.requests import ClientDisconnect

from netsafe.hashlists.index_sync import ListIndex, apply_changes, sync_index
from netsafe.hashlists.matcher import MatchOutcome
from netsafe.platform.roles import POLICE_ROLES, Viewer
from netsafe.signals import registry
from netsafe.signals.fingerprint import fingerprint_stream
from netsafe.store.repositories.hashlists import SqlHashListRepository
from netsafe.web.auditor import AuditDep
from netsafe.web.deps import SessionDep
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


class LookupIndex:
    """The process's matching index, synced with the stored lists at most every `SYNC_SECONDS`
    (an imported or deleted list shows in lookups within that time).

    Given the saved index's folder (NETSAFE_HOME/index), a worker first brings the folder up to
    date (under its lock: one worker at a time, the others find nothing left to do) and reads
    it memory-mapped, so every worker of a server shares one copy of the PDQ tables in the
    page cache; later changes are applied in memory (the index's delta). The PDQ index's pages
    are mapped when it is opened (`PdqIndex.warm`), not one fault at a time by the first
    queries. Without a folder the index is built in memory from the stored lists."""

    SYNC_SECONDS = 1.0

    def __init__(self, folder: Path | None = None) -> None:
        self._folder = folder
        self._index: ListIndex | None = None
        self._synced_at = -math.inf
        self._lock = threading.Lock()

    def match(self, session: SessionDep, query: Any) -> Any:
        """Run `query(matcher)` on an up-to-date matcher (serialised: the index is mutable)."""
        with self._lock:
            now = time.monotonic()
            repository = SqlHashListRepository(session)
            if self._index is None:
                self._index = self._open(repository)
                self._synced_at = now
            elif now - self._synced_at >= self.SYNC_SECONDS:
                apply_changes(self._index, repository)
                self._synced_at = now
            return query(self._index.matcher())

    def _open(self, repository: SqlHashListRepository) -> ListIndex:
        index = ListIndex()
        if self._folder is not None:
            sync_index(self._folder, repository)
            index = ListIndex.load(self._folder)
            index.pdq.warm()
        apply_changes(index, repository)  # whatever changed since (or everything)
        return index


def _lookup_index(request: Request) -> LookupIndex:
    index: LookupIndex | None = getattr(request.app.state, "lookup_index", None)
    if index is None:
        settings = getattr(request.app.state, "settings", None)
        folder = settings.index_folder if settings is not None else None
        index = request.app.state.lookup_index = LookupIndex(folder)
    return index


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
    index = _lookup_index(request)
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
