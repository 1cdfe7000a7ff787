"""The functions workers run (process pool or Dask): scan a batch of items, verify an image.

Each worker process builds its scanner (and so loads the matcher) once, on its first batch, and
keeps it, with its open disk images, for every later batch of the same configuration.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import msgspec

from netsafe.triage.items import FileItem, ItemResult
from netsafe.triage.journal import journal_row
from netsafe.triage.plain import PlainFiles, pack, unpack
from netsafe.triage.scan import Scanner
from netsafe.triage.scan_config import ScanConfig
from netsafe.triage.verification import verify_image

__all__ = ["ItemBatch", "ScannedBatch", "scan_batch", "scanner_for", "verify_image"]

_SCANNERS: dict[str, Scanner] = {}


def scanner_for(config: ScanConfig) -> Scanner:
    """This process's scanner for `config` (matcher loaded on first use)."""
    key = config.matcher_key or "default"
    scanner = _SCANNERS.get(key)
    if scanner is None or scanner.config != config:
        if scanner is not None:
            scanner.close()
        matcher = config.matcher_factory() if config.matcher_factory is not None else None
        scanner = _SCANNERS[key] = Scanner(config, matcher)
    return scanner


_PACK = msgspec.msgpack.Encoder().encode
_UNPACK = msgspec.msgpack.Decoder(list[ItemResult]).decode
_UNPACK_ITEMS = msgspec.msgpack.Decoder(list[FileItem]).decode


@dataclass(frozen=True, slots=True)
class ItemBatch:
    """Items for one worker call. Like `ScannedBatch`, it travels as MessagePack: pickling the
    dataclasses cost ~14 µs a file, MessagePack ~1 µs."""

    items: list[FileItem]

    def __reduce__(self) -> tuple[Any, ...]:
        return _unpacked_items, (_PACK(self.items),)


def _unpacked_items(packed: bytes) -> ItemBatch:
    return ItemBatch(_UNPACK_ITEMS(packed))


@dataclass(frozen=True, slots=True)
class ScannedBatch:
    """A batch's results: the files scanned in full (and the same results in journal form),
    and the plain files as columns, packed (`triage.plain`; the journal keeps the same bytes).

    It crosses to the main process (or the Dask client) as MessagePack: a third of the cost of
    pickling the dataclasses, which is per file and shows at thousands of small files a second.
    """

    results: list[ItemResult]
    rows: list[tuple[str, str]]
    plain: bytes = b""
    cpu_seconds: float = 0.0  # the CPU time the worker's thread spent on the batch

    def plain_files(self) -> PlainFiles:
        return unpack(self.plain) if self.plain else PlainFiles()

    def __reduce__(self) -> tuple[Any, ...]:
        return _unpacked, (_PACK(self.results), self.rows, self.plain, self.cpu_seconds)


def _unpacked(
    packed: bytes, rows: list[tuple[str, str]], plain: bytes, cpu_seconds: float
) -> ScannedBatch:
    return ScannedBatch(_UNPACK(packed), rows, plain, cpu_seconds)


def scan_batch(config: ScanConfig, batch: ItemBatch) -> ScannedBatch:
    """Scan every item of `batch`; per-item failures are in each result's errors."""
    started = time.thread_time()  # this task's thread: Dask runs several tasks per process
    results, plain = scanner_for(config).scan_batch(batch.items)
    rows = [journal_row(result) for result in results]
    packed = pack(plain) if len(plain) else b""
    return ScannedBatch(results, rows, packed, time.thread_time() - started)
