"""Limits that keep a hostile archive from exhausting the machine (archive and zip bombs)."""

from __future__ import annotations

from dataclasses import dataclass

MIB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class ArchiveLimits:
    """How deep and how far archives are opened.

    `max_ratio` is checked once more than `ratio_floor` bytes have come out of one archive:
    bytes out / bytes of the archive itself. `max_total_bytes` caps everything expanded from one
    top-level file, nested archives included.
    """

    max_depth: int = 3
    max_ratio: float = 250.0
    ratio_floor: int = 16 * MIB
    max_total_bytes: int = 64 * 1024 * MIB
    max_entries: int = 1_000_000
    max_nested_bytes: int = 512 * MIB


class ExpansionBudget:
    """Counts the bytes expanded from one top-level file and trips when a limit is passed."""

    def __init__(self, limits: ArchiveLimits) -> None:
        self.limits = limits
        self.total = 0
        self.tripped: str | None = None

    def consume(self, container: ContainerCount, count: int) -> bool:
        """Count `count` more bytes out of `container`; False (and `tripped` set) past a limit."""
        self.total += count
        container.out += count
        limits = self.limits
        if self.total > limits.max_total_bytes:
            self.tripped = (
                f"archive bomb: more than {limits.max_total_bytes} bytes expanded from one file"
            )
        elif container.out > limits.ratio_floor and container.out > limits.max_ratio * max(
            container.size, 1
        ):
            self.tripped = (
                f"archive bomb: expansion ratio over {limits.max_ratio:g} "
                f"({container.out} bytes out of a {container.size}-byte archive)"
            )
        return self.tripped is None


@dataclass(slots=True)
class ContainerCount:
    """Bytes expanded so far out of one archive of `size` bytes."""

    size: int
    out: int = 0
