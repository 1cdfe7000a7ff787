"""What the search index is made of: a table of the searchable kinds of rows (`SEARCHABLE`).

Each kind names its table (an ORM row class), the column naming the row's case, the columns it
reads and the entries one row gives (`search_entries` rows: the normal form for exact and prefix
matches, the words for word matches, a snippet, the record a result opens). `store.search_index`
reads every kind for the cases it indexes and watches their tables for writes; a new searchable
value is one entry here (and, if it is a new kind of match, a `Matched` member). Rows withdrawn
(entered in error: `withdrawn_at` set) give no entries, nor does anything of a withdrawn case.

Triage findings are not entries: they are searched where they are (`repositories.search_statement`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import RowMapping, Table

from netsafe.operation.normal_forms import normal_any, normal_identifier, normal_text, words_of
from netsafe.operation.referrals import referral_reference
from netsafe.operation.search import Matched, RecordType
from netsafe.store.base import Base
from netsafe.store.models.operation import (
    ExhibitRow,
    ReferralFileRow,
    ReferralIdentifierRow,
    ReferralRow,
    SubjectRow,
)
from netsafe.timestamps import as_utc

KEY_MAX = 500
SNIPPET_MAX = 600
_SPLIT = re.compile(r"[,;\n]+")
_HASHES = ("md5", "sha1", "sha256")

Entry = dict[str, Any]


def entry(
    referral_id: int,
    matched: Matched,
    key: str,
    text: str | None,
    snippet: str,
    *,
    record: tuple[RecordType, int, str] | None = None,
) -> Entry:
    """A `search_entries` row: `key` the normal form, `text` the value whose words are matched
    (None: matched whole or by prefix only), the record it opens (default: the case)."""
    record_type, record_id, reference = record or (RecordType.REFERRAL, referral_id, "")
    words = None if text is None else " ".join(words_of(text)) or None
    return {
        "referral_id": referral_id,
        "record_type": record_type.value,
        "record_id": record_id,
        "reference": reference[:100],
        "matched": matched.value,
        "key": key[:KEY_MAX],
        "text": words,
        "snippet": snippet[:SNIPPET_MAX],
    }


@dataclass(frozen=True, slots=True)
class SearchableKind:
    """A kind of row the index is made from."""

    row_type: type[Base]
    #: The column naming the row's case (`id` for the referral itself).
    case_column: str
    columns: tuple[str, ...]
    entries: Callable[[RowMapping], Iterator[Entry]]

    @property
    def table(self) -> Table:
        return cast(Table, self.row_type.__table__)


def _referral(row: RowMapping) -> Iterator[Entry]:
    reference = referral_reference(row["id"], as_utc(row["received_at"]))
    yield entry(row["id"], Matched.REFERENCE, normal_text(reference), reference, reference)


def _reported_identifier(row: RowMapping) -> Iterator[Entry]:
    kind, value = row["kind"], row["value"]
    key = normal_identifier(kind, value)
    yield entry(row["referral_id"], Matched.IDENTIFIER, key, value, f"{kind}: {value}")


def _reported_file(row: RowMapping) -> Iterator[Entry]:
    name = row["file_name"] or "a reported file"
    for algorithm in _HASHES:
        if row[algorithm]:
            value = row[algorithm].lower()
            snippet = f"{algorithm} of {name}: {value}"
            yield entry(row["referral_id"], Matched.FILE_HASH, value, None, snippet)


def _subject(row: RowMapping) -> Iterator[Entry]:
    rid, name = row["referral_id"], row["display_name"]
    yield entry(rid, Matched.SUBJECT, normal_text(name), name, f"subject: {name}")
    for token in _SPLIT.split(row["identifiers"] or ""):
        if token.strip():
            snippet = f"identifier of {name}: {token.strip()}"
            yield entry(rid, Matched.IDENTIFIER, normal_any(token), token.strip(), snippet)


def _exhibit(row: RowMapping) -> Iterator[Entry]:
    rid, reference, seal = row["referral_id"], row["reference"], row["seal_number"]
    record = (RecordType.EXHIBIT, row["id"], reference)
    yield entry(
        rid,
        Matched.EXHIBIT,
        normal_text(reference),
        reference,
        f"exhibit {reference}",
        record=record,
    )
    if seal and seal.strip():
        snippet = f"seal {seal} (exhibit {reference})"
        yield entry(rid, Matched.SEAL, normal_text(seal), seal, snippet, record=record)


#: Every searchable kind, the referral itself first.
SEARCHABLE: tuple[SearchableKind, ...] = (
    SearchableKind(ReferralRow, "id", ("id", "received_at"), _referral),
    SearchableKind(
        ReferralIdentifierRow, "referral_id", ("referral_id", "kind", "value"), _reported_identifier
    ),
    SearchableKind(
        ReferralFileRow, "referral_id", ("referral_id", "file_name", *_HASHES), _reported_file
    ),
    SearchableKind(
        SubjectRow, "referral_id", ("referral_id", "display_name", "identifiers"), _subject
    ),
    SearchableKind(
        ExhibitRow, "referral_id", ("id", "referral_id", "reference", "seal_number"), _exhibit
    ),
)
