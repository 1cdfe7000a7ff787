"""Which exhibit a triage run belongs to, kept on the run (`triage_runs.exhibit_id`).

A run names its exhibit by reference (`triage_runs.exhibit_reference`, the label on the bag) and,
optionally, its case (`case_reference`). Exhibit references are unique within a force, not
across forces, so the run belongs to the exhibit of that reference when no other force uses the
reference, and else to the one in the case the run names (none if it names none): the rule of
`runs_of_exhibit`, applied here only. At most one exhibit matches (one per force; one force per
case).

Everything that puts a run with its exhibit, case or force reads this id (joins by primary key):
the search (a finding's case, then the viewer's scope), the exhibit's page and API answer, the
exhibit list and the triage figures. A join by reference alone would reach another force's
exhibit of the same reference. The id is derived:
`link_runs` sets it from the rule for the runs of some references, and `keep_runs_linked(sessions)`
makes every session do so after the writes that can change it, whatever wrote them:
- a run stored (or its exhibit or case reference changed);
- an exhibit added, or its reference, force or case changed, or removed: the runs of its old and
  new reference (another force's exhibit of the same reference makes the reference shared);
- a referral's received date changed (its case reference has its year in it): the runs of its
  exhibits' references.
A withdrawn exhibit or case keeps its runs (the search and the figures leave withdrawn records out
themselves).
Writes that bypass sessions (a raw connection) call `link_runs(connection)` afterwards, as
`search_index.rebuild_search_index` does.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable, Iterator
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    String,
    Table,
    and_,
    case,
    event,
    exists,
    func,
    inspect,
    literal,
    or_,
    select,
    update,
)
from sqlalchemy import (
    cast as sql_cast,
)
from sqlalchemy.orm import ORMExecuteState, Session, aliased, sessionmaker
from sqlalchemy.orm.attributes import get_history
from sqlalchemy.sql.dml import Delete, Insert, Update

from netsafe.store.models.operation import ExhibitRow, ReferralRow
from netsafe.store.models.triage import TriageRunRow

_RUNS = cast(Table, TriageRunRow.__table__)
_EXHIBITS = cast(Table, ExhibitRow.__table__)
_REFERRALS = cast(Table, ReferralRow.__table__)
BATCH = 500


def case_reference_sql(dialect: str) -> ColumnElement[str]:
    """`referral_reference(referrals.id, referrals.received_at)` as SQL (UTC year)."""
    prefix = literal("NS-", String)
    if dialect == "sqlite":
        year: Any = func.strftime("%Y", ReferralRow.received_at)
        number: Any = func.printf("%06d", ReferralRow.id)
    else:
        year = func.to_char(func.timezone("UTC", ReferralRow.received_at), "YYYY")
        digits = sql_cast(ReferralRow.id, String)
        number = case((ReferralRow.id < 1_000_000, func.lpad(digits, 6, "0")), else_=digits)
    reference: ColumnElement[str] = prefix + year + "-" + number
    return reference


def runs_of_exhibit(dialect: str) -> ColumnElement[bool]:
    """A `triage_runs` row is one of the (outer) exhibit's runs: its reference, and its case
    where another force uses the reference too (the case's referral row must be in the query)."""
    other = aliased(ExhibitRow)
    shared = exists(
        select(other.id)
        .where(other.reference == ExhibitRow.reference, other.force != ExhibitRow.force)
        .correlate(ExhibitRow)  # the exhibit of the enclosing query
    )
    return and_(
        TriageRunRow.exhibit_reference == ExhibitRow.reference,
        or_(~shared, TriageRunRow.case_reference == case_reference_sql(dialect)),
    )


def _exhibit_of_run(dialect: str) -> Any:
    """The id of the run's exhibit by `runs_of_exhibit` (correlated to the run updated)."""
    return (
        select(ExhibitRow.id)
        .join(ReferralRow, ReferralRow.id == ExhibitRow.referral_id)
        .where(runs_of_exhibit(dialect))
        .order_by(ExhibitRow.id)
        .limit(1)
        .scalar_subquery()
    )


def _chunks(values: Iterable[str]) -> Iterator[list[str]]:
    ordered = sorted(set(values))
    for start in range(0, len(ordered), BATCH):
        yield ordered[start : start + BATCH]


def link_runs(connection: Connection, references: Iterable[str] | None = None) -> None:
    """Set `exhibit_id` of the runs of these exhibit references (every run: None)."""
    statement = update(_RUNS).values(exhibit_id=_exhibit_of_run(connection.dialect.name))
    if references is None:
        connection.execute(statement)
        return
    for chunk in _chunks(references):
        connection.execute(statement.where(_RUNS.c.exhibit_reference.in_(chunk)))


# --- keeping sessions' writes linked ------------------------------------------------------------


_LINKED: weakref.WeakKeyDictionary[Engine, bool] = weakref.WeakKeyDictionary()


def has_run_link(connection: Connection) -> bool:
    """Whether the database has `triage_runs.exhibit_id` yet (not before migration
    `search3_0001`: tests write at older revisions). Remembered once found."""
    if _LINKED.get(connection.engine):
        return True
    found = any(c["name"] == "exhibit_id" for c in inspect(connection).get_columns(_RUNS.name))
    if found:
        _LINKED[connection.engine] = True
    return found


def _values_of(item: Any, name: str) -> set[Any]:
    """The attribute's value now and, if it changed in this flush, before."""
    history = get_history(item, name)
    values = {*(history.added or ()), *(history.unchanged or ()), *(history.deleted or ())}
    return {value for value in values if value is not None}


def _changed(item: Any, *names: str) -> bool:
    return any(get_history(item, name).has_changes() for name in names)


def _references_written(session: Session) -> tuple[set[str], set[int]]:
    """The exhibit references whose runs may link elsewhere after this flush, and the
    referrals whose received date changed (their exhibits' references)."""
    references: set[str] = set()
    referrals: set[int] = set()
    for item in (*session.new, *session.dirty, *session.deleted):
        whole = item in session.new or item in session.deleted
        if isinstance(item, TriageRunRow):
            if whole or _changed(item, "exhibit_reference", "case_reference"):
                references |= _values_of(item, "exhibit_reference")
        elif isinstance(item, ExhibitRow):
            if whole or _changed(item, "reference", "force", "referral_id"):
                references |= _values_of(item, "reference")
        elif isinstance(item, ReferralRow) and not whole and _changed(item, "received_at"):
            referrals.add(item.id)
    return references, referrals


def _references_of_referrals(connection: Connection, referrals: Iterable[int]) -> set[str]:
    ids = sorted(set(referrals))
    if not ids:
        return set()
    query = select(_EXHIBITS.c.reference).where(_EXHIBITS.c.referral_id.in_(ids)).distinct()
    return set(connection.scalars(query))


def _after_flush(session: Session, _context: object) -> None:
    references, referrals = _references_written(session)
    if not (references or referrals) or not has_run_link(session.connection()):
        return
    connection = session.connection()
    link_runs(connection, references | _references_of_referrals(connection, referrals))


def _parameter_values(state: ORMExecuteState, column: str) -> set[Any] | None:
    """The values of `column` in the statement's parameters (None: not given in every row)."""
    parameters: Any = state.parameters
    rows = parameters if isinstance(parameters, list) else [parameters or {}]
    if not all(isinstance(row, dict) and column in row for row in rows):
        return None
    return {row[column] for row in rows if row[column] is not None}


def _references(connection: Connection, table: str, ids: set[int]) -> set[str]:
    """The exhibit references of these rows of `table` (a referral's: its exhibits')."""
    if not ids:
        return set()
    if table == _RUNS.name:
        column, key = _RUNS.c.exhibit_reference, _RUNS.c.id
    elif table == _EXHIBITS.name:
        column, key = _EXHIBITS.c.reference, _EXHIBITS.c.id
    else:
        column, key = _EXHIBITS.c.reference, _EXHIBITS.c.referral_id
    found: set[str] = set()
    ordered = sorted(ids)
    for start in range(0, len(ordered), BATCH):
        chunk = ordered[start : start + BATCH]
        found.update(connection.scalars(select(column).where(key.in_(chunk)).distinct()))
    return found


def _invoke(state: ORMExecuteState) -> Any:
    result = state.invoke_statement()
    if getattr(result, "returns_rows", False):  # read it all before linking runs
        result = result.freeze()()
    return result


def _on_execute(state: ORMExecuteState) -> Any:
    statement = state.statement
    if not isinstance(statement, Insert | Update | Delete):
        return None
    table = getattr(statement, "table", None)
    name = getattr(table, "name", "")
    if table is None or name not in (_RUNS.name, _EXHIBITS.name, _REFERRALS.name):
        return None
    connection = state.session.connection()
    if not has_run_link(connection):
        return None
    if isinstance(statement, Insert):  # a new case has no exhibit yet
        column = {_RUNS.name: "exhibit_reference", _EXHIBITS.name: "reference"}.get(name)
        references = set() if column is None else _parameter_values(state, column)
        result = _invoke(state)
        if references is None:
            link_runs(connection)
        elif references:
            link_runs(connection, references)
        return result
    ids: set[int] | None
    if statement.whereclause is not None:
        ids = set(connection.scalars(select(table.c.id).where(statement.whereclause)))
    else:  # every row, or rows by primary key (an ORM bulk update)
        ids = _parameter_values(state, "id")
    before = set() if ids is None else _references(connection, name, ids)
    result = _invoke(state)
    if ids is None:
        link_runs(connection)
        return result
    after = _references(connection, name, ids) if isinstance(statement, Update) else set()
    if before or after:
        link_runs(connection, before | after)
    return result


def keep_runs_linked(sessions: sessionmaker[Session]) -> None:
    """Make every session of `sessions` keep `triage_runs.exhibit_id` in step with its
    writes."""
    event.listen(sessions, "after_flush", _after_flush)
    event.listen(sessions, "do_orm_execute", _on_execute)
