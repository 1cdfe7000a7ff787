"""The audit log: append-only and hash-chained, so an edited or deleted row is detected.

Each record has a sequence number (1, 2, 3, …) and `hash = sha256(prev_hash + canonical(record))`,
where `prev_hash` is the previous record's hash (`GENESIS_HASH` for the first). The repository also
keeps the chain head (last sequence number and hash), which is where concurrent appends serialise
(`AuditRepository.lock_head`) and what reveals rows deleted from the end of the log.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from netsafe.timestamps import as_utc

GENESIS_HASH = "0" * 64
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
    """An event as stored: its place in the chain and its hashes."""

    seq: int
    event: AuditEvent
    prev_hash: str
    hash: str


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
    """Where the log is kept. `lock_head` must block other appenders until the transaction ends."""

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


def chain_hash(prev_hash: str, seq: int, event: AuditEvent) -> str:
    return hashlib.sha256(prev_hash.encode("ascii") + canonical(seq, event)).hexdigest()


def record(repository: AuditRepository, events: Iterable[AuditEvent]) -> list[AuditRecord]:
    """Append `events` to the chain, in order, under the chain-head lock."""
    events = list(events)
    if not events:
        return []
    head = repository.lock_head()
    records = []
    for event in events:
        seq = head.seq + 1
        digest = chain_hash(head.hash, seq, event)
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
    previous = ChainHead()
    for rec in repository.records():
        result.rows += 1
        if on_progress is not None and result.rows % 10_000 == 0:
            on_progress(result.rows)
        if rec.seq > previous.seq + 1:
            result.problems.append(
                _deleted(previous.seq + 1, rec.seq - 1, f"the chain jumps to row {rec.seq}")
            )
        elif rec.prev_hash != previous.hash:
            message = f"chain broken between rows {previous.seq} and {rec.seq}: a row was edited"
            result.problems.append(Problem("edited", previous.seq, rec.seq, message))
        if chain_hash(rec.prev_hash, rec.seq, rec.event) != rec.hash:
            result.problems.append(
                Problem("edited", rec.seq, rec.seq, f"row {rec.seq} edited: content ≠ its hash")
            )
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
