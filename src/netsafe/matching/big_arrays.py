"""Large zeroed arrays backed by transparent huge pages (2 MB) where the kernel offers them.

The PDQ index's search is random reads over gigabytes: with 4 KB pages nearly every read also
misses the TLB and walks the page tables (on a virtual machine, twice). Measured on this
project's 2-core VM, random 32-byte reads over 3.2 GB: 4 KB pages 170-260 ns a read, 2 MB pages
78-130 ns. Linux gives anonymous memory huge pages when asked (`madvise(MADV_HUGEPAGE)`, the
`madvise` setting of /sys/kernel/mm/transparent_hugepage/enabled); elsewhere this is plain
zeroed memory. Memory-mapped files (a loaded index) are mapped as the page cache holds them
(on this project's kernel, 6.18 with ext4's large folios, a saved index's files came back in
2 MB mappings: FilePmdMapped covered all 2.4 GB of a 30M index).

`warm` maps a memory-mapped array's pages up front (MADV_POPULATE_READ): a worker that loads a
saved index otherwise pays a page fault on each first touch (30M hashes, page cache hot: the
first 1,000 queries 340 per CPU second cold, 1,342 warmed; ~2,100 once warm either way).
"""

from __future__ import annotations

import contextlib
import mmap
import sys
from typing import Any

import numpy as np
import numpy.typing as npt


def zeros(shape: int | tuple[int, ...], dtype: Any) -> npt.NDArray[Any]:
    """A zero-filled C-contiguous array in its own anonymous mapping, advised to use huge pages
    (released when the array is). Small arrays are ordinary numpy arrays."""
    dims = (shape,) if isinstance(shape, int) else tuple(shape)
    kind = np.dtype(dtype)
    nbytes = int(np.prod(dims, dtype=np.int64)) * kind.itemsize
    if nbytes < 1 << 24:  # below 16 MB the TLB is not the limit
        return np.zeros(dims, dtype=kind)
    region = mmap.mmap(-1, nbytes, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
    advice = getattr(mmap, "MADV_HUGEPAGE", None)
    if advice is not None:
        with contextlib.suppress(OSError):  # not offered by this kernel: 4 KB pages
            region.madvise(advice)
    return np.frombuffer(region, dtype=kind).reshape(dims)


#: madvise(MADV_POPULATE_READ) (Linux 5.14; Python's mmap module names it from 3.13 only).
POPULATE_READ = getattr(mmap, "MADV_POPULATE_READ", 22 if sys.platform == "linux" else None)


def mapping_of(array: npt.NDArray[Any]) -> mmap.mmap | None:
    """The file mapping an array (or a view of it) reads from; None for ordinary memory."""
    base: Any = array
    while base is not None and not isinstance(base, mmap.mmap):
        base = getattr(base, "base", None)
    return base if isinstance(base, mmap.mmap) else None


def warm(array: npt.NDArray[Any]) -> int:
    """Map every page of a memory-mapped array now (read from disk if not in the page cache);
    the bytes of the mapping asked for, 0 when the array is not memory-mapped or the kernel
    does not offer it (then pages are mapped on first touch, as before)."""
    region = mapping_of(array)
    if region is None or region.closed or POPULATE_READ is None:
        return 0
    try:
        region.madvise(POPULATE_READ)
    except (OSError, ValueError):
        with contextlib.suppress(OSError, ValueError):
            region.madvise(mmap.MADV_WILLNEED)  # older kernels: read ahead, map on touch
        return 0
    return len(region)
