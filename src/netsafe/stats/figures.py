"""A figure as reported: its value, the comparison period's value and the change between them,
with its breakdown and (for enforcement) its split by force. Prevention values may read "<5".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from netsafe.prevention.suppression import ShownCount
from netsafe.stats.comparison import change_pct


@dataclass(frozen=True, slots=True)
class Value:
    """A count in the period and in the comparison period (None: no comparison)."""

    value: ShownCount
    previous: ShownCount | None
    change_pct: float | None

    @classmethod
    def of(cls, value: ShownCount, previous: ShownCount | None) -> Value:
        """The change is only worked out when both counts are shown as numbers."""
        change = (
            change_pct(value, previous)
            if isinstance(value, int) and (previous is None or isinstance(previous, int))
            else None
        )
        return cls(value, previous, change)

    def to_json(self) -> dict[str, Any]:
        return {"value": self.value, "previous": self.previous, "change_pct": self.change_pct}


@dataclass(frozen=True, slots=True)
class Figure:
    """A named figure: its total, its breakdown (`by_<breakdown>`) and its split by force."""

    name: str
    label: str
    total: Value
    breakdown_name: str | None = None
    breakdown: dict[str, Value] = field(default_factory=dict)
    by_force: dict[str, Value] = field(default_factory=dict)
    suppressed: bool = False
    note: str | None = None

    @property
    def value(self) -> ShownCount:
        return self.total.value

    def to_json(self) -> dict[str, Any]:
        data = self.total.to_json()
        if self.breakdown_name is not None:
            data[f"by_{self.breakdown_name}"] = {k: v.to_json() for k, v in self.breakdown.items()}
        if self.by_force:
            data["by_force"] = {k: v.to_json() for k, v in self.by_force.items()}
        if self.suppressed:
            data["suppression"] = "counts under 5 read <5"
        if self.note:
            data["note"] = self.note
        return data


def format_change(change: float | None) -> str:
    """`+50.0%`, `-3.2%`, `0.0%` or an en dash when there is no change to show."""
    if change is None:
        return "–"
    return f"{change:+.1f}%" if change else "0.0%"


def format_count(value: ShownCount | None) -> str:
    """`1,350`, `<5`, or an en dash for no value."""
    if value is None:
        return "–"
    return f"{value:,}" if isinstance(value, int) else value
