"""MD5, SHA-1 and SHA-256 together in one read pass, with large buffered reads."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import BinaryIO

from netsafe.signals.md5 import Md5Signal
from netsafe.signals.sha1 import Sha1Signal
from netsafe.signals.sha256 import Sha256Signal

#: Read size: large enough that hashlib releases the GIL and the per-call overhead vanishes.
CHUNK_SIZE = 1 << 20


@dataclass(frozen=True)
class CryptoDigests:
    """The three cryptographic hashes (lowercase hex) of some bytes, and how many there were."""

    size: int
    md5: str
    sha1: str
    sha256: str


class CryptoHasher:
    """Feeds the same bytes to MD5, SHA-1 and SHA-256; `update` as the bytes arrive."""

    def __init__(self) -> None:
        self._hashes: tuple[hashlib._Hash, ...] = (
            Md5Signal.new(),
            Sha1Signal.new(),
            Sha256Signal.new(),
        )
        self.size = 0

    def update(self, data: bytes | memoryview) -> None:
        for hash_ in self._hashes:
            hash_.update(data)
        self.size += len(data)

    def digests(self) -> CryptoDigests:
        md5, sha1, sha256 = (hash_.hexdigest() for hash_ in self._hashes)
        return CryptoDigests(self.size, md5, sha1, sha256)


def digest_chunks(chunks: Iterable[bytes]) -> CryptoDigests:
    """The three hashes of the concatenated chunks."""
    hasher = CryptoHasher()
    for chunk in chunks:
        hasher.update(chunk)
    return hasher.digests()


def digest_stream(stream: BinaryIO, chunk_size: int = CHUNK_SIZE) -> CryptoDigests:
    """The three hashes of everything left in `stream`, read once in `chunk_size` blocks."""
    hasher = CryptoHasher()
    buffer = bytearray(chunk_size)
    view = memoryview(buffer)
    while True:
        count = stream.readinto(view)  # type: ignore[attr-defined]
        if not count:
            break
        hasher.update(view[:count])
    return hasher.digests()
