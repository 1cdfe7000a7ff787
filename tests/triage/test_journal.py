"""The resume journal: what it refuses to resume, and which rows belong to earlier runs."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from netsafe.triage.items import ItemResult
from netsafe.triage.journal import JOURNAL_NAME, Journal, JournalError
from netsafe.triage.plain import PlainFiles, pack

PARAMS = {"exhibit": "SWP/1", "case": None, "sources": ["/evidence/one"]}


def _plain(*keys: str) -> PlainFiles:
    return PlainFiles(list(keys), ["s"] * len(keys), list(keys), [1] * len(keys))


def test_a_resumed_run_tells_its_own_rows_from_earlier_ones(tmp_path: Path) -> None:
    first = Journal(tmp_path, PARAMS, resume=False)
    first.record(ItemResult("0:a.jpg", bytes_read=5))
    first.record_plain(pack(_plain("0:b", "0:c")), 2)
    first.close()
    second = Journal(tmp_path, PARAMS, resume=True)
    assert second.done_keys() == {"0:a.jpg", "0:b", "0:c"}
    second.record(ItemResult("0:d.jpg", bytes_read=7))
    second.record_plain(pack(_plain("0:e")), 1)
    assert [r.key for r in second.earlier_results()] == ["0:a.jpg"]
    assert [p.keys for p in second.earlier_plain()] == [["0:b", "0:c"]]
    assert second.done_keys() == {"0:a.jpg", "0:b", "0:c", "0:d.jpg", "0:e"}
    second.close()


def test_a_journal_is_resumed_only_when_asked_by_the_same_triage_and_version(
    tmp_path: Path,
) -> None:
    Journal(tmp_path, PARAMS, resume=False).close()
    with pytest.raises(JournalError, match="--resume"):
        Journal(tmp_path, PARAMS, resume=False)
    with pytest.raises(JournalError, match="another triage"):
        Journal(tmp_path, {**PARAMS, "exhibit": "SWP/2"}, resume=True)
    with sqlite3.connect(tmp_path / JOURNAL_NAME) as db:  # as an earlier NetSafe left it
        db.execute("DELETE FROM meta WHERE name = 'format'")
    with pytest.raises(JournalError, match="journal format 1, this one reads 2"):
        Journal(tmp_path, PARAMS, resume=True)
