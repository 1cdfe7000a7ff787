"""Whether a database holds demo data: seeded demo data sets or demo accounts."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from netsafe.platform.demo_users import DEMO_USERNAMES
from netsafe.store.models.demo import DemoDatasetRow
from netsafe.store.models.platform import UserRow


def demo_data_found(session: Session) -> list[str]:
    """What demo data the database holds, one phrase each (empty: none)."""
    found = []
    datasets = list(session.scalars(select(DemoDatasetRow.name).order_by(DemoDatasetRow.name)))
    if datasets:
        found.append(f"demo data sets {', '.join(datasets)}")
    accounts = session.scalar(
        select(func.count()).select_from(UserRow).where(UserRow.username.in_(DEMO_USERNAMES))
    )
    if accounts:
        found.append(f"{accounts} demo accounts")
    return found
