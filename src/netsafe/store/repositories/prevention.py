"""SQL implementations of the prevention protocols: contacts, daily counters, aggregates."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from netsafe.prevention.access_audit import AccessAction, AccessEntry
from netsafe.prevention.aggregates import ContactTotals, Period
from netsafe.prevention.contacts import (
    Area,
    Channel,
    Concern,
    Contact,
    ContactDraft,
    ContactFilter,
    HeardVia,
    Who,
)
from netsafe.prevention.counters import DailyCount, FunnelStep, SelfHelpEvent
from netsafe.store.models.prevention import (
    PreventionAccessAuditRow,
    PreventionContactRow,
    PreventionFunnelCountRow,
    PreventionSelfHelpCountRow,
)

_CONCERN_COLUMNS = {
    Concern.ONLINE_IMAGES: PreventionContactRow.concern_online_images,
    Concern.ONLINE_CONTACT: PreventionContactRow.concern_online_contact,
    Concern.OFFLINE: PreventionContactRow.concern_offline,
}


def _to_domain(row: PreventionContactRow) -> Contact:
    concerns = frozenset(c for c, column in _CONCERN_COLUMNS.items() if getattr(row, column.key))
    return Contact(
        id=row.id,
        contact_date=row.contact_date,
        channel=Channel(row.channel),
        who=Who(row.who),
        concerns=concerns,
        area=Area(row.area),
        heard_via=HeardVia(row.heard_via),
        protective_actions=row.protective_actions,
        notes=row.notes,
        follow_ups=row.follow_ups,
        has_code_word=row.code_word_hash is not None,
    )


def _conditions(criteria: ContactFilter) -> list[ColumnElement[bool]]:
    row = PreventionContactRow
    conditions: list[ColumnElement[bool]] = []
    if criteria.date_from is not None:
        conditions.append(row.contact_date >= criteria.date_from)
    if criteria.date_to is not None:
        conditions.append(row.contact_date <= criteria.date_to)
    for column, value in (
        (row.channel, criteria.channel),
        (row.who, criteria.who),
        (row.area, criteria.area),
        (row.heard_via, criteria.heard_via),
        (row.code_word_hash, criteria.code_word_hash),
    ):
        if value is not None:
            conditions.append(column == str(value))
    if criteria.concern is not None:
        conditions.append(_CONCERN_COLUMNS[criteria.concern].is_(True))
    return conditions


class SqlContactRepository:
    """Contact records in the `prevention_contacts` table of the caller's session."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, draft: ContactDraft) -> Contact:
        row = PreventionContactRow(
            contact_date=draft.contact_date,
            channel=draft.channel.value,
            who=draft.who.value,
            concern_online_images=Concern.ONLINE_IMAGES in draft.concerns,
            concern_online_contact=Concern.ONLINE_CONTACT in draft.concerns,
            concern_offline=Concern.OFFLINE in draft.concerns,
            area=draft.area.value,
            heard_via=draft.heard_via.value,
            protective_actions=draft.protective_actions,
            notes=draft.notes,
            follow_ups=draft.follow_ups,
            code_word_hash=draft.code_word_hash,
        )
        self._session.add(row)
        self._session.flush()
        return _to_domain(row)

    def get(self, contact_id: int) -> Contact | None:
        row = self._session.get(PreventionContactRow, contact_id)
        return None if row is None else _to_domain(row)

    def list(self, criteria: ContactFilter) -> list[Contact]:
        query = (
            select(PreventionContactRow)
            .where(*_conditions(criteria))
            .order_by(PreventionContactRow.contact_date.desc(), PreventionContactRow.id.desc())
            .limit(criteria.limit)
            .offset(criteria.offset)
        )
        return [_to_domain(row) for row in self._session.scalars(query)]

    def count(self, criteria: ContactFilter) -> int:
        query = select(func.count(PreventionContactRow.id)).where(*_conditions(criteria))
        return int(self._session.scalar(query) or 0)

    def set_follow_ups(self, contact_id: int, follow_ups: int) -> Contact | None:
        row = self._session.get(PreventionContactRow, contact_id)
        if row is None:
            return None
        row.follow_ups = follow_ups
        self._session.flush()
        return _to_domain(row)


class SqlCounterRepository:
    """Daily counters, incremented with one atomic upsert (safe under concurrent requests)."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def _increment(self, table: Any, keys: dict[str, object], conflict: list[str]) -> None:
        dialect = self._session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        statement = insert(table).values(**keys, count=1)
        statement = statement.on_conflict_do_update(
            index_elements=conflict, set_={"count": table.c.count + 1}
        )
        self._session.execute(statement)

    def add_self_help(self, day: date, module: str, event: SelfHelpEvent) -> None:
        self._increment(
            PreventionSelfHelpCountRow.__table__,
            {"day": day, "module": module, "event": event.value},
            ["day", "module", "event"],
        )

    def add_funnel(self, day: date, step: FunnelStep) -> None:
        self._increment(
            PreventionFunnelCountRow.__table__, {"day": day, "step": step.value}, ["day", "step"]
        )

    def self_help_counts(self, date_from: date, date_to: date) -> list[DailyCount]:
        row = PreventionSelfHelpCountRow
        query = (
            select(row)
            .where(row.day >= date_from, row.day <= date_to)
            .order_by(row.day, row.module, row.event)
        )
        return [DailyCount(r.day, r.event, r.module, r.count) for r in self._session.scalars(query)]

    def funnel_counts(self, date_from: date, date_to: date) -> list[DailyCount]:
        row = PreventionFunnelCountRow
        query = (
            select(row).where(row.day >= date_from, row.day <= date_to).order_by(row.day, row.step)
        )
        return [DailyCount(r.day, r.step, "", r.count) for r in self._session.scalars(query)]


class SqlPreventionAggregates:
    """`PreventionAggregateSource` over the prevention tables: GROUP BY queries, no records out."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def _grouped(self, where: ColumnElement[bool], column: Any) -> dict[str, int]:
        query = select(column, func.count()).where(where).group_by(column)
        return {str(key): int(n) for key, n in self._session.execute(query)}

    def contact_totals(self, period: Period, area: Area | None) -> ContactTotals:
        row = PreventionContactRow
        conditions = [row.contact_date >= period.date_from, row.contact_date <= period.date_to]
        if area is not None:
            conditions.append(row.area == area.value)
        where = and_(*conditions)
        contacts, follow_ups, anonymous = self._session.execute(
            select(
                func.count(row.id),
                func.coalesce(func.sum(row.follow_ups), 0),
                func.count(row.id).filter(row.code_word_hash.is_(None)),
            ).where(where)
        ).one()
        per_code_word = (
            select(row.code_word_hash, func.count(row.id).label("n"))
            .where(where, row.code_word_hash.is_not(None))
            .group_by(row.code_word_hash)
            .subquery()
        )
        code_words, returning = self._session.execute(
            select(
                func.count(per_code_word.c.code_word_hash),
                func.count(per_code_word.c.code_word_hash).filter(per_code_word.c.n > 1),
            )
        ).one()
        by_concern = {
            concern.value: int(
                self._session.scalar(select(func.count(row.id)).where(where, column.is_(True))) or 0
            )
            for concern, column in _CONCERN_COLUMNS.items()
        }
        by_month: dict[str, int] = defaultdict(int)
        for day, n in self._session.execute(
            select(row.contact_date, func.count(row.id)).where(where).group_by(row.contact_date)
        ):
            by_month[day.strftime("%Y-%m")] += int(n)
        return ContactTotals(
            contacts=int(contacts),
            people=int(code_words) + int(anonymous),
            returning_people=int(returning),
            follow_ups=int(follow_ups),
            by_channel=self._grouped(where, row.channel),
            by_who=self._grouped(where, row.who),
            by_concern=by_concern,
            by_area=self._grouped(where, row.area),
            by_heard_via=self._grouped(where, row.heard_via),
            by_month=dict(by_month),
        )

    def latest_day(self) -> date | None:
        """The latest day with a contact, the day the default periods end on; the counters'
        latest day only when no contact is recorded yet, None when there is nothing.

        The counters are tallies of anonymous events (a view of the public help page, a
        self-help step): one view of /help today must not move the dashboard and /stats onto a
        year that holds that view and no contact."""
        contact: date | None = self._session.scalar(
            select(func.max(PreventionContactRow.contact_date))
        )
        if contact is not None:
            return contact
        days = [
            self._session.scalar(select(func.max(PreventionSelfHelpCountRow.day))),
            self._session.scalar(select(func.max(PreventionFunnelCountRow.day))),
        ]
        return max((day for day in days if day is not None), default=None)

    def self_help_totals(self, period: Period) -> dict[str, dict[str, int]]:
        row = PreventionSelfHelpCountRow
        query = (
            select(row.module, row.event, func.sum(row.count))
            .where(row.day >= period.date_from, row.day <= period.date_to)
            .group_by(row.module, row.event)
        )
        totals: dict[str, dict[str, int]] = defaultdict(dict)
        for module, event, n in self._session.execute(query):
            totals[module][event] = int(n)
        return dict(totals)

    def funnel_totals(self, period: Period) -> dict[str, int]:
        row = PreventionFunnelCountRow
        query = (
            select(row.step, func.sum(row.count))
            .where(row.day >= period.date_from, row.day <= period.date_to)
            .group_by(row.step)
        )
        return {step: int(n) for step, n in self._session.execute(query)}


class SqlAccessAuditRepository:
    """The charity's access audit in `prevention_access_audit` (rows are only ever added)."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, entry: AccessEntry) -> None:
        self._session.add(
            PreventionAccessAuditRow(
                day=entry.day,
                actor=entry.actor,
                action=entry.action.value,
                contact_id=entry.contact_id,
            )
        )

    def recent(self, limit: int) -> list[AccessEntry]:
        row = PreventionAccessAuditRow
        rows = self._session.scalars(select(row).order_by(row.id.desc()).limit(limit))
        return [AccessEntry(r.day, r.actor, AccessAction(r.action), r.contact_id) for r in rows]
