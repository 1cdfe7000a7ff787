"""Anchors of the audit chain: its head (sequence number and hash) copied out of the database.

The keyed chain stops anyone without NETSAFE_AUDIT_KEY from rewriting the log; an anchor stops
the key's holder too. `netsafe audit anchor` writes one line per run to a file (append-only,
ideally on another machine or a write-once store) or to syslog, on a schedule;
`netsafe audit verify --anchors FILE` then checks that every anchored row still has the hash it
had: a rewrite after an anchor changes the anchored row's hash (the chain links every row to
the ones before it), and rows deleted from the end leave an anchor pointing past the head.

An anchor line: `netsafe-audit-anchor at=2026-12-03T14:00:00+00:00 seq=12840 hash=3f9a…`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from netsafe.platform.audit import AuditRecord, ChainHead, Problem

ANCHOR_TAG = "netsafe-audit-anchor"
_LINE = re.compile(rf"{ANCHOR_TAG} at=(\S+) seq=(\d+) hash=([0-9a-f]{{64}})")


@dataclass(frozen=True, slots=True)
class Anchor:
    """A chain head as it was at `at`."""

    at: str
    seq: int
    hash: str


class AnchorFileError(ValueError):
    """An anchor file cannot be read; the message names the file and line."""


def anchor_line(head: ChainHead, now: datetime) -> str:
    """The anchor of `head` as one line (no newline)."""
    return f"{ANCHOR_TAG} at={now.isoformat(timespec='seconds')} seq={head.seq} hash={head.hash}"


def read_anchors(path: Path) -> list[Anchor]:
    """Every anchor in `path` (other lines — a syslog export's prefixes, blank lines — may
    surround them; a line naming the tag but not matching the format is an error)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise AnchorFileError(f"{path}: cannot read the anchors: {error}") from error
    anchors = []
    for number, line in enumerate(text.splitlines(), start=1):
        if ANCHOR_TAG not in line:
            continue
        found = _LINE.search(line)
        if found is None:
            raise AnchorFileError(f"{path}:{number}: not an anchor line: {line.strip()[:120]!r}")
        anchors.append(Anchor(found[1], int(found[2]), found[3]))
    return anchors


def check_anchors(records: Iterable[AuditRecord], anchors: Iterable[Anchor]) -> list[Problem]:
    """A problem for each anchored row whose hash changed or that is gone."""
    wanted: dict[int, list[Anchor]] = {}
    for anchor in anchors:
        if anchor.seq > 0:
            wanted.setdefault(anchor.seq, []).append(anchor)
    problems = []
    for rec in records:
        for anchor in wanted.pop(rec.seq, []):
            if anchor.hash != rec.hash:
                message = (
                    f"row {rec.seq} no longer has the hash anchored at {anchor.at}: "
                    "the log was rewritten up to or before it"
                )
                problems.append(Problem("rewritten", rec.seq, rec.seq, message))
    for seq, missing in sorted(wanted.items()):
        message = f"row {seq}, anchored at {missing[0].at}, is gone: rows were deleted"
        problems.append(Problem("deleted", seq, seq, message))
    return problems
