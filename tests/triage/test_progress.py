"""The progress bar shows files done, files/s, MB/s and the time left, counting only this run's
work when a triage is resumed; scanning starts before the sources are fully listed."""

from __future__ import annotations

from rich.progress import Progress

from netsafe.cli.triage_progress import EtaColumn, FilesColumn, RateColumn, RichTriageProgress


def test_columns_show_files_rates_and_eta() -> None:
    progress = Progress()
    task_id = progress.add_task(
        "triage", total=5000, completed=0, files=0, files_total=5000, start_files=0, size=0
    )
    task = progress.tasks[0]
    progress.update(task_id, completed=500, files=500, size=100_000_000)
    task._reset = None  # type: ignore[attr-defined]
    task.start_time = task.get_time() - 10.0  # 10 s into the run
    assert FilesColumn().render(task).plain == "500/5,000 files"
    assert RateColumn().render(task).plain == "50 files/s 10.0 MB/s"
    assert EtaColumn().render(task).plain == "ETA 0:01:30"


def test_a_resumed_run_counts_only_its_own_work() -> None:
    reporter = RichTriageProgress(disable=True)
    reporter.start("SWP/1")
    reporter.listed(files=100, done_files=60)
    reporter.advance(10, 100)
    task = reporter.progress.tasks[0]
    assert task.fields["files"] == 70
    assert task.completed == 70
    task.start_time = task.get_time() - 2.0
    assert RateColumn().render(task).plain == "5 files/s 0.0 MB/s"
    assert EtaColumn().render(task).plain == "ETA 0:00:06"  # 30 files left at 5 a second
    reporter.finish()


def test_scanning_starts_before_the_listing_ends_and_the_total_comes_later() -> None:
    reporter = RichTriageProgress(disable=True)
    reporter.start("SWP/1")
    reporter.advance(10, 2_000_000)  # the first batch is back while the sources are listed
    task = reporter.progress.tasks[0]
    assert task.total is None
    assert FilesColumn().render(task).plain == "10/? files"
    assert EtaColumn().render(task).plain == "ETA -:--:--"
    reporter.listed(files=100, done_files=60)
    reporter.advance(5, 1_000_000)
    task = reporter.progress.tasks[0]
    assert (task.fields["files"], task.completed, task.total) == (75, 75, 100)
    assert FilesColumn().render(task).plain == "75/100 files"
    task.start_time = task.get_time() - 5.0
    assert RateColumn().render(task).plain == "3 files/s 0.6 MB/s"  # 15 files, 3 MB in 5 s
    reporter.finish()
