"""search: fill the index from the cases stored (after `records_0001`: withdrawn records are
left out of it)

The index's structure is made by `search_0001` and `search_0002`; this fills it, once every
column its entries are made from exists.

Revision ID: search_0003
Revises: search_0002, records_0001
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from netsafe.store.search_index import rebuild_search_index

revision: str = "search_0003"
down_revision: str | Sequence[str] | None = ("search_0002", "records_0001")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    rebuild_search_index(op.get_bind())


def downgrade() -> None:
    op.execute("DELETE FROM search_entries")
