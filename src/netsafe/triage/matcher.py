"""What triage needs from matching: a matcher answering "ignored, or which list entries?" for a
file's fingerprint (implemented by `netsafe.hashlists.matcher.ListMatcher`), and a way for each
worker process to load it once."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

from netsafe.triage.items import MatchRecord


class MatchLike(Protocol):
    @property
    def list_name(self) -> str: ...
    @property
    def entry_id(self) -> Any: ...
    @property
    def category(self) -> Any: ...
    @property
    def signal(self) -> Any: ...
    @property
    def distance(self) -> int: ...


class MatchOutcomeLike(Protocol):
    @property
    def ignored(self) -> bool: ...
    @property
    def matches(self) -> Sequence[MatchLike]: ...
    @property
    def pdq_not_tried(self) -> str:
        """Why the PDQ hash was not searched in some alert lists ("" when it was)."""
        ...


class Matcher(Protocol):
    """Matches fingerprints against every list, a batch at a time; known-good (ignore) lists
    answer first."""

    def match_many(
        self,
        fps: Sequence[Any],
        *,
        max_distance: int | None = None,
        quality_floor: int | None = None,
    ) -> Sequence[MatchOutcomeLike]:
        """One outcome for each fingerprint, in order; `max_distance` and `quality_floor`, when
        given, replace every list's PDQ distance and quality floor (embedded thumbnails)."""
        ...

    def known_digests(self, signal: str, digests: bytes) -> Sequence[bool]:
        """For each raw digest of `signal` (md5, sha1 or sha256) packed back to back in
        `digests`: whether a list (alert or ignore) may hold it. False must mean that none
        does; a file with any True is scanned in full and matched by `match_many`."""
        ...


#: A picklable zero-argument callable that builds the matcher inside a worker process.
MatcherFactory = Callable[[], Matcher]


def match_records(outcome: MatchOutcomeLike) -> tuple[MatchRecord, ...]:
    """The outcome's matches as plain records, most serious category first, then by distance."""
    records = (
        MatchRecord(
            list_name=str(m.list_name),
            entry_id=str(m.entry_id),
            category=_text(m.category),
            signal=_text(m.signal),
            distance=int(m.distance),
            scores=tuple(getattr(m, "scores", ())),
        )
        for m in outcome.matches
    )
    return tuple(sorted(records, key=lambda r: (r.category, r.distance, r.list_name, r.entry_id)))


def _text(value: Any) -> str:
    inner = getattr(value, "value", value)
    return str(inner)
