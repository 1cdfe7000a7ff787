"""Generated test videos, made once per session (benign moving shapes; tests/video/videos.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.video.videos import make_video, variant


@pytest.fixture(scope="session")
def video_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("videos")


@pytest.fixture(scope="session")
def original(video_dir: Path) -> Path:
    """12 s, 480×270, 25 fps H.264 with B-frames: the "listed" video."""
    return make_video(video_dir / "original.mp4", seconds=12, size=(480, 270), rate=25, seed=7)


@pytest.fixture(scope="session")
def variants(video_dir: Path, original: Path) -> dict[str, Path]:
    """Copies of `original` a known video is matched through. Cropped: 1 % off each side (PDQ
    is crop-sensitive: 2 % a side puts these scenes' frames 28–44 bits apart, past 31)."""
    return {
        "re-encoded": variant(
            original, video_dir / "reencoded.avi", codec="mpeg4", bitrate=400_000
        ),
        "resized": variant(original, video_dir / "resized.mkv", scale=0.5),
        "cropped": variant(original, video_dir / "cropped.mp4", crop=0.01),
        "trimmed": variant(original, video_dir / "trimmed.mp4", start=3.0, seconds=6.0),
        "frame-rate": variant(original, video_dir / "rate30.mp4", rate=30),
    }


@pytest.fixture(scope="session")
def unrelated(video_dir: Path) -> Path:
    return make_video(video_dir / "unrelated.mp4", seconds=8, size=(320, 240), seed=99)
