"""The carving items of an opened disk (`openers.disk`): each file system's unallocated runs
(`OpenedFileSystem.unallocated`), every volume in which no file system was found, whole
(`Disk.unread_volumes`: a formatted-over or unknown file system still holds pictures), and the
disk's unpartitioned runs (`OpenedDisk.unpartitioned`), as `triage.carving.regions` items.

The blocks of deleted files still listed are scanned as those files, so they are not carved
again. A file system whose allocation map NetSafe does not read (exFAT, ISO 9660, …) or cannot
read (corrupt) is reported (`not-carved`, a warning), never passed over in silence.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

from netsafe.triage.carving.allocation import AllocationError
from netsafe.triage.carving.regions import UNALLOCATED, UNPARTITIONED, UNREAD, carve_items
from netsafe.triage.carving.space import Run, without
from netsafe.triage.items import (
    UNPARTITIONED_SPACE,
    UNREAD_VOLUME_SPACE,
    FileItem,
    ItemError,
    Severity,
)
from netsafe.triage.openers.disk import Disk


def carving_items(
    disk: Disk, image: str, source: str, index: int, deleted_runs: Mapping[int, Sequence[Run]]
) -> Iterator[FileItem | ItemError]:
    """Carving items for every file system of `disk`, then for its unpartitioned space.
    `deleted_runs` (per file-system offset) are the runs of deleted files still listed."""
    for fs in disk.file_systems():
        where = fs.label or "/"
        try:
            runs = [(run.offset, run.length) for run in fs.unallocated()]
        except LookupError:
            reason = f"{fs.type_name}: unallocated space not carved; NetSafe does not read this "
            reason += "file system's allocation map (FAT, ext2/3/4, NTFS and HFS+ are read)"
            yield ItemError(source, where, "not-carved", reason, Severity.WARNING)
            continue
        except AllocationError as error:
            yield ItemError(source, where, "not-carved", str(error), Severity.WARNING)
            continue
        yield from carve_items(
            image=image,
            source=source,
            index=index,
            volume_offset=fs.offset,
            prefix=f"{fs.label}/{UNALLOCATED}",
            runs=without(runs, deleted_runs.get(fs.offset, ())),
        )
    for label, run in disk.unread_volumes():
        yield from carve_items(
            image=image,
            source=source,
            index=index,
            volume_offset=run.offset,
            prefix=f"{label}/{UNREAD}",
            runs=[(run.offset, run.length)],
            space=UNREAD_VOLUME_SPACE,
        )
    yield from carve_items(
        image=image,
        source=source,
        index=index,
        volume_offset=0,
        prefix=f"/{UNPARTITIONED}",
        runs=[(run.offset, run.length) for run in disk.unpartitioned()],
        space=UNPARTITIONED_SPACE,
    )
