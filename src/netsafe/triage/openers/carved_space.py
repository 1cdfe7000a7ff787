"""Carving a disk image found as an item (`content.disk_image`): its file systems' unallocated
space, its volumes with no file system, its unpartitioned space, carved in the scanning worker
and yielded as embedded items flagged `carved` (`disk.vhd!/partition-1.1/$unallocated@0x…jpg`).

A top-level disk image is carved in parallel regions instead (`sources.carving_space`); this
nested form reads its spaces one after the other in the worker that opened the image.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence

from netsafe.triage.carving.engine import carve
from netsafe.triage.carving.regions import UNALLOCATED, UNPARTITIONED, UNREAD
from netsafe.triage.carving.space import Run, RunSpace, SpaceStream, without
from netsafe.triage.openers.disk import Disk
from netsafe.triage.openers.interfaces import Embedded, EmbeddedProblem

READ_BLOCK = 1 << 20
CARVED = frozenset({"carved"})


def carved_embedded(
    disk: Disk, deleted_runs: Mapping[int, Sequence[Run]]
) -> Iterator[Embedded | EmbeddedProblem]:
    """Every file carved from `disk` (`deleted_runs`, per file-system offset: the blocks of
    deleted files still listed, not carved again)."""
    for fs in disk.file_systems():
        where = fs.label.lstrip("/")
        try:
            runs = [(run.offset, run.length) for run in fs.unallocated()]
        except LookupError as error:
            reason = f"unallocated space not carved: {error}"
            yield EmbeddedProblem(where, "not-carved", reason, warning=True)
            continue
        except Exception as error:
            yield EmbeddedProblem(where, "not-carved", str(error), warning=True)
            continue
        source = getattr(fs, "source", disk.medium.data)
        base = getattr(fs, "source_offset", fs.offset)
        runs = without(runs, deleted_runs.get(fs.offset, ()))
        yield from _space(source.read_at, runs, f"{fs.label}/{UNALLOCATED}", base)
    medium = disk.medium.data.read_at
    for label, run in disk.unread_volumes():
        yield from _space(medium, [(run.offset, run.length)], f"{label}/{UNREAD}", run.offset)
    unpartitioned = [(run.offset, run.length) for run in disk.unpartitioned()]
    yield from _space(medium, unpartitioned, f"/{UNPARTITIONED}", 0)


def _space(
    read: Callable[[int, int], bytes], runs: Sequence[Run], prefix: str, base: int
) -> Iterator[Embedded]:
    space = RunSpace(read, runs)
    for found in carve(space.read, space.size):
        where = space.medium_offset(found.offset) - base
        name = f"{prefix}@0x{where:x}.{found.extension}".lstrip("/")
        yield Embedded(
            name, _blocks(SpaceStream(space.read, found.offset, found.length)), False, CARVED
        )


def _blocks(stream: SpaceStream) -> Iterator[bytes]:
    while block := stream.read(READ_BLOCK):
        yield bytes(block)
