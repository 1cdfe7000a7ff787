"""SQL implementation of `netsafe.operation.referrals.ReferralRepository`."""

from __future__ import annotations

import functools
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    and_,
    bindparam,
    case,
    delete,
    func,
    select,
    text,
)
from sqlalchemy.orm import Session

from netsafe.hashlists.reported_files import AskLists
from netsafe.operation.oversight import RestrictedCase
from netsafe.operation.referrals import (
    IdentifierKind,
    IncidentDetails,
    QueueSummary,
    Referral,
    ReferralSource,
    ReferralStatus,
    ReportedFile,
    ReportedIdentifier,
    referral_reference,
)
from netsafe.platform.access import Scope
from netsafe.store.models.operation import (
    OPEN_CONDITION,
    ReferralAccessRow,
    ReferralFileRow,
    ReferralIdentifierRow,
    ReferralRow,
)
from netsafe.store.repositories.deconfliction_keys import SqlDeconflictionKeys
from netsafe.store.repositories.operation_scope import forces_clause, scope_clause
from netsafe.store.repositories.referral_file_matches import SqlReferralFileMatches
from netsafe.timestamps import as_utc

#: Open referrals, written as the partial indexes' condition (a literal, not a bound parameter,
#: so that the planner can use those indexes on any plan).
_OPEN = text(f"referrals.{OPEN_CONDITION}")
_ANSWERED_LATE = ReferralRow.responded_at > ReferralRow.deadline_at
_TABLE = ReferralRow.__table__
_ACCESS = ReferralAccessRow.__table__
_SOURCES = {source.value: source for source in ReferralSource}
_STATUSES = {status.value: status for status in ReferralStatus}
_NO_INCIDENT = IncidentDetails()


def _opt(value: datetime | None) -> datetime | None:
    return None if value is None else as_utc(value)


def referral_values(referral: Referral) -> dict[str, Any]:
    """The `referrals` columns of a referral not yet stored (one row here, many in a bulk
    import)."""
    return {
        "source": referral.source.value,
        "force": referral.force,
        "received_at": referral.received_at,
        "summary": referral.summary,
        "status": referral.status.value,
        "deadline_at": referral.deadline_at,
        "risk_band": referral.risk_band,
        "responded_at": referral.responded_at,
        "created_by": referral.created_by,
        "created_at": referral.created_at,
        "incident_type": referral.incident.incident_type,
        "incident_at": referral.incident.incident_at,
        "restricted": bool(referral.restricted_to),
    }


def identifier_values(referral_id: int, identifier: ReportedIdentifier) -> dict[str, Any]:
    """The `referral_identifiers` columns of one reported identifier."""
    return {
        "referral_id": referral_id,
        "kind": identifier.kind.value,
        "value": identifier.value,
        "seen_at": identifier.seen_at,
    }


def reported_file_values(
    referral_id: int, reported: ReportedFile, matched_at: datetime | None = None
) -> dict[str, Any]:
    """The `referral_files` columns of one reported file (`matched_at`: when the import
    matched its hashes; a file typed in by hand is matched once written)."""
    return {
        "referral_id": referral_id,
        "file_name": reported.file_name,
        "md5": reported.md5,
        "sha1": reported.sha1,
        "sha256": reported.sha256,
        "matched_at": matched_at,
    }


class SqlReferralRepository:
    """Referrals in the caller's session. `ask_lists`: how to ask the hash lists about files
    (the rule the import uses, `netsafe.hashlists.reported_files`, over the caller's matcher);
    when given, the hashes of files typed in on a case are matched as they are written.
    Without it (a command that writes no hand-typed files) they wait for the next list
    import, which matches every case's files."""

    def __init__(self, session: Session, ask_lists: AskLists | None = None) -> None:
        self._session = session
        self._ask_lists = ask_lists

    def _to_domain(self, row: ReferralRow, *, details: bool) -> Referral:
        identifiers: tuple[ReportedIdentifier, ...] = ()
        files: tuple[ReportedFile, ...] = ()
        restricted: tuple[str, ...] = ()
        if details:
            identifiers = tuple(
                ReportedIdentifier(IdentifierKind(r.kind), r.value, _opt(r.seen_at))
                for r in self._session.scalars(
                    select(ReferralIdentifierRow)
                    .where(ReferralIdentifierRow.referral_id == row.id)
                    .order_by(ReferralIdentifierRow.id)
                )
            )
            files = self._files(row.id)
        if row.restricted:
            restricted = tuple(
                self._session.scalars(
                    select(ReferralAccessRow.username)
                    .where(ReferralAccessRow.referral_id == row.id)
                    .order_by(ReferralAccessRow.username)
                )
            )
        incident = IncidentDetails(
            incident_type=row.incident_type,
            incident_at=_opt(row.incident_at),
            identifiers=identifiers,
            files=files,
        )
        return _listed(row, restricted, incident)

    def _files(self, referral_id: int) -> tuple[ReportedFile, ...]:
        rows = list(
            self._session.scalars(
                select(ReferralFileRow)
                .where(ReferralFileRow.referral_id == referral_id)
                .order_by(ReferralFileRow.id)
                .execution_options(populate_existing=True)  # `matched_at` written by Core
            )
        )
        matches = SqlReferralFileMatches(self._session).of([r.id for r in rows]) if rows else {}
        return tuple(
            ReportedFile(
                r.file_name,
                r.md5,
                r.sha1,
                r.sha256,
                matched_at=_opt(r.matched_at),
                matches=matches.get(r.id, ()),
            )
            for r in rows
        )

    def _match_files(self, referral_id: int, incident: IncidentDetails) -> None:
        """Ask the lists about the hashes of the files just typed in (when the caller gave the
        lists), before the referral is keyed again (a hash the lists know links no case)."""
        if self._ask_lists is None or not any(f.md5 or f.sha1 or f.sha256 for f in incident.files):
            return
        files = SqlReferralFileMatches(self._session)
        files.match(self._ask_lists, [referral_id], datetime.now(UTC))

    def add(self, referral: Referral) -> Referral:
        row = ReferralRow(**referral_values(referral))
        self._session.add(row)
        self._session.flush()
        self._write_incident_lists(row.id, referral.incident)
        self._write_access(row.id, referral.restricted_to)
        self._session.flush()
        self._match_files(row.id, referral.incident)
        if referral.incident.identifiers or referral.incident.files:
            self._rekey(row.id)
        return self._to_domain(row, details=True)

    def _rekey(self, referral_id: int) -> None:
        """Deconfliction follows what is typed in on a case: its identifiers are keyed and
        linked again (`SqlDeconflictionKeys.rekey`)."""
        SqlDeconflictionKeys(self._session).rekey(referral_id, datetime.now(UTC))

    def _write_incident_lists(self, referral_id: int, incident: IncidentDetails) -> None:
        for identifier in incident.identifiers:
            self._session.add(ReferralIdentifierRow(**identifier_values(referral_id, identifier)))
        for reported in incident.files:
            self._session.add(ReferralFileRow(**reported_file_values(referral_id, reported)))

    def update_incident(self, referral: Referral) -> None:
        row = self._session.get(ReferralRow, referral.id)
        if row is None:
            raise LookupError(f"referral {referral.id} not stored")
        row.incident_type = referral.incident.incident_type
        row.incident_at = referral.incident.incident_at
        for table in (ReferralIdentifierRow, ReferralFileRow):
            self._session.execute(delete(table).where(table.referral_id == referral.id))
        self._write_incident_lists(referral.id, referral.incident)
        self._session.flush()
        self._match_files(referral.id, referral.incident)
        self._rekey(referral.id)

    def _write_access(self, referral_id: int, usernames: tuple[str, ...]) -> None:
        self._session.execute(
            delete(ReferralAccessRow).where(ReferralAccessRow.referral_id == referral_id)
        )
        for username in sorted(set(usernames)):
            self._session.add(ReferralAccessRow(referral_id=referral_id, username=username))

    def get(self, referral_id: int) -> Referral | None:
        row = self._session.get(ReferralRow, referral_id)
        return None if row is None else self._to_domain(row, details=True)

    def update(self, referral: Referral) -> None:
        row = self._session.get(ReferralRow, referral.id)
        if row is None:
            raise LookupError(f"referral {referral.id} not stored")
        row.source = referral.source.value
        row.received_at = referral.received_at
        row.status = referral.status.value
        row.risk_band = referral.risk_band
        row.deadline_at = referral.deadline_at
        row.responded_at = referral.responded_at
        row.summary = referral.summary
        withdrawn = row.withdrawn_at is None and referral.withdrawn_at is not None
        row.withdrawn_at = referral.withdrawn_at
        row.restricted = bool(referral.restricted_to)
        self._write_access(referral.id, referral.restricted_to)
        self._session.flush()
        if withdrawn:  # it leaves every link
            self._rekey(referral.id)

    def restricted_cases(self, *, limit: int, offset: int) -> list[RestrictedCase]:
        """Every restricted case as a line (no contents), earliest deadline first."""
        rows = self._session.execute(
            select(
                ReferralRow.id,
                ReferralRow.received_at,
                ReferralRow.force,
                ReferralRow.deadline_at,
                ReferralRow.responded_at,
            )
            .where(ReferralRow.restricted.is_(True))
            .order_by(ReferralRow.deadline_at, ReferralRow.id)
            .limit(limit)
            .offset(offset)
        )
        return [
            RestrictedCase(
                r.id,
                referral_reference(r.id, r.received_at),
                r.force,
                as_utc(r.deadline_at),
                _opt(r.responded_at),
            )
            for r in rows
        ]

    def queue(
        self, scope: Scope, *, awaiting_only: bool, limit: int, offset: int
    ) -> list[Referral]:
        """A page of the queue, read as plain rows (Core): a list page is read on every view,
        and loading ORM objects cost more than the rest of the query."""
        query = _queue_statement(scope.forces, awaiting_only)
        self._session.flush()  # changes made in this session are read back as stored
        connection = self._session.connection()
        values = {"username": scope.username, "limit": limit, "offset": offset}
        rows = connection.execute(query, values).all()
        restricted = [row.id for row in rows if row.restricted]
        named: dict[int, list[str]] = {}
        if restricted:
            access = select(_ACCESS.c.referral_id, _ACCESS.c.username).where(
                _ACCESS.c.referral_id.in_(restricted)
            )
            for referral_id, username in connection.execute(access.order_by(_ACCESS.c.username)):
                named.setdefault(referral_id, []).append(username)
        return [_listed(row, tuple(named.get(row.id, ()))) for row in rows]

    def summary(self, scope: Scope, now: datetime) -> QueueSummary:
        awaiting = ReferralRow.responded_at.is_(None)
        late_open = and_(awaiting, ReferralRow.deadline_at < now)
        due_soon = and_(
            awaiting,
            ReferralRow.deadline_at >= now,
            ReferralRow.deadline_at < now + timedelta(days=1),
        )

        def count_of(condition: ColumnElement[bool]) -> ColumnElement[int]:
            return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

        # One pass over the open referrals (partial index), grouped by band and force…
        groups = self._session.execute(
            select(
                ReferralRow.risk_band,
                ReferralRow.force,
                func.count(),
                count_of(awaiting),
                count_of(late_open),
                count_of(due_soon),
            )
            .where(_OPEN, scope_clause(scope))
            .group_by(ReferralRow.risk_band, ReferralRow.force)
        ).all()
        # …and the referrals answered after their deadline (partial index too).
        answered_late = self._session.scalar(
            select(func.count()).select_from(ReferralRow).where(_ANSWERED_LATE, scope_clause(scope))
        )
        by_band: dict[str, int] = {}
        by_force: dict[str, int] = {}
        for band, force, count, _awaiting, _late, _soon in groups:
            by_band[band or "unassessed"] = by_band.get(band or "unassessed", 0) + count
            by_force[force] = by_force.get(force, 0) + count
        breached_open = sum(int(g[4]) for g in groups)
        return QueueSummary(
            open=sum(int(g[2]) for g in groups),
            awaiting_response=sum(int(g[3]) for g in groups),
            breached=breached_open + int(answered_late or 0),
            breached_open=breached_open,
            due_within_24h=sum(int(g[5]) for g in groups),
            by_band=by_band,
            by_force=by_force,
        )


@functools.lru_cache(maxsize=64)
def _queue_statement(forces: frozenset[str] | None, awaiting_only: bool) -> Select[Any]:
    """The queue's query for a set of forces, built once (building a statement and its cache
    key cost as much as running it): the username, limit and offset are bound parameters."""
    query = select(_TABLE).where(_OPEN, forces_clause(forces, bindparam("username")))
    if awaiting_only:
        query = query.where(ReferralRow.responded_at.is_(None))
    return (
        query.order_by(ReferralRow.deadline_at, ReferralRow.id)
        .limit(bindparam("limit", type_=Integer))
        .offset(bindparam("offset", type_=Integer))
    )


def _listed(
    row: Any, restricted_to: tuple[str, ...], incident: IncidentDetails | None = None
) -> Referral:
    """A referral from its row (Core or ORM); as a list shows it unless `incident` is given
    (a list does not read the incident's identifiers and files)."""
    if incident is None:
        incident = (
            _NO_INCIDENT
            if row.incident_type is None and row.incident_at is None
            else IncidentDetails(incident_type=row.incident_type, incident_at=_opt(row.incident_at))
        )
    return Referral(
        id=row.id,
        source=_SOURCES.get(row.source) or ReferralSource(row.source),
        force=row.force,
        received_at=as_utc(row.received_at),
        summary=row.summary,
        status=_STATUSES.get(row.status) or ReferralStatus(row.status),
        deadline_at=as_utc(row.deadline_at),
        incident=incident,
        restricted_to=restricted_to,
        risk_band=row.risk_band,
        responded_at=_opt(row.responded_at),
        created_by=row.created_by,
        created_at=_opt(row.created_at),
        withdrawn_at=_opt(getattr(row, "withdrawn_at", None)),
    )
