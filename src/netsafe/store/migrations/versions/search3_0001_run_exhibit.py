"""search: a triage run names its exhibit by id (`triage_runs.exhibit_id`), filled here

The exhibit a run belongs to is derived from its exhibit and case references by the rule of the
exhibit page (`store.run_exhibits.runs_of_exhibit`) and kept in step by the sessions
(`store.run_exhibits.keep_runs_linked`); the search joins a finding to its case through it, by
primary keys, instead of by reference with the rule tested per row.

PostgreSQL: the words of the findings' paths (`search_path_words`, `search2_0002`) get a larger
statistics target (1000, from 100). Paths have a few words in every path (`users`, `jpg`) and a
long tail of rare ones (file names, numbers); at the default the most common elements kept were
the eleven frequent words alone, so the planner took any other word, even one in no path, to
match 0.5% (2% as a prefix) of the findings, and walked the findings newest first waiting for
matches (measured at 100,000 referrals, 74,830 findings: a word in no path 44-73 ms, a word in
every path 1.5 s by the other plan). With 1000 the rare words are estimated as rare (and each
plan is taken where it is quick: 0.3-28 ms for the same queries; see docs/performance.md).

No foreign key constraint: SQLite could then not rebuild `exhibits` in a later migration (batch
mode) without lifting it first, as `trust_0001` had to for custody events; the id is derived
data, set again by `link_runs` whenever exhibits change.

Revision ID: search3_0001
Revises: search2_0002
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from netsafe.store.run_exhibits import link_runs

revision: str = "search3_0001"
down_revision: str | Sequence[str] | None = "search2_0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATISTICS = "SET STATISTICS 1000"


def upgrade() -> None:
    op.add_column("triage_runs", sa.Column("exhibit_id", sa.Integer(), nullable=True))
    op.create_index(op.f("ix_triage_runs_exhibit_id"), "triage_runs", ["exhibit_id"])
    link_runs(op.get_bind())
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"ALTER TABLE triage_findings ALTER COLUMN search_path_words {STATISTICS}")
        op.execute("ANALYZE triage_findings")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE triage_findings ALTER COLUMN search_path_words SET STATISTICS -1")
    op.drop_index(op.f("ix_triage_runs_exhibit_id"), table_name="triage_runs")
    with op.batch_alter_table("triage_runs") as batch:
        batch.drop_column("exhibit_id")
