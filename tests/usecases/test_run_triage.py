"""The run-a-triage use case: exhibits planned from the request, the lists indexed, each result
handed to the reports and the database, and bad requests refused before anything runs."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from netsafe.store.engine import make_session_factory, unit_of_work
from netsafe.store.repositories.triage import SqlTriageRepository
from netsafe.triage.openers.interfaces import KeyRing
from netsafe.triage.pipeline import ExhibitPlan
from netsafe.triage.runners import InlineRunner
from netsafe.usecases.import_hashlist import ImportRequest, Transaction, import_hashlist
from netsafe.usecases.run_triage import (
    ResultSink,
    TriageRequest,
    TriageRequestError,
    examiner_name,
    folder_name,
    plan_exhibits,
    run_triage,
    triage_exhibits,
)
from tests.triage.conftest import Known, md5


def _folder(path: Path, files: dict[str, bytes]) -> Path:
    path.mkdir(parents=True)
    for name, data in files.items():
        (path / name).write_bytes(data)
    return path


def test_one_exhibit_for_all_sources_or_one_per_source(tmp_path: Path) -> None:
    a, b = _folder(tmp_path / "a", {}), _folder(tmp_path / "b", {})
    home = tmp_path / "home"
    (one,) = plan_exhibits(home, TriageRequest((a, b), ("SWP/AB/1",), case="C-1"))
    assert one.sources == (a, b)
    assert one.out == (home / "triage" / "SWP_AB_1").resolve()
    assert one.case == "C-1"
    two = plan_exhibits(home, TriageRequest((a, b), ("X1", "X2"), out=tmp_path / "out"))
    assert [(p.exhibit, p.sources, p.out.name) for p in two] == [
        ("X1", (a,), "X1"),
        ("X2", (b,), "X2"),
    ]
    assert all(p.out.parent == (tmp_path / "out").resolve() for p in two)
    (same,) = plan_exhibits(home, TriageRequest((a, b), ("X1", "X1")))
    assert same.sources == (a, b)


@pytest.mark.parametrize(
    ("sources", "exhibits", "message"),
    [
        (("absent",), ("X1",), "absent: no such file or folder"),
        (("a",), (" ",), "--exhibit: the reference is empty"),
        (("a", "a", "a"), ("X1", "X2"), "--exhibit given 2 times for 3 sources"),
    ],
)
def test_bad_requests_are_refused(
    tmp_path: Path, sources: tuple[str, ...], exhibits: tuple[str, ...], message: str
) -> None:
    _folder(tmp_path / "a", {})
    request = TriageRequest(tuple(tmp_path / s for s in sources), exhibits)
    with pytest.raises(TriageRequestError, match=message):
        plan_exhibits(tmp_path, request)


def test_folder_names_and_the_examiner() -> None:
    assert folder_name("SWP/AB/1") == "SWP_AB_1"
    assert folder_name("..") == "exhibit"
    assert examiner_name("  Examiner One ") == "Examiner One"
    with pytest.raises(TriageRequestError, match="--examiner"):
        examiner_name(" ")
    assert examiner_name(None)


def test_each_result_goes_to_every_sink_in_turn(tmp_path: Path, known: Known) -> None:
    plans = [
        ExhibitPlan(
            name, (_folder(tmp_path / name, {"a.jpg": known.image_a}),), tmp_path / f"out-{name}"
        )
        for name in ("X1", "X2")
    ]
    heard: list[tuple[str, str, int]] = []

    def sink(label: str) -> ResultSink:
        return lambda plan, result: heard.append(
            (label, plan.exhibit, result.summary()["files_matched"])
        )

    results = triage_exhibits(
        plans, InlineRunner(), known.config(), sinks=(sink("reports"), sink("db"))
    )
    assert [r.exhibit for r in results] == ["X1", "X2"]
    assert heard == [("reports", "X1", 1), ("db", "X1", 1), ("reports", "X2", 1), ("db", "X2", 1)]
    with pytest.raises(TriageRequestError, match="--resume"):
        triage_exhibits(plans[:1], InlineRunner(), known.config())  # its journal is there


def test_run_triage_matches_the_stored_lists_writes_reports_and_stores_the_run(
    engine: Engine, tmp_path: Path, known: Known
) -> None:
    sessions = make_session_factory(engine)
    transaction: Transaction = lambda: unit_of_work(sessions)  # noqa: E731
    index = tmp_path / "index"
    listing = tmp_path / "known.csv"
    listing.write_text(f"md5,category\n{md5(known.image_a)},A\n", encoding="utf-8")
    import_hashlist(ImportRequest(listing, "known-test"), transaction, index)
    device = _folder(tmp_path / "device", {"a.jpg": known.image_a, "note.txt": known.system_file})
    asked: list[str] = []

    def keys() -> KeyRing:
        asked.append("keys")
        return KeyRing()

    request = TriageRequest((device,), ("EX/1",), case="C-1", workers=0, pdf=False, examiner="E")
    outcome = run_triage(
        request,
        home=tmp_path / "home",
        index_folder=index,
        dask_scheduler=None,
        transaction=transaction,
        keys=keys,
    )
    (summary,) = outcome.summaries
    assert asked == ["keys"]
    assert summary["files_scanned"] == 2
    assert summary["files_matched"] == 1
    assert outcome.unread_sources() == []
    out = Path(summary["out"])
    assert out == (tmp_path / "home" / "triage" / "EX_1").resolve()
    assert (out / "summary.json").is_file()
    assert not (out / "report.pdf").exists()
    with unit_of_work(sessions) as session:
        (run,) = SqlTriageRepository(session).runs_for_exhibit("EX/1")
    assert run.files_matched == 1


def test_a_bad_hash_choice_is_refused_before_any_key_is_asked_for(
    engine: Engine, tmp_path: Path
) -> None:
    sessions = make_session_factory(engine)
    device = _folder(tmp_path / "device", {"note.txt": b"zebra-test-term\n"})

    def keys() -> KeyRing:
        raise AssertionError("keys asked for")

    with pytest.raises(TriageRequestError, match="--hashes"):
        run_triage(
            TriageRequest((device,), ("EX/1",), hashes="md5,nonsense", workers=0),
            home=tmp_path / "home",
            index_folder=tmp_path / "index",
            dask_scheduler=None,
            transaction=lambda: unit_of_work(sessions),
            keys=keys,
        )
