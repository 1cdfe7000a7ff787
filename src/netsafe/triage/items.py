"""What flows through a triage: file items found in a source, and the results of scanning them.

Everything here is a small picklable dataclass or msgspec struct (it crosses process and Dask
boundaries) that turns into plain JSON for the journal.
"""

from __future__ import annotations

import enum
import os
from dataclasses import asdict, dataclass, field
from typing import Any

import msgspec

from netsafe.triage.names import is_shown_as_is, shown_name


class LocatorKind(enum.StrEnum):
    """How a worker reaches an item's bytes."""

    FILE = "file"  # a file of the examiner's file system, by its OS path
    IMAGE = "image"  # a file inside a disk image, by file-system offset and inode address
    CARVE = "carve"  # byte runs of a disk image to carve (`triage.carving`), not a file


class Locator(msgspec.Struct, frozen=True):
    """Where a worker opens an item: an OS path, or (image path, file-system offset, inode,
    and for a stream other than the file's default data, its attribute type and id), or for
    carving (CARVE) byte runs (`runs`; the first `scan` bytes of them are scanned, files found
    may run on to their end) of the file system at `fs_offset` (the bytes it lives in) or, for
    `UNPARTITIONED_SPACE` and `UNREAD_VOLUME_SPACE`, of the medium."""

    kind: LocatorKind
    path: str
    fs_offset: int = 0
    inode: int = 0
    volume: int = 0  # the volume of an APFS container at `fs_offset`
    attr_type: int = 0
    attr_id: int = -1
    runs: tuple[tuple[int, int], ...] = ()
    scan: int = 0
    space: str = ""
    #: A FILE's OS path as bytes when it is not valid UTF-8 (`path` then shows it escaped:
    #: `triage.names`); empty otherwise.
    os_path: bytes = b""

    def file_path(self) -> str:
        """The OS path to open a FILE by (its real name, even when not valid UTF-8)."""
        return os.fsdecode(self.os_path) if self.os_path else self.path

    @classmethod
    def of_file(cls, path: str) -> Locator:
        """A FILE's locator: `path` as the OS gave it (undecodable bytes as surrogates)."""
        if is_shown_as_is(path):
            return cls(LocatorKind.FILE, path)
        return cls(LocatorKind.FILE, shown_name(path), os_path=os.fsencode(path))


#: `Locator.space` of a disk's unpartitioned space (runs of the medium itself).
UNPARTITIONED_SPACE = "unpartitioned"
#: `Locator.space` of a volume with no file system found, carved whole (runs of the medium;
#: offsets named from the volume's start, `Locator.fs_offset`).
UNREAD_VOLUME_SPACE = "unread-volume"


class FileItem(msgspec.Struct, frozen=True):
    """A file found in a source. `key` is stable from run to run (the journal's key).

    Items are made by the hundred thousand while a source is listed, so they are msgspec
    structs: a third of the cost of frozen dataclasses, and they pack as they are."""

    key: str
    source: str
    path: str
    size: int | None  # None: not known until read (a folder's files are listed without a stat)
    locator: Locator
    deleted: bool = False
    carved: bool = False  # a CARVE item: its records are files carved out of its runs


class Severity(enum.StrEnum):
    """An error stopped an item (or part of it) being scanned; a warning did not."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class ItemError:
    """One row of errors.csv: what went wrong with which item, and why."""

    source: str
    path: str
    kind: str
    reason: str
    severity: Severity = Severity.ERROR

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ItemError:
        return cls(**{**data, "severity": Severity(data["severity"])})


@dataclass(frozen=True, slots=True)
class MatchRecord:
    """A match of one file against one list entry; `scores` are what the signal adds (vPDQ's
    shares of frames matched)."""

    list_name: str
    entry_id: str
    category: str
    signal: str
    distance: int
    scores: tuple[tuple[str, float], ...] = ()

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "list_name": self.list_name,
            "entry_id": self.entry_id,
            "category": self.category,
            "signal": self.signal,
            "distance": self.distance,
        }
        if self.scores:
            data["scores"] = dict(self.scores)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> MatchRecord:
        scores = tuple(data.get("scores", {}).items())
        return cls(**{**data, "scores": scores})


#: The flag of a page or frame's record (`triage.pages`): the page of a multi-page picture, or
#: the frame of an animated one, after the first (`scan.tif!/page-0003`).
FRAME_FLAG = "frame"


@dataclass(frozen=True, slots=True)
class FileRecord:
    """A scanned file: its fingerprints and what it matched. No content, ever.

    `signals`: values of registered signals without a column ((name, value) sorted by name)."""

    source: str
    path: str
    size: int
    md5: str
    sha1: str
    sha256: str
    media_type: str | None = None
    pdq: str | None = None
    pdq_quality: int | None = None
    deleted: bool = False
    ignored: bool = False
    matches: tuple[MatchRecord, ...] = ()
    #: Why the PDQ hash was not searched in (some) alert lists: quality under their floor.
    pdq_not_tried: str = ""
    carved: bool = False  # carved out of unallocated or unpartitioned space
    signals: tuple[tuple[str, str], ...] = ()
    #: What else the item is (beyond `deleted` and `carved`): "thumbnail" (from a thumbnail cache),
    #: "frame" (a page or frame after the first of a multi-page or animated picture: FRAME_FLAG)
    flags: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        data = {
            "source": self.source,
            "path": self.path,
            "size": self.size,
            "md5": self.md5,
            "sha1": self.sha1,
            "sha256": self.sha256,
            "media_type": self.media_type,
            "pdq": self.pdq,
            "pdq_quality": self.pdq_quality,
            "deleted": self.deleted,
            "ignored": self.ignored,
            "matches": [m.to_json() for m in self.matches],
            "pdq_not_tried": self.pdq_not_tried,
            "carved": self.carved,
            "flags": list(self.flags),
        }
        if self.signals:
            data["signals"] = dict(self.signals)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FileRecord:
        matches = tuple(MatchRecord.from_json(m) for m in data["matches"])
        signals = tuple(sorted(data.get("signals", {}).items()))
        flags = tuple(data.get("flags", ()))
        return cls(**{**data, "matches": matches, "signals": signals, "flags": flags})


@dataclass(slots=True)
class ItemResult:
    """Everything one top-level item produced: the file itself, archive members, errors."""

    key: str
    records: list[FileRecord] = field(default_factory=list)
    errors: list[ItemError] = field(default_factory=list)
    bytes_read: int = 0
    #: Encrypted volumes of disk images found inside it (an archive's), by their item path
    encrypted: list[EncryptedVolume] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "records": [r.to_json() for r in self.records],
            "errors": [e.to_json() for e in self.errors],
            "bytes_read": self.bytes_read,
            "encrypted": [[v.volume, v.scheme, v.opened] for v in self.encrypted],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ItemResult:
        return cls(
            key=data["key"],
            records=[FileRecord.from_json(r) for r in data["records"]],
            errors=[ItemError.from_json(e) for e in data["errors"]],
            bytes_read=data["bytes_read"],
            encrypted=[EncryptedVolume(v, s, bool(o)) for v, s, o in data.get("encrypted", ())],
        )


@dataclass(frozen=True, slots=True)
class EncryptedVolume:
    """An encrypted volume met on a source: where it is, its scheme (BitLocker, LUKS, FileVault,
    APFS) and whether a key given with `--key` opened it. Never the key."""

    volume: str  # as item paths start: "/partition-1.2", "" for the medium itself
    scheme: str
    opened: bool

    def to_json(self) -> dict[str, Any]:
        return {"volume": self.volume or "/", "scheme": self.scheme, "opened": self.opened}


@dataclass(frozen=True, slots=True)
class SourceVerification:
    """A disk image's integrity check: the stored hash (E01) against the one computed now."""

    source: str
    image_format: str
    stored_md5: str | None
    computed_md5: str | None
    verified: bool | None  # None: nothing stored to check against (raw images)
    media_size: int = 0
    detail: str = ""
    #: Sector ranges (first, last; inclusive) whose EWF chunk checksums failed: libewf reads
    #: them as zeros. A source with any is never verified.
    bad_sectors: tuple[tuple[int, int], ...] = ()

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["bad_sectors"] = [list(pair) for pair in self.bad_sectors]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SourceVerification:
        bad = tuple((int(a), int(b)) for a, b in data.get("bad_sectors", ()))
        return cls(**{**data, "bad_sectors": bad})
