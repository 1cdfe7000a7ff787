"""What an intake did, for the CLI, the API and the pages: each report added (with its
force, matches and pre-score), each already known, each file refused, and what matching the
imported files again did."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class AddedReferral:
    """A report imported as a new referral."""

    report_id: str
    referral_id: int
    reference: str
    file: str
    force: str
    awaiting_assignment: bool
    assignment_reason: str
    files: int
    known_files: int
    categories: tuple[str, ...]
    prescore_band: str | None
    prescore_reasons: tuple[str, ...]
    deadline_at: datetime

    def as_json(self) -> dict[str, Any]:
        return {
            "report_id": self.report_id,
            "referral_id": self.referral_id,
            "reference": self.reference,
            "file": self.file,
            "force": self.force,
            "awaiting_assignment": self.awaiting_assignment,
            "assignment_reason": self.assignment_reason,
            "files": self.files,
            "known_files": self.known_files,
            "categories": list(self.categories),
            "prescore_band": self.prescore_band,
            "prescore_reasons": list(self.prescore_reasons),
            "deadline_at": self.deadline_at.isoformat(),
        }


@dataclass(frozen=True, slots=True)
class KnownReport:
    """A report imported before: nothing changed."""

    report_id: str
    referral_id: int
    file: str

    def as_json(self) -> dict[str, Any]:
        return {"report_id": self.report_id, "referral_id": self.referral_id, "file": self.file}


@dataclass(frozen=True, slots=True)
class RefusedFile:
    """A file refused whole: nothing of it was imported."""

    file: str
    path: str
    reason: str

    def as_json(self) -> dict[str, Any]:
        return {"file": self.file, "path": self.path, "reason": self.reason}


@dataclass
class ReferralImport:
    """What an import did, file by file."""

    added: list[AddedReferral] = field(default_factory=list)
    already_known: list[KnownReport] = field(default_factory=list)
    refused: list[RefusedFile] = field(default_factory=list)
    files_read: int = 0

    @property
    def unassigned(self) -> list[AddedReferral]:
        return [a for a in self.added if a.awaiting_assignment]

    def as_json(self) -> dict[str, Any]:
        return {
            "files_read": self.files_read,
            "added": [a.as_json() for a in self.added],
            "already_known": [k.as_json() for k in self.already_known],
            "refused": [r.as_json() for r in self.refused],
            "unassigned": [a.referral_id for a in self.unassigned],
            "counts": {
                "added": len(self.added),
                "already_known": len(self.already_known),
                "refused_files": len(self.refused),
                "unassigned": len(self.unassigned),
            },
        }


@dataclass(frozen=True, slots=True)
class Rematch:
    """What matching the files again did: the imported reports' files (`files`, those an
    alert list knows, the referrals whose pre-score rose), and every case's reported files
    as the case shows them, typed in by hand or imported (`case_files`, `known_case_files`)."""

    files: int
    known_files: int
    raised: tuple[int, ...]
    case_files: int = 0
    known_case_files: int = 0

    def as_json(self) -> dict[str, Any]:
        return {
            "files": self.files,
            "known_files": self.known_files,
            "prescore_raised": list(self.raised),
            "case_files": self.case_files,
            "known_case_files": self.known_case_files,
        }
