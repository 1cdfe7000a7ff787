"""SQL for the demo: its ledger of seeded data sets, and bulk writes of its records.

Each kind of record goes in with one INSERT … RETURNING per batch (ids back in the order given),
so seeding the demo's two years of casework and three years of help-seeking takes seconds.
Columns follow the domain dataclasses' field names, as in the operation's own repositories.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from netsafe.operation.referrals import Referral
from netsafe.prevention.contacts import Concern, ContactDraft
from netsafe.prevention.counters import DailyCount
from netsafe.store.models.demo import DemoDatasetRow
from netsafe.store.models.operation import (
    ExhibitRow,
    ReferralFileRow,
    ReferralIdentifierRow,
    ReferralRow,
)
from netsafe.store.models.prevention import (
    PreventionContactRow,
    PreventionFunnelCountRow,
    PreventionSelfHelpCountRow,
)
from netsafe.store.models.triage import TriageCategoryCountRow, TriageFindingRow, TriageRunRow
from netsafe.store.repositories.operation import ROWS
from netsafe.triage.result import Finding
from netsafe.triage.stored import TriageRun

#: The table of each kind of case record, by its dataclass (from the record-kinds table).
RECORD_ROWS: dict[type, type[Any]] = {kind.record: row for kind, row in ROWS.items()}


def _column_value(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, tuple):
        return list(value)
    return value


class SqlDemoLedger:
    """The `demo_datasets` table."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def seeded(self, name: str) -> bool:
        found = self._session.scalar(select(DemoDatasetRow.id).where(DemoDatasetRow.name == name))
        return found is not None

    def record(self, name: str, seed: int, seeded_at: datetime, added: dict[str, int]) -> None:
        self._session.add(DemoDatasetRow(name=name, seed=seed, seeded_at=seeded_at, added=added))
        self._session.flush()


class SqlDemoWriter:
    """`netsafe.demo.writer.DemoWriter` over the caller's session."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def _insert(self, row_type: type[Any], rows: list[dict[str, Any]]) -> list[int]:
        if not rows:
            return []
        statement = insert(row_type).returning(row_type.id, sort_by_parameter_order=True)
        return list(self._session.execute(statement, rows).scalars())

    def add_referrals(self, referrals: Sequence[Referral]) -> list[int]:
        ids = self._insert(
            ReferralRow,
            [
                {
                    "source": r.source.value,
                    "force": r.force,
                    "received_at": r.received_at,
                    "summary": r.summary,
                    "status": r.status.value,
                    "deadline_at": r.deadline_at,
                    "risk_band": r.risk_band,
                    "responded_at": r.responded_at,
                    "created_by": r.created_by,
                    "created_at": r.created_at,
                    "incident_type": r.incident.incident_type,
                    "incident_at": r.incident.incident_at,
                    "restricted": bool(r.restricted_to),
                }
                for r in referrals
            ],
        )
        identifiers = [
            {"referral_id": rid, "kind": i.kind.value, "value": i.value}
            for r, rid in zip(referrals, ids, strict=True)
            for i in r.incident.identifiers
        ]
        files = [
            {
                "referral_id": rid,
                "file_name": f.file_name,
                "md5": f.md5,
                "sha1": f.sha1,
                "sha256": f.sha256,
            }
            for r, rid in zip(referrals, ids, strict=True)
            for f in r.incident.files
        ]
        self._insert(ReferralIdentifierRow, identifiers)
        self._insert(ReferralFileRow, files)
        return ids

    def add_records(self, records: Sequence[Any]) -> list[int]:
        if not records:
            return []
        row_type = RECORD_ROWS[type(records[0])]
        names = [f.name for f in dataclasses.fields(records[0]) if f.name != "id"]
        rows = [{n: _column_value(getattr(r, n)) for n in names} for r in records]
        if row_type is ExhibitRow:  # an exhibit keeps its referral's force (references per force)
            referral_ids = sorted({row["referral_id"] for row in rows})
            query = select(ReferralRow.id, ReferralRow.force).where(
                ReferralRow.id.in_(referral_ids)
            )
            forces: dict[int, str] = dict(self._session.execute(query).all())
            for row in rows:
                row["force"] = forces[row["referral_id"]]
        return self._insert(row_type, rows)

    def add_triage_runs(self, runs: Sequence[tuple[TriageRun, Sequence[Finding]]]) -> None:
        ids = self._insert(
            TriageRunRow,
            [
                {
                    "exhibit_reference": run.exhibit,
                    "case_reference": run.case,
                    "started_at": run.started_at,
                    "finished_at": run.finished_at,
                    "files_scanned": run.files_scanned,
                    "bytes_scanned": run.bytes_scanned,
                    "files_matched": run.files_matched,
                    "findings_count": run.findings,
                    "files_ignored": run.files_ignored,
                    "items_in_error": run.items_in_error,
                    "warnings": run.warnings,
                    "out_dir": run.out_dir,
                    "summary": run.summary,
                }
                for run, _ in runs
            ],
        )
        counts = [
            {"run_id": rid, "category": category, "files": files}
            for (run, _), rid in zip(runs, ids, strict=True)
            for category, files in run.category_counts.items()
        ]
        if counts:
            self._session.execute(insert(TriageCategoryCountRow), counts)
        findings = [
            {"run_id": rid, **dataclasses.asdict(finding)}
            for (_, run_findings), rid in zip(runs, ids, strict=True)
            for finding in run_findings
        ]
        if findings:
            self._session.execute(insert(TriageFindingRow), findings)

    def add_contacts(self, contacts: Sequence[ContactDraft]) -> None:
        rows = [
            {
                "contact_date": c.contact_date,
                "channel": c.channel.value,
                "who": c.who.value,
                "concern_online_images": Concern.ONLINE_IMAGES in c.concerns,
                "concern_online_contact": Concern.ONLINE_CONTACT in c.concerns,
                "concern_offline": Concern.OFFLINE in c.concerns,
                "area": c.area.value,
                "heard_via": c.heard_via.value,
                "protective_actions": c.protective_actions,
                "notes": c.notes,
                "follow_ups": c.follow_ups,
                "code_word_hash": c.code_word_hash,
            }
            for c in contacts
        ]
        if rows:
            self._session.execute(insert(PreventionContactRow), rows)

    def add_daily_counts(
        self, self_help: Sequence[DailyCount], funnel: Sequence[DailyCount]
    ) -> None:
        if self_help:
            self._session.execute(
                insert(PreventionSelfHelpCountRow),
                [
                    {"day": c.day, "module": c.key, "event": c.name, "count": c.count}
                    for c in self_help
                ],
            )
        if funnel:
            self._session.execute(
                insert(PreventionFunnelCountRow),
                [{"day": c.day, "step": c.name, "count": c.count} for c in funnel],
            )
