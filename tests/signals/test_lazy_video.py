"""The video modules load only when a video (or an animation) is hashed or a vPDQ is read:
the registry, a list reader and the hashing of a still image import none of them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
from PIL import Image

#: PyAV and the decoding and hashing of videos (an image that could be an animation, a GIF or a
#: PNG, is opened by netsafe.video.animation to count its frames: that is light).
VIDEO_MODULES = ("av", "netsafe.video.decode", "netsafe.video.vpdq")

SCRIPT = """
import sys
from pathlib import Path
from netsafe.signals import registry
from netsafe.signals.fingerprint import fingerprint_file
assert "vpdq" in registry.signal_names()
fingerprint = fingerprint_file(Path(sys.argv[1]))
assert fingerprint.pdq and not fingerprint.signals, fingerprint
print(",".join(name for name in sys.argv[2:] if name in sys.modules))
"""


def _loaded_after_hashing(path: Path) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(path), *VIDEO_MODULES],
        capture_output=True,
        text=True,
        check=True,
    )
    return [name for name in done.stdout.strip().split(",") if name]


def test_hashing_a_still_image_imports_no_video_module(tmp_path: Path) -> None:
    pixels = np.random.default_rng(5).integers(0, 256, (64, 64, 3), dtype=np.uint8)
    for suffix in ("jpg", "png", "gif"):
        path = tmp_path / f"still.{suffix}"
        Image.fromarray(pixels).save(path)
        assert _loaded_after_hashing(path) == [], suffix
