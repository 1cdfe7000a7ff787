"""The triage progress bar (rich, on stderr): files done, files/s, MB/s and time left."""

from __future__ import annotations

from rich.progress import BarColumn, Progress, ProgressColumn, Task, TaskID, TextColumn
from rich.text import Text

from netsafe.cli.output import stderr_console


class _Rates:
    @staticmethod
    def rates(task: Task) -> tuple[float, float]:
        """This run's files/s and bytes/s (files an earlier run finished are not counted)."""
        elapsed = task.elapsed or 0.0
        if elapsed <= 0:
            return 0.0, 0.0
        files = task.fields.get("files", 0) - task.fields.get("start_files", 0)
        return files / elapsed, task.fields.get("size", 0) / elapsed


class FilesColumn(ProgressColumn):
    def render(self, task: Task) -> Text:
        total = task.fields.get("files_total")
        shown = "?" if total is None else f"{total:,}"  # "?" while the sources are listed
        return Text(f"{task.fields.get('files', 0):,}/{shown} files")


class RateColumn(ProgressColumn):
    def render(self, task: Task) -> Text:
        files_per_s, bytes_per_s = _Rates.rates(task)
        return Text(f"{files_per_s:,.0f} files/s {bytes_per_s / 1e6:,.1f} MB/s")


class EtaColumn(ProgressColumn):
    def render(self, task: Task) -> Text:
        files_per_s, _bytes = _Rates.rates(task)
        if task.total is None or files_per_s <= 0:
            return Text("ETA -:--:--")
        left = max(task.total - task.completed, 0) / files_per_s
        hours, rest = divmod(int(left), 3600)
        return Text(f"ETA {hours}:{rest // 60:02d}:{rest % 60:02d}")


class RichTriageProgress:
    """A `ProgressReporter` drawing one bar per exhibit (by files: a folder is listed without
    a stat a file, so sizes are known as files are read)."""

    def __init__(self, *, disable: bool = False) -> None:
        self.progress = Progress(
            TextColumn("[progress.description]{task.description}"),
            BarColumn(),
            FilesColumn(),
            RateColumn(),
            EtaColumn(),
            console=stderr_console(),
            transient=False,
            disable=disable,
        )
        self._task: TaskID | None = None

    def start(self, exhibit: str) -> None:
        self.progress.start()
        self._task = self.progress.add_task(f"triage {exhibit}", total=None, files=0, size=0)

    def listed(self, files: int, done_files: int) -> None:
        """The total is known: the bar fills by files from here, the earlier run's included
        (the rates count only this run's work)."""
        if self._task is None:
            return
        task = self.progress.tasks[-1]
        self.progress.update(
            self._task,
            total=max(files, 1),
            completed=task.completed + done_files,
            files=task.fields.get("files", 0) + done_files,
            files_total=files,
            start_files=done_files,
        )

    def advance(self, files: int, size: int) -> None:
        if self._task is None:
            return
        task = self.progress.tasks[-1]
        self.progress.update(
            self._task,
            advance=files,
            files=task.fields.get("files", 0) + files,
            size=task.fields.get("size", 0) + size,
        )

    def finish(self) -> None:
        self.progress.stop()
