"""Errors of list files, and the record of entries skipped with `--skip-invalid`."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

#: How many skipped entries are kept as examples (the rest are only counted).
SKIP_EXAMPLES = 20


class HashListFormatError(ValueError):
    """A list file is wrong: names the file, the line or entry, and the field."""

    def __init__(self, path: Path | str, where: str, message: str, field_name: str | None = None):
        self.path = str(path)
        self.where = where
        self.field_name = field_name
        self.reason = message
        at = f"{self.path}, {where}" + (f", field {field_name}" if field_name else "")
        super().__init__(f"{at}: {message}")


class EntryError(ValueError):
    """One entry is invalid (raised by field parsers; the reader adds file and position)."""

    def __init__(self, field_name: str | None, message: str):
        self.field_name = field_name
        super().__init__(message)


@dataclass
class SkipLog:
    """Entries skipped by `--skip-invalid`: a count per reason and the first few examples."""

    count: int = 0
    reasons: Counter[str] = field(default_factory=Counter)
    examples: list[str] = field(default_factory=list)

    def skip(self, error: HashListFormatError) -> None:
        self.count += 1
        self.reasons[(f"{error.field_name}: " if error.field_name else "") + error.reason] += 1
        if len(self.examples) < SKIP_EXAMPLES:
            self.examples.append(str(error))

    def merge(self, other: SkipLog) -> None:
        self.count += other.count
        self.reasons.update(other.reasons)
        self.examples.extend(other.examples[: max(0, SKIP_EXAMPLES - len(self.examples))])

    def as_json(self) -> dict[str, object]:
        return {
            "skipped": self.count,
            "reasons": dict(self.reasons.most_common()),
            "examples": list(self.examples),
        }


class EntrySink:
    """Where a reader reports an invalid entry: raise it, or skip and log it."""

    def __init__(self, path: Path | str, *, skip_invalid: bool, log: SkipLog | None = None):
        self.path = path
        self.skip_invalid = skip_invalid
        self.log = log if log is not None else SkipLog()

    def invalid(self, where: str, error: EntryError) -> None:
        """Raise `HashListFormatError` for the entry at `where`, or log it when skipping."""
        failure = HashListFormatError(self.path, where, str(error), error.field_name)
        if not self.skip_invalid:
            raise failure
        self.log.skip(failure)
