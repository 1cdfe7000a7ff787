"""video: each list's vPDQ thresholds (frame distance, frame quality, query and compared shares)

Existing lists get Meta's defaults: 31 bits, quality 50, 80 % of the query, any share of the
listed video.

Revision ID: video_0001
Revises: signals_0002
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "video_0001"
down_revision: str | Sequence[str] | None = "signals_0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = (
    ("vpdq_max_distance", sa.Integer(), "31"),
    ("vpdq_quality_floor", sa.Integer(), "50"),
    ("vpdq_query_match", sa.Float(), "0.8"),
    ("vpdq_compared_match", sa.Float(), "0.0"),
)


def upgrade() -> None:
    with op.batch_alter_table("hashlists") as batch:
        for name, kind, default in COLUMNS:
            batch.add_column(sa.Column(name, kind, nullable=False, server_default=default))


def downgrade() -> None:
    with op.batch_alter_table("hashlists") as batch:
        for name, _kind, _default in reversed(COLUMNS):
            batch.drop_column(name)
