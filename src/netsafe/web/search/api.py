"""`GET /api/v1/search?q=`: references, subject names, identifiers, file hashes, exhibit
references and seal numbers of the cases the caller may see, best match first. Audited
(`search`, with the query and the number of results), like every read."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field

from netsafe.operation.search import (
    LIMIT_MAX,
    QUERY_MAX,
    WINDOW,
    SearchHit,
    SearchPage,
    search_records,
)
from netsafe.store.repositories.search import SqlSearchRepository
from netsafe.web.auditor import AuditDep
from netsafe.web.deps import SessionDep
from netsafe.web.operation.common import PoliceViewer, answering

router = APIRouter(prefix="/api/v1", tags=["search"])


async def _repository(session: SessionDep) -> SqlSearchRepository:
    return SqlSearchRepository(session)


SearchRepoDep = Annotated[SqlSearchRepository, Depends(_repository)]


def record_path(hit: SearchHit) -> str:
    """The page of the record a hit opens."""
    return f"/operation/{hit.record_type.value}s/{hit.record_id}"


class SearchResultOut(BaseModel):
    """One match: the record it opens and what matched."""

    type: str = Field(description="the record: `referral` or `exhibit`")
    id: int = Field(description="the record's id")
    reference: str = Field(description="the record's reference (a referral's or an exhibit's)")
    referral_id: int
    referral_reference: str
    force: str
    matched: str = Field(
        description="reference, subject, identifier, file-hash, exhibit, seal or triage-hash"
    )
    rank: str = Field(description="exact, prefix or text (in this order)")
    snippet: str = Field(description="the matched value as the record shows it")
    url: str = Field(description="the record's page")

    @classmethod
    def of(cls, hit: SearchHit) -> SearchResultOut:
        return cls(
            type=hit.record_type.value,
            id=hit.record_id,
            reference=hit.reference,
            referral_id=hit.referral_id,
            referral_reference=hit.referral_reference,
            force=hit.force,
            matched=hit.matched.value,
            rank=hit.tier.name.lower(),
            snippet=hit.snippet,
            url=record_path(hit),
        )


class SearchAnswer(BaseModel):
    """A page of results."""

    results: list[SearchResultOut]
    total: int = Field(description=f"records matched, counted up to {WINDOW}")
    more: bool = Field(
        description=f"more than `total` matched (not counted, and past the {WINDOW} that can "
        "be paged to): refine the query"
    )
    offset: int = Field(description="the position of the first result in the ranked list")
    limit: int

    @classmethod
    def of(cls, page: SearchPage) -> SearchAnswer:
        return cls(
            results=[SearchResultOut.of(hit) for hit in page.hits],
            total=page.total,
            more=page.more,
            offset=page.offset,
            limit=page.limit,
        )


def run_search(
    request: Request,
    viewer: PoliceViewer,
    repository: SqlSearchRepository,
    auditor: AuditDep,
    q: str,
    limit: int,
    offset: int = 0,
) -> SearchPage:
    """Search and audit it (the API and the page alike)."""
    with answering(request, "search", "search"):
        page = search_records(repository, viewer, q, limit=limit, offset=offset)
    counted = f"{page.total}{'+' if page.more else ''}"
    shown = f", {page.offset + 1}-{page.offset + len(page.hits)} shown" if page.offset else ""
    auditor.record("search", "search", detail=f"{counted} results for {q.strip()!r}{shown}")
    return page


@router.get("/search", response_model=SearchAnswer)
def search(
    request: Request,
    viewer: PoliceViewer,
    repository: SearchRepoDep,
    auditor: AuditDep,
    q: str = Query(min_length=1, max_length=QUERY_MAX, description="what to look for"),
    limit: int = Query(50, ge=1, le=LIMIT_MAX),
    offset: int = Query(0, ge=0, lt=WINDOW, description=f"from 0 to {WINDOW - 1}"),
) -> SearchAnswer:
    """Find cases and exhibits by reference, subject name, identifier (account, e-mail, phone,
    IP), file hash, exhibit reference or seal number: exact matches first, then prefixes, then
    text; within the cases the caller may see. Paged: `offset` and `limit` choose the page of
    the `total` records matched (`more`: more than could be counted and paged to)."""
    page = run_search(request, viewer, repository, auditor, q, limit, offset)
    return SearchAnswer.of(page)
