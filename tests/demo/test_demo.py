"""The demo operation: counted by the statistics code, its first 12 months come out near the
published scale; seeding again adds nothing."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine, MetaData, func, select
from sqlalchemy.orm import Session

from netsafe.demo.seed import DATASET, ENGINE_DEVICES, seed_demo_operation
from netsafe.prevention.code_words import CodeWordHasher
from netsafe.stats.service import StatsRequest, compute_statistics
from netsafe.store.engine import make_session_factory, unit_of_work
from netsafe.store.models.triage import TriageRunRow
from netsafe.store.repositories.demo import SqlDemoLedger, SqlDemoWriter
from netsafe.store.repositories.stats import SqlEnforcementSource
from netsafe.store.repositories.stats_prevention import sql_prevention_source

FIRST_YEAR_END = date(2017, 10, 31)
HASH = CodeWordHasher.from_secret("demo-test-secret-0123456789").hash
MODULES = ("managing-urges", "staying-safe-online")


def _seed(engine: Engine) -> bool:
    with unit_of_work(make_session_factory(engine)) as session:
        result = seed_demo_operation(
            SqlDemoWriter(session),
            SqlDemoLedger(session),
            code_word_hash=HASH,
            self_help_modules=MODULES,
            last_day=FIRST_YEAR_END,
        )
    assert result.dataset == DATASET
    return result.already_seeded


def _row_counts(engine: Engine) -> dict[str, int]:
    metadata = MetaData()
    metadata.reflect(engine)
    with Session(engine) as session:
        return {
            name: int(session.scalar(select(func.count()).select_from(table)) or 0)
            for name, table in metadata.tables.items()
        }


@pytest.mark.slow
def test_first_year_near_the_published_scale_and_a_rerun_adds_nothing(engine: Engine) -> None:
    assert _seed(engine) is False
    with unit_of_work(make_session_factory(engine)) as session:
        stats = compute_statistics(
            SqlEnforcementSource(session),
            sql_prevention_source(session),
            StatsRequest(compare="launch-year"),
        )
    assert stats.period.first == date(2016, 11, 1)
    assert stats.period.last == FIRST_YEAR_END
    figures = stats.figures
    assert 440 <= figures["warrants_executed"].value <= 540  # published: 486
    assert 300 <= figures["arrests"].value <= 380  # published: 339
    assert 2_000 < figures["devices_seized"].value <= 2_400  # published: more than 2,000
    people = figures["people_seeking_help"].total
    assert 1_250 <= people.value <= 1_450  # published: about 1,350
    assert people.change_pct is not None
    assert 40 <= people.change_pct <= 60  # published: about +50% on the year before
    assert 20 <= figures["children_safeguarded"].value <= 150  # "dozens"
    assert figures["devices_triaged"].value > 0
    assert figures["matched_files"].value > 0
    assert figures["deadline_breaches"].value > 0
    assert figures["outcomes"].value > 0
    with Session(engine) as session:
        by_engine = session.scalar(
            select(func.count())
            .select_from(TriageRunRow)
            .where(TriageRunRow.out_dir.like("%temporary folder%"))
        )
    assert by_engine == ENGINE_DEVICES
    before = _row_counts(engine)
    assert _seed(engine) is True
    assert _row_counts(engine) == before
