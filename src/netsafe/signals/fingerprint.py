"""A file's fingerprints: MD5, SHA-1, SHA-256 of every byte, and PDQ when it is an image, plus
every other registered signal that applies to its content (`FileFingerprint.signals`).

`fingerprint_stream` reads its stream once: the bytes go to the cryptographic hashes as they
arrive, and when the first bytes sniff as an image they are also kept for decoding (up to
DecodeLimits.max_image_bytes). A video (a container recognised by content, netsafe.video.sniff)
gets the video signals (vPDQ): decoded from the stream itself, rewound, when it can seek (a file),
else from its bytes kept as an image's are. It never raises for bad content: the `error` field
says why an image or video could not be decoded, and the cryptographic hashes are always there.
`Fingerprinter` does the same for stream after stream through one reusable buffer, and can leave
out hashes of content that is not an image (triage's `--hashes`). The functions are plain
module-level functions, so they pickle into process pools and Dask workers.
"""

from __future__ import annotations

import threading
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from netsafe.media import (
    SNIFF_BYTES,
    DecodeLimits,
    MediaError,
    NotAnImageError,
    could_be_image,
    decode_luma,
    decode_luma_paged,
    sniff_media_type,
)
from netsafe.signals import registry
from netsafe.signals.base import ByteHasher, Content, SignalType
from netsafe.signals.crypto import CHUNK_SIZE, CRYPTO_SIGNALS, CryptoHasher
from netsafe.signals.page_pdq import PagedPdq, page_pdqs
from netsafe.signals.pdq import MIN_QUALITY, PdqSignal
from netsafe.video.sniff import VIDEO_SNIFF_BYTES, sniff_video


@dataclass(frozen=True)
class FileFingerprint:
    """Everything NetSafe knows about one file's content. Never holds the content itself.

    `signals`: the values of registered signals without a column of their own (name → value).
    `pages`: the PDQ of every page or frame after the first (`signals.page_pdq`), when asked for
    (`Fingerprinter(pages=True)`) and the picture has more than one."""

    path: str
    size: int
    md5: str
    sha1: str
    sha256: str
    media_type: str | None
    pdq: str | None
    pdq_quality: int | None
    dihedral: tuple[str, ...] = ()
    error: str | None = None
    signals: dict[str, str] = field(default_factory=dict)
    pages: PagedPdq | None = None

    def values(self) -> dict[str, str]:
        """Every signal value the file has, by signal name (report order)."""
        found = {"md5": self.md5, "sha1": self.sha1, "sha256": self.sha256, "pdq": self.pdq or ""}
        found.update(self.signals)
        return {name: value for name, value in found.items() if value}

    @property
    def pdq_matchable(self) -> bool:
        """True when the PDQ hash is good enough to match by default (quality ≥ MIN_QUALITY)."""
        return self.pdq is not None and (self.pdq_quality or 0) >= MIN_QUALITY

    def to_json(self) -> dict[str, Any]:
        """The object `netsafe hash --json` prints for this file."""
        data: dict[str, Any] = {
            "path": self.path,
            "size": self.size,
            "md5": self.md5,
            "sha1": self.sha1,
            "sha256": self.sha256,
            "media_type": self.media_type,
            "pdq": self.pdq,
            "pdq_quality": self.pdq_quality,
            "error": self.error,
        }
        data.update(self.signals)
        if self.dihedral:
            data["dihedral"] = list(self.dihedral)
        return data


def fingerprint_stream(
    stream: BinaryIO,
    *,
    path: str,
    dihedral: bool = False,
    limits: DecodeLimits | None = None,
) -> FileFingerprint:
    """Fingerprint everything left in `stream` (read once); `path` is only reported."""
    return _thread_fingerprinter(dihedral, limits).fingerprint(stream, path=path)[0]


_THREAD = threading.local()


def _thread_fingerprinter(dihedral: bool, limits: DecodeLimits | None) -> Fingerprinter:
    """This thread's Fingerprinter for these settings: `netsafe hash` and the lookup API call
    `fingerprint_stream` file after file, and each would otherwise allocate a fresh buffer."""
    kept: dict[tuple[object, ...], Fingerprinter] = _THREAD.__dict__.setdefault(
        "fingerprinters", {}
    )
    key = (dihedral, limits, registry.extra_signals())  # a signal registered since: a new one
    if key not in kept:
        kept[key] = Fingerprinter(dihedral=dihedral, limits=limits)
    return kept[key]


class Fingerprinter:
    """Fingerprints stream after stream through one reusable read buffer.

    A fresh 1 MB buffer per file costs more than hashing a small file (the allocator maps and
    faults in new pages), so a worker keeps one Fingerprinter. `hashes` are the cryptographic
    hashes of content that is not an image; images always get all three (decoding them costs
    far more). Not thread-safe: one per thread or process.
    """

    def __init__(
        self,
        *,
        hashes: Collection[str] = CRYPTO_SIGNALS,
        dihedral: bool = False,
        limits: DecodeLimits | None = None,
        head_bytes: int = SNIFF_BYTES,
        pages: bool = False,
    ) -> None:
        self.hashes = tuple(hashes)
        #: Also hash every page or frame after the first (triage: `FileFingerprint.pages`).
        self.pages = pages
        self.dihedral = dihedral
        self.limits = limits or DecodeLimits()
        self.head_bytes = max(head_bytes, SNIFF_BYTES)
        self._buffer = bytearray(max(CHUNK_SIZE, self.head_bytes))
        self._view = memoryview(self._buffer)
        #: Registered signals without a column, read when the fingerprinter is made.
        self.extra = registry.extra_signals()
        self.video = tuple(s for s in self.extra if s.content is Content.VIDEO)
        self._bytes = tuple(s for s in self.extra if s.content is Content.BYTES)

    def fingerprint(
        self, stream: BinaryIO, *, path: str, all_hashes: bool = False
    ) -> tuple[FileFingerprint, bytes]:
        """The fingerprint of everything left in `stream`, and its first `head_bytes` bytes.

        `all_hashes`: compute all three cryptographic hashes whatever the content (for a stream
        that cannot be read a second time to complete them)."""
        view = self._view
        readinto = stream.readinto  # type: ignore[attr-defined]
        error: str | None = None
        count = 0
        start = _position(stream) if self.video else None
        try:
            wanted = max(self.head_bytes, VIDEO_SNIFF_BYTES) if self.video else self.head_bytes
            count = _fill(readinto, view, wanted)
        except OSError as read_error:
            error = f"read error after 0 bytes: {read_error}"
        head = bytes(view[: min(count, self.head_bytes)])
        media_type = sniff_media_type(head[:SNIFF_BYTES]) if could_be_image(head) else None
        video = None
        if media_type is None and self.video and count:
            video = sniff_video(view[: min(count, VIDEO_SNIFF_BYTES)])
            media_type = video.mime if video is not None else None
        hasher = CryptoHasher(CRYPTO_SIGNALS if all_hashes or media_type else self.hashes)
        extra = _ByteSignals(self._bytes, hasher) if self._bytes else None
        rereadable = video is not None and start is not None
        kept: list[bytes] | None = [] if media_type is not None and not rereadable else None
        kept_size = 0
        max_image = self.limits.max_image_bytes
        try:
            while count:
                chunk = view[:count]
                hasher.update(chunk)
                if kept is not None:
                    kept_size += count
                    if kept_size > max_image:
                        kept = None
                        what = "image" if video is None else "video (a stream that cannot seek)"
                        error = f"{what} not decoded: larger than {max_image:,} bytes"
                    else:
                        kept.append(bytes(chunk))
                count = readinto(view)
        except OSError as read_error:
            error = f"read error after {hasher.size:,} bytes: {read_error}"
            kept = None
        digests = hasher.digests()
        pdq: str | None = None
        quality: int | None = None
        hashes: tuple[str, ...] = ()
        pages: PagedPdq | None = None
        signals = extra.values() if extra is not None and error is None else {}
        if video is not None:
            source: BinaryIO | bytes | None = _rewound(stream, start) if rereadable else None
            if source is None and kept is not None:
                source = b"".join(kept)
            if source is not None and error is None:
                error = _media_signals(self.video, source, self.limits, signals)
        elif kept is not None and error is None:
            data = b"".join(kept)
            try:
                pdq, quality, hashes, error, pages = _pdq(
                    data, self.dihedral, self.limits, pages=self.pages
                )
            except NotAnImageError:
                media_type = None  # a weak signature whose header does not parse: plain file
            if self.extra and media_type is not None:
                error = _media_signals(self.extra, data, self.limits, signals) or error
        elif digests.size == 0:
            error = error or "empty file (0 bytes)"
        fingerprint = FileFingerprint(
            path=path,
            size=digests.size,
            md5=digests.md5,
            sha1=digests.sha1,
            sha256=digests.sha256,
            media_type=media_type,
            pdq=pdq,
            pdq_quality=quality,
            dihedral=hashes,
            error=error,
            signals=signals,
            pages=pages,
        )
        return fingerprint, head


def fingerprint_file(
    path: Path, *, dihedral: bool = False, limits: DecodeLimits | None = None
) -> FileFingerprint:
    """Fingerprint the file at `path`; an unreadable file gives a fingerprint with an error."""
    try:
        stream = path.open("rb", buffering=0)
    except OSError as error:
        return unreadable(str(path), f"cannot open: {error.strerror or error}")
    with stream:
        return fingerprint_stream(stream, path=str(path), dihedral=dihedral, limits=limits)


def unreadable(path: str, reason: str) -> FileFingerprint:
    """The fingerprint of a file that could not be read at all: no hashes, the reason."""
    return FileFingerprint(path, 0, "", "", "", None, None, None, (), reason)


def _fill(readinto: Any, view: memoryview, wanted: int) -> int:
    """Read into `view` until it holds `wanted` bytes or the stream ends (a stream may return
    short reads); how many bytes it holds."""
    count: int = readinto(view)
    while count and count < wanted:
        more: int = readinto(view[count:])
        if not more:
            break
        count += more
    return count


class _ByteSignals:
    """The hashers of the extra bytes signals, fed by the `CryptoHasher`'s own update loop."""

    def __init__(self, signals: tuple[type[SignalType], ...], hasher: CryptoHasher) -> None:
        self._hashers: list[tuple[type[SignalType], ByteHasher]] = [
            (signal, signal.new()) for signal in signals
        ]
        hasher.also_update(tuple(h.update for _, h in self._hashers))

    def values(self) -> dict[str, str]:
        return {signal.name: signal.finish(h) for signal, h in self._hashers}


def _position(stream: BinaryIO) -> int | None:
    """Where a stream that can seek stands (None when it cannot: read it once)."""
    try:
        return stream.tell() if stream.seekable() else None
    except (AttributeError, OSError, ValueError):
        return None


def _rewound(stream: BinaryIO, start: int | None) -> BinaryIO | None:
    try:
        stream.seek(start or 0)
    except (OSError, ValueError):
        return None
    return stream


def _media_signals(
    signals: tuple[type[SignalType], ...],
    data: bytes | BinaryIO,
    limits: DecodeLimits,
    found: dict[str, str],
) -> str | None:
    """Add the image and video signals of `data` to `found`; the first error, if any."""
    error: str | None = None
    luma = None
    for signal in signals:
        try:
            if signal.content is Content.IMAGE and isinstance(data, bytes):
                luma = decode_luma(data, limits) if luma is None else luma
                value = signal.compute_image(luma)
            elif signal.content is Content.VIDEO:
                value = signal.compute_video(data, limits)
            else:
                continue
        except (MediaError, ValueError) as problem:
            error = error or f"{signal.name}: {problem}"
            continue
        if value is not None:
            found[signal.name] = value
    return error


def _pdq(
    data: bytes, dihedral: bool, limits: DecodeLimits, *, pages: bool
) -> tuple[str | None, int | None, tuple[str, ...], str | None, PagedPdq | None]:
    """PDQ, quality, dihedral hashes and the decoding error of an image's bytes, and with
    `pages` the PDQ of its later pages or frames (None for a picture of one); raises
    NotAnImageError when the content is no image after all (`media.WEAK_SIGNATURES`)."""
    more = False
    try:
        if pages:
            rgb, more = decode_luma_paged(data, limits)
        else:
            rgb = decode_luma(data, limits)
    except NotAnImageError:
        raise
    except MediaError as error:
        return None, None, (), str(error), None
    later = page_pdqs(data, rgb, limits, dihedral=dihedral) if more else None
    if dihedral:
        hashes, quality = PdqSignal.compute_dihedral(rgb)
        return hashes[0], quality, hashes, None, later
    result = PdqSignal.compute(rgb)
    return result.hex, result.quality, (), None, later
