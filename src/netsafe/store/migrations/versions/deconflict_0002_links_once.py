"""deconflict: a link is stored once a pair of referrals and kind of identifier

`deconfliction_links` kept a row each way and one per key shared (a file's MD5, SHA-1 and PDQ
made three): 242,000 rows for 2,000 generated reports. Now one row per unordered pair (lower
referral id first, checked) and kind; existing rows are folded into that form.

Revision ID: deconflict_0002
Revises: deconflict_0001
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "deconflict_0002"
down_revision: str | Sequence[str] | None = "deconflict_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_OLD_UNIQUE = "uq_deconfliction_links_referral_id_other_referral_id_kind_key"
_NEW_UNIQUE = "uq_deconfliction_links_referral_id_other_referral_id_kind"
_ORDERED = "ck_deconfliction_links_ordered_pair"


def upgrade() -> None:
    # the row of each direction's lower id side is the one kept; then one row a pair and kind
    op.execute(
        "DELETE FROM deconfliction_links WHERE referral_id > other_referral_id"
        " AND EXISTS (SELECT 1 FROM deconfliction_links AS o"
        " WHERE o.referral_id = deconfliction_links.other_referral_id"
        " AND o.other_referral_id = deconfliction_links.referral_id"
        " AND o.kind = deconfliction_links.kind AND o.key = deconfliction_links.key)"
    )
    op.execute(
        "UPDATE deconfliction_links SET referral_id = other_referral_id,"
        " other_referral_id = referral_id WHERE referral_id > other_referral_id"
    )
    op.execute("DELETE FROM deconfliction_links WHERE referral_id = other_referral_id")
    op.execute(
        "DELETE FROM deconfliction_links WHERE id NOT IN (SELECT min(id) FROM"
        " deconfliction_links GROUP BY referral_id, other_referral_id, kind)"
    )
    with op.batch_alter_table("deconfliction_links") as batch:
        batch.drop_constraint(op.f(_OLD_UNIQUE), type_="unique")
        batch.create_unique_constraint(
            op.f(_NEW_UNIQUE), ["referral_id", "other_referral_id", "kind"]
        )
        batch.create_check_constraint(op.f(_ORDERED), sa.text("referral_id < other_referral_id"))


def downgrade() -> None:
    with op.batch_alter_table("deconfliction_links") as batch:
        batch.drop_constraint(op.f(_ORDERED), type_="check")
        batch.drop_constraint(op.f(_NEW_UNIQUE), type_="unique")
        batch.create_unique_constraint(
            op.f(_OLD_UNIQUE), ["referral_id", "other_referral_id", "kind", "key"]
        )
    op.execute(
        "INSERT INTO deconfliction_links (referral_id, other_referral_id, kind, key, created_at)"
        " SELECT other_referral_id, referral_id, kind, key, created_at FROM deconfliction_links"
    )
