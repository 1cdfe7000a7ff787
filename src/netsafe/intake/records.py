"""What NetSafe keeps of an imported report, as the pages and the API show it: the intake
record of a referral, its files with the list entries they matched, the unassigned queue."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from netsafe.intake import enumerations as enums
from netsafe.operation.referrals import FileMatch, match_categories

__all__ = ["FileMatch", "IntakeFile", "IntakeRecord", "UnassignedReferral"]


@dataclass(frozen=True, slots=True)
class IntakeFile:
    """A reported file: its hashes, what the service said of it, and its matches."""

    id: int
    file_id: str
    original_file_name: str | None
    md5: str | None
    sha1: str | None
    sha256: str | None
    pdq: str | None
    relevance: str
    annotations: tuple[str, ...]
    industry_classification: str | None
    viewed_by_esp: bool | None
    publicly_available: bool | None
    matched_at: datetime | None
    matches: tuple[FileMatch, ...] = ()

    @property
    def known(self) -> bool:
        return bool(self.matches)

    @property
    def categories(self) -> tuple[str, ...]:
        return match_categories(self.matches)

    def as_json(self) -> dict[str, Any]:
        return {
            "file_id": self.file_id,
            "original_file_name": self.original_file_name,
            "md5": self.md5,
            "sha1": self.sha1,
            "sha256": self.sha256,
            "pdq": self.pdq,
            "relevance": self.relevance,
            "relevance_words": enums.FILE_RELEVANCE.get(self.relevance, self.relevance),
            "annotations": list(self.annotations),
            "annotation_words": enums.annotation_words(self.annotations, enums.FILE_ANNOTATIONS),
            "industry_classification": self.industry_classification,
            "viewed_by_esp": self.viewed_by_esp,
            "publicly_available": self.publicly_available,
            "matched_at": self.matched_at.isoformat() if self.matched_at else None,
            "known": self.known,
            "categories": list(self.categories),
            "matches": [m.as_json() for m in self.matches],
        }


@dataclass(frozen=True, slots=True)
class IntakeRecord:
    """The report behind a referral: number, incident, where it went and why, the pre-score."""

    referral_id: int
    report_id: str
    source_file: str
    imported_at: datetime
    imported_by: str
    incident_type: str
    escalate_reason: str | None
    annotations: tuple[str, ...]
    esp_service: str | None
    assignment_reason: str
    awaiting_assignment: bool
    assigned_by: str | None
    assigned_at: datetime | None
    prescore_band: str | None
    prescore_reasons: tuple[str, ...]
    prescore_rules: str
    files: tuple[IntakeFile, ...] = field(default_factory=tuple)

    @property
    def annotation_words(self) -> list[str]:
        return enums.annotation_words(self.annotations, enums.REPORT_ANNOTATIONS)

    @property
    def known_files(self) -> int:
        return sum(1 for f in self.files if f.known)

    def as_json(self) -> dict[str, Any]:
        return {
            "referral_id": self.referral_id,
            "report_id": self.report_id,
            "source_file": self.source_file,
            "imported_at": self.imported_at.isoformat(),
            "imported_by": self.imported_by,
            "incident_type": self.incident_type,
            "escalate_to_high_priority": self.escalate_reason,
            "annotations": list(self.annotations),
            "annotation_words": self.annotation_words,
            "esp_service": self.esp_service,
            "assignment_reason": self.assignment_reason,
            "awaiting_assignment": self.awaiting_assignment,
            "assigned_by": self.assigned_by,
            "assigned_at": self.assigned_at.isoformat() if self.assigned_at else None,
            "prescore": {
                "band": self.prescore_band,
                "reasons": list(self.prescore_reasons),
                "rules": self.prescore_rules,
            },
            "files": [f.as_json() for f in self.files],
            "known_files": self.known_files,
        }


@dataclass(frozen=True, slots=True)
class UnassignedReferral:
    """A referral waiting in the regional unit's queue for a person to choose its force."""

    referral_id: int
    reference: str
    report_id: str
    imported_at: datetime
    assignment_reason: str
    prescore_band: str | None
    deadline_at: datetime

    def as_json(self) -> dict[str, Any]:
        return {
            "referral_id": self.referral_id,
            "reference": self.reference,
            "report_id": self.report_id,
            "imported_at": self.imported_at.isoformat(),
            "reason": self.assignment_reason,
            "prescore_band": self.prescore_band,
            "deadline_at": self.deadline_at.isoformat(),
        }
