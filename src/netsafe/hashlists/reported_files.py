"""The one rule for matching the hashes of reported files (a referral's files: imported from a
CyberTipline report or typed in by hand on a case) against the known-hash lists.

Each file's hashes (signal → hex value) are asked of the lists in one batch
(`ListMatcher.match_values_many`); a file an `ignore` list knows has no matches but is listed
(known-good: nothing to alert on, and nothing to link across cases); a file an `alert` list
knows has its matches. The import, the re-match when a list arrives, and the hand entry of
a case's files all call `match_reported_files`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from netsafe.hashlists.matcher import ListMatcher
from netsafe.matching.match import Match


@dataclass(frozen=True, slots=True)
class ReportedFileAnswer:
    """What the lists say of one reported file: its alert matches (none when an ignore list
    knows it), and whether any list knows it (an ignore list too)."""

    matches: tuple[Match, ...] = ()
    listed: bool = False


NOT_ASKED = ReportedFileAnswer()
#: Asks the lists about reported files (each signal → hash) and answers per file, in order:
#: `match_reported_files` over a matcher (`functools.partial(match_reported_files, matcher)`).
AskLists = Callable[[Sequence[Mapping[str, str]]], list[ReportedFileAnswer]]


def match_reported_files(
    matcher: ListMatcher | None, files: Sequence[Mapping[str, str]]
) -> list[ReportedFileAnswer]:
    """Per file (signal → hash, empty values left out), in order, what the lists say of it;
    one lookup for them all. No matcher, or a file without hashes: nothing known."""
    if matcher is None:
        return [NOT_ASKED for _ in files]
    given = [{s: v for s, v in values.items() if v} for values in files]
    asked = [values for values in given if values]
    outcomes = iter(matcher.match_values_many(asked) if asked else [])
    answers: list[ReportedFileAnswer] = []
    for values in given:
        outcome = next(outcomes) if values else None
        if outcome is None:
            answers.append(NOT_ASKED)
        elif outcome.ignored:
            answers.append(ReportedFileAnswer((), True))
        else:
            answers.append(ReportedFileAnswer(tuple(outcome.matches), bool(outcome.matches)))
    return answers
