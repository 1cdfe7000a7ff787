"""Opening a storage medium by content: a file (with its segments beside it) or bytes held as an
item, through the registry's media formats, then its volumes (`openers.disk`)."""

from __future__ import annotations

from pathlib import Path

import pytsk3

from netsafe.triage.openers.byte_sources import SourceImage
from netsafe.triage.openers.interfaces import (
    PROBE_BYTES,
    ByteSource,
    OpenedMedium,
    OpenError,
    Probe,
)
from netsafe.triage.openers.registry import REGISTRY
from netsafe.triage.openers.signatures import volume_kind


def probe_path(path: Path) -> Probe:
    """The probe of an examiner's file (raises OSError when it cannot be read)."""
    with path.open("rb") as handle:
        head = handle.read(PROBE_BYTES)
        size = handle.seek(0, 2)
    return Probe(path.name, head, size, path)


def open_medium(probe: Probe, data: ByteSource | None = None) -> OpenedMedium:
    """The medium of `probe` (from its path, or from `data`); raises `OpenError`."""
    return REGISTRY.media_for(probe).open(probe, data)


def is_disk(probe: Probe, medium: OpenedMedium) -> bool:
    """True when the medium holds a volume system, file system or encrypted volume: any format
    but raw says so; raw bytes by their signatures, or when The Sleuth Kit finds one."""
    if medium.kind != "raw" or volume_kind(probe.head) is not None:
        return True
    image = SourceImage(medium.data)
    for opener in (pytsk3.Volume_Info, pytsk3.FS_Info):
        try:
            opener(image)
        except (OSError, RuntimeError):
            continue
        return True
    return False


__all__ = ["OpenError", "is_disk", "open_medium", "probe_path"]
