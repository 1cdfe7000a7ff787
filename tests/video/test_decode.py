"""Decoding within limits: a corrupt or hostile video is a VideoError, never a crash or a hang."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest

from netsafe.media import MediaError
from netsafe.video.decode import sample_frames
from netsafe.video.frames import (
    FULL_VIDEO_DECODE,
    VideoError,
    VideoInfo,
    VideoLimits,
    frame_step,
)
from netsafe.video.vpdq import compute_vpdq
from tests.video.videos import make_video

pytestmark = pytest.mark.timeout(120)


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("decode")
    return make_video(folder / "clip.mp4", seconds=3, size=(192, 108), rate=25)


def test_one_frame_a_second_as_meta_samples(clip: Path) -> None:
    info = VideoInfo()
    frames = list(sample_frames(clip, limits=FULL_VIDEO_DECODE, info=info))
    assert [frame.number for frame in frames] == [0, 25, 50]
    assert [frame.timestamp for frame in frames] == [0.0, 1.0, 2.0]
    assert frames[0].luma.shape == (108, 192)
    assert (info.width, info.height, info.frame_rate, info.frames_decoded) == (192, 108, 25.0, 75)


def test_sampling_rate_and_step() -> None:
    assert frame_step(29.97, 1.0) == 29
    assert frame_step(25.0, 0.5) == 12
    assert frame_step(2.0, 0.1) == 1


def test_half_second_sampling(clip: Path) -> None:
    numbers = [
        f.number for f in sample_frames(clip, seconds_per_hash=0.5, limits=FULL_VIDEO_DECODE)
    ]
    assert numbers == [0, 12, 24, 36, 48, 60, 72]


def test_skipping_nonreference_frames_decodes_fewer(clip: Path) -> None:
    full, lean = VideoInfo(), VideoInfo()
    list(sample_frames(clip, limits=FULL_VIDEO_DECODE, info=full))
    sampled = list(sample_frames(clip, info=lean))
    assert lean.frames_decoded < full.frames_decoded
    assert len(sampled) == 3
    assert all(0 <= frame.number - 25 * k <= 3 for k, frame in enumerate(sampled))


def test_a_stream_is_read_as_well_as_a_path(clip: Path) -> None:
    from_path = compute_vpdq(clip)
    from_stream = compute_vpdq(io.BytesIO(clip.read_bytes()))
    assert from_path.features == from_stream.features


def test_downscaled_luma_keeps_the_aspect(tmp_path: Path) -> None:
    big = make_video(tmp_path / "big.mkv", seconds=1, size=(1280, 720), rate=5)
    frame = next(iter(sample_frames(big, limits=VideoLimits(max_side=256))))
    assert frame.luma.shape == (144, 256)


@pytest.mark.parametrize(
    ("limits", "reason"),
    [
        (VideoLimits(max_seconds=1.0), "refused: 3 s long exceeds the limit of 1 s"),
        (VideoLimits(max_frame_pixels=10_000), "pixels a frame exceeds the limit of 10,000"),
        (VideoLimits(max_decoded_pixels=192 * 108 * 10), "decoded pixels in all"),
        (VideoLimits(max_wall_seconds=0.0), "refused: decoding took over 0 s"),
    ],
)
def test_limits_refuse(clip: Path, limits: VideoLimits, reason: str) -> None:
    with pytest.raises(VideoError, match="refused") as raised:
        compute_vpdq(clip, limits=limits)
    assert reason in str(raised.value)
    assert isinstance(raised.value, MediaError)


def test_huge_dimensions_in_the_header_are_refused_before_decoding(tmp_path: Path) -> None:
    # raw video in AVI: the decoder takes its frame size from the header (MJPEG would take it
    # from the pictures), so the patched header is what FFmpeg reports
    made = make_video(tmp_path / "m.avi", seconds=1, size=(64, 48), codec="rawvideo")
    avi = bytearray(made.read_bytes())
    main = avi.index(b"avih") + 8
    avi[main + 32 : main + 40] = (15000).to_bytes(4, "little") * 2
    bitmap = avi.index(b"strf") + 8
    avi[bitmap + 4 : bitmap + 12] = (15000).to_bytes(4, "little") * 2
    hostile = tmp_path / "hostile.avi"
    hostile.write_bytes(bytes(avi))
    with pytest.raises(VideoError, match=r"refused: 15000×15000 = 225,000,000 pixels"):
        compute_vpdq(hostile)


def test_truncated_mp4_is_an_error(clip: Path, tmp_path: Path) -> None:
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(clip.read_bytes()[: clip.stat().st_size // 2])
    with pytest.raises(VideoError, match=r"not a readable video|corrupt video"):
        compute_vpdq(cut)


def test_truncated_stream_container_hashes_what_is_there(tmp_path: Path) -> None:
    ts = make_video(tmp_path / "clip.ts", seconds=3, size=(160, 96), codec="mpeg2video")
    cut = tmp_path / "cut.ts"
    cut.write_bytes(ts.read_bytes()[: ts.stat().st_size // 2])
    assert 1 <= len(compute_vpdq(cut).features) < len(compute_vpdq(ts).features)


@pytest.mark.parametrize(
    "prefix",
    [
        b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2avc1mp41",
        b"\x1a\x45\xdf\xa3",
        b"RIFF\x00\x10\x00\x00AVI LIST",
        b"FLV\x01\x05\x00\x00\x00\x09",
        b"\x00\x00\x01\xba",
        b"G",
        b"",
    ],
)
def test_garbage_after_a_container_signature_is_an_error(tmp_path: Path, prefix: bytes) -> None:
    noise = np.random.default_rng(len(prefix)).integers(0, 256, 200_000, dtype=np.uint8)
    garbage = tmp_path / "garbage.bin"
    garbage.write_bytes(prefix + noise.tobytes())
    with pytest.raises(VideoError):
        compute_vpdq(garbage)


def test_flipped_bytes_inside_a_video_never_crash(clip: Path, tmp_path: Path) -> None:
    data = bytearray(clip.read_bytes())
    rng = np.random.default_rng(3)
    for offset in rng.integers(2000, len(data), 300):
        data[int(offset)] ^= 0xFF
    damaged = tmp_path / "damaged.mp4"
    damaged.write_bytes(bytes(data))
    outcome: str
    try:
        outcome = compute_vpdq(damaged).signal
    except VideoError as error:
        outcome = str(error)
    assert outcome


def test_a_file_without_video_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(VideoError, match="not a readable video"):
        compute_vpdq(tmp_path / "missing.mp4")
