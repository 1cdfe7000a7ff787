"""A file's fingerprints: MD5, SHA-1, SHA-256 of every byte, and PDQ when it is an image.

`fingerprint_stream` reads its stream once: the bytes go to the three cryptographic hashes as
they arrive, and when the first bytes sniff as an image they are also kept for decoding (up to
DecodeLimits.max_image_bytes). It never raises for bad content: the `error` field says why an
image could not be decoded, and the cryptographic hashes are always there. Both functions are
plain module-level functions, so they pickle into process pools and Dask workers.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from netsafe.media import SNIFF_BYTES, DecodeLimits, MediaError, decode_luma, sniff_media_type
from netsafe.signals.crypto import CHUNK_SIZE, CryptoHasher
from netsafe.signals.pdq import MIN_QUALITY, PdqSignal


@dataclass(frozen=True)
class FileFingerprint:
    """Everything NetSafe knows about one file's content. Never holds the content itself."""

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
    limits = limits or DecodeLimits()
    hasher = CryptoHasher()
    kept = io.BytesIO()
    media_type: str | None = None
    keep = False
    first = True
    error: str | None = None
    try:
        while True:
            chunk = stream.read(CHUNK_SIZE)
            if not chunk:
                break
            if first:
                chunk = _fill_head(stream, chunk)
                media_type = sniff_media_type(chunk[:SNIFF_BYTES])
                keep = media_type is not None
                first = False
            hasher.update(chunk)
            if keep:
                if kept.tell() + len(chunk) > limits.max_image_bytes:
                    keep = False
                    kept = io.BytesIO()
                    error = f"image not decoded: larger than {limits.max_image_bytes:,} bytes"
                else:
                    kept.write(chunk)
    except OSError as read_error:
        error = f"read error after {hasher.size:,} bytes: {read_error}"
        keep = False
    digests = hasher.digests()
    pdq: str | None = None
    quality: int | None = None
    hashes: tuple[str, ...] = ()
    if keep and error is None:
        pdq, quality, hashes, error = _pdq(kept.getvalue(), dihedral, limits)
    elif digests.size == 0:
        error = error or "empty file (0 bytes)"
    return FileFingerprint(
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
    )


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


def _fill_head(stream: BinaryIO, chunk: bytes) -> bytes:
    """Make sure sniffing sees SNIFF_BYTES even from a stream that returns short reads."""
    while len(chunk) < SNIFF_BYTES:
        more = stream.read(SNIFF_BYTES - len(chunk))
        if not more:
            break
        chunk += more
    return chunk


def _pdq(
    data: bytes, dihedral: bool, limits: DecodeLimits
) -> tuple[str | None, int | None, tuple[str, ...], str | None]:
    try:
        rgb = decode_luma(data, limits)
    except MediaError as error:
        return None, None, (), str(error)
    if dihedral:
        hashes, quality = PdqSignal.compute_dihedral(rgb)
        return hashes[0], quality, hashes, None
    result = PdqSignal.compute(rgb)
    return result.hex, result.quality, (), None
