"""Fingerprint many files: find them, then hash them in worker processes, results in order.

Used by `netsafe hash` and anything else that has a list of paths. Work is spread over a process
pool (one worker per core) because decoding and PDQ are CPU-bound; small batches run in process
(and `concurrent.futures.process`, with multiprocessing, is imported only for a pool).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from functools import partial
from pathlib import Path

from netsafe.media import DecodeLimits
from netsafe.signals.fingerprint import FileFingerprint, fingerprint_file

#: Batches smaller than this are hashed in the calling process (no pool start-up cost).
POOL_FROM = 8


class NotAFileError(ValueError):
    """A directory was given without asking to recurse into it."""


def collect_files(paths: Iterable[Path], *, recursive: bool) -> list[Path]:
    """The files named by `paths`, expanding folders (sorted) when `recursive`.

    Paths that do not exist are kept, so each one is reported with its own error.
    Symbolic links to folders are not followed (no loops).
    """
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            if not recursive:
                raise NotAFileError(f"{path} is a folder: add --recursive to hash what is in it")
            for root, folders, names in os.walk(path, followlinks=False):
                folders.sort()
                files.extend(Path(root, name) for name in sorted(names))
        else:
            files.append(path)
    return files


def fingerprint_files(
    files: list[Path],
    *,
    dihedral: bool = False,
    limits: DecodeLimits | None = None,
    workers: int | None = None,
) -> Iterator[FileFingerprint]:
    """Fingerprints of `files`, in order; `workers` processes (default: one per core)."""
    work = partial(fingerprint_file, dihedral=dihedral, limits=limits)
    count = workers if workers is not None else (os.cpu_count() or 1)
    if count <= 1 or len(files) < POOL_FROM:
        yield from map(work, files)
        return
    from concurrent.futures import ProcessPoolExecutor

    chunk = max(1, min(16, len(files) // (count * 8)))
    with ProcessPoolExecutor(max_workers=count) as pool:
        yield from pool.map(work, files, chunksize=chunk)
