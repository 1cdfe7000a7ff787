"""fingerprint.py: one read pass, the three cryptographic hashes, PDQ for images, never raises."""

from __future__ import annotations

import hashlib
import io
import os
import pickle
import random
from pathlib import Path

import pytest

from netsafe.media import DecodeLimits
from netsafe.signals.crypto import CHUNK_SIZE, digest_stream
from netsafe.signals.fingerprint import FileFingerprint, fingerprint_file, fingerprint_stream
from netsafe.signals.pdq import PdqSignal
from tests.signals.images import encoded, photo_like

JPEG = encoded(photo_like(640, 480, seed=2), "JPEG", quality=90)
JSON_KEYS = ["path", "size", "md5", "sha1", "sha256", "media_type", "pdq", "pdq_quality", "error"]


class CountingStream(io.RawIOBase):
    """A forward-only stream that counts how often each byte is read."""

    def __init__(self, data: bytes, piece: int) -> None:
        self.data, self.piece, self.position, self.bytes_read = data, piece, 0, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        size = min(len(buffer), self.piece, len(self.data) - self.position)
        buffer[:size] = self.data[self.position : self.position + size]
        self.position += size
        self.bytes_read += size
        return size


def test_crypto_hashes_match_hashlib_across_chunk_boundaries() -> None:
    data = random.Random(7).randbytes(CHUNK_SIZE * 2 + 12_345)
    digests = digest_stream(io.BytesIO(data))
    assert digests.size == len(data)
    assert digests.md5 == hashlib.md5(data).hexdigest()
    assert digests.sha1 == hashlib.sha1(data).hexdigest()
    assert digests.sha256 == hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize("piece", [7, 4096, 1 << 22])
def test_stream_is_read_once_and_hashed_in_full(piece: int) -> None:
    data = JPEG + b"trailing bytes after the image"
    stream = CountingStream(data, piece)
    result = fingerprint_stream(io.BufferedReader(stream), path="inside.zip/photo.bin")
    assert stream.bytes_read == len(data)
    assert result.path == "inside.zip/photo.bin"
    assert result.size == len(data)
    assert result.sha256 == hashlib.sha256(data).hexdigest()
    assert result.media_type == "image/jpeg"
    assert result.pdq is not None
    assert result.error is None


def test_a_jpeg_named_dat_is_an_image(tmp_path: Path) -> None:
    path = tmp_path / "evidence.dat"
    path.write_bytes(JPEG)
    result = fingerprint_file(path)
    assert result.media_type == "image/jpeg"
    assert result.pdq_quality is not None
    assert result.pdq_quality >= 50
    assert result.pdq_matchable
    assert result.pdq == PdqSignal.normalize(result.pdq or "")


def test_non_image_has_hashes_and_no_pdq(tmp_path: Path) -> None:
    path = tmp_path / "notes.jpg"  # the name says image, the content does not
    path.write_text("just some text\n", encoding="utf-8")
    result = fingerprint_file(path)
    assert result.media_type is None
    assert result.pdq is None
    assert result.error is None
    assert result.md5 == hashlib.md5(b"just some text\n").hexdigest()


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty file"),
        (JPEG[: len(JPEG) // 3], "truncated"),
        (JPEG[:2] + b"\xff\xe0" + os.urandom(3000), "corrupt|truncated|not a readable"),
        (b"GIF89a" + bytes(10), "corrupt|truncated|not a readable"),
    ],
)
def test_bad_content_gives_an_error_and_still_the_hashes(
    tmp_path: Path, content: bytes, reason: str
) -> None:
    path = tmp_path / "bad.jpg"
    path.write_bytes(content)
    result = fingerprint_file(path)
    assert result.error is not None
    assert pytest.importorskip("re").search(reason, result.error), result.error
    assert result.sha1 == hashlib.sha1(content).hexdigest()
    assert result.pdq is None


def test_unreadable_paths_give_an_error(tmp_path: Path) -> None:
    missing = fingerprint_file(tmp_path / "missing.jpg")
    assert missing.error is not None
    assert "No such file" in missing.error
    folder = fingerprint_file(tmp_path)
    assert folder.error is not None


def test_image_larger_than_the_byte_limit_is_hashed_but_not_decoded() -> None:
    result = fingerprint_stream(
        io.BytesIO(JPEG), path="big.jpg", limits=DecodeLimits(max_image_bytes=1000)
    )
    assert result.pdq is None
    assert result.error is not None
    assert "larger than" in result.error
    assert result.md5 == hashlib.md5(JPEG).hexdigest()


def test_pixel_limit_refuses_a_bomb_but_keeps_the_hashes() -> None:
    result = fingerprint_stream(io.BytesIO(JPEG), path="x", limits=DecodeLimits(max_pixels=100))
    assert result.error is not None
    assert "exceeds the limit" in result.error
    assert result.sha256 == hashlib.sha256(JPEG).hexdigest()


def test_dihedral_and_json_shape() -> None:
    result = fingerprint_stream(io.BytesIO(JPEG), path="p.jpg", dihedral=True)
    assert len(result.dihedral) == 8
    assert result.dihedral[0] == result.pdq
    data = result.to_json()
    assert list(data)[: len(JSON_KEYS)] == JSON_KEYS
    assert data["dihedral"] == list(result.dihedral)
    plain = fingerprint_stream(io.BytesIO(JPEG), path="p.jpg").to_json()
    assert list(plain) == JSON_KEYS
    assert plain["pdq"] == result.pdq


def test_functions_and_results_pickle_for_process_pools(tmp_path: Path) -> None:
    path = tmp_path / "a.jpg"
    path.write_bytes(JPEG)
    function = pickle.loads(pickle.dumps(fingerprint_file))  # noqa: S301 - our own bytes
    result = function(path)
    assert isinstance(result, FileFingerprint)
    assert pickle.loads(pickle.dumps(result)) == result  # noqa: S301
    assert pickle.loads(pickle.dumps(fingerprint_stream)) is fingerprint_stream  # noqa: S301
