"""Find: one search over referral references, subject names, identifiers (account, e-mail,
phone, IP), file hashes (reported files and triage findings), exhibit references and seal
numbers, within what the viewer may see (`platform.access.scope_for`: own force, restricted cases
for their named users only; charity roles none).

Results are ranked in tiers: an exact match of a normal form (`normal_forms.query_keys`), then a
key starting with the query, then values with a word starting with each of the query's words
(each word of three or more letters or digits: `quokka` finds `Jordan Quokka-Example`; a triage
finding's path by its words too). A record appears once, at its best match.

Results come in pages (`offset`, `limit`) of a ranked list counted up to `WINDOW` records: the
store ranks, removes repeats, counts and cuts the page in one statement, reading at most
`WINDOW + 1` matches of each tier, so that a query matching half the index costs no more than
one matching a thousand values. Beyond the window the count is a lower bound (`SearchPage.more`)
and the query is to be refined.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Protocol

from netsafe.operation.normal_forms import is_hex, normal_text, query_keys, words_of
from netsafe.platform.access import OperationInputError, Scope, scope_for
from netsafe.platform.roles import Viewer

QUERY_MAX = 200
LIMIT_MAX = 200
#: Results counted and reachable by paging; more are reported as "more than", not listed.
WINDOW = 200
#: Prefix and text matches need at least this many characters (fewer match too much).
PREFIX_MIN = 3
WORD_MIN = 3
#: A query of this many hex digits or more is a hash (or its start): hashes are matched whole or
#: by prefix, never by word.
HASH_LIKE = 16


class Matched(enum.StrEnum):
    """What the query matched."""

    REFERENCE = "reference"
    SUBJECT = "subject"
    IDENTIFIER = "identifier"
    FILE_HASH = "file-hash"
    EXHIBIT = "exhibit"
    SEAL = "seal"
    TRIAGE_HASH = "triage-hash"
    TRIAGE_PATH = "triage-path"


class Tier(enum.IntEnum):
    """How well it matched (lower is better)."""

    EXACT = 0
    PREFIX = 1
    TEXT = 2


class RecordType(enum.StrEnum):
    """The record a result opens."""

    REFERRAL = "referral"
    EXHIBIT = "exhibit"


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One match: the record it opens (`record_type`, `record_id`, `reference`), its case
    (`referral_id`, `referral_reference`, `force`), what matched and how, and a snippet (the
    matched value as the record shows it)."""

    record_type: RecordType
    record_id: int
    reference: str
    referral_id: int
    referral_reference: str
    force: str
    matched: Matched
    tier: Tier
    snippet: str


@dataclass(frozen=True, slots=True)
class SearchTerms:
    """A query as the store needs it: the exact keys, the prefix (None: too short) and the words
    for the text match (each the start of a word of the value: `normal_forms.words_of`)."""

    keys: tuple[str, ...]
    prefix: str | None
    words: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SearchPage:
    """One page of results: `hits` from position `offset` of the ranked list; `total` records
    matched, counted up to `WINDOW` (`more`: there are more than `total`, not counted and not
    reachable by paging)."""

    hits: list[SearchHit]
    total: int
    more: bool
    offset: int
    limit: int


class SearchRepository(Protocol):
    """Where the search index is kept."""

    def find(
        self, scope: Scope, terms: SearchTerms, *, offset: int, limit: int, window: int
    ) -> SearchPage:
        """Positions `offset` to `offset + limit` of the ranked matches within `scope` (best
        tier first; within a tier, exact: newest case first; prefix: by value; text: the
        case written last first), each record once, counted up to `window`."""
        ...


def search_terms(query: str) -> SearchTerms:
    """The terms of `query` (`OperationInputError` when empty or too long)."""
    text = query.strip()
    if not text:
        raise OperationInputError("q", "give something to search for")
    if len(text) > QUERY_MAX:
        raise OperationInputError("q", f"longer than {QUERY_MAX} characters")
    keys = query_keys(text)
    normal = normal_text(text)
    prefix = normal if len(normal) >= PREFIX_MIN else None
    words = tuple(dict.fromkeys(w for w in words_of(text) if len(w) >= WORD_MIN))
    if is_hex(normal) and len(normal) >= HASH_LIKE:
        words = ()
    return SearchTerms(keys=keys, prefix=prefix, words=words)


def search_records(
    repository: SearchRepository, viewer: Viewer, query: str, *, limit: int = 50, offset: int = 0
) -> SearchPage:
    """The viewer's matches for `query`, best first, each record once, from position `offset`
    (charity roles: `AccessDeniedError`; an offset past the window: `OperationInputError`)."""
    scope = scope_for(viewer)
    terms = search_terms(query)
    if not 0 <= offset < WINDOW:
        raise OperationInputError(
            "offset", f"from 0 to {WINDOW - 1}: only the first {WINDOW} results can be paged to"
        )
    limit = max(1, min(limit, LIMIT_MAX, WINDOW - offset))
    return repository.find(scope, terms, offset=offset, limit=limit, window=WINDOW)
