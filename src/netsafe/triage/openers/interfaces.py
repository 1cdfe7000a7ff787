"""What an opener is: the interfaces every kind of container NetSafe opens implements.

Two layers, as in dfvfs (type indicators + resolver helpers):

- **Media formats** (`MediaFormat`): how a storage-media image is stored — EWF, split raw,
  VHD/VHDX, VMDK, QCOW2, plain raw. Each recognises its bytes and opens them as one
  `ByteSource`: the acquired device, byte for byte. Volume systems (MBR, GPT, APM), encrypted
  volumes and file systems are then found on that medium by content (`openers.volumes`).
- **Content openers** (`ContentOpener`): a file whose bytes hold other items — an archive, a
  thumbnail cache, a disk image found inside an archive or another image. Each recognises the
  file's first bytes and yields its embedded items, named `<file>!/<name>`.

Carving (issue 14 point 3) reads the space no file claims: every opened disk says which of its
byte ranges no partition covers (`OpenedDisk.unpartitioned`) and every file system which of its
bytes are unallocated (`OpenedFileSystem.unallocated`), each as `ByteRun`s of the medium that
`ByteSource.read_at` reads. A carved item is then located as `<volume>/$unallocated@0x<offset>`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Protocol, TypeVar

#: How many first bytes recognisers see: enough for every signature they look for (an ISO 9660
#: volume descriptor sits at 32,769).
PROBE_BYTES = 34 * 1024


class ByteSource(Protocol):
    """Random-access bytes: a medium, a partition, a decrypted volume, a file read back."""

    size: int

    def read_at(self, offset: int, size: int) -> bytes:
        """Up to `size` bytes from `offset` (fewer only at the end); raises OSError."""
        ...

    def close(self) -> None: ...


@dataclass(frozen=True, slots=True)
class ByteRun:
    """`length` bytes from `offset` of a medium (carving reads them through `read_at`)."""

    offset: int
    length: int


class OpenError(Exception):
    """A container was recognised but cannot be opened: `kind` is its errors.csv kind
    (`missing-segment`, `corrupt-image`, `encrypted-volume`, ...)."""

    def __init__(self, kind: str, reason: str) -> None:
        super().__init__(reason)
        self.kind = kind
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Probe:
    """What a recogniser sees: the name, the first `PROBE_BYTES` bytes and the size; `path`
    when the bytes are an examiner's file (segments and extents are found beside it)."""

    name: str
    head: bytes
    size: int
    path: Path | None = None


@dataclass
class OpenedMedium:
    """A medium opened by a `MediaFormat`: its bytes and what the format knows about them."""

    kind: str  # the format's kind: "e01", "split-raw", "vmdk", ...
    data: ByteSource
    segments: tuple[str, ...] = ()  # the files it was read from, in order
    stored_md5: str | None = None  # the hash the format stored at acquisition (EWF)
    warnings: list[str] = field(default_factory=list)

    def close(self) -> None:
        self.data.close()


class MediaFormat(Protocol):
    """A storage-media image format (one module under `openers/media`)."""

    #: Its kind, as the source summary and errors.csv name it ("e01", "vhdx", ...).
    kind: str
    #: Lower-case file-name endings that suggest it (an unopenable file named so is reported
    #: `not-a-disk-image`); recognition itself is by content.
    suffixes: tuple[str, ...]

    def recognise(self, probe: Probe) -> bool:
        """True when the bytes (or, for split sets, the name) are this format's."""
        ...

    def open(self, probe: Probe, data: ByteSource | None) -> OpenedMedium:
        """Open it: from `probe.path` (with its segments), or from `data` when the image is
        itself an item (a member of an archive). Raises `OpenError`."""
        ...


@dataclass(frozen=True, slots=True)
class Content:
    """A file's bytes as a content opener gets them: an examiner's file (`path`), bytes held in
    memory (a nested member, bounded by the archive limits), or a seekable stream (a file
    read back from a disk image)."""

    name: str
    head: bytes
    size: int
    path: str | None = None
    data: bytes | None = None
    stream: BinaryIO | None = None


@dataclass(slots=True)
class Embedded:
    """An item inside a container: its name (below the container, no leading slash), its bytes
    block by block, and what it is (`deleted`; `flags` such as "thumbnail" or "carved")."""

    name: str
    blocks: Iterator[bytes]
    deleted: bool = False
    flags: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class EmbeddedProblem:
    """Something inside a container that could not be read (an errors.csv row); `name` is
    below the container, empty for the container itself."""

    name: str
    kind: str
    reason: str
    warning: bool = False


@dataclass(frozen=True, slots=True)
class EmbeddedVolume:
    """An encrypted volume met inside a container (a disk image in an archive): `name` is where,
    below the container ("" for the image itself), `scheme` its encryption, `opened` whether a
    key opened it. The reports list it; the key is never in it."""

    name: str
    scheme: str
    opened: bool


class ContentOpener(Protocol):
    """A kind of file that holds other items (one module under `openers/content`).

    The scanner fingerprints the file itself first, then, when `recognise` says yes and the
    nesting depth allows, scans every `Embedded` it yields like a file (opening those in turn),
    all under the archive limits: depth, bytes expanded, expansion ratio, member count.
    """

    kind: str

    def recognise(self, head: bytes, name: str) -> bool:
        """True when the first bytes are this kind's (cheap: called on every file's head)."""
        ...

    def open(
        self, content: Content, context: OpenContext
    ) -> Iterator[Embedded | EmbeddedProblem | EmbeddedVolume]:
        """The embedded items, in order. Raises `OpenError` when the container is unreadable
        as a whole (nothing yielded yet) or breaks off."""
        ...


@dataclass(frozen=True, slots=True)
class OpenContext:
    """What an opener may need beyond the bytes: keys for encrypted volumes, by source label
    or volume identifier (never logged, never in a repr)."""

    keys: KeyRing = field(default_factory=lambda: KeyRing())
    #: Carve a disk image's unallocated and unpartitioned space (`--no-carve`: False).
    carve: bool = True


_Given = TypeVar("_Given", str, Path)


class KeyRing:
    """Passwords and recovery keys given with `--key SOURCE=...`, and BitLocker startup key
    files (`.BEK`) by their path; the repr never shows them."""

    def __init__(
        self, keys: dict[str, str] | None = None, startup_keys: dict[str, Path] | None = None
    ) -> None:
        self._keys = dict(keys or {})
        self._startup_keys = dict(startup_keys or {})

    def for_source(self, *labels: str) -> list[str]:
        """Every key given for one of `labels` (a source path or name), then the ones given
        for `*` (any source)."""
        return _given_for(self._keys, labels)

    def startup_keys_for(self, *labels: str) -> list[Path]:
        """Every startup key file given for one of `labels`, then the ones given for `*`."""
        return _given_for(self._startup_keys, labels)

    def __bool__(self) -> bool:
        return bool(self._keys or self._startup_keys)

    def __repr__(self) -> str:
        return f"KeyRing({len(self._keys)} keys, {len(self._startup_keys)} startup key files)"

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, KeyRing)
            and other._keys == self._keys
            and other._startup_keys == self._startup_keys
        )

    def __hash__(self) -> int:
        return hash((tuple(sorted(self._keys)), tuple(sorted(self._startup_keys))))


def _given_for(given: dict[str, _Given], labels: tuple[str, ...]) -> list[_Given]:
    found: list[_Given] = []
    for label in (*labels, "*"):
        for name, value in given.items():
            if name == label or (label != "*" and Path(label).name == name):
                found.append(value)
    return found


class OpenedFileSystem(Protocol):
    """A file system found on a medium; carving reads its unallocated bytes."""

    #: Where it sits, as item paths start: "/partition-1.2", "" for a disk with no partitions.
    label: str
    #: Its type as TSK or libfsapfs names it ("FAT32", "NTFS", "Ext4", "APFS", ...).
    type_name: str
    offset: int  # of its first byte on the medium

    def unallocated(self) -> Iterator[ByteRun]:
        """The byte runs that no file of it claims, of the bytes it lives in (the medium, or
        the decrypted volume of an encrypted one); LookupError when its kind's allocation map
        is not read."""
        ...


class OpenedDisk(Protocol):
    """A medium with its volumes opened: what carving needs of it."""

    medium: OpenedMedium

    def file_systems(self) -> list[OpenedFileSystem]: ...

    def unpartitioned(self) -> Iterator[ByteRun]:
        """The byte runs that no partition covers (none for a disk without a partition table)."""
        ...
