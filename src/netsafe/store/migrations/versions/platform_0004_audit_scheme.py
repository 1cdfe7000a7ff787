"""platform: each audit row says how its hash was made (`sha256` before the key, `hmac-sha256`)

Rows chained before this revision keep their unkeyed SHA-256 hashes and are marked `sha256`, so
`netsafe audit verify` still checks them; every row chained afterwards is an HMAC-SHA-256 with
NETSAFE_AUDIT_KEY. The first keyed row's HMAC covers the last unkeyed row's hash, so the old rows
cannot be rewritten without breaking the keyed chain after them.

Revision ID: platform_0004
Revises: platform_0003
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "platform_0004"
down_revision: str | Sequence[str] | None = "platform_0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("audit_log") as batch:
        batch.add_column(
            sa.Column("scheme", sa.String(length=16), nullable=False, server_default="sha256")
        )


def downgrade() -> None:
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_column("scheme")
