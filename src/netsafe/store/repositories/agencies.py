"""SQL implementation of `netsafe.platform.agencies.AgencyRepository`."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from netsafe.platform.agencies import Agency, AgencyKind
from netsafe.store.models.agency import AgencyRow


def _to_domain(row: AgencyRow) -> Agency:
    return Agency(slug=row.slug, name=row.name, kind=AgencyKind(row.kind))


class SqlAgencyRepository:
    """Agencies stored in the `agencies` table of the caller's session."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, slug: str) -> Agency | None:
        row = self._session.scalar(select(AgencyRow).where(AgencyRow.slug == slug))
        return None if row is None else _to_domain(row)

    def all(self) -> list[Agency]:
        rows = self._session.scalars(select(AgencyRow).order_by(AgencyRow.id))
        return [_to_domain(row) for row in rows]

    def add(self, agency: Agency) -> None:
        self._session.add(AgencyRow(slug=agency.slug, name=agency.name, kind=agency.kind.value))
        self._session.flush()
