"""The progress bar shows files done, files/s, MB/s and the time left, counting only this run's
work when a triage is resumed."""

from __future__ import annotations

from rich.progress import Progress

from netsafe.cli.triage_progress import EtaColumn, FilesColumn, RateColumn, RichTriageProgress


def test_columns_show_files_rates_and_eta() -> None:
    progress = Progress()
    task_id = progress.add_task(
        "triage", total=1_000_000_000, completed=0, files=0, files_total=5000,
        start_files=0, start_bytes=0,
    )  # fmt: skip
    task = progress.tasks[0]
    progress.update(task_id, completed=100_000_000, files=500)
    task._reset = None  # type: ignore[attr-defined]
    task.start_time = task.get_time() - 10.0  # 10 s into the run
    assert FilesColumn().render(task).plain == "500/5,000 files"
    assert RateColumn().render(task).plain == "50 files/s 10.0 MB/s"
    assert EtaColumn().render(task).plain == "ETA 0:01:30"


def test_a_resumed_run_counts_only_its_own_work() -> None:
    reporter = RichTriageProgress(disable=True)
    reporter.start("SWP/1", files=100, size=1000, done_files=60, done_bytes=600)
    reporter.advance(10, 100)
    task = reporter.progress.tasks[0]
    assert task.fields["files"] == 70
    assert task.completed == 700
    task.start_time = task.get_time() - 2.0
    assert RateColumn().render(task).plain == "5 files/s 0.0 MB/s"
    reporter.finish()
