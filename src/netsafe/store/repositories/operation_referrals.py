"""SQL implementation of `netsafe.operation.referrals.ReferralRepository`."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, case, delete, func, or_, select
from sqlalchemy.orm import Session

from netsafe.operation.access import Scope
from netsafe.operation.referrals import (
    IdentifierKind,
    IncidentDetails,
    QueueSummary,
    Referral,
    ReferralSource,
    ReferralStatus,
    ReportedFile,
    ReportedIdentifier,
)
from netsafe.store.models.operation import (
    ReferralAccessRow,
    ReferralFileRow,
    ReferralIdentifierRow,
    ReferralRow,
)
from netsafe.store.repositories.operation_records import as_utc
from netsafe.store.repositories.operation_scope import scope_clause

_OPEN = ReferralRow.status != ReferralStatus.CLOSED.value


def _opt(value: datetime | None) -> datetime | None:
    return None if value is None else as_utc(value)


class SqlReferralRepository:
    """Referrals in the caller's session."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def _to_domain(self, row: ReferralRow, *, details: bool) -> Referral:
        identifiers: tuple[ReportedIdentifier, ...] = ()
        files: tuple[ReportedFile, ...] = ()
        restricted: tuple[str, ...] = ()
        if details:
            identifiers = tuple(
                ReportedIdentifier(IdentifierKind(r.kind), r.value)
                for r in self._session.scalars(
                    select(ReferralIdentifierRow)
                    .where(ReferralIdentifierRow.referral_id == row.id)
                    .order_by(ReferralIdentifierRow.id)
                )
            )
            files = tuple(
                ReportedFile(r.file_name, r.md5, r.sha1, r.sha256)
                for r in self._session.scalars(
                    select(ReferralFileRow)
                    .where(ReferralFileRow.referral_id == row.id)
                    .order_by(ReferralFileRow.id)
                )
            )
        if row.restricted:
            restricted = tuple(
                self._session.scalars(
                    select(ReferralAccessRow.username)
                    .where(ReferralAccessRow.referral_id == row.id)
                    .order_by(ReferralAccessRow.username)
                )
            )
        return Referral(
            id=row.id,
            source=ReferralSource(row.source),
            force=row.force,
            received_at=as_utc(row.received_at),
            summary=row.summary,
            status=ReferralStatus(row.status),
            deadline_at=as_utc(row.deadline_at),
            incident=IncidentDetails(
                incident_type=row.incident_type,
                incident_at=_opt(row.incident_at),
                identifiers=identifiers,
                files=files,
            ),
            restricted_to=restricted,
            risk_band=row.risk_band,
            responded_at=_opt(row.responded_at),
            created_by=row.created_by,
            created_at=_opt(row.created_at),
        )

    def add(self, referral: Referral) -> Referral:
        row = ReferralRow(
            source=referral.source.value,
            force=referral.force,
            received_at=referral.received_at,
            summary=referral.summary,
            status=referral.status.value,
            deadline_at=referral.deadline_at,
            risk_band=referral.risk_band,
            responded_at=referral.responded_at,
            created_by=referral.created_by,
            created_at=referral.created_at,
            incident_type=referral.incident.incident_type,
            incident_at=referral.incident.incident_at,
            restricted=bool(referral.restricted_to),
        )
        self._session.add(row)
        self._session.flush()
        for identifier in referral.incident.identifiers:
            self._session.add(
                ReferralIdentifierRow(
                    referral_id=row.id, kind=identifier.kind.value, value=identifier.value
                )
            )
        for reported in referral.incident.files:
            self._session.add(
                ReferralFileRow(
                    referral_id=row.id,
                    file_name=reported.file_name,
                    md5=reported.md5,
                    sha1=reported.sha1,
                    sha256=reported.sha256,
                )
            )
        self._write_access(row.id, referral.restricted_to)
        self._session.flush()
        return self._to_domain(row, details=True)

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
        row.status = referral.status.value
        row.risk_band = referral.risk_band
        row.deadline_at = referral.deadline_at
        row.responded_at = referral.responded_at
        row.summary = referral.summary
        row.restricted = bool(referral.restricted_to)
        self._write_access(referral.id, referral.restricted_to)
        self._session.flush()

    def queue(
        self, scope: Scope, *, awaiting_only: bool, limit: int, offset: int
    ) -> list[Referral]:
        query = select(ReferralRow).where(_OPEN, scope_clause(scope))
        if awaiting_only:
            query = query.where(ReferralRow.responded_at.is_(None))
        query = query.order_by(ReferralRow.deadline_at, ReferralRow.id).limit(limit).offset(offset)
        return [self._to_domain(row, details=False) for row in self._session.scalars(query)]

    def summary(self, scope: Scope, now: datetime) -> QueueSummary:
        awaiting = ReferralRow.responded_at.is_(None)
        late_open = and_(_OPEN, awaiting, ReferralRow.deadline_at < now)
        breached = or_(
            late_open,
            and_(
                ReferralRow.responded_at.is_not(None),
                ReferralRow.responded_at > ReferralRow.deadline_at,
            ),
        )
        due_soon = and_(
            _OPEN,
            awaiting,
            ReferralRow.deadline_at >= now,
            ReferralRow.deadline_at < now + timedelta(days=1),
        )

        def count_of(condition: ColumnElement[bool]) -> ColumnElement[int]:
            return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

        totals = self._session.execute(
            select(
                count_of(_OPEN),
                count_of(and_(_OPEN, awaiting)),
                count_of(breached),
                count_of(late_open),
                count_of(due_soon),
            ).where(scope_clause(scope))
        ).one()
        by_band = {
            band or "unassessed": count
            for band, count in self._session.execute(
                select(ReferralRow.risk_band, func.count())
                .where(_OPEN, scope_clause(scope))
                .group_by(ReferralRow.risk_band)
            )
        }
        by_force = dict(
            self._session.execute(
                select(ReferralRow.force, func.count())
                .where(_OPEN, scope_clause(scope))
                .group_by(ReferralRow.force)
            ).all()
        )
        return QueueSummary(
            open=int(totals[0]),
            awaiting_response=int(totals[1]),
            breached=int(totals[2]),
            breached_open=int(totals[3]),
            due_within_24h=int(totals[4]),
            by_band=by_band,
            by_force=by_force,
        )
