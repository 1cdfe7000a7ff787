"""Measure PDQ on thumbnails of the PDQ reference images (ThreatExchange's test images, in
/work/shared/testdata/pdq-reference or NETSAFE_PDQ_REFERENCE): each image downscaled to fit
96 and 256 pixels (as Windows' thumbcache_96.db and thumbcache_256.db keep them), recompressed
as JPEG (quality 75 and 90), PNG and BMP, hashed, and compared with the full image's hash.

Prints, per thumbnail size and encoding: the distances to the original (median, 95th
percentile, max), the thumbnails' PDQ quality (min, median), and the distances between
thumbnails of different images (min, 1st percentile): the settings in
`netsafe.triage.thumbnail_settings` are chosen from these figures (docs/performance.md).

    .venv/bin/python benchmarks/measure_thumbnail_pdq.py
"""

from __future__ import annotations

import io
import itertools
import os
import statistics
from pathlib import Path

import numpy as np
from PIL import Image

from netsafe.signals.fingerprint import fingerprint_stream
from netsafe.signals.pdq import PdqSignal

ROOT = Path(os.environ.get("NETSAFE_PDQ_REFERENCE", "/work/shared/testdata/pdq-reference"))
ENCODINGS = {"jpeg75": ("JPEG", {"quality": 75}), "jpeg90": ("JPEG", {"quality": 90}),
             "png": ("PNG", {}), "bmp": ("BMP", {})}  # fmt: skip


def _pdq(data: bytes) -> tuple[str, int]:
    fp = fingerprint_stream(io.BytesIO(data), path="x")
    assert fp.pdq is not None, fp.error
    assert fp.pdq_quality is not None
    return fp.pdq, fp.pdq_quality


def _thumbnail(image: Image.Image, side: int, encoding: str) -> bytes:
    small = image.convert("RGB")
    small.thumbnail((side, side), Image.Resampling.LANCZOS)
    fmt, options = ENCODINGS[encoding]
    buffer = io.BytesIO()
    small.save(buffer, fmt, **options)
    return buffer.getvalue()


def main() -> None:
    paths = sorted(
        p for p in ROOT.rglob("*")
        if p.suffix.lower() in {".jpg", ".jpeg", ".png"} and "modes" not in p.parts
        and "dih" not in p.parts and "exif-rotn" not in p.parts
    )  # fmt: skip
    originals = {}
    for path in paths:
        data = path.read_bytes()
        pdq, quality = _pdq(data)
        if quality >= 50 and min(Image.open(io.BytesIO(data)).size) >= 64:
            originals[path] = (pdq, Image.open(io.BytesIO(data)))
    print(f"{len(originals)} reference images (quality >= 50, at least 64 px a side)")
    for side, encoding in itertools.product((96, 256), ENCODINGS):
        distances, qualities, thumbs = [], [], []
        for pdq, image in originals.values():
            thumb_pdq, quality = _pdq(_thumbnail(image, side, encoding))
            distances.append(PdqSignal.distance(pdq, thumb_pdq))
            qualities.append(quality)
            thumbs.append(thumb_pdq)
        originals_pdq = [pdq for pdq, _ in originals.values()]
        others = [  # thumbnails of different pictures (originals more than 31 bits apart)
            PdqSignal.distance(thumbs[i], thumbs[j])
            for i, j in itertools.combinations(range(len(thumbs)), 2)
            if PdqSignal.distance(originals_pdq[i], originals_pdq[j]) > 31
        ]
        print(
            f"{side:>3} px {encoding:<6}: distance to original median "
            f"{statistics.median(distances):>4.0f}, p95 {np.percentile(distances, 95):>4.0f}, "
            f"max {max(distances):>3}; quality min {min(qualities):>3}, median "
            f"{statistics.median(qualities):>4.0f}; other images min {min(others)}, "
            f"p1 {np.percentile(others, 1):.0f}; within "
            + ", ".join(
                f"{limit}: {sum(d <= limit for d in distances)}/{len(distances)}"
                for limit in (31, 40, 48, 56)
            )
        )


if __name__ == "__main__":
    main()
