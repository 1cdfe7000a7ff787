"""What every triage worker needs to scan items (picklable): the matcher, the archive limits,
the hashes, the keys of encrypted volumes, the thumbnail thresholds, whether to carve."""

from __future__ import annotations

from dataclasses import dataclass, field

from netsafe.signals.crypto import CRYPTO_SIGNALS
from netsafe.triage.limits import ArchiveLimits
from netsafe.triage.matcher import MatcherFactory
from netsafe.triage.openers.interfaces import KeyRing
from netsafe.triage.thumbnails import THUMBNAIL_MAX_DISTANCE, THUMBNAIL_QUALITY_FLOOR


@dataclass(frozen=True)
class ScanConfig:
    """What every worker needs (picklable): how to load the matcher, and the archive limits."""

    matcher_factory: MatcherFactory | None
    matcher_key: str = ""
    limits: ArchiveLimits = field(default_factory=ArchiveLimits)
    dihedral: bool = False
    #: The cryptographic hashes of every file. Images, archive members and files that match a
    #: list always get all three (the scanner completes a matched file by reading it again).
    hashes: tuple[str, ...] = CRYPTO_SIGNALS
    #: Regular files are tried on the lean path first (`triage.plain`); False sends every file
    #: through the full scan (the tests compare the two).
    plain_files: bool = True
    #: Passwords and recovery keys for encrypted volumes (`--key`); never in a repr or a log.
    keys: KeyRing = field(default_factory=KeyRing, repr=False)
    #: PDQ distance and quality floor of embedded thumbnails, in every list (`triage.thumbnails`).
    thumbnail_max_distance: int = THUMBNAIL_MAX_DISTANCE
    thumbnail_quality_floor: int = THUMBNAIL_QUALITY_FLOOR
    #: Carve disk images found inside archives and other images (`--no-carve`: False).
    carve: bool = True
