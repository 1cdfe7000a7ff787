"""The triage progress bar (rich, on stderr): files done, files/s, MB/s and time left."""

from __future__ import annotations

from rich.progress import BarColumn, Progress, ProgressColumn, Task, TaskID, TextColumn
from rich.text import Text

from netsafe.cli.output import stderr_console


class _Rates:
    @staticmethod
    def rates(task: Task) -> tuple[float, float]:
        elapsed = task.elapsed or 0.0
        if elapsed <= 0:
            return 0.0, 0.0
        files = task.fields.get("files", 0) - task.fields.get("start_files", 0)
        size = task.completed - task.fields.get("start_bytes", 0)
        return files / elapsed, size / elapsed


class FilesColumn(ProgressColumn):
    def render(self, task: Task) -> Text:
        return Text(f"{task.fields.get('files', 0):,}/{task.fields.get('files_total', 0):,} files")


class RateColumn(ProgressColumn):
    def render(self, task: Task) -> Text:
        files_per_s, bytes_per_s = _Rates.rates(task)
        return Text(f"{files_per_s:,.0f} files/s {bytes_per_s / 1e6:,.1f} MB/s")


class EtaColumn(ProgressColumn):
    def render(self, task: Task) -> Text:
        _files, bytes_per_s = _Rates.rates(task)
        if task.total is None or bytes_per_s <= 0:
            return Text("ETA -:--:--")
        left = max(task.total - task.completed, 0) / bytes_per_s
        hours, rest = divmod(int(left), 3600)
        return Text(f"ETA {hours}:{rest // 60:02d}:{rest % 60:02d}")


class RichTriageProgress:
    """A `ProgressReporter` drawing one bar per exhibit (by bytes)."""

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

    def start(self, exhibit: str, files: int, size: int, done_files: int, done_bytes: int) -> None:
        self.progress.start()
        self._task = self.progress.add_task(
            f"triage {exhibit}",
            total=max(size, 1),
            completed=done_bytes,
            files=done_files,
            files_total=files,
            start_files=done_files,
            start_bytes=done_bytes,
        )

    def advance(self, files: int, size: int) -> None:
        if self._task is None:
            return
        task = self.progress.tasks[-1]
        self.progress.update(self._task, advance=size, files=task.fields.get("files", 0) + files)

    def finish(self) -> None:
        self.progress.stop()
