"""Seeded PDQ hash sets for the index benchmark: uniform, and one that looks like a real list.

Real hash lists are not uniformly random, which flatters multi-index hashing (every bucket about
the same size). The realistic set is built, chunk by chunk (so any prefix is a fair slice, and
memory stays one chunk), from three kinds of entries:

- singletons, ~40 %: each bit drawn with its own probability, measured from the PDQ hashes of
  generated photo-like images (`photo_jpeg`, the generator bench_hash_images.py uses);
- families of near-duplicates, ~30 %: a biased base hash and 1–15 variants, each up to 1–40 bits
  from the base (re-encodes, crops, edits of one picture);
- video-like runs, ~30 %: 20–200 consecutive frames, each up to 1–6 bits from the one before
  (the frames of listed videos live in the same PDQ index).

Bits are flipped by choosing positions with replacement, so "up to k bits" (a repeated position
flips once). The per-bit probabilities are independent: real hashes also have correlated bits,
which this does not model.

    python benchmarks/pdq_datasets.py     # prints the measured per-bit bias
"""

from __future__ import annotations

import sys
import tempfile
from functools import cache
from pathlib import Path

import numpy as np
import numpy.typing as npt

HERE = Path(__file__).resolve().parent
Rows = npt.NDArray[np.uint8]

#: Photo-like images hashed to measure the per-bit bias (small: only the hash's bits matter).
BIAS_IMAGES = 1000
BIAS_SIZE = (480, 360)
CHUNK = 1_000_000
SINGLE_SHARE, FAMILY_SHARE = 0.4, 0.3  # the rest are video-like runs


@cache
def bit_bias() -> npt.NDArray[np.float64]:
    """P(bit is 1) for each of the 256 bits (packbits order, as stored), from PDQ hashes of
    seeded photo-like JPEGs; cached in benchmarks/.data/pdq-bit-bias.npy."""
    cached = HERE / ".data" / f"pdq-bit-bias-{BIAS_IMAGES}.npy"
    if cached.exists():
        return np.asarray(np.load(cached), dtype=np.float64)
    import pdqhash
    from PIL import Image

    sys.path.insert(0, str(HERE))
    from bench_hash_images import photo_jpeg

    ones = np.zeros(256)
    with tempfile.TemporaryDirectory(prefix="netsafe-bias-") as name:
        path = Path(name) / "photo.jpg"
        for seed in range(BIAS_IMAGES):
            photo_jpeg(path, BIAS_SIZE, seed=10_000 + seed)
            with Image.open(path) as image:
                bits, _quality = pdqhash.compute(np.asarray(image.convert("RGB")))
            ones += np.asarray(bits, dtype=np.float64)
    bias = ones / BIAS_IMAGES
    cached.parent.mkdir(parents=True, exist_ok=True)
    np.save(cached, bias)
    return bias


def biased(rng: np.random.Generator, count: int, bias: npt.NDArray[np.float64]) -> Rows:
    """`count` hashes whose bit i is 1 with probability bias[i]."""
    out = np.empty((count, 32), dtype=np.uint8)
    for start in range(0, count, 100_000):
        stop = min(count, start + 100_000)
        bits = rng.random((stop - start, 256), dtype=np.float32) < bias.astype(np.float32)
        out[start:stop] = np.packbits(bits, axis=1)
    return out


def flip_up_to(rng: np.random.Generator, rows: Rows, flips: npt.NDArray[np.int64]) -> Rows:
    """A copy of `rows` with up to flips[i] random bits of row i flipped (positions with
    replacement: a repeated position flips once)."""
    out = rows.copy()
    most = int(flips.max()) if len(flips) else 0
    if not most:
        return out
    for start in range(0, len(rows), 100_000):
        stop = min(len(rows), start + 100_000)
        mask = np.zeros((stop - start, 256), dtype=np.bool_)
        positions = rng.integers(0, 256, (stop - start, most))
        used = np.arange(most)[None, :] < flips[start:stop, None]
        which = np.broadcast_to(np.arange(stop - start)[:, None], positions.shape)
        mask[which[used], positions[used]] = True
        out[start:stop] ^= np.packbits(mask, axis=1)
    return out


def _realistic_chunk(rng: np.random.Generator, count: int, bias: npt.NDArray[np.float64]) -> Rows:
    parts: list[Rows] = []
    singles = int(count * SINGLE_SHARE)
    parts.append(biased(rng, singles, bias))
    # families: a base and 1–15 variants each 1–40 bits from it
    wanted = int(count * FAMILY_SHARE)
    sizes = rng.integers(2, 17, wanted // 8 + 1)
    sizes = sizes[: int(np.searchsorted(np.cumsum(sizes), wanted)) + 1]
    bases = biased(rng, len(sizes), bias)
    members = np.repeat(bases, sizes, axis=0)
    first = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    flips = rng.integers(1, 41, len(members))
    flips[first] = 0  # the base itself
    parts.append(flip_up_to(rng, members, flips)[:wanted])
    # video-like runs: each frame up to 1–6 bits from the previous one
    left = count - singles - wanted
    while left > 0:
        length = min(left, int(rng.integers(20, 201)))
        frames = np.empty((length, 32), dtype=np.uint8)
        frames[0] = biased(rng, 1, bias)[0]
        steps = flip_up_to(rng, np.zeros((length, 32), dtype=np.uint8), rng.integers(1, 7, length))
        frames[1:] = frames[0] ^ np.bitwise_xor.accumulate(steps[1:], axis=0)
        parts.append(frames)
        left -= length
    return np.concatenate(parts)


def realistic(count: int, seed: int = 20, out: Rows | None = None) -> Rows:
    """`count` hashes: singletons, near-duplicate families and video-like runs (see above), in
    chunks of 1M generated the same way, so a prefix is a fair slice of the whole; written
    into `out` ((count, 32) uint8) when given."""
    rng = np.random.default_rng(seed)
    bias = bit_bias()
    if out is None:
        out = np.empty((count, 32), dtype=np.uint8)
    for start in range(0, count, CHUNK):
        stop = min(count, start + CHUNK)
        out[start:stop] = _realistic_chunk(rng, stop - start, bias)
    return out


def uniform(count: int, seed: int = 31) -> Rows:
    """`count` uniformly random hashes."""
    return np.random.default_rng(seed).integers(0, 256, (count, 32), dtype=np.uint8)


def bucket_sizes(starts: npt.NDArray[np.int32]) -> dict[str, float]:
    """Bucket-size figures of one substring table (its bucket offsets): the largest bucket, the
    99th percentile and mean of the occupied buckets, and the mean bucket a stored hash sits in
    (sum of size² / n: the candidates an exact-key probe of a stored hash verifies)."""
    sizes = np.diff(starts.astype(np.int64))
    occupied = sizes[sizes > 0]
    total = int(sizes.sum())
    return {
        "max": int(sizes.max()),
        "p99": float(np.percentile(occupied, 99)),
        "mean": float(occupied.mean()),
        "per_hash": float((sizes.astype(np.float64) ** 2).sum() / max(1, total)),
        "occupied": len(occupied) / len(sizes),
    }


if __name__ == "__main__":
    bias = bit_bias()
    print(
        f"per-bit P(1) from {BIAS_IMAGES} photo-like images: min {bias.min():.2f}, "
        f"max {bias.max():.2f}, bits outside 0.3–0.7: {int(((bias < 0.3) | (bias > 0.7)).sum())}"
    )
