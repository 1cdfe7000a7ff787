"""The public report form's rate limit, counted in the database (shared by every process).

One row per hashed client key and fixed time window; a report adds one to its row with an upsert
(`INSERT … ON CONFLICT DO UPDATE … RETURNING`, PostgreSQL and SQLite alike), so concurrent
requests from any worker count exactly. Rows of past windows are deleted as new ones come.
"""

from __future__ import annotations

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from netsafe.store.models.platform import ReportRateRow


def count_report(session: Session, client_key: str, window: int) -> int:
    """Count one report of `client_key` in `window`; the number counted there so far."""
    session.execute(delete(ReportRateRow).where(ReportRateRow.time_window < window))
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    new = insert(ReportRateRow).values(client_key=client_key, time_window=window, reports=1)
    upsert = new.on_conflict_do_update(
        index_elements=[ReportRateRow.client_key, ReportRateRow.time_window],
        set_={"reports": ReportRateRow.reports + 1},
    ).returning(ReportRateRow.reports)
    counted: int = session.execute(upsert).scalar_one()
    return counted
