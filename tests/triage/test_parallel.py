"""The same exhibit gives the same results in process, on the process pool and on a Dask
cluster (a LocalCluster of two worker processes)."""

from __future__ import annotations

from pathlib import Path

import pytest

from netsafe.triage.result import TriageResult
from netsafe.triage.runners import DaskRunner, ProcessPoolRunner, Runner
from tests.triage.conftest import Known, run_triage
from tests.triage.fixtures import e01_image, fat_image, photo_jpeg, text_file, zip_bytes


@pytest.fixture(scope="module")
def exhibit(tmp_path_factory: pytest.TempPathFactory, known: Known) -> list[Path]:
    folder = tmp_path_factory.mktemp("parallel")
    loose = folder / "loose"
    loose.mkdir()
    for n in range(150):
        (loose / f"p{n:03d}.jpg").write_bytes(photo_jpeg(1000 + n, size=64))
        (loose / f"t{n:03d}.txt").write_bytes(text_file(n, 500))
    (loose / "known.jpg").write_bytes(known.image_a)
    (loose / "pics.zip").write_bytes(zip_bytes({"c.jpg": known.image_c, "b.jpg": known.near_b}))
    raw = fat_image(folder / "card.img", {"a.jpg": known.image_a, "gone.jpg": known.image_c},
                    delete=("gone.jpg",))  # fmt: skip
    return [loose, e01_image(raw, folder / "card")]


def _signature(result: TriageResult) -> tuple[object, ...]:
    return (
        [(r.source, r.path, r.sha256, r.pdq, r.deleted, r.matches) for r in result.all_records()],
        result.errors,
        result.category_counts(),
        [s.verification for s in result.sources],
    )


@pytest.fixture(scope="module")
def inline(
    exhibit: list[Path], known: Known, tmp_path_factory: pytest.TempPathFactory
) -> TriageResult:
    return run_triage(exhibit, tmp_path_factory.mktemp("inline") / "out", known.config())


def _run(runner: Runner, exhibit: list[Path], known: Known, out: Path) -> TriageResult:
    try:
        return run_triage(exhibit, out, known.config(), runner=runner)
    finally:
        runner.close()


@pytest.mark.slow
def test_process_pool_gives_the_same_results(
    exhibit: list[Path], inline: TriageResult, known: Known, tmp_path: Path
) -> None:
    pooled = _run(ProcessPoolRunner(2), exhibit, known, tmp_path / "out")
    assert pooled.runner == "process pool of 2"
    assert _signature(pooled) == _signature(inline)
    # the summary's CPU time counts the workers' batches (reported back with each batch)
    assert pooled.cpu_seconds > 0
    assert inline.cpu_seconds > 0
    assert pooled.summary()["cpu_seconds"] == round(pooled.cpu_seconds, 3)
    counts = inline.category_counts()
    assert (counts["A"], counts["B"], counts["C"]) == (2, 1, 2)


@pytest.mark.slow
def test_dask_local_cluster_gives_the_same_results(
    exhibit: list[Path], inline: TriageResult, known: Known, tmp_path: Path
) -> None:
    """Through the scheduler address, as `--scheduler` / NETSAFE_DASK_SCHEDULER do."""
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None
    ) as cluster:
        result = _run(DaskRunner(cluster.scheduler_address), exhibit, known, tmp_path / "out")
        assert result.runner.startswith(f"Dask cluster at {cluster.scheduler_address}")
        assert "(2 workers)" in result.runner
    assert _signature(result) == _signature(inline)
