"""Benign test videos made by code: moving coloured shapes over a drifting gradient, seeded.

Written with PyAV at the codec, size, rate and bitrate asked for, into any container FFmpeg
muxes; `variant` re-encodes an existing video resized, cropped or trimmed (the copies a known
video is matched through).
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import numpy.typing as npt
from PIL import Image


class Scene:
    """A seeded scene: a colour gradient that drifts sideways, and coloured boxes moving over it,
    mirrored every 4 s so that frames a second apart differ. Cheap: slices, no per-pixel maths."""

    def __init__(self, width: int, height: int, rate: float, seed: int) -> None:
        rng = np.random.default_rng(seed)
        self.width, self.height, self.rate = width, height, rate
        self.soft = max(1, min(width, height) // 48)
        xs = np.linspace(0, 1, 2 * width, dtype=np.float32)[None, :, None]
        ys = np.linspace(0, 1, height, dtype=np.float32)[:, None, None]
        phase = rng.uniform(0, 6.28, 3).astype(np.float32)
        wave = 110 + 80 * np.sin(6.28 * xs + 2.0 * ys + phase)
        self.background = np.clip(wave, 0, 255).astype(np.uint8)
        self.boxes = [
            (
                rng.uniform(0, 1, 2),
                (rng.uniform(-0.12, 0.12, 2)),
                rng.uniform(0.06, 0.25, 2),
                rng.integers(0, 256, 3).astype(np.uint8),
            )
            for _ in range(12)
        ]

    def frame(self, index: int) -> npt.NDArray[np.uint8]:
        """Frame `index` as an RGB array (height × width × 3)."""
        t = index / self.rate
        shift = int(t * 0.05 * self.width) % self.width
        picture = self.background[:, shift : shift + self.width].copy()
        for (x0, y0), (vx, vy), (w, h), colour in self.boxes:
            left = int(((x0 + vx * t) % 1.0) * self.width)
            top = int(((y0 + vy * t) % 1.0) * self.height)
            picture[top : top + int(h * self.height), left : left + int(w * self.width)] = colour
        if int(t // 4) % 2:
            picture = picture[:, ::-1]
        # drawn small and enlarged smoothly: soft shapes, like the subjects of a real scene
        small = Image.fromarray(np.ascontiguousarray(picture[:: self.soft, :: self.soft]))
        return np.asarray(small.resize((self.width, self.height), Image.Resampling.BICUBIC))


def make_video(
    path: Path,
    *,
    seconds: float = 4.0,
    size: tuple[int, int] = (320, 240),
    rate: int = 25,
    codec: str = "libx264",
    bitrate: int | None = None,
    seed: int = 1,
    pix_fmt: str = "yuv420p",
    options: dict[str, str] | None = None,
) -> Path:
    """Write a generated video to `path` (container from its suffix) and return the path."""
    width, height = size
    frames = max(1, round(seconds * rate))
    with av.open(str(path), "w") as container:
        stream = container.add_stream(codec, rate=Fraction(rate))
        stream.width, stream.height = width, height
        stream.pix_fmt = pix_fmt
        if bitrate:
            stream.bit_rate = bitrate
        if options:
            stream.options = options
        elif codec == "libx264":
            stream.options = {"preset": "veryfast"}
        elif codec.startswith("libvpx"):
            stream.options = {"deadline": "realtime", "cpu-used": "8"}
        scene = Scene(width, height, rate, seed)
        for index in range(frames):
            picture = scene.frame(index)
            frame = av.VideoFrame.from_ndarray(picture, format="rgb24")
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


def variant(
    source: Path,
    target: Path,
    *,
    codec: str = "libx264",
    scale: float = 1.0,
    crop: float = 0.0,
    start: float = 0.0,
    seconds: float | None = None,
    rate: int | None = None,
    bitrate: int | None = None,
) -> Path:
    """Re-encode `source` into `target`: resized by `scale`, `crop` of each side cut away,
    from `start` seconds for `seconds` seconds, at `rate` frames a second."""
    with av.open(str(source)) as reader:
        video = reader.streams.video[0]
        in_rate = float(video.average_rate or 25)
        out_rate = rate or round(in_rate)
        frames: list[npt.NDArray[np.uint8]] = []
        for frame in reader.decode(video):
            t = float(frame.time or 0.0)
            if t + 1e-6 < start or (seconds is not None and t >= start + seconds):
                continue
            frames.append(frame.to_ndarray(format="rgb24"))
    height, width = frames[0].shape[:2]
    cut_x, cut_y = int(width * crop), int(height * crop)
    out_w = max(16, int((width - 2 * cut_x) * scale)) // 2 * 2
    out_h = max(16, int((height - 2 * cut_y) * scale)) // 2 * 2
    step = in_rate / out_rate
    with av.open(str(target), "w") as container:
        stream = container.add_stream(codec, rate=Fraction(out_rate))
        stream.width, stream.height = out_w, out_h
        stream.pix_fmt = "yuv420p"
        if bitrate:
            stream.bit_rate = bitrate
        count = int(len(frames) / step)
        for index in range(count):
            picture = frames[min(len(frames) - 1, int(index * step))]
            picture = picture[cut_y : height - cut_y, cut_x : width - cut_x]
            frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(picture), format="rgb24")
            frame = frame.reformat(width=out_w, height=out_h)
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return target
