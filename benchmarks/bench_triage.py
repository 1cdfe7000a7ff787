"""Benchmark: device triage of a generated exhibit, as a directory and as an E01.

The exhibit (issue: >= 20,000 photo-like JPEGs among >= 50,000 other files) is generated under
benchmarks/.data/ (seeded; kept between runs). `netsafe triage` runs end to end (a fresh
NETSAFE_HOME, a hash list of 2,000 entries of which 1% are in the exhibit, the default process
pool of one worker per CPU), and is measured against references in the same run:

1. non-image files only: MB/s of `netsafe triage` (hashing, matching, journal) against
   `sha1sum` over the same files (`xargs -P <workers>`, same parallelism), measured just before
   and just after each run and averaged. Target >= 0.9x, judged on the default (`--hashes auto`:
   the list is shaped like a VICS/CAID hash set, MD5 and SHA-1 on every entry, so SHA-1 alone
   finds every exact match). Also printed: `--hashes md5` (what an MD5-only list needs),
   `--hashes all` (md5 + sha1 + sha256 of every file), the same three hashes in coreutils, and
   hashing alone in Python (the ceiling: everything else free). Each ratio is also given in CPU
   time (the triage's `cpu_seconds` against sha1sum's rusage): on an idle machine it is the
   wall-clock ratio, and unlike it, it holds when other work shares the machine.
2. images only: images/s of `netsafe triage` against the naive path (Pillow full decode, RGB,
   `pdqhash.compute`, in a pool of the same size) over the same JPEGs.
3. the whole exhibit as a directory, then as disk images of the same ext4 volume (built with
   `mke2fs -d`): an E01 (`ewfacquirestream`), a QCOW2 and a VMDK (`qemu-img convert`), each
   triaged with `--no-verify --no-carve` (the files only) right after a directory run:
   files/s, and the image's files/s against the directory's (target >= 0.8x; also in CPU
   time, which holds on a shared machine). The E01's verification (ewfverify) is timed apart.

    python benchmarks/bench_triage.py                              # 20,000 + 50,000 files
    NETSAFE_BENCH_TRIAGE_SCALE=0.05 python benchmarks/bench_triage.py   # quick: 1,000 + 2,500
    NETSAFE_BENCH_TRIAGE_PARTS=disk-images python benchmarks/bench_triage.py  # part 3 only

All reads are from the page cache (the data is read once before measuring, and fits in memory),
so these figures compare CPU cost per byte, not disk speed.
"""

from __future__ import annotations

import io
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from multiprocessing import Pool
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCALE = float(os.environ.get("NETSAFE_BENCH_TRIAGE_SCALE", "1"))
#: Which parts run (comma-separated): plain (1), images (2), disk-images (3).
PARTS = set(os.environ.get("NETSAFE_BENCH_TRIAGE_PARTS", "plain,images,disk-images").split(","))
IMAGES = max(20, int(20_000 * SCALE))
OTHERS = max(50, int(50_000 * SCALE))
WORKERS = os.cpu_count() or 1
DATA = HERE / ".data" / f"triage-{IMAGES}-{OTHERS}"
NETSAFE = [sys.executable, "-m", "netsafe"]
TARGET_SHA1SUM_RATIO = 0.9
IMAGE_SIZE = (800, 600)


_BANK: list[object] = []


def _bank() -> list[object]:
    """Smooth planes and a noise field, made once per process (seeded) and mixed per image."""
    if not _BANK:
        import numpy as np

        rng = np.random.default_rng(7)
        width, height = IMAGE_SIZE
        yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
        for _ in range(24):
            fx, fy, phase = rng.uniform(0.002, 0.03), rng.uniform(0.002, 0.03), rng.uniform(0, 6.3)
            _BANK.append((90 * np.sin(fx * xx + phase) * np.cos(fy * yy)).astype(np.float32))
        _BANK.append(rng.normal(0, 6, (height * 2, width * 2, 3)).astype(np.float32))
        _BANK.append((yy, xx))
    return _BANK


def _photo(seed: int) -> bytes:
    """A photo-like JPEG: three smooth planes, a few shapes, sensor-like noise (all seeded)."""
    import numpy as np
    from PIL import Image

    bank = _bank()
    planes, noise, (yy, xx) = bank[:24], bank[24], bank[25]
    rng = np.random.default_rng(seed)
    width, height = IMAGE_SIZE
    picks = rng.choice(24, 3, replace=False)
    pixels = np.stack([planes[i] for i in picks], axis=-1) + rng.uniform(60, 190, 3)  # type: ignore[call-overload]
    for _ in range(4):
        cy, cx, r = rng.uniform(0, height), rng.uniform(0, width), rng.uniform(20, 150)
        y0, y1 = int(max(cy - r, 0)), int(min(cy + r, height))
        x0, x1 = int(max(cx - r, 0)), int(min(cx + r, width))
        box = (yy[y0:y1, x0:x1] - cy) ** 2 + (xx[y0:y1, x0:x1] - cx) ** 2 < r * r  # type: ignore[index]
        pixels[y0:y1, x0:x1][box] = rng.uniform(0, 255, 3)
    oy, ox = rng.integers(0, height), rng.integers(0, width)
    pixels += noise[oy : oy + height, ox : ox + width]  # type: ignore[index]
    buffer = io.BytesIO()
    Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8)).save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def _write_image(n: int) -> int:
    path = DATA / "exhibit" / f"photos{n // 1000:03d}" / f"IMG_{n:06d}.jpg"
    data = _photo(n)
    path.write_bytes(data)
    return len(data)


def _write_other(n: int) -> int:
    import random

    rng = random.Random(n)
    size = min(int(rng.lognormvariate(9.7, 1.3)), 2_000_000)  # median ~16 KB, a long tail
    path = (
        DATA
        / "exhibit"
        / f"files{n // 1000:03d}"
        / f"doc_{n:06d}.{('txt', 'dat', 'pdf', 'db')[n % 4]}"
    )
    path.write_bytes(rng.randbytes(size))
    return size


def generate() -> None:
    marker = DATA / "exhibit.done"
    if marker.exists():
        return
    shutil.rmtree(DATA, ignore_errors=True)
    for n in range(0, IMAGES, 1000):
        (DATA / "exhibit" / f"photos{n // 1000:03d}").mkdir(parents=True, exist_ok=True)
    for n in range(0, OTHERS, 1000):
        (DATA / "exhibit" / f"files{n // 1000:03d}").mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    with Pool(WORKERS) as pool:
        image_bytes = sum(pool.imap_unordered(_write_image, range(IMAGES), chunksize=64))
        other_bytes = sum(pool.imap_unordered(_write_other, range(OTHERS), chunksize=256))
    print(
        f"generated {IMAGES:,} JPEGs ({image_bytes / 1e6:,.0f} MB) and {OTHERS:,} other files "
        f"({other_bytes / 1e6:,.0f} MB) in {time.perf_counter() - started:.0f} s"
    )
    marker.touch()


def _files(kind: str) -> list[Path]:
    prefix = "photos" if kind == "images" else "files"
    return sorted(p for d in (DATA / "exhibit").glob(f"{prefix}*") for p in d.iterdir())


def _view(kind: str) -> Path:
    """A folder of hard links to one kind of file (images or others)."""
    view = DATA / f"only-{kind}"
    if not view.exists():
        view.mkdir()
        for d in (DATA / "exhibit").glob("photos*" if kind == "images" else "files*"):
            shutil.copytree(d, view / d.name, copy_function=os.link)
    return view


def _e01() -> Path:
    e01 = DATA / "exhibit.E01"
    if e01.exists():
        return e01
    raw = DATA / "exhibit.ext4"
    total = sum(p.stat().st_size for p in (DATA / "exhibit").rglob("*") if p.is_file())
    size_mb = int(total * 1.25 / 1e6) + 256
    started = time.perf_counter()
    subprocess.run(
        ["mke2fs", "-q", "-F", "-t", "ext4", "-N", str(IMAGES + OTHERS + 10_000),
         "-d", str(DATA / "exhibit"), str(raw), f"{size_mb}M"],
        check=True,
    )  # fmt: skip
    with raw.open("rb") as stream:
        subprocess.run(
            ["ewfacquirestream", "-q", "-t", str(DATA / "exhibit"), "-c", "fast",
             "-C", "BENCH", "-E", "BENCH/1", "-e", "bench", "-D", "generated", "-N", "benchmark"],
            stdin=stream, check=True, capture_output=True,
        )  # fmt: skip
    raw.unlink()
    print(
        f"built the E01 ({e01.stat().st_size / 1e6:,.0f} MB) "
        f"in {time.perf_counter() - started:.0f} s"
    )
    return e01


def _virtual_disk(e01: Path, kind: str) -> Path:
    """The E01's media as a QCOW2 or VMDK (made once, from a raw export of the E01)."""
    target = DATA / f"exhibit.{kind}"
    if target.exists():
        return target
    raw = DATA / "exhibit.raw"
    if not raw.exists():
        subprocess.run(
            ["ewfexport", "-q", "-u", "-f", "raw", "-t", str(DATA / "exhibit"), str(e01)],
            check=True, capture_output=True,
        )  # fmt: skip
    subprocess.run(
        ["qemu-img", "convert", "-f", "raw", "-O", kind, str(raw), str(target)],
        check=True, capture_output=True,
    )  # fmt: skip
    return target


def _image_against_directory(
    env: dict[str, str], image: Path, everything: list[Path], total_bytes: int
) -> None:
    """The same files read from `image` and from the folder, one run right after the other."""
    _warm(everything)
    folder = _triage(env, DATA / "exhibit", "directory-again", "--no-carve")
    _warm([image])
    run = _triage(env, image, f"{image.suffix[1:]}-files", "--no-verify", "--no-carve")
    files = int(run["files_scanned"])  # type: ignore[call-overload]
    ours, theirs = float(run["duration_seconds"]), float(folder["duration_seconds"])  # type: ignore[arg-type]
    cpu, folder_cpu = float(run["cpu_seconds"]), float(folder["cpu_seconds"])  # type: ignore[arg-type]
    print(f"whole exhibit as {image.name} ({image.stat().st_size / 1e6:,.0f} MB, ext4 inside):")
    print(f"  netsafe triage --no-verify --no-carve: {files / ours:,.0f} files/s "
          f"({total_bytes / 1e6 / ours:,.1f} MB/s of file content) against the folder's "
          f"{files / theirs:,.0f} files/s = {theirs / ours:.2f}x (target >= 0.8x; "
          f"CPU {folder_cpu / cpu:.2f}x); matched {run['files_matched']}")  # fmt: skip


def _warm(paths: list[Path]) -> None:
    for path in paths:
        with path.open("rb") as handle:
            while handle.read(1 << 20):
                pass


def _sha1sum(paths: list[Path], tools: tuple[str, ...] = ("sha1sum",)) -> float:
    """Seconds for coreutils `tools` (one after the other) over `paths`, `xargs -P <workers>`."""
    return _coreutils(paths, tools)[0]


def _coreutils(paths: list[Path], tools: tuple[str, ...]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of coreutils `tools` over `paths`, `xargs -P <workers>`."""
    listing = "\0".join(str(p) for p in paths).encode()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    for tool in tools:
        subprocess.run(
            ["xargs", "-0", "-n", "500", "-P", str(WORKERS), tool],
            input=listing, stdout=subprocess.DEVNULL, check=True,
        )  # fmt: skip
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def _hash_file(path: Path) -> None:
    import hashlib

    hashes = (hashlib.md5(), hashlib.sha1(), hashlib.sha256())
    buffer = bytearray(1 << 20)
    view = memoryview(buffer)
    with path.open("rb", buffering=0) as handle:
        while count := handle.readinto(view):
            for hash_ in hashes:
                hash_.update(view[:count])
    for hash_ in hashes:
        hash_.hexdigest()


def _hashing_alone(paths: list[Path]) -> float:
    """Seconds for md5 + sha1 + sha256 of `paths` in this process, <workers> threads (hashlib
    releases the GIL): what the pipeline would cost if everything but hashing were free."""
    from concurrent.futures import ThreadPoolExecutor

    started = time.perf_counter()
    with ThreadPoolExecutor(WORKERS) as pool:
        for _ in pool.map(_hash_file, paths, chunksize=64):
            pass
    return time.perf_counter() - started


def _naive(path: Path) -> str:
    import numpy as np
    import pdqhash
    from PIL import Image

    with Image.open(path) as image:
        rgb = np.asarray(image.convert("RGB"))
    vector, _quality = pdqhash.compute(rgb)
    return "".join(str(int(b)) for b in vector[:8])


def _naive_rate(paths: list[Path]) -> tuple[float, float]:
    """(images/s, CPU seconds of the pool's workers): the pool is joined before returning, so
    its workers' CPU time is in RUSAGE_CHILDREN."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    pool = Pool(WORKERS)
    for _ in pool.imap_unordered(_naive, paths, chunksize=32):
        pass
    wall = time.perf_counter() - started
    pool.close()
    pool.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return len(paths) / wall, cpu


def _home() -> dict[str, str]:
    """A fresh NETSAFE_HOME with a 2,000-entry list (1% of it in the exhibit), each entry with an
    MD5 and a SHA-1 as in VICS/CAID hash sets."""
    import hashlib
    import random

    home = DATA / "home"
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir()
    env = {**os.environ, "NETSAFE_HOME": str(home), "NETSAFE_ENV": "development"}
    env.pop("NETSAFE_DATABASE_URL", None)
    env.pop("NETSAFE_DASK_SCHEDULER", None)
    rng = random.Random(1)
    images = _files("images")
    rows = ["md5,sha1,category"]
    for path in rng.sample(images, min(20, len(images))):
        data = path.read_bytes()
        md5, sha1 = hashlib.md5(data).hexdigest(), hashlib.sha1(data).hexdigest()
        rows.append(f"{md5},{sha1},{rng.choice('ABC')}")
    rows += [
        f"{rng.getrandbits(128):032x},{rng.getrandbits(160):040x},C"
        for _ in range(2000 - len(rows) + 1)
    ]
    (home / "list.csv").write_text("\n".join(rows) + "\n")
    subprocess.run([*NETSAFE, "db", "upgrade"], env=env, check=True, capture_output=True)
    subprocess.run(
        [*NETSAFE, "hashlist", "import", str(home / "list.csv"), "--name", "bench",
         "--format", "csv"],
        env=env, check=True, capture_output=True,
    )  # fmt: skip
    return env


def _triage(env: dict[str, str], source: Path, name: str, *extra: str) -> dict[str, object]:
    out = DATA / "runs" / name
    shutil.rmtree(out, ignore_errors=True)
    # (the schema may have moved on while a long run was going: other work shares the tree)
    subprocess.run([*NETSAFE, "db", "upgrade"], env=env, check=True, capture_output=True)
    started = time.perf_counter()
    done = subprocess.run(
        [*NETSAFE, "triage", str(source), "--exhibit", f"BENCH/{name}", "--out", str(out),
         "--no-pdf", "--json", *extra],
        env=env, capture_output=True, text=True,
    )  # fmt: skip
    # exit 1 with the summary printed: items that could not be read (counted, in errors.csv)
    if done.returncode not in (0, 1) or not done.stdout.strip():
        raise subprocess.CalledProcessError(done.returncode, done.args, done.stdout, done.stderr)
    summary: dict[str, object] = json.loads(done.stdout)
    if done.returncode == 1 and not summary.get("items_in_error"):
        raise subprocess.CalledProcessError(done.returncode, done.args, done.stdout, done.stderr)
    summary["wall_seconds"] = time.perf_counter() - started
    return summary


def _plain_part(env: dict[str, str], others: list[Path], other_bytes: int) -> None:
    # 1. non-image bytes against sha1sum
    # references on both sides of each run, averaged: on a shared machine the load drifts
    print(f"non-image files: {len(others):,} files, {other_bytes / 1e6:,.0f} MB")
    hashing = _hashing_alone(others)
    same_work = _sha1sum(others, ("md5sum", "sha1sum", "sha256sum"))
    ratios: dict[str, float] = {}
    cpu_ratios: dict[str, float] = {}
    for choice in ("auto", "md5", "all"):
        before, before_cpu = _coreutils(others, ("sha1sum",))
        run = _triage(env, _view("others"), f"others-{choice}", "--hashes", choice)
        after, after_cpu = _coreutils(others, ("sha1sum",))
        reference = (before + after) / 2
        ours = float(run["duration_seconds"])  # type: ignore[arg-type]
        ratios[choice] = reference / ours
        # CPU per byte: what the wall-clock ratio is on an idle machine, but robust to other load
        cpu_ratio = cpu_ratios[choice] = (before_cpu + after_cpu) / 2 / float(run["cpu_seconds"])  # type: ignore[arg-type]
        chosen = ",".join(run["hashes"]["every_file"])  # type: ignore[index]
        print(
            f"  netsafe triage --hashes {choice} ({chosen}): {other_bytes / 1e6 / ours:,.1f} MB/s, "
            f"{len(others) / ours:,.0f} files/s (wall {run['wall_seconds']:.1f} s with start-up "
            f"and reports); sha1sum (xargs -P {WORKERS}) {other_bytes / 1e6 / reference:,.1f} "
            f"MB/s (before {other_bytes / 1e6 / before:,.1f}, "
            f"after {other_bytes / 1e6 / after:,.1f}) = {ratios[choice]:.2f}x sha1sum; "
            f"in CPU time {run['cpu_seconds']:.1f} s against {(before_cpu + after_cpu) / 2:.1f} s "
            f"= {cpu_ratio:.2f}x"
        )
        if choice == "all":
            print(
                f"    the same work in coreutils (md5sum, sha1sum, sha256sum): "
                f"{other_bytes / 1e6 / same_work:,.1f} MB/s; netsafe = {same_work / ours:.2f}x that"
            )
            print(
                f"    hashing alone in Python (md5+sha1+sha256, {WORKERS} threads, nothing else): "
                f"{other_bytes / 1e6 / hashing:,.1f} MB/s; netsafe = {hashing / ours:.2f}x that"
            )
    verdict = "met" if ratios["auto"] >= TARGET_SHA1SUM_RATIO else "MISSED"
    print(
        f"  ratio (default, --hashes auto) {ratios['auto']:.2f}x sha1sum "
        f"(target >= {TARGET_SHA1SUM_RATIO}x): target {verdict}; in CPU time "
        f"{cpu_ratios['auto']:.2f}x"
    )


def _images_part(env: dict[str, str], images: list[Path], image_bytes: int) -> None:
    # 2. images against the naive path
    naive, naive_cpu = _naive_rate(images)
    run = _triage(env, _view("images"), "images")
    ours = float(run["duration_seconds"])  # type: ignore[arg-type]
    ours_cpu = float(run["cpu_seconds"])  # type: ignore[arg-type]
    print(f"images: {len(images):,} JPEGs, {image_bytes / 1e6:,.0f} MB")
    print(
        f"  naive (Pillow full decode + RGB + pdqhash.compute, pool of {WORKERS}): "
        f"{naive:,.1f} images/s, {naive_cpu / len(images) * 1000:.1f} ms of CPU an image"
    )
    print(f"  netsafe triage (md5+sha1+sha256+PDQ, matching): {len(images) / ours:,.1f} images/s "
          f"= {len(images) / ours / naive:.2f}x naive; {ours_cpu / len(images) * 1000:.1f} ms "
          f"of CPU an image = {naive_cpu / ours_cpu:.2f}x naive in CPU time (the wall-clock "
          f"ratio also depends on the share of a loaded machine each side gets); "
          f"matched {run['files_matched']}")  # fmt: skip


def _disk_images_part(env: dict[str, str], everything: list[Path], total_bytes: int) -> None:
    # 3. the whole exhibit, as a directory and as disk images of the same volume
    reference = _sha1sum(everything)
    run = _triage(env, DATA / "exhibit", "directory")
    ours = float(run["duration_seconds"])  # type: ignore[arg-type]
    print(f"whole exhibit as a directory: {len(everything):,} files, {total_bytes / 1e6:,.0f} MB")
    print(f"  netsafe triage: {len(everything) / ours:,.0f} files/s, "
          f"{total_bytes / 1e6 / ours:,.1f} MB/s (sha1sum: {total_bytes / 1e6 / reference:,.1f} "
          f"MB/s); matched {run['files_matched']}")  # fmt: skip
    e01 = _e01()
    for image in (e01, _virtual_disk(e01, "qcow2"), _virtual_disk(e01, "vmdk")):
        _image_against_directory(env, image, everything, total_bytes)
    run = _triage(env, e01, "e01-verified", "--no-carve")
    files = int(run["files_scanned"])  # type: ignore[call-overload]
    ours = float(run["duration_seconds"])  # type: ignore[arg-type]
    verification = run["sources"][0]["verification"]  # type: ignore[index]
    print(f"  E01 with its verification (ewfverify: every chunk's checksum and the stored MD5): "
          f"{files / ours:,.0f} files/s; verified: {verification['verified']}")  # fmt: skip


def main() -> int:
    width, height = IMAGE_SIZE
    print(f"triage benchmark: {IMAGES:,} JPEGs ({width}x{height}) + {OTHERS:,} other "
          f"files, {WORKERS} workers (scale {SCALE:g})")  # fmt: skip
    generate()
    images, others = _files("images"), _files("others")
    env = _home()
    _warm(images + others)
    other_bytes = sum(p.stat().st_size for p in others)
    image_bytes = sum(p.stat().st_size for p in images)

    if "plain" in PARTS:
        _plain_part(env, others, other_bytes)
    if "images" in PARTS:
        _images_part(env, images, image_bytes)
    if "disk-images" in PARTS:
        _disk_images_part(env, images + others, image_bytes + other_bytes)
    return 0


if __name__ == "__main__":
    sys.exit(main())
