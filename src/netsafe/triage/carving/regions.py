"""Carving as triage items: a volume's unallocated (or a disk's unpartitioned) runs cut into
regions of about `REGION_BYTES`, each one item a worker carves (`carved_files`).

A region's item holds the runs it scans and, after them, the runs a file starting near its end
may run on into (up to `TAIL_BYTES`): files are carved across region and run boundaries, each by
the one region it starts in. A carved file is named by its volume and byte offset:
`/partition-1.2/$unallocated@0x1a2b000.jpg`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from netsafe.triage.carving.candidate import ReadAt
from netsafe.triage.carving.engine import SECTOR, Carved, carve
from netsafe.triage.carving.space import Run, RunSpace, SpaceStream
from netsafe.triage.items import FileItem, Locator, LocatorKind

MIB = 1024 * 1024
REGION_BYTES = 64 * MIB
TAIL_BYTES = 512 * MIB  # how far past its region a carved file may run
MAX_TAIL_RUNS = 4096
UNALLOCATED = "$unallocated"
UNPARTITIONED = "$unpartitioned"
UNREAD = "$unread"  # a volume in which no file system was found, carved whole


def carve_items(
    *,
    image: str,
    source: str,
    index: int,
    volume_offset: int,
    prefix: str,
    runs: Sequence[Run],
    space: str = "",
) -> Iterator[FileItem]:
    """The items that carve `runs` of the file system at `volume_offset` of `image` (or of the
    medium, `space=UNPARTITIONED_SPACE`). `prefix` names the space (e.g.
    `/partition-1.2/$unallocated`)."""
    pieces = _pieces(runs)
    position = 0
    while position < len(pieces):
        scan: list[Run] = []
        size = 0
        while position < len(pieces) and size < REGION_BYTES:
            scan.append(pieces[position])
            size += pieces[position][1]
            position += 1
        tail: list[Run] = []
        extra = 0
        following = position
        while following < len(pieces) and extra < TAIL_BYTES and len(tail) < MAX_TAIL_RUNS:
            tail.append(pieces[following])
            extra += pieces[following][1]
            following += 1
        first = scan[0][0]
        yield FileItem(
            key=f"{index}:{volume_offset}:carve:{first}",
            source=source,
            path=prefix,
            size=size,
            locator=Locator(
                LocatorKind.CARVE,
                image,
                volume_offset,
                runs=(*scan, *tail),
                scan=size,
                space=space,
            ),
            carved=True,
        )


def _pieces(runs: Sequence[Run]) -> list[Run]:
    """Runs with the long ones cut into `REGION_BYTES` pieces (whole sectors)."""
    pieces: list[Run] = []
    for start, length in runs:
        while length > REGION_BYTES:
            pieces.append((start, REGION_BYTES))
            start += REGION_BYTES
            length -= REGION_BYTES
        if length > 0:
            pieces.append((start, length))
    return pieces


def carved_files(
    read: ReadAt, locator: Locator, prefix: str, base: int
) -> Iterator[tuple[str, SpaceStream]]:
    """(path, bytes) of every file carved from a CARVE item's runs of bytes read with `read`;
    the path gives the file's byte offset from `base` (its volume's first byte)."""
    space = RunSpace(read, locator.runs)
    found: Carved
    for found in carve(space.read, space.size, scan_end=locator.scan, alignment=SECTOR):
        where = space.medium_offset(found.offset) - base
        path = f"{prefix}@0x{where:x}.{found.extension}"
        yield path, SpaceStream(space.read, found.offset, found.length)
