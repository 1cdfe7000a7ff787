"""Sizes as people read them: `human_size(1_234_567)` is `1.2 MB` (decimal units, as disks
are sold and as `ls --si` prints them)."""

from __future__ import annotations

_UNITS = ("KB", "MB", "GB", "TB", "PB")


def human_size(count: int | float) -> str:
    """`count` bytes in the largest decimal unit under 1000 of it: `512 bytes`, `1.2 MB`."""
    if count < 1000:
        return "1 byte" if count == 1 else f"{int(count)} bytes"
    size = float(count)
    for unit in _UNITS:
        size /= 1000
        if size < 1000 or unit == _UNITS[-1]:
            return f"{size:.1f} {unit}"
    raise AssertionError("unreachable")  # pragma: no cover
