"""Hex hashes as numpy rows, and persistence helpers shared by the indexes."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

IdArray = npt.NDArray[np.int64]
ByteRows = npt.NDArray[np.uint8]


def hex_rows(values: Iterable[str], nbytes: int, *, what: str) -> ByteRows:
    """Hex strings to an (n, nbytes) uint8 array; ValueError names the first bad value."""
    items = list(values)
    if all(len(value) == 2 * nbytes for value in items):
        # the common case in one call (10M hashes: ~1 s, not ~10 s): no whitespace can hide in
        # values of exactly 2 * nbytes characters that decode to nbytes bytes each
        try:
            joined = bytearray.fromhex("".join(items))
        except ValueError:
            joined = bytearray()
        if len(joined) == len(items) * nbytes:
            return np.frombuffer(joined, dtype=np.uint8).reshape(len(items), nbytes)
    out = np.empty((len(items), nbytes), dtype=np.uint8)
    for row, value in enumerate(items):
        text = value.strip().lower()
        try:
            raw = bytes.fromhex(text)
        except ValueError:
            raw = b""
        if len(raw) != nbytes:
            raise ValueError(f"not a valid {what} hash at position {row}: {value[:80]!r}")
        out[row] = np.frombuffer(raw, dtype=np.uint8)
    return out


def as_ids(ids: Iterable[int] | npt.ArrayLike) -> IdArray:
    """Entry ids as a flat int64 array."""
    if isinstance(ids, np.ndarray):
        return np.asarray(ids, dtype=np.int64).ravel()
    if isinstance(ids, Iterable) and not isinstance(ids, (str, bytes)):
        return np.fromiter((int(i) for i in ids), dtype=np.int64)  # type: ignore[arg-type]
    return np.asarray(ids, dtype=np.int64).ravel()


def as_rows(hashes: Sequence[str] | npt.NDArray[Any], nbytes: int, *, what: str) -> ByteRows:
    """Accept hex strings or an (n, nbytes) uint8 array."""
    if isinstance(hashes, np.ndarray):
        if hashes.dtype != np.uint8 or hashes.ndim != 2 or hashes.shape[1] != nbytes:
            raise ValueError(f"{what} hashes must be an (n, {nbytes}) uint8 array")
        return np.ascontiguousarray(hashes)
    return hex_rows(hashes, nbytes, what=what)


def write_manifest(folder: Path, manifest: dict[str, Any]) -> None:
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")


def read_manifest(folder: Path, kind: str) -> dict[str, Any]:
    path = folder / "manifest.json"
    try:
        manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ValueError(f"{folder}: not a NetSafe index ({error})") from error
    if manifest.get("kind") != kind:
        raise ValueError(f"{folder}: a {manifest.get('kind')!r} index, expected {kind!r}")
    return manifest


def replace_folder(target: Path, write: Any) -> None:
    """Write a folder beside `target` with `write(folder)`, then swap it into place."""
    import shutil

    target = Path(target)
    staging = target.with_name(target.name + ".writing")
    old = target.with_name(target.name + ".old")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    write(staging)
    if target.exists():
        shutil.rmtree(old, ignore_errors=True)
        target.rename(old)
        staging.rename(target)
        shutil.rmtree(old, ignore_errors=True)
    else:
        staging.rename(target)
