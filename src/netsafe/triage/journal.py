"""The resume journal: a SQLite file in the output folder holding every finished item's result:
one row per item scanned in full, one row per batch of plain files (`triage.plain`, as packed
by the worker).

Results are committed in batches (at most `batch_size` results or `batch_seconds` apart) with
`synchronous=FULL`, so each commit is fsync'd: a run killed at any moment (SIGKILL included) loses
at most the last uncommitted batch, about a second's work, and `--resume` re-scans only the items
not in the journal. (The commits are on the main process's path: at 500 results a commit, plain
files at 25,000 a second cost 50 fsyncs a second, each a stall that can leave workers waiting.)
The journal also keeps the run's parameters so a resume of a different triage is refused.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import msgspec

from netsafe.triage.items import ItemResult, SourceVerification
from netsafe.triage.plain import PlainFiles, unpack

JOURNAL_NAME = "journal.sqlite"
#: Bumped when what the journal holds changes: a journal of another format is not resumed.
JOURNAL_FORMAT = "2"
SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS results (key TEXT PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS plain (id INTEGER PRIMARY KEY, data BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS verifications (source TEXT PRIMARY KEY, data TEXT NOT NULL);
"""


#: A result's JSON is `ItemResult.to_json()`; msgspec writes and reads it from the dataclasses
#: directly, five times faster than building the dicts (the journal is written for every file).
_ENCODE = msgspec.json.Encoder().encode
_DECODE = msgspec.json.Decoder(ItemResult).decode


def journal_row(result: ItemResult) -> tuple[str, str]:
    """A result as the journal stores it (made in the workers, so the main process only writes)."""
    return result.key, _ENCODE(result).decode()


def journal_contents(out: Path) -> Iterator[ItemResult | PlainFiles]:
    """Everything the journal in `out` holds, one result or plain-file batch at a time (read
    only; the inventory streams from it, so its memory does not grow with the exhibit)."""
    db = sqlite3.connect(f"{(out / JOURNAL_NAME).resolve().as_uri()}?mode=ro", uri=True)
    try:
        for (data,) in db.execute("SELECT data FROM results ORDER BY rowid"):
            yield _DECODE(data)
        for (data,) in db.execute("SELECT data FROM plain ORDER BY id"):
            yield unpack(data)
    finally:
        db.close()


class JournalError(Exception):
    """The journal cannot be used: exists without --resume, or belongs to another triage."""


class Journal:
    """Finished results of one exhibit's triage, durable in batches."""

    def __init__(
        self,
        out: Path,
        params: dict[str, Any],
        *,
        resume: bool,
        batch_size: int = 20_000,
        batch_seconds: float = 1.0,
    ) -> None:
        self.path = out / JOURNAL_NAME
        existed = self.path.exists()
        if existed and not resume:
            raise JournalError(
                f"{out} already holds a triage journal: rerun with --resume to continue it, "
                "or choose another --out"
            )
        self._db = sqlite3.connect(self.path, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(SCHEMA)
        self._check_params(params, resumed=existed)
        # what earlier runs wrote: rows up to these ids (this run's rows come after them)
        self._earlier_results = self._last_id("SELECT max(rowid) FROM results")
        self._earlier_plain = self._last_id("SELECT max(id) FROM plain")
        self.batch_size = batch_size
        self.batch_seconds = batch_seconds
        self._pending = 0
        self._last_commit = time.monotonic()
        self._db.execute("BEGIN")

    def _check_params(self, params: dict[str, Any], *, resumed: bool) -> None:
        wanted = json.dumps(params, sort_keys=True)
        row = self._db.execute("SELECT value FROM meta WHERE name = 'params'").fetchone()
        kept = self._db.execute("SELECT value FROM meta WHERE name = 'format'").fetchone()
        if row is None:
            self._db.executemany(
                "INSERT INTO meta (name, value) VALUES (?, ?)",
                [("params", wanted), ("format", JOURNAL_FORMAT)],
            )
        elif kept is None or kept[0] != JOURNAL_FORMAT:
            self._db.close()
            raise JournalError(
                f"{self.path} was written by another version of NetSafe (journal format "
                f"{kept[0] if kept else 1}, this one reads {JOURNAL_FORMAT}): it cannot be "
                "resumed; triage again into another --out"
            )
        elif row[0] != wanted:
            self._db.close()
            raise JournalError(
                f"{self.path} belongs to another triage (different exhibit or sources): "
                f"it was {row[0]}"
            )

    def _last_id(self, query: str) -> int:
        (last,) = self._db.execute(query).fetchone()
        return int(last or 0)

    def done_keys(self) -> set[str]:
        done = {key for (key,) in self._db.execute("SELECT key FROM results")}
        for (data,) in self._db.execute("SELECT data FROM plain"):
            done.update(unpack(data).keys)
        return done

    def verification(self, source: str) -> SourceVerification | None:
        row = self._db.execute(
            "SELECT data FROM verifications WHERE source = ?", (source,)
        ).fetchone()
        return None if row is None else SourceVerification.from_json(json.loads(row[0]))

    def record(self, result: ItemResult) -> None:
        self.record_rows([journal_row(result)])

    def record_rows(self, rows: list[tuple[str, str]]) -> None:
        """Record results already in journal form (`journal_row`, made by the workers)."""
        self._db.executemany("INSERT OR REPLACE INTO results (key, data) VALUES (?, ?)", rows)
        self._tick(len(rows))

    def record_plain(self, packed: bytes, files: int) -> None:
        """Record a batch of plain files, packed by the worker (`triage.plain.pack`)."""
        self._db.execute("INSERT INTO plain (data) VALUES (?)", (packed,))
        self._tick(files)

    def record_verification(self, verification: SourceVerification) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO verifications (source, data) VALUES (?, ?)",
            (verification.source, json.dumps(verification.to_json())),
        )
        self._tick()

    def _tick(self, count: int = 1) -> None:
        self._pending += count
        if (
            self._pending >= self.batch_size
            or time.monotonic() - self._last_commit >= self.batch_seconds
        ):
            self.commit()

    def commit(self) -> None:
        """Make everything recorded so far durable (fsync'd)."""
        self._db.execute("COMMIT")
        self._db.execute("BEGIN")
        self._pending = 0
        self._last_commit = time.monotonic()

    def earlier_results(self) -> Iterator[ItemResult]:
        """The results earlier runs recorded (a resumed run's own are already in memory)."""
        rows = self._db.execute(
            "SELECT data FROM results WHERE rowid <= ? ORDER BY key", (self._earlier_results,)
        )
        for (data,) in rows:
            yield _DECODE(data)

    def earlier_plain(self) -> Iterator[PlainFiles]:
        """The plain files earlier runs recorded, batch by batch."""
        rows = self._db.execute(
            "SELECT data FROM plain WHERE id <= ? ORDER BY id", (self._earlier_plain,)
        )
        for (data,) in rows:
            yield unpack(data)

    def verifications(self) -> list[SourceVerification]:
        rows = self._db.execute("SELECT data FROM verifications ORDER BY source")
        return [SourceVerification.from_json(json.loads(data)) for (data,) in rows]

    def close(self) -> None:
        if self._db.in_transaction:
            self._db.execute("COMMIT")
        self._db.close()
