"""The import-a-list use case: the default action by format, what a new version keeps, the index
kept in step, and errors that leave the database as it was."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine

from netsafe.hashlists.formats import ListFormat
from netsafe.hashlists.model import HashList, ListAction, ListSettings, Provenance
from netsafe.store.engine import make_session_factory, unit_of_work
from netsafe.store.repositories.hashlists import SqlHashListRepository
from netsafe.usecases.import_hashlist import (
    ImportRequest,
    ListImportError,
    Transaction,
    delete_hashlist,
    import_hashlist,
    kept_provenance,
    list_settings,
    parse_released,
)
from tests.hashlists.listfiles import make_entries, nsrl_entries, write_csv, write_nsrl_legacy


def _transaction(engine: Engine) -> Transaction:
    sessions = make_session_factory(engine)
    return lambda: unit_of_work(sessions)


def _stored(engine: Engine, name: str) -> HashList | None:
    with unit_of_work(make_session_factory(engine)) as session:
        return SqlHashListRepository(session).get(name)


def test_an_nsrl_list_is_an_ignore_list_and_a_csv_list_an_alert_list(
    engine: Engine, tmp_path: Path
) -> None:
    transaction, index = _transaction(engine), tmp_path / "index"
    nsrl = write_nsrl_legacy(tmp_path / "NSRLFile.txt", nsrl_entries(20))
    known = write_csv(tmp_path / "known.csv", make_entries(30))
    first = import_hashlist(ImportRequest(nsrl, "nsrl"), transaction, index)
    second = import_hashlist(ImportRequest(known, "known"), transaction, index)
    assert first.report.entries == 20
    assert first.report.format == ListFormat.NSRL.value
    assert second.report.added == 30
    nsrl_list, known_list = _stored(engine, "nsrl"), _stored(engine, "known")
    assert nsrl_list is not None
    assert known_list is not None
    assert nsrl_list.settings.action is ListAction.IGNORE
    assert known_list.settings.action is ListAction.ALERT
    assert first.index["lists_added"] == ["nsrl"]
    assert second.index["lists_added"] == ["known"]
    assert second.index["entries_added"] == 30
    assert second.as_json()["recognised_as"] is None


def test_a_new_version_keeps_the_old_provenance_and_settings_unless_given(
    engine: Engine, tmp_path: Path
) -> None:
    transaction, index = _transaction(engine), tmp_path / "index"
    known = write_csv(tmp_path / "known.csv", make_entries(30))
    import_hashlist(
        ImportRequest(
            known,
            "known",
            action=ListAction.IGNORE,
            max_distance=12,
            provenance=Provenance("a unit", "1", date(2026, 1, 5), "handle with care"),
        ),
        transaction,
        index,
    )
    newer = write_csv(tmp_path / "known-2.csv", make_entries(40))
    outcome = import_hashlist(
        ImportRequest(newer, "known", provenance=Provenance(version="2")), transaction, index
    )
    assert outcome.report.replaced
    assert outcome.report.revision == 2
    stored = _stored(engine, "known")
    assert stored is not None
    assert stored.provenance == Provenance("a unit", "2", date(2026, 1, 5), "handle with care")
    assert stored.settings.action is ListAction.IGNORE
    assert stored.settings.max_distance == 12


def test_a_bad_second_version_leaves_the_first_as_it_was(engine: Engine, tmp_path: Path) -> None:
    transaction, index = _transaction(engine), tmp_path / "index"
    known = write_csv(tmp_path / "known.csv", make_entries(10))
    import_hashlist(ImportRequest(known, "known"), transaction, index)
    broken = tmp_path / "broken.csv"
    broken.write_text("md5,category\nnot-a-hash,A\n", encoding="utf-8")
    with pytest.raises(ListImportError, match=r"broken\.csv"):
        import_hashlist(ImportRequest(broken, "known"), transaction, index)
    empty = tmp_path / "empty.csv"
    empty.write_text("md5,category\n", encoding="utf-8")
    with pytest.raises(ListImportError):
        import_hashlist(ImportRequest(empty, "known"), transaction, index)
    stored = _stored(engine, "known")
    assert stored is not None
    assert (stored.revision, stored.entry_count) == (1, 10)


def test_a_missing_file_and_a_bad_date_are_refused(engine: Engine, tmp_path: Path) -> None:
    with pytest.raises(ListImportError, match="no such file"):
        import_hashlist(
            ImportRequest(tmp_path / "absent.csv", "x"), _transaction(engine), tmp_path / "index"
        )
    with pytest.raises(ListImportError, match="--released"):
        parse_released("2026-13-40")
    assert parse_released(None) is None
    assert parse_released("2026-02-01") == date(2026, 2, 1)


def test_delete_takes_the_list_out_of_the_index(engine: Engine, tmp_path: Path) -> None:
    transaction, index = _transaction(engine), tmp_path / "index"
    known = write_csv(tmp_path / "known.csv", make_entries(10))
    imported = import_hashlist(ImportRequest(known, "known"), transaction, index)
    deleted = delete_hashlist("known", transaction, index)
    assert deleted.hash_list.entry_count == 10
    assert imported.index["lists_added"] == ["known"]
    assert deleted.index["lists_removed"] == ["known"]
    assert deleted.index["entries_removed"] == 10
    assert _stored(engine, "known") is None
    with pytest.raises(ListImportError, match="no hash list called 'known'"):
        delete_hashlist("known", transaction, index)


def test_settings_rules_without_a_database() -> None:
    assert list_settings(None, ListFormat.NSRL, None, None, None).action is ListAction.IGNORE
    assert list_settings(None, ListFormat.CSV, None, None, None).action is ListAction.ALERT
    given = list_settings(None, ListFormat.NSRL, ListAction.ALERT, 5, 60)
    assert given == ListSettings(ListAction.ALERT, 5, 60)
    assert kept_provenance(None, Provenance(source="s")) == Provenance(source="s")
