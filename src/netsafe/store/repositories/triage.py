"""SQL implementation of `netsafe.triage.stored.TriageRepository`: triage runs and findings
keyed by the exhibit reference. The operation platform reads an exhibit's runs by the exhibit's id
(`runs_of_exhibit_id`: `triage_runs.exhibit_id`, derived by `store.run_exhibits`), since a
reference alone may name another force's exhibit."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import case, insert, select
from sqlalchemy.orm import Session

from netsafe.categories import REPORT_ORDER
from netsafe.store.models.triage import TriageCategoryCountRow, TriageFindingRow, TriageRunRow
from netsafe.triage.result import Finding
from netsafe.triage.stored import TriageRun

FINDINGS_BATCH = 5000


def _to_domain(row: TriageRunRow, counts: dict[str, int]) -> TriageRun:
    return TriageRun(
        id=row.id,
        exhibit=row.exhibit_reference,
        case=row.case_reference,
        started_at=row.started_at,
        finished_at=row.finished_at,
        files_scanned=row.files_scanned,
        bytes_scanned=row.bytes_scanned,
        files_matched=row.files_matched,
        findings=row.findings_count,
        files_ignored=row.files_ignored,
        items_in_error=row.items_in_error,
        warnings=row.warnings,
        out_dir=row.out_dir,
        category_counts=counts,
        summary=dict(row.summary),
    )


def _finding(row: TriageFindingRow) -> Finding:
    return Finding(
        source=row.source,
        path=row.path,
        size=row.size,
        md5=row.md5,
        sha1=row.sha1,
        sha256=row.sha256,
        pdq=row.pdq,
        list_name=row.list_name,
        entry_id=row.entry_id,
        category=row.category,
        signal=row.signal,
        distance=row.distance,
        deleted=row.deleted,
        carved=row.carved,
        scores=tuple((str(k), float(v)) for k, v in (row.scores or {}).items()),
    )


class SqlTriageRepository:
    """Triage runs in the caller's session (never commits)."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def add_run(self, run: TriageRun, findings: Sequence[Finding]) -> TriageRun:
        row = TriageRunRow(
            exhibit_reference=run.exhibit,
            case_reference=run.case,
            started_at=run.started_at,
            finished_at=run.finished_at,
            files_scanned=run.files_scanned,
            bytes_scanned=run.bytes_scanned,
            files_matched=run.files_matched,
            findings_count=run.findings,
            files_ignored=run.files_ignored,
            items_in_error=run.items_in_error,
            warnings=run.warnings,
            out_dir=run.out_dir,
            summary=run.summary,
        )
        self._session.add(row)
        self._session.flush()
        self._session.add_all(
            TriageCategoryCountRow(run_id=row.id, category=category, files=files)
            for category, files in run.category_counts.items()
        )
        rows = [
            {
                "run_id": row.id,
                "source": f.source,
                "path": f.path,
                "size": f.size,
                "md5": f.md5,
                "sha1": f.sha1,
                "sha256": f.sha256,
                "pdq": f.pdq,
                "list_name": f.list_name,
                "entry_id": f.entry_id,
                "category": f.category,
                "signal": f.signal,
                "distance": f.distance,
                "deleted": f.deleted,
                "carved": f.carved,
                "scores": dict(f.scores) or None,
            }
            for f in findings
        ]
        for start in range(0, len(rows), FINDINGS_BATCH):
            self._session.execute(insert(TriageFindingRow), rows[start : start + FINDINGS_BATCH])
        self._session.flush()
        return _to_domain(row, dict(run.category_counts))

    def _counts(self, run_id: int) -> dict[str, int]:
        rows = self._session.scalars(
            select(TriageCategoryCountRow).where(TriageCategoryCountRow.run_id == run_id)
        )
        return {r.category: r.files for r in rows}

    def runs_for_exhibit(self, exhibit: str) -> list[TriageRun]:
        """Every triage of `exhibit`, newest first."""
        rows = self._session.scalars(
            select(TriageRunRow)
            .where(TriageRunRow.exhibit_reference == exhibit)
            .order_by(TriageRunRow.finished_at.desc(), TriageRunRow.id.desc())
        )
        return [_to_domain(row, self._counts(row.id)) for row in rows]

    def runs_of_exhibit_id(self, exhibit_id: int) -> list[TriageRun]:
        """The runs that belong to the platform's exhibit `exhibit_id`, newest first."""
        rows = self._session.scalars(
            select(TriageRunRow)
            .where(TriageRunRow.exhibit_id == exhibit_id)
            .order_by(TriageRunRow.finished_at.desc(), TriageRunRow.id.desc())
        )
        return [_to_domain(row, self._counts(row.id)) for row in rows]

    def latest_run(self, exhibit: str) -> TriageRun | None:
        runs = self.runs_for_exhibit(exhibit)
        return runs[0] if runs else None

    def findings(self, run_id: int, *, limit: int | None = None, offset: int = 0) -> list[Finding]:
        """A run's findings, most serious category first (unknown categories last), then in
        the order they were stored."""
        rank = case(
            {category.value: position for position, category in enumerate(REPORT_ORDER)},
            value=TriageFindingRow.category,
            else_=len(REPORT_ORDER),
        )
        query = (
            select(TriageFindingRow)
            .where(TriageFindingRow.run_id == run_id)
            .order_by(rank, TriageFindingRow.id)
            .offset(offset)
        )
        if limit is not None:
            query = query.limit(limit)
        return [_finding(row) for row in self._session.scalars(query)]
