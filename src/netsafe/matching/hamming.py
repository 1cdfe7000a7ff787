"""Hamming distance between 256-bit hashes held as (n, 4) uint64 rows."""

from __future__ import annotations

import typing as t

import numpy as np
import numpy.typing as npt

Words = npt.NDArray[np.uint64]
#: (query number, row, distance) of every match of a range search.
Found = tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int32]]


def hamming(left: Words, right: Words) -> npt.NDArray[np.int16]:
    """Row-wise Hamming distance of two (n, 4) uint64 arrays (column sums: ~4× faster than
    a reduction along the short axis)."""
    counts = np.bitwise_count(left ^ right)
    total = counts[:, 0].astype(np.int16)
    total += counts[:, 1]
    total += counts[:, 2]
    total += counts[:, 3]
    return t.cast(npt.NDArray[np.int16], total)
