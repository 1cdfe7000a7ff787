"""Benchmark: carving a disk image's unallocated space, against `sha1sum` of the same bytes.

An ext4 volume of NETSAFE_BENCH_CARVING_MB megabytes (default 512) is made over random bytes
(`mke2fs -E nodiscard` leaves them in the free blocks), with a few small files; photo-like
JPEGs and PNGs are then written into free blocks, so its unallocated space is noise with
pictures in it. Measured in the same run, one process each:

1. reference: `sha1sum` over exactly the unallocated bytes (written out to a file first, read
   from the page cache), wall and CPU time, just before and just after the carving runs;
2. carving as `netsafe triage` does it, in one process with its imports warm (as a worker's
   are): the disk source lists its carving items (reading the allocation map), and a scanner
   carves each item (sector-aligned signature scan, structure walks, decode proof, hashing and
   PDQ of what it finds), over the volume before the pictures were planted (noise only: the
   scanning speed, the target) and after (the same plus the cost of every picture found).

Target: scanning >= 0.5x sha1sum's MB/s. Every planted picture must be found, nothing else.

    python benchmarks/bench_carving.py
    NETSAFE_BENCH_CARVING_MB=128 python benchmarks/bench_carving.py   # quick
"""

from __future__ import annotations

import io
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SIZE_MB = int(os.environ.get("NETSAFE_BENCH_CARVING_MB", "512"))
DATA = HERE / ".data" / f"carving-{SIZE_MB}"
PICTURES = 40
TARGET = 0.5


def _picture(seed: int) -> bytes:
    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:480, 0:640].astype(np.float32)
    planes = [
        127 + 100 * np.sin(rng.uniform(0.005, 0.05) * xx + rng.uniform(0, 6)) * np.cos(yy / 90)
        for _ in range(3)
    ]
    pixels = np.stack(planes, axis=-1) + rng.normal(0, 5, (480, 640, 3))
    buffer = io.BytesIO()
    image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "RGB")
    image.save(buffer, "JPEG" if seed % 2 else "PNG", quality=85)
    return buffer.getvalue()


def _volume() -> tuple[Path, list[bytes]]:
    """The ext4 volume (made once, kept under benchmarks/.data) and the pictures planted."""
    import pytsk3

    from netsafe.triage.carving.allocation import unallocated_runs

    image = DATA / "volume.img"
    pictures = [_picture(seed) for seed in range(PICTURES)]
    if image.exists() and (DATA / "noise.img").exists():
        return image, pictures
    DATA.mkdir(parents=True, exist_ok=True)
    with image.open("wb") as handle:
        for _ in range(SIZE_MB):
            handle.write(os.urandom(1 << 20))
    staging = DATA / "staging"
    staging.mkdir(exist_ok=True)
    for index in range(20):
        (staging / f"note-{index}.txt").write_bytes(b"zebra-test-term " * (index + 1) * 300)
    subprocess.run(
        ["mke2fs", "-q", "-F", "-t", "ext4", "-E", "nodiscard", "-d", str(staging), str(image)],
        check=True,
    )
    subprocess.run(["cp", "--sparse=never", str(image), str(DATA / "noise.img")], check=True)
    img = pytsk3.Img_Info(str(image))
    runs = unallocated_runs(pytsk3.FS_Info(img), img.read, 0) or []
    slots = [  # free 4 KiB blocks, 1 MiB apart (files start on a block boundary)
        start + offset for start, length in runs for offset in range(0, length - (1 << 20), 1 << 20)
    ]
    spacing = max(1, len(slots) // PICTURES)
    with image.open("r+b") as handle:
        for picture, slot in zip(pictures, slots[::spacing], strict=False):
            handle.seek(slot)
            handle.write(picture)
    return image, pictures


def _unallocated_bytes(image: Path) -> Path:
    import pytsk3

    from netsafe.triage.carving.allocation import unallocated_runs
    from netsafe.triage.carving.space import RunSpace

    out = DATA / "unallocated.bin"
    img = pytsk3.Img_Info(str(image))
    space = RunSpace(img.read, unallocated_runs(pytsk3.FS_Info(img), img.read, 0) or [])
    with out.open("wb") as handle:
        for offset in range(0, space.size, 16 << 20):
            handle.write(space.read(offset, 16 << 20))
    return out


def _sha1sum(path: Path) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(["sha1sum", str(path)], stdout=subprocess.DEVNULL, check=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _carve(image: Path) -> tuple[float, float, list[str]]:
    from netsafe.triage.items import FileItem
    from netsafe.triage.scan import Scanner
    from netsafe.triage.scan_config import ScanConfig
    from netsafe.triage.sources.disk_image import DiskImageSource

    started, cpu = time.perf_counter(), time.process_time()
    source = DiskImageSource(image, 0, "raw", carve=True)
    items = [i for i in source.items() if isinstance(i, FileItem) and i.carved]
    scanner = Scanner(ScanConfig(None), None)
    md5s = [r.md5 for item in items for r in scanner.scan(item).records]
    scanner.close()
    return time.perf_counter() - started, time.process_time() - cpu, md5s


def _warm_imports(pictures: list[bytes]) -> None:
    """Load what a worker has loaded before its first batch (decoders, PDQ)."""
    from netsafe.signals.fingerprint import fingerprint_stream

    for picture in pictures[:2]:
        fingerprint_stream(io.BytesIO(picture), path="warm")


def main() -> int:
    import hashlib

    image, pictures = _volume()
    noise = DATA / "noise.img"
    unallocated = _unallocated_bytes(image)
    megabytes = unallocated.stat().st_size / 1e6
    _warm_imports(pictures)
    for path in (unallocated, image, noise):
        _sha1sum(path)  # into the page cache
    sha_before = _sha1sum(unallocated)
    scan_wall, scan_cpu, nothing = _carve(noise)
    carve_wall, carve_cpu, found = _carve(image)
    sha_after = _sha1sum(unallocated)
    sha_wall = (sha_before[0] + sha_after[0]) / 2
    sha_cpu = (sha_before[1] + sha_after[1]) / 2
    expected = sorted(hashlib.md5(p).hexdigest() for p in pictures)
    ratio = sha_wall / scan_wall
    print(f"unallocated space: {megabytes:,.0f} MB of a {SIZE_MB} MB ext4 volume (random bytes)")
    print(f"sha1sum:              {megabytes / sha_wall:7.1f} MB/s ({sha_cpu:.2f} s CPU)")
    print(
        f"carving, noise only:  {megabytes / scan_wall:7.1f} MB/s ({scan_cpu:.2f} s CPU): "
        f"{ratio:.2f}x sha1sum (CPU time {sha_cpu / scan_cpu:.2f}x); target >= {TARGET}x"
    )
    print(
        f"carving, {len(pictures)} pictures: {megabytes / carve_wall:7.1f} MB/s "
        f"({carve_cpu:.2f} s CPU): {sha_wall / carve_wall:.2f}x sha1sum; "
        f"{(carve_wall - scan_wall) / len(pictures) * 1000:.1f} ms a picture found"
    )
    print(f"pictures planted {len(pictures)}, carved {len(found)}, all found and nothing else: "
          f"{sorted(found) == expected}; from the noise-only volume: {len(nothing)}")  # fmt: skip
    ok = ratio >= TARGET and sorted(found) == expected and not nothing
    print("target met" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
