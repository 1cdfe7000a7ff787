"""Carving by structure (`netsafe.triage.carving`): every format found whole in noise, at its
true length; truncated or corrupted candidates rejected; random data gives nothing; hostile
sizes never make the walk read more than its cap. Pictures are generated (noise, gradients);
videos are made with ffmpeg's test pattern where ffmpeg is installed."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from netsafe.triage.carving.candidate import CandidateBytes
from netsafe.triage.carving.engine import Carved, carve
from netsafe.triage.carving.registry import registered_formats
from netsafe.triage.carving.space import RunSpace
from tests.signals.images import heif_writer
from tests.triage.fixtures import photo_jpeg

SECTOR = 512
FFMPEG_TEST_PATTERN = ("ffmpeg", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc=size=176x144")


def _picture(kind: str, seed: int) -> bytes:
    rng = np.random.default_rng(seed)
    pixels = (rng.random((40, 56, 3)) * 255).astype(np.uint8)
    if kind == "HEIF":
        heif_writer()
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, kind)
    return buffer.getvalue()


PICTURES = {
    "jpg": photo_jpeg(11),
    "png": _picture("PNG", 12),
    "gif": _picture("GIF", 13),
    "bmp": _picture("BMP", 14),
    "webp": _picture("WEBP", 15),
    "heic": _picture("HEIF", 16),
}


def _noise(size: int, seed: int) -> bytes:
    return np.random.default_rng(seed).integers(0, 256, size, dtype=np.uint8).tobytes()


def _space_with(files: list[bytes], *, aligned: bool) -> tuple[bytes, list[int]]:
    """Noise with each file placed in turn (on a sector boundary when `aligned`)."""
    space, offsets = bytearray(), []
    for seed, data in enumerate(files):
        space += _noise(3000 + seed * 7, seed)
        if aligned:
            space += _noise(-len(space) % SECTOR, seed + 100)
        offsets.append(len(space))
        space += data
    space += _noise(5000, 99)
    return bytes(space), offsets


def _carve(space: bytes, **options: int) -> list[Carved]:
    return list(carve(lambda offset, size: space[offset : offset + size], len(space), **options))


@pytest.mark.parametrize("aligned", [True, False])
def test_every_picture_format_is_carved_whole(aligned: bool) -> None:
    files = list(PICTURES.values())
    space, offsets = _space_with(files, aligned=aligned)
    found = _carve(space, alignment=SECTOR if aligned else 1)
    assert [(c.offset, c.length, c.extension) for c in found] == [
        (offset, len(data), extension)
        for offset, data, extension in zip(offsets, files, PICTURES, strict=True)
    ]


def test_sector_aligned_scan_ignores_files_off_the_boundary() -> None:
    space, offsets = _space_with([PICTURES["png"]], aligned=True)
    shifted = b"\0\0\0" + space
    assert [c.offset for c in _carve(space)] == offsets
    assert _carve(shifted) == []
    assert [c.offset for c in _carve(shifted, alignment=1)] == [offsets[0] + 3]


@pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg is not installed")
@pytest.mark.parametrize(
    ("suffix", "extension"), [("mp4", "mp4"), ("mov", "mov"), ("3gp", "3gp"), ("avi", "avi")]
)
def test_videos_are_carved_by_their_boxes_and_chunks(
    tmp_path: Path, suffix: str, extension: str
) -> None:
    video = tmp_path / f"clip.{suffix}"
    subprocess.run(
        [*FFMPEG_TEST_PATTERN, "-t", "1", "-c:v", "mpeg4", str(video)],
        check=True,
    )
    data = video.read_bytes()
    space, offsets = _space_with([data, PICTURES["jpg"]], aligned=True)
    found = _carve(space)
    assert [(c.offset, c.length, c.extension) for c in found] == [
        (offsets[0], len(data), extension),
        (offsets[1], len(PICTURES["jpg"]), "jpg"),
    ]
    assert _carve(data[: len(data) // 2]) == []  # a video cut in half is not a video


@pytest.mark.parametrize("extension", list(PICTURES))
def test_truncated_pictures_are_rejected(extension: str) -> None:
    data = PICTURES[extension]
    cut = data[: len(data) * 2 // 3]
    assert _carve(cut) == []  # the space ends inside it
    if extension not in ("bmp", "webp", "heic"):
        # BMP, WebP and HEIC have no end marker nor checksum: their size fields say where they
        # end, and zeros where the rest was are pixels (or coded data) like any others
        assert _carve(cut + b"\0" * 4096) == []  # zeros after it, as in a wiped area


def test_a_jpeg_that_does_not_decode_is_rejected_though_its_segments_line_up() -> None:
    data = bytearray(PICTURES["jpg"])
    frame = data.index(b"\xff\xc0")
    data[frame + 5 : frame + 9] = bytes(4)  # a 0×0 frame: every marker still in place
    assert _carve(bytes(data) + b"\0" * 1024) == []


def test_png_with_a_bad_crc_is_rejected() -> None:
    data = bytearray(PICTURES["png"])
    idat = data.index(b"IDAT")
    data[idat + 20] ^= 0xFF
    assert _carve(bytes(data) + b"\0" * 1024) == []


def test_random_data_gives_no_items() -> None:
    space = os.urandom(48 * 1024 * 1024)
    assert _carve(space) == []
    assert _carve(space[: 8 * 1024 * 1024], alignment=1) == []


def test_signatures_followed_by_garbage_or_zeros_give_no_items() -> None:
    space = bytearray(os.urandom(SECTOR * 64))
    for index, carved in enumerate(f for f in registered_formats() for _ in f.signatures):
        signature = carved.signatures[0]
        at = index * 4 * SECTOR + carved.signature_offset
        space[at : at + len(signature)] = signature
        space[at + len(signature) : at + SECTOR] = bytes(SECTOR - len(signature))
    assert _carve(bytes(space)) == []


def test_hostile_sizes_never_read_past_the_cap() -> None:
    """A JPEG whose entropy data never ends, a GIF of endless sub-blocks, an MP4 claiming a
    terabyte: each walk stops at its format's cap, having read no more than that."""
    reads: list[int] = []
    endless = b"\xff\xd8\xff\xdb\x00\x43" + bytes(0x41) + b"\xff\xc0\x00\x0b" + bytes(9)
    endless += b"\xff\xda\x00\x08" + bytes(6)
    big = 1 << 40

    def read(offset: int, size: int) -> bytes:
        reads.append(size)
        if offset < len(endless):
            return (endless + b"\x11" * size)[offset : offset + size]
        return b"\x11" * min(size, big - offset)

    jpeg = next(f for f in registered_formats() if f.name == "jpeg")
    assert jpeg.measure(CandidateBytes(read, 0, jpeg.max_size)) is None
    assert sum(reads) <= jpeg.max_size + 2 * 256 * 1024
    mp4 = b"\x00\x00\x00\x18ftypisom\x00\x00\x00\x00isom" + b"\x00\x00\x01\x00mdat"
    isobmff = next(f for f in registered_formats() if f.name == "isobmff")
    huge = mp4[:24] + (2**32 - 1).to_bytes(4, "big") + b"mdat"
    assert isobmff.measure(CandidateBytes(lambda o, s: huge[o : o + s], 0, 1 << 30)) is None


def test_run_space_reads_scattered_runs_as_one_and_maps_offsets_back() -> None:
    medium = bytes(range(256)) * 64
    runs = [(1000, 300), (5000, 200), (9000, 500)]
    space = RunSpace(lambda offset, size: medium[offset : offset + size], runs)
    joined = b"".join(medium[o : o + n] for o, n in runs)
    assert space.size == len(joined)
    assert space.read(0, space.size) == joined
    assert space.read(250, 300) == joined[250:550]
    assert space.read(900, 100) == joined[900:]
    assert space.medium_offset(350) == 5050


@pytest.mark.parametrize(
    ("name", "hostile"),
    [
        ("jpeg", b"\xff\xd8" + b"\xff\x01" * (4 << 20)),  # endless empty markers
        ("jpeg", b"\xff\xd8" + b"\xff" * (8 << 20)),  # endless fill bytes
        (
            "jpeg",  # a frame and a scan, then entropy data made only of stuffed bytes
            b"\xff\xd8\xff\xc0\x00\x0b"
            + bytes(9)
            + b"\xff\xda\x00\x08"
            + bytes(6)
            + b"\xff\x00" * (4 << 20),
        ),
        ("gif", b"GIF89a" + bytes(7) + b"\x21\xf9" + b"\x01\x00" * (4 << 20)),  # 1-byte blocks
        ("png", b"\x89PNG\r\n\x1a\n" + bytes(8)),  # a chunk that is not IHDR
    ],
)
def test_hostile_structures_are_rejected_without_walking_them_byte_by_byte(
    name: str, hostile: bytes
) -> None:
    carved = next(f for f in registered_formats() if f.name == name)
    started = time.process_time()
    found = carved.measure(CandidateBytes(lambda o, s: hostile[o : o + s], 0, len(hostile)))
    assert found is None
    assert time.process_time() - started < 5  # bounded (real runs: well under a second)
