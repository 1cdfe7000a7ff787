"""SQL implementation of `netsafe.operation.exhibit_list.ExhibitListRepository`.

An exhibit's triage runs are the runs linked to it by id (`triage_runs.exhibit_id`, derived by the
rule of `store.run_exhibits`: the runs of its reference that name its case, or any run of its
reference when no other force uses it), as its page finds them.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    exists,
    func,
    select,
)
from sqlalchemy.orm import Session

from netsafe.operation.exhibit_list import ExhibitFilter, ExhibitLine, TriageState
from netsafe.operation.exhibits import Exhibit
from netsafe.operation.referrals import referral_reference
from netsafe.platform.access import Scope
from netsafe.store.models.operation import CustodyEventRow, ExhibitRow, ReferralRow
from netsafe.store.models.triage import TriageRunRow
from netsafe.store.repositories.operation_records import SqlRecordRepository
from netsafe.store.repositories.operation_scope import scope_clause
from netsafe.timestamps import as_utc


def _holder() -> ColumnElement[str]:
    last = (
        select(CustodyEventRow.handed_to)
        .where(CustodyEventRow.exhibit_id == ExhibitRow.id)
        .order_by(CustodyEventRow.at.desc(), CustodyEventRow.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    return func.coalesce(last, ExhibitRow.seized_by)


def _runs_of_exhibit() -> ColumnElement[bool]:
    """A `triage_runs` row belongs to the (outer) exhibit."""
    linked: ColumnElement[bool] = TriageRunRow.exhibit_id == ExhibitRow.id
    return linked


class SqlExhibitList:
    """The exhibit list in the caller's session."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._exhibits = SqlRecordRepository(session, Exhibit, ExhibitRow)

    def _where(self, query: Select[Any], scope: Scope, wanted: ExhibitFilter) -> Select[Any]:
        runs = _runs_of_exhibit()
        query = query.join(ReferralRow, ReferralRow.id == ExhibitRow.referral_id).where(
            scope_clause(scope),
            ExhibitRow.withdrawn_at.is_(None),  # entered in error: no exhibit to examine
        )
        if wanted.triage is TriageState.AWAITING:
            query = query.where(~exists(select(TriageRunRow.id).where(runs)))
        elif wanted.triage is TriageState.TRIAGED:
            query = query.where(exists(select(TriageRunRow.id).where(runs)))
        elif wanted.triage is TriageState.MATCHES:
            matched = and_(runs, TriageRunRow.files_matched > 0)
            query = query.where(exists(select(TriageRunRow.id).where(matched)))
        if wanted.forces:
            query = query.where(ExhibitRow.force.in_(sorted(wanted.forces)))
        if wanted.seized_before is not None:
            query = query.where(ExhibitRow.seized_at <= wanted.seized_before)
        if wanted.seized_after is not None:
            query = query.where(ExhibitRow.seized_at >= wanted.seized_after)
        if wanted.held_by is not None:
            query = query.where(_holder() == wanted.held_by)
        return query

    def listed(
        self, scope: Scope, wanted: ExhibitFilter, *, limit: int, offset: int
    ) -> list[ExhibitLine]:
        runs = _runs_of_exhibit()

        def of_runs(column: Any) -> Any:
            return select(column).where(runs).scalar_subquery()

        query = select(
            ExhibitRow,
            ExhibitRow.force,
            ReferralRow.received_at,
            _holder().label("holder"),
            of_runs(func.count(TriageRunRow.id)).label("runs"),
            of_runs(func.max(TriageRunRow.files_matched)).label("files_matched"),
            of_runs(func.max(TriageRunRow.finished_at)).label("last_triaged_at"),
        ).select_from(ExhibitRow)
        query = self._where(query, scope, wanted)
        query = query.order_by(ExhibitRow.seized_at, ExhibitRow.id).limit(limit).offset(offset)
        return [
            ExhibitLine(
                exhibit=self._exhibits.to_domain(row),
                force=force,
                case_reference=referral_reference(row.referral_id, as_utc(received)),
                holder=holder,
                runs=int(runs_count or 0),
                files_matched=int(matched or 0),
                last_triaged_at=None if last is None else as_utc(last),
            )
            for row, force, received, holder, runs_count, matched, last in self._session.execute(
                query
            )
        ]

    def count(self, scope: Scope, wanted: ExhibitFilter) -> int:
        query = select(func.count(ExhibitRow.id)).select_from(ExhibitRow)
        return int(self._session.scalar(self._where(query, scope, wanted)) or 0)
