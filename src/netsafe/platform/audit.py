"""The audit log: append-only and hash-chained with a key, so an edited or deleted row is detected.

Each record has a sequence number (1, 2, 3, …) and
`hash = HMAC-SHA-256(key, prev_hash + canonical(record))` (scheme `hmac-sha256`), where `prev_hash`
is the previous record's hash (`GENESIS_HASH` for the first) and the key is NETSAFE_AUDIT_KEY:
someone who can write the table but lacks the key cannot recompute the chain. Rows chained before
the key (scheme `sha256`: `sha256(prev_hash + canonical(record))`) still verify as they were; the
first keyed row covers the last of them. The repository also keeps the chain head (last sequence
number and hash), which is where concurrent appends serialise (`AuditRepository.lock_head`) and
what reveals rows deleted from the end of the log; `netsafe audit anchor` copies the head out of
the database, so that even the key's holder cannot rewrite history unseen (`check_anchors`).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from netsafe.timestamps import as_utc

GENESIS_HASH = "0" * 64
#: The hash schemes: keyed (every new row) and the unkeyed one of rows chained before the key.
KEYED = "hmac-sha256"
UNKEYED = "sha256"
_CANONICAL_JSON = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


class Outcome:
    """Outcomes of an audited action."""

    OK = "ok"
    DENIED = "denied"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class AuditEvent:
    """Who did what to which resource, when, from where, and how it ended."""

    at: datetime
    action: str
    resource_type: str
    resource_id: str | None = None
    actor_user_id: int | None = None
    actor: str = "anonymous"
    actor_agency: str | None = None
    request_id: str | None = None
    client: str | None = None
    outcome: str = Outcome.OK
    detail: str | None = None


@dataclass(frozen=True, slots=True)
class AuditRecord:
    """An event as stored: its place in the chain, its hashes and how they were made."""

    seq: int
    event: AuditEvent
    prev_hash: str
    hash: str
    scheme: str = KEYED


@dataclass(frozen=True, slots=True)
class ChainHead:
    """The last record's sequence number and hash (0 and GENESIS_HASH for an empty log)."""

    seq: int = 0
    hash: str = GENESIS_HASH


@dataclass(frozen=True, slots=True)
class AuditQuery:
    """Filters for reading the log, newest first; `before` pages back (a sequence number)."""

    actor: str | None = None
    actor_agency: str | None = None
    action: str | None = None
    resource_type: str | None = None
    resource_id: str | None = None
    outcome: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    before: int | None = None
    limit: int = 50


class AuditRepository(Protocol):
    """Where the log is kept. `lock_head` must block other appenders until the transaction ends;
    `key` is the chain's HMAC key."""

    @property
    def key(self) -> bytes: ...

    def lock_head(self) -> ChainHead: ...

    def head(self) -> ChainHead: ...

    def insert(self, records: Sequence[AuditRecord]) -> None: ...

    def set_head(self, head: ChainHead) -> None: ...

    def records(self) -> Iterator[AuditRecord]:
        """Every record in sequence order (streamed)."""
        ...

    def query(self, query: AuditQuery) -> list[AuditRecord]: ...


def canonical(seq: int, event: AuditEvent) -> bytes:
    """The record's content as canonical JSON (sorted keys, UTC microsecond time)."""
    content = {
        "seq": seq,
        "at": as_utc(event.at).isoformat(timespec="microseconds"),
        "action": event.action,
        "resource_type": event.resource_type,
        "resource_id": event.resource_id,
        "actor_user_id": event.actor_user_id,
        "actor": event.actor,
        "actor_agency": event.actor_agency,
        "request_id": event.request_id,
        "client": event.client,
        "outcome": event.outcome,
        "detail": event.detail,
    }
    return _CANONICAL_JSON.encode(content).encode()


def chain_hash(
    prev_hash: str, seq: int, event: AuditEvent, *, key: bytes, scheme: str = KEYED
) -> str:
    """The record's hash under `scheme` (`key` is ignored by the unkeyed legacy scheme)."""
    content = prev_hash.encode("ascii") + canonical(seq, event)
    if scheme == KEYED:
        return hmac.new(key, content, hashlib.sha256).hexdigest()
    if scheme == UNKEYED:
        return hashlib.sha256(content).hexdigest()
    raise ValueError(f"unknown audit hash scheme {scheme!r}")


def record(repository: AuditRepository, events: Iterable[AuditEvent]) -> list[AuditRecord]:
    """Append `events` to the chain, in order, under the chain-head lock."""
    events = list(events)
    if not events:
        return []
    head = repository.lock_head()
    key = repository.key
    records = []
    for event in events:
        seq = head.seq + 1
        digest = chain_hash(head.hash, seq, event, key=key)
        records.append(AuditRecord(seq=seq, event=event, prev_hash=head.hash, hash=digest))
        head = ChainHead(seq, digest)
    repository.insert(records)
    repository.set_head(head)
    return records


@dataclass(frozen=True, slots=True)
class Problem:
    """One break in the chain: `kind` is `edited` or `deleted`; `seq` the first row concerned."""

    kind: str
    seq: int
    last_seq: int
    message: str


@dataclass
class Verification:
    """The result of `verify`: rows checked and every break found."""

    rows: int = 0
    head: ChainHead = field(default_factory=ChainHead)
    problems: list[Problem] = field(default_factory=list)
    #: Rows chained before the key (scheme `sha256`), always a prefix of the chain.
    unkeyed_rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def _deleted(first: int, last: int, where: str) -> Problem:
    rows = f"row {first}" if first == last else f"rows {first}-{last}"
    return Problem("deleted", first, last, f"{rows} deleted ({where})")


def verify(
    repository: AuditRepository,
    *,
    max_problems: int = 100,
    on_progress: Callable[[int], None] | None = None,
) -> Verification:
    """Walk the whole chain; report each edited row and each run of deleted rows by number.
    `on_progress(rows_so_far)` is called every 10,000 rows."""
    result = Verification(head=repository.head())
    key = repository.key
    previous = ChainHead()
    keyed_seen = False
    for rec in repository.records():
        result.rows += 1
        if rec.scheme == UNKEYED:
            result.unkeyed_rows += 1
            if keyed_seen:
                message = f"row {rec.seq} claims the unkeyed scheme after keyed rows: rewritten"
                result.problems.append(Problem("edited", rec.seq, rec.seq, message))
        else:
            keyed_seen = True
        if on_progress is not None and result.rows % 10_000 == 0:
            on_progress(result.rows)
        if rec.seq > previous.seq + 1:
            result.problems.append(
                _deleted(previous.seq + 1, rec.seq - 1, f"the chain jumps to row {rec.seq}")
            )
        elif rec.prev_hash != previous.hash:
            message = f"chain broken between rows {previous.seq} and {rec.seq}: a row was edited"
            result.problems.append(Problem("edited", previous.seq, rec.seq, message))
        try:
            expected = chain_hash(rec.prev_hash, rec.seq, rec.event, key=key, scheme=rec.scheme)
        except ValueError:
            expected = None
        if expected is None or not hmac.compare_digest(expected, rec.hash):
            message = f"row {rec.seq} edited (or chained with another key): content ≠ its hash"
            result.problems.append(Problem("edited", rec.seq, rec.seq, message))
        previous = ChainHead(rec.seq, rec.hash)
        if len(result.problems) >= max_problems:
            return result
    if result.head.seq > previous.seq:
        where = "the chain head records more rows than remain"
        result.problems.append(_deleted(previous.seq + 1, result.head.seq, where))
    elif result.head.seq == previous.seq and result.head.hash != previous.hash:
        result.problems.append(
            Problem("edited", previous.seq, previous.seq, f"row {previous.seq} edited: head ≠ hash")
        )
    elif result.head.seq < previous.seq:
        result.problems.append(
            Problem("edited", previous.seq, previous.seq, "rows were added behind the chain head")
        )
    return result
