"""Read a list file in batches, by default in a helper process so parsing overlaps storing.

Parsing and checking entries (JSON or CSV decoding, hex to bytes, categories) and writing them to
the database each take about half the time of an import; on two cores they run side by side.
The helper process sends batches of plain tuples (`EntryRow`) through a bounded queue, so memory
stays flat however large the file; an error in the file is raised again in the caller, with the
same file, position and field.
"""

from __future__ import annotations

import gc
import marshal
import multiprocessing
import os
import pickle
import queue
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any, cast

from netsafe.hashlists.category_map import CategoryMap
from netsafe.hashlists.errors import EntrySink, HashListFormatError, SkipLog
from netsafe.hashlists.formats import ListFormat, detect_format, read_entries
from netsafe.hashlists.model import EntryRow
from netsafe.parent_watch import die_with_parent

BATCH_SIZE = 20_000
#: Files from this size on are read in a helper process (below, starting it costs more).
BACKGROUND_FROM_BYTES = 16 * 1024 * 1024
_QUEUE_DEPTH = 4
_POLL_SECONDS = 1.0


@dataclass
class ListReading:
    """Batches of entries from one list file; `skipped` is complete once iteration ends."""

    path: Path
    list_format: ListFormat
    categories: CategoryMap
    skip_invalid: bool = False
    background: bool | None = None  # None: a helper process for files of 16 MB and more
    batch_size: int = BATCH_SIZE
    skipped: SkipLog = field(default_factory=SkipLog)
    #: The helper process's peak resident memory in MB, once it has finished (Linux only).
    helper_peak_rss_mb: float | None = None

    def __post_init__(self) -> None:
        if self.list_format is ListFormat.AUTO:
            self.list_format = detect_format(self.path)
        if self.background is None:
            self.background = self.path.stat().st_size >= BACKGROUND_FROM_BYTES

    def batches(self) -> Iterator[list[EntryRow]]:
        """Every entry of the file, in batches of up to `batch_size`."""
        if not self.background:
            yield from _read_batches(self, self.skipped)
            return
        yield from self._from_helper()

    def _from_helper(self) -> Iterator[list[EntryRow]]:
        context = multiprocessing.get_context("spawn")
        channel: Any = context.Queue(maxsize=_QUEUE_DEPTH)
        helper = context.Process(target=_produce, args=(self, channel, os.getpid()), daemon=True)
        helper.start()
        try:
            while True:
                try:
                    kind, payload = channel.get(timeout=_POLL_SECONDS)
                except queue.Empty:
                    if not helper.is_alive():
                        raise RuntimeError(
                            f"reading {self.path} stopped (helper exit code {helper.exitcode})"
                        ) from None
                    continue
                if kind in _BATCH_KINDS:
                    yield decode_batch(kind, payload)
                elif kind == "done":
                    skipped, self.helper_peak_rss_mb = payload
                    self.skipped.merge(skipped)
                    return
                elif kind == "format-error":
                    raise HashListFormatError(*payload)
                else:
                    raise RuntimeError(f"reading {self.path}: {payload}")
        finally:
            if helper.is_alive():
                helper.terminate()
            helper.join(timeout=5)
            channel.close()


def _read_batches(reading: ListReading, skipped: SkipLog) -> Iterator[list[EntryRow]]:
    sink = EntrySink(reading.path, skip_invalid=reading.skip_invalid, log=skipped)
    entries = read_entries(reading.path, reading.list_format, reading.categories, sink)
    while batch := list(islice(entries, reading.batch_size)):
        yield batch


def encode_batch(rows: list[tuple[object, ...]]) -> tuple[str, bytes]:
    """A batch as it crosses from the helper process: (kind, data) for `decode_batch`.

    `marshal` writes the types entries are made of (bytes, str, int, bool, None) three times
    faster than pickle, and reads them a fifth faster; a batch holding anything else (a str
    subclass, say) is pickled.
    """
    try:
        return "batch", marshal.dumps(rows)
    except ValueError:  # a type marshal does not write
        return "pickled-batch", pickle.dumps(rows, protocol=pickle.HIGHEST_PROTOCOL)


def decode_batch(kind: str, data: bytes) -> list[EntryRow]:
    """The batch `encode_batch` gave (data from our own helper process only)."""
    if kind == "batch":
        return cast(list[EntryRow], marshal.loads(data))  # noqa: S302 - from our helper
    return cast(list[EntryRow], pickle.loads(data))  # noqa: S301 - from our helper


_BATCH_KINDS = ("batch", "pickled-batch")


def _produce(reading: ListReading, channel: Any, parent_pid: int) -> None:
    """The helper process: read, send batches of plain tuples (`encode_batch`); it ends when
    the importing process ends, however that ends (`die_with_parent`).

    The cyclic garbage collector runs a hundred times less often than by default: the reader's
    objects form no cycles, and collecting young objects every 700 allocations cost a tenth of
    the reading time.
    """
    die_with_parent(parent_pid)
    gc.set_threshold(70_000, 10, 10)
    skipped = SkipLog()
    try:
        for batch in _read_batches(reading, skipped):
            channel.put(encode_batch(list(map(tuple, batch))))
    except HashListFormatError as error:
        channel.put(("format-error", (error.path, error.where, error.reason, error.field_name)))
    except Exception as error:  # the caller re-raises it
        channel.put(("error", f"{type(error).__name__}: {error}"))
    else:
        channel.put(("done", (skipped, _peak_rss_mb())))


def _peak_rss_mb() -> float | None:
    """This process's own peak RSS (VmHWM). Unlike `ru_maxrss`, it does not count the parent's
    memory, which a process started by fork and exec inherits in `ru_maxrss` on Linux."""
    try:
        status = Path("/proc/self/status").read_text(encoding="ascii")
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return None
