"""Benchmark 1: images/s of `netsafe hash` against the naive path, on photo-like JPEGs.

Generated, seeded photo-like JPEGs (smooth gradients, soft shapes and noise) at 2 MP
(1632×1224) and 12 MP (4000×3000) are kept under benchmarks/.data/. Measured in one run:

- naive: Pillow full decode, convert RGB, `pdqhash.compute` — what python-threatexchange does —
  in one process;
- NetSafe in one process (`fingerprint_file`: MD5 + SHA-1 + SHA-256 + PDQ via the fast JPEG path);
- the engine `netsafe hash` runs (`fingerprint_files`, one worker process per core). Target:
  >= 8x the naive path. `netsafe hash --json` as a subprocess is timed too: its figure includes
  the CLI's start-up (importing every command), which dominates small batches.

    python benchmarks/bench_hash_images.py                             # 48 × 2 MP, 16 × 12 MP
    NETSAFE_BENCH_HASH_SCALE=0.25 python benchmarks/bench_hash_images.py   # quick
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pdqhash
from PIL import Image

from netsafe.signals.batch import fingerprint_files
from netsafe.signals.fingerprint import fingerprint_file
from netsafe.signals.pdq import PdqSignal, bits_to_hex

HERE = Path(__file__).resolve().parent
SCALE = float(os.environ.get("NETSAFE_BENCH_HASH_SCALE", "1"))
SIZES = {
    "2 MP": ((1632, 1224), max(4, int(48 * SCALE))),
    "12 MP": ((4000, 3000), max(2, int(16 * SCALE))),
}
TARGET = 8.0


def photo_jpeg(path: Path, size: tuple[int, int], seed: int) -> None:
    """A photo-like picture: a smooth random colour field with soft-edged shapes, fine noise."""
    from PIL import ImageDraw

    rng = np.random.default_rng(seed)
    width, height = size
    small = (width // 4, height // 4)
    coarse = rng.integers(0, 256, (6, 8, 3), dtype=np.uint8)
    picture = Image.fromarray(coarse).resize(small, Image.Resampling.BICUBIC)
    draw = ImageDraw.Draw(picture)
    for _ in range(30):
        x, y = rng.integers(0, small[0]), rng.integers(0, small[1])
        w, h = rng.integers(small[0] // 30, small[0] // 4, 2)
        colour = tuple(int(c) for c in rng.integers(0, 256, 3))
        shape = draw.ellipse if rng.random() < 0.5 else draw.rectangle
        shape([int(x), int(y), int(x + w), int(y + h)], fill=colour)
    pixels = np.asarray(picture.resize((width, height), Image.Resampling.BILINEAR), dtype=np.int16)
    noise = rng.integers(-6, 7, (height, width, 1), dtype=np.int16)
    Image.fromarray(np.clip(pixels + noise, 0, 255).astype(np.uint8)).save(path, quality=90)


def dataset(label: str, size: tuple[int, int], count: int) -> list[Path]:
    folder = HERE / ".data" / f"hash-images-{size[0]}x{size[1]}"
    folder.mkdir(parents=True, exist_ok=True)
    files = [folder / f"photo-{number:04}.jpg" for number in range(count)]
    missing = [path for path in files if not path.exists()]
    if missing:
        print(f"generating {len(missing)} {label} JPEGs in {folder} ...", flush=True)
    for path in missing:
        photo_jpeg(path, size, seed=int(path.stem.split("-")[1]) + size[0])
    return files


def naive(path: Path) -> str:
    """python-threatexchange's path: full decode, RGB, pdqhash."""
    with Image.open(path) as image:
        bits, _quality = pdqhash.compute(np.asarray(image.convert("RGB")))
    return bits_to_hex(bits)


def timed(function: object, files: list[Path]) -> tuple[float, float, list[object]]:
    """Wall and CPU seconds of `function` over `files` in this process, and its results."""
    wall, cpu = time.perf_counter(), time.process_time()
    results = [function(path) for path in files]  # type: ignore[operator]
    return time.perf_counter() - wall, time.process_time() - cpu, results


def pool_run(files: list[Path], workers: int) -> tuple[float, float]:
    """Wall seconds and CPU seconds (all workers) of the engine `netsafe hash` runs."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    own = time.process_time()
    wall = time.perf_counter()
    results = list(fingerprint_files(files, workers=workers))
    wall = time.perf_counter() - wall
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    assert all(result.pdq for result in results)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    cpu += time.process_time() - own
    return wall, cpu


def main() -> None:
    cores = os.cpu_count() or 1
    print(f"cores: {cores}; scale {SCALE}; load average {os.getloadavg()[0]:.1f}")
    print("(wall-clock rates suffer when the machine is shared; CPU-time rates are steadier)")
    for label, (size, count) in SIZES.items():
        files = dataset(label, size, count)
        for path in files:  # warm the page cache
            path.read_bytes()
        naive_wall, naive_cpu, naive_hashes = timed(naive, files)
        ours_wall, ours_cpu, ours = timed(fingerprint_file, files)
        pool_wall, pool_cpu = pool_run(files, cores)
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "netsafe", "hash", "--json", *map(str, files)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        cli_wall = time.perf_counter() - started
        distances = [
            PdqSignal.distance(str(a), getattr(b, "pdq", None) or "0" * 64)
            for a, b in zip(naive_hashes, ours, strict=True)
        ]
        naive_rate = count / naive_wall
        print(f"\n{label}: {count} JPEGs {size[0]}x{size[1]}")
        print(
            f"  naive (Pillow full decode + RGB + pdqhash), 1 process: {naive_rate:7.1f} images/s "
            f"wall, {count / naive_cpu:7.1f} per CPU-second"
        )
        print(
            f"  NetSafe fingerprint_file (crypto + PDQ), 1 process:   {count / ours_wall:7.1f} "
            f"images/s wall, {count / ours_cpu:7.1f} per CPU-second "
            f"({naive_cpu / ours_cpu:.1f}x per CPU-second)"
        )
        ratio = naive_wall / pool_wall
        print(
            f"  netsafe hash engine, {cores} worker processes:       {count / pool_wall:7.1f} "
            f"images/s wall ({ratio:.1f}x the naive path; {count / pool_cpu:.1f} per CPU-second)"
        )
        print(
            f"  `netsafe hash --json` subprocess incl. CLI start-up:  {count / cli_wall:7.1f} "
            f"images/s ({cli_wall:.1f} s)"
        )
        print(f"  PDQ fast path vs naive: max {max(distances)} bits, mean {np.mean(distances):.1f}")
        verdict = "met" if ratio >= TARGET else "MISSED"
        print(f"  target >= {TARGET:.0f}x (engine vs naive, wall): {verdict} ({ratio:.1f}x)")


if __name__ == "__main__":
    main()
