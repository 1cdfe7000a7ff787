"""Triage results stored against the exhibit reference (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from netsafe.store.repositories.triage import SqlTriageRepository
from netsafe.triage.items import FileRecord, ItemError, MatchRecord
from netsafe.triage.result import SourceSummary, TriageResult
from netsafe.triage.stored import RepositorySink


def _result(exhibit: str, started: datetime, matches: int) -> TriageResult:
    records = [
        FileRecord(
            source="/evidence/card.E01",
            path=f"/DCIM/{n}.jpg",
            size=1000 + n,
            md5=f"{n:032x}",
            sha1=f"{n:040x}",
            sha256=f"{n:064x}",
            pdq="ab" * 32 if n % 2 else None,
            deleted=n == 0,
            carved=n == 2,
            matches=(MatchRecord("list-x", str(n), "C" if n else "A", "md5", 0),),
        )
        for n in range(matches)
    ]
    records.append(FileRecord("/evidence/card.E01", "/other.txt", 5, "0" * 32, "0" * 40, "0" * 64))
    return TriageResult(
        exhibit=exhibit,
        case="CASE/1",
        started_at=started,
        finished_at=started + timedelta(minutes=3),
        sources=[SourceSummary("/evidence/card.E01", "e01", matches + 1, 123456, 1)],
        records=records,
        errors=[ItemError("/evidence/card.E01", "/bad.jpg", "corrupt-image", "truncated")],
        tool_version="0.1.0",
    )


def test_runs_and_findings_are_kept_against_the_exhibit_reference(session: Session) -> None:
    repository = SqlTriageRepository(session)
    first = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
    sink = RepositorySink(repository, Path("/cases/out"))
    sink.write(_result("SWP/AB/1", first, 3))
    sink.write(_result("SWP/AB/1", first + timedelta(days=1), 2))
    sink.write(_result("GWP/ZZ/9", first, 1))

    runs = repository.runs_for_exhibit("SWP/AB/1")
    assert [r.files_matched for r in runs] == [2, 3]  # newest first
    latest = repository.latest_run("SWP/AB/1")
    assert latest is not None
    assert latest == runs[0]
    assert latest.case == "CASE/1"
    assert latest.files_scanned == 3
    assert latest.bytes_scanned == 123456
    assert latest.items_in_error == 1
    assert latest.out_dir == "/cases/out"
    assert latest.category_counts["A"] == 1
    assert latest.category_counts["C"] == 1
    assert latest.summary["exhibit"] == "SWP/AB/1"
    assert latest.finished_at - latest.started_at == timedelta(minutes=3)

    findings = repository.findings(runs[1].id)
    assert [(f.path, f.category, f.deleted, f.carved) for f in findings] == [
        ("/DCIM/0.jpg", "A", True, False),
        ("/DCIM/1.jpg", "C", False, False),
        ("/DCIM/2.jpg", "C", False, True),
    ]
    assert findings[1].pdq == "ab" * 32
    assert repository.findings(runs[1].id, limit=1, offset=1) == findings[1:2]
    assert repository.runs_for_exhibit("NOPE/1") == []
    assert repository.latest_run("NOPE/1") is None
