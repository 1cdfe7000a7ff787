"""Importing lists into the database: versions, added/removed, atomic failure, on every backend."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from netsafe.hashlists.category_map import CategoryMap
from netsafe.hashlists.errors import HashListFormatError
from netsafe.hashlists.export import ExportFormat, export_list
from netsafe.hashlists.formats import ListFormat
from netsafe.hashlists.importer import EmptyListError, ImportReport, import_list
from netsafe.hashlists.model import EntryRow, HashEntry, ListAction, ListSettings, Provenance
from netsafe.hashlists.reading import ListReading, decode_batch, encode_batch
from netsafe.store.engine import make_session_factory, unit_of_work
from netsafe.store.models.hashlists import HashListEntryRow, HashListRemovalRow, HashListRow
from netsafe.store.repositories.hashlists import SqlHashListRepository
from tests.hashlists.listfiles import make_entries, write_vics

CATEGORIES = CategoryMap.load()


def batches(entries: Sequence[HashEntry], size: int = 97) -> Iterator[list[EntryRow]]:
    for start in range(0, len(entries), size):
        yield list(entries[start : start + size])


def run_import(
    factory: sessionmaker[Session],
    name: str,
    entries: Sequence[HashEntry] | Iterator[list[EntryRow]],
    **settings: object,
) -> ImportReport:
    source = batches(entries) if isinstance(entries, list) else entries
    with unit_of_work(factory) as session:
        return import_list(
            SqlHashListRepository(session),
            name,
            source,  # type: ignore[arg-type]
            list_format="vics",
            provenance=Provenance("synthetic", "1", None, "test only"),
            settings=ListSettings(**settings),  # type: ignore[arg-type]
        )


def stored(factory: sessionmaker[Session], name: str) -> list[tuple[int, HashEntry]]:
    with unit_of_work(factory) as session:
        repository = SqlHashListRepository(session)
        found = repository.get(name)
        assert found is not None
        return [pair for batch in repository.entries(found.id, batch_size=50) for pair in batch]


def snapshot(engine: Engine) -> tuple[object, ...]:
    with engine.connect() as connection:
        return tuple(
            tuple(connection.execute(select(table).order_by(*table.__table__.primary_key.columns)))  # type: ignore[attr-defined]
            for table in (HashListRow, HashListEntryRow, HashListRemovalRow)
        )


def test_import_stores_every_entry_and_the_list(engine: Engine) -> None:
    factory = make_session_factory(engine)
    entries = make_entries(500)
    report = run_import(factory, "caid", entries, action=ListAction.ALERT, max_distance=20)
    assert (report.entries, report.added, report.removed, report.revision) == (500, 500, 0, 1)
    pairs = stored(factory, "caid")
    assert [entry for _, entry in pairs] == entries
    ids = [i for i, _ in pairs]
    assert ids == sorted(ids)
    assert len(set(ids)) == 500
    with unit_of_work(factory) as session:
        found = SqlHashListRepository(session).get("caid")
    assert found is not None
    assert (found.entry_count, found.revision, found.settings.max_distance) == (500, 1, 20)
    assert found.provenance.source == "synthetic"
    assert sum(found.category_counts.values()) == 500


def test_new_version_reports_added_and_removed_and_keeps_ids(engine: Engine) -> None:
    factory = make_session_factory(engine)
    old = make_entries(300, seed=1)
    run_import(factory, "caid", old)
    before = {entry: i for i, entry in stored(factory, "caid")}
    fresh = make_entries(40, seed=99)
    changed = old[5]._replace(category="A" if old[5].category != "A" else "B")
    new = [*old[:5], changed, *old[6:250], *fresh]
    report = run_import(factory, "caid", new)
    assert (report.revision, report.entries, report.added, report.removed) == (2, 290, 41, 51)
    after = stored(factory, "caid")
    assert sorted(e for _, e in after) == sorted(new)
    for entry_id, entry in after:
        if entry in before:
            assert before[entry] == entry_id  # unchanged entries keep their ids
    with unit_of_work(factory) as session:
        repository = SqlHashListRepository(session)
        list_id = repository.get("caid").id  # type: ignore[union-attr]
        removed = repository.removed_after(list_id, 1)
        added = [i for batch in repository.entries(list_id, added_after=1) for i, _ in batch]
    assert len(removed) == 51
    assert len(added) == 41
    assert not set(removed) & {i for i, _ in after}


def test_duplicate_entries_pair_one_to_one(engine: Engine) -> None:
    factory = make_session_factory(engine)
    entries = make_entries(20)
    doubled = entries + entries[:3]
    run_import(factory, "dups", doubled)
    same = run_import(factory, "dups", doubled)
    assert (same.added, same.removed) == (0, 0)
    fewer = run_import(factory, "dups", entries)
    assert (fewer.added, fewer.removed, fewer.entries) == (0, 3, 20)


def test_failed_new_list_leaves_database_unchanged(engine: Engine, tmp_path: Path) -> None:
    factory = make_session_factory(engine)
    run_import(factory, "other", make_entries(50))
    before = snapshot(engine)
    entries = make_entries(1000, seed=3)
    path = write_vics(tmp_path / "bad.json", entries)
    data = path.read_bytes()
    path.write_bytes(data.replace(entries[900].md5.hex().upper().encode(), b"NOT-HEX", 1))  # type: ignore[union-attr]
    reading = ListReading(path, ListFormat.AUTO, CATEGORIES, batch_size=100)
    with pytest.raises(HashListFormatError, match="entry 901"):
        run_import(factory, "new", reading.batches())
    assert snapshot(engine) == before


def test_failed_new_version_leaves_old_version(engine: Engine, tmp_path: Path) -> None:
    factory = make_session_factory(engine)
    run_import(factory, "caid", make_entries(200))
    before = snapshot(engine)
    entries = make_entries(300, seed=8)
    path = write_vics(tmp_path / "v2.json", entries)
    path.write_bytes(path.read_bytes()[:-1000])  # truncated download
    reading = ListReading(path, ListFormat.VICS, CATEGORIES, batch_size=50, background=True)
    with pytest.raises(HashListFormatError, match="malformed JSON"):
        run_import(factory, "caid", reading.batches())
    assert snapshot(engine) == before


def test_helper_process_reading_gives_the_same_entries(tmp_path: Path) -> None:
    entries = make_entries(700, seed=4)
    path = write_vics(tmp_path / "l.json", entries, cases=True)
    reading = ListReading(path, ListFormat.AUTO, CATEGORIES, batch_size=64, background=True)
    assert [tuple(e) for batch in reading.batches() for e in batch] == [tuple(e) for e in entries]


def test_helper_process_reads_hash_sets_and_skips_as_in_process(tmp_path: Path) -> None:
    path = write_vics(tmp_path / "l.json", make_entries(700, seed=6))
    path.write_bytes(path.read_bytes().replace(b'"Category": 2,', b'"Category": 77,'))
    helper = ListReading(path, ListFormat.AUTO, CATEGORIES, skip_invalid=True, background=True)
    here = ListReading(path, ListFormat.AUTO, CATEGORIES, skip_invalid=True, background=False)
    assert list(helper.batches()) == list(here.batches())
    assert helper.skipped == here.skipped
    assert helper.skipped.count > 0
    assert helper.helper_peak_rss_mb is not None
    assert helper.helper_peak_rss_mb > 0


class _Label(str):
    """A str subclass, which marshal does not write."""

    __slots__ = ()


def test_batches_cross_from_the_helper_unchanged() -> None:
    rows = [tuple(e) for e in make_entries(40, seed=8)]
    kind, data = encode_batch(rows)
    assert kind == "batch"
    assert decode_batch(kind, data) == rows
    odd = [(*rows[0][:4], _Label("a"), *rows[0][5:])]
    kind, data = encode_batch(odd)
    assert kind == "pickled-batch"  # marshal writes no str subclass: pickled instead
    assert decode_batch(kind, data) == odd


def test_skip_invalid_imports_the_rest(engine: Engine, tmp_path: Path) -> None:
    factory = make_session_factory(engine)
    entries = make_entries(100, seed=5)
    path = write_vics(tmp_path / "l.json", entries)
    text = path.read_bytes().replace(b'"Category": 2,', b'"Category": 77,')
    path.write_bytes(text)
    bad = sum(1 for e in entries if e.category == "B")
    reading = ListReading(path, ListFormat.AUTO, CATEGORIES, skip_invalid=True)
    with unit_of_work(factory) as session:
        report = import_list(
            SqlHashListRepository(session),
            "partial",
            reading.batches(),
            list_format="vics",
            provenance=Provenance(),
            settings=ListSettings(),
            skipped=reading.skipped,
        )
    assert report.entries == 100 - bad
    assert report.skipped.count == bad > 0
    [(reason, count)] = report.skipped.reasons.items()
    assert reason.startswith("Category: unknown category 77: copy the category map")
    assert count == bad


def test_empty_list_is_refused(engine: Engine) -> None:
    factory = make_session_factory(engine)
    with pytest.raises(EmptyListError):
        run_import(factory, "empty", [])
    with engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(HashListRow)) == 0


def test_export_then_import_gives_the_same_list(engine: Engine, tmp_path: Path) -> None:
    factory = make_session_factory(engine)
    entries = make_entries(150, seed=6)
    run_import(factory, "caid", entries)
    for export_format in (ExportFormat.VICS, ExportFormat.VICS_CASES, ExportFormat.CSV):
        target = tmp_path / f"out.{export_format.value}"
        with unit_of_work(factory) as session:
            count = export_list(
                SqlHashListRepository(session), "caid", target, export_format, CATEGORIES
            )
        assert count == 150
        reading = ListReading(target, ListFormat.AUTO, CATEGORIES)
        report = run_import(factory, "caid", reading.batches())
        assert (report.entries, report.added, report.removed) == (150, 0, 0), export_format
        assert [e for _, e in stored(factory, "caid")] == entries


def test_delete_removes_list_and_entries(engine: Engine) -> None:
    factory = make_session_factory(engine)
    run_import(factory, "a", make_entries(30))
    run_import(factory, "b", make_entries(20, seed=2))
    with unit_of_work(factory) as session:
        repository = SqlHashListRepository(session)
        repository.delete(repository.get("a").id)  # type: ignore[union-attr]
    with unit_of_work(factory) as session:
        repository = SqlHashListRepository(session)
        assert [hl.name for hl in repository.all()] == ["b"]
        assert repository.count_entries(repository.get("b").id) == 20  # type: ignore[union-attr]


def test_add_entries_returns_the_stored_ids(engine: Engine) -> None:
    factory = make_session_factory(engine)
    run_import(factory, "first", make_entries(7))
    with unit_of_work(factory) as session:
        repository = SqlHashListRepository(session)
        list_id = repository.create("second", "csv", ListSettings())
        given = repository.add_entries(list_id, 1, make_entries(5, seed=3))
        stored_ids = [i for batch in repository.entries(list_id) for i, _ in batch]
    assert list(given) == stored_ids
    assert given.start == 8


def test_a_lists_vpdq_thresholds_are_stored_and_replaced_with_a_new_version(
    engine: Engine,
) -> None:
    factory = make_session_factory(engine)
    entries = make_entries(20)
    run_import(factory, "videos", entries)
    with unit_of_work(factory) as session:
        found = SqlHashListRepository(session).get("videos")
    assert found is not None
    assert found.settings.vpdq_json() == {  # Meta's defaults
        "max_distance": 31,
        "quality_floor": 50,
        "query_match": 0.8,
        "compared_match": 0.0,
    }
    own = {
        "vpdq_max_distance": 12,
        "vpdq_quality_floor": 70,
        "vpdq_query_match": 0.55,
        "vpdq_compared_match": 0.35,
    }
    run_import(factory, "videos", entries, **own)
    with unit_of_work(factory) as session:
        found = SqlHashListRepository(session).get("videos")
    assert found is not None
    assert {name: getattr(found.settings, name) for name in own} == own
    assert found.as_json()["vpdq"] == {
        "max_distance": 12,
        "quality_floor": 70,
        "query_match": 0.55,
        "compared_match": 0.35,
    }


@pytest.mark.parametrize(
    ("setting", "value"),
    [("vpdq_max_distance", 257), ("vpdq_quality_floor", -1), ("vpdq_query_match", 1.5)],
)
def test_list_settings_out_of_range_are_refused(setting: str, value: float) -> None:
    with pytest.raises(ValueError, match=f"{setting} must be within"):
        ListSettings(**{setting: value})  # type: ignore[arg-type]
