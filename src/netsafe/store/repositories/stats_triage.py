"""SQL behind the triage figures: devices triaged and matched files by category.

A run counts for the force of the exhibit it belongs to: `triage_runs.exhibit_id`, derived by the
rule of `store.run_exhibits` (exhibit references are unique within a force only, so a reference
alone could name another force's exhibit). Runs of no exhibit, of a withdrawn exhibit or of a
withdrawn case are left out (withdrawn records leave the figures). An exhibit triaged more than
once in a window counts once, with the files of its latest run there (a re-run of the same device
doesn't double its matches).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, func, literal, select

from netsafe.stats.periods import UtcWindow
from netsafe.stats.sources import NO_KEY
from netsafe.store.models.operation import ExhibitRow, ReferralRow
from netsafe.store.models.triage import TriageCategoryCountRow, TriageRunRow


def _latest_runs(window: UtcWindow) -> Any:
    """The latest run finished in the window of each standing exhibit, with its case's force."""
    finished: ColumnElement[bool] = TriageRunRow.finished_at >= window.start
    before_end: ColumnElement[bool] = TriageRunRow.finished_at < window.end
    return (
        select(
            TriageRunRow.id.label("run_id"),
            ReferralRow.force.label("force"),
            func.row_number()
            .over(
                partition_by=TriageRunRow.exhibit_id,
                order_by=(TriageRunRow.finished_at.desc(), TriageRunRow.id.desc()),
            )
            .label("rank"),
        )
        .join(ExhibitRow, ExhibitRow.id == TriageRunRow.exhibit_id)
        .join(ReferralRow, ReferralRow.id == ExhibitRow.referral_id)
        .where(
            finished & before_end,
            ExhibitRow.withdrawn_at.is_(None),
            ReferralRow.withdrawn_at.is_(None),
        )
        .subquery()
    )


def devices_triaged(window: UtcWindow) -> Select[str, str, int]:
    runs = _latest_runs(window)
    key = literal(NO_KEY).label("key")
    return (
        select(runs.c.force, key, func.count().label("n"))
        .where(runs.c.rank == 1)
        .group_by(runs.c.force, key)
    )


def matched_files(window: UtcWindow) -> Select[str, str, int]:
    runs = _latest_runs(window)
    key = TriageCategoryCountRow.category.label("key")
    return (
        select(runs.c.force, key, func.sum(TriageCategoryCountRow.files).label("n"))
        .join(TriageCategoryCountRow, TriageCategoryCountRow.run_id == runs.c.run_id)
        .where(runs.c.rank == 1)
        .group_by(runs.c.force, key)
    )
