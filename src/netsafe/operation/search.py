"""Find: one search over referral references, subject names, identifiers (account, e-mail,
phone, IP), file hashes (reported files and triage findings), exhibit references and seal
numbers, within what the viewer may see (`platform.access.scope_for`: own force, restricted cases
for their named users only; charity roles none).

Results are ranked in tiers: an exact match of a normal form (`normal_forms.query_keys`), then a
key starting with the query, then values with a word starting with each of the query's words
(each word of three or more letters or digits: `quokka` finds `Jordan Quokka-Example`). A record
appears once, at its best match.
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


class SearchRepository(Protocol):
    """Where the search index is kept."""

    def find(self, scope: Scope, terms: SearchTerms, tier: Tier, limit: int) -> list[SearchHit]:
        """Up to `limit` hits of one tier within `scope` (exact: ordered newest case first;
        prefix: by key; text: any order)."""
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
    repository: SearchRepository, viewer: Viewer, query: str, *, limit: int = 50
) -> list[SearchHit]:
    """The viewer's matches for `query`, best first, each record once (charity roles:
    `AccessDeniedError`)."""
    scope = scope_for(viewer)
    terms = search_terms(query)
    limit = max(1, min(limit, LIMIT_MAX))
    hits: list[SearchHit] = []
    seen: set[tuple[RecordType, int]] = set()
    for tier in Tier:
        if tier is Tier.PREFIX and terms.prefix is None:
            continue
        if tier is Tier.TEXT and not terms.words:
            continue
        for hit in repository.find(scope, terms, tier, limit):
            key = (hit.record_type, hit.record_id)
            if key not in seen:
                seen.add(key)
                hits.append(hit)
        if len(hits) >= limit:
            break
    return hits[:limit]
