"""Search results in pages: `offset`/`limit` with `total` in the API, `?page=` on `/search`; the
pages together are the whole ranked list, each record once; past the counting window the total
is a lower bound (`more`) and the ranking is cut where it is no longer known, never guessed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from netsafe.operation.referrals import (
    IdentifierKind,
    IncidentDetails,
    NewReferral,
    ReportedIdentifier,
    create_referral,
)
from netsafe.operation.search import WINDOW, Tier, search_terms
from netsafe.platform.access import Scope
from netsafe.platform.roles import Role
from netsafe.settings import Settings
from netsafe.store.repositories.operation import case_repositories
from netsafe.store.repositories.search import SqlSearchRepository
from netsafe.web.search import pages
from tests.operation.operation_seeds import SEEDER
from tests.web.trust_support import Headers, bearer

RECEIVED = datetime.now(UTC) - timedelta(hours=5)


def _referral(session: Session, force: str, *accounts: str) -> int:
    incident = IncidentDetails(
        identifiers=tuple(ReportedIdentifier(IdentifierKind.ACCOUNT, a) for a in accounts)
    )
    new = NewReferral("partner", force, RECEIVED, "Synthetic paging case", incident)
    return create_referral(case_repositories(session).referrals, new, by=SEEDER).id


def _seed(session: Session) -> dict[str, Any]:
    """Gwent: one exact match of `okapi-test`, two by prefix, five by word (one of them also
    exact, with two values); a South Wales case matching every way (never seen by Gwent)."""
    exact = _referral(session, "gwent", "okapi-test", "zebra okapi-test-3")
    prefixes = [_referral(session, "gwent", f"okapi-test-{n}") for n in (1, 2)]
    texts = [_referral(session, "gwent", f"zebra-okapi-{n} test") for n in range(4)]
    south = _referral(session, "south-wales", "okapi-test", "okapi-test-9", "x okapi test")
    session.flush()
    return {"exact": exact, "prefixes": prefixes, "texts": texts, "south": south}


GWENT = Scope(forces=frozenset({"gwent"}), username="gwent.inv")


def _find(session: Session, offset: int, limit: int, window: int = WINDOW) -> Any:
    terms = search_terms("Okapi-Test")
    return SqlSearchRepository(session).find(
        GWENT, terms, offset=offset, limit=limit, window=window
    )


def test_pages_together_are_the_ranked_list_each_record_once(session: Session) -> None:
    seeded = _seed(session)
    whole = _find(session, 0, 50)
    ranked = [(hit.referral_id, hit.tier) for hit in whole.hits]
    assert ranked == [
        (seeded["exact"], Tier.EXACT),
        *((rid, Tier.PREFIX) for rid in seeded["prefixes"]),  # by key: -1, -2
        *((rid, Tier.TEXT) for rid in reversed(seeded["texts"])),  # the last written first
    ]
    assert (whole.total, whole.more) == (7, False)
    paged = []
    for offset in range(0, 9, 3):
        page = _find(session, offset, 3)
        assert (page.total, page.more, page.offset) == (7, False, offset)
        paged.extend((hit.referral_id, hit.tier) for hit in page.hits)
    assert paged == ranked
    past = _find(session, 20, 3)
    assert (past.hits, past.total, past.more) == ([], 7, False)


def test_past_the_window_the_count_is_a_lower_bound_and_the_cut_is_exact(
    session: Session,
) -> None:
    seeded = _seed(session)
    page = _find(session, 0, 50, window=4)
    # exact (1 entry) and prefix (2) fit; the text part (8 entries) is read to its window + 1
    # and so is the last part ranked; 7 records are ranked, the first 4 counted and listed ...
    assert (page.total, page.more) == (4, True)
    assert [hit.referral_id for hit in page.hits] == [
        seeded["exact"],
        *seeded["prefixes"],
        seeded["texts"][-1],
    ]
    # ... with a window of 1 the prefix part overflows: the text part, ranked after all the
    # prefix matches (not all read), is left out
    small = _find(session, 0, 50, window=1)
    assert (small.total, small.more) == (1, True)
    assert [(hit.referral_id, hit.tier) for hit in small.hits] == [(seeded["exact"], Tier.EXACT)]
    assert _find(session, 1, 50, window=1).hits == []


@pytest.fixture
def users(engine: Engine, settings: Settings) -> dict[str, Headers]:
    return {
        "gwent": bearer(engine, settings, "gwent.inv", "gwent", Role.INVESTIGATOR),
        "lead": bearer(engine, settings, "op.lead", "regional-unit", Role.OPERATION_LEAD),
    }


def test_the_api_pages_with_offset_and_limit(
    client: TestClient, users: dict[str, Headers], engine: Engine
) -> None:
    from netsafe.store.engine import make_session_factory, unit_of_work

    with unit_of_work(make_session_factory(engine)) as session:
        seeded = _seed(session)
    whole = client.get("/api/v1/search", params={"q": "okapi-test"}, headers=users["gwent"])
    assert whole.status_code == 200, whole.text
    body = whole.json()
    assert (body["total"], body["more"], body["offset"], body["limit"]) == (7, False, 0, 50)
    assert seeded["south"] not in {r["referral_id"] for r in body["results"]}
    pages_seen = []
    for offset in (0, 4):
        page = client.get(
            "/api/v1/search",
            params={"q": "okapi-test", "limit": 4, "offset": offset},
            headers=users["gwent"],
        ).json()
        assert (page["total"], page["offset"], page["limit"]) == (7, offset, 4)
        pages_seen.extend(r["id"] for r in page["results"])
    assert pages_seen == [r["id"] for r in body["results"]]
    lead = client.get("/api/v1/search", params={"q": "okapi-test"}, headers=users["lead"]).json()
    assert lead["total"] == 8  # the South Wales case too
    for bad in ({"offset": -1}, {"offset": WINDOW}, {"limit": 0}, {"limit": 201}):
        response = client.get(
            "/api/v1/search", params={"q": "okapi-test", **bad}, headers=users["gwent"]
        )
        assert response.status_code == 422, bad


def test_the_page_has_pages_kept_in_the_url(
    client: TestClient,
    users: dict[str, Headers],
    engine: Engine,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from netsafe.store.engine import make_session_factory, unit_of_work

    monkeypatch.setattr(pages, "PAGE_SIZE", 3)
    with unit_of_work(make_session_factory(engine)) as session:
        seeded = _seed(session)
    first = client.get("/search", params={"q": "okapi-test"}, headers=users["gwent"])
    assert first.status_code == 200
    assert "7 results for" in first.text
    assert "1–3 shown" in first.text
    assert "Page 1 of 3" in first.text
    assert 'href="/search?q=okapi-test&amp;page=2" rel="next"' in first.text
    assert 'rel="prev"' not in first.text
    assert f'href="/operation/referrals/{seeded["exact"]}"' in first.text
    last = client.get("/search", params={"q": "okapi-test", "page": 3}, headers=users["gwent"])
    assert "7–7 shown" in last.text
    assert '<ol class="search-results" id="search-results" start="7">' in last.text
    assert 'href="/search?q=okapi-test&amp;page=2" rel="prev"' in last.text
    assert 'rel="next"' not in last.text
    assert f'href="/operation/referrals/{seeded["texts"][0]}"' in last.text
    beyond = client.get("/search", params={"q": "okapi-test", "page": 4}, headers=users["gwent"])
    assert beyond.status_code == 200
    assert "No results on page 4" in beyond.text
    too_far = client.get("/search", params={"q": "okapi-test", "page": 99}, headers=users["gwent"])
    assert too_far.status_code == 422
