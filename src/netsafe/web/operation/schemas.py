"""Request and answer bodies of the operation API (snake_case, ISO 8601 times with a zone).

Records without a schema here are answered as their domain dataclasses (FastAPI renders those).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from netsafe.operation.referrals import (
    IdentifierKind,
    IncidentDetails,
    NewReferral,
    Referral,
    ReferralSource,
    ReferralStatus,
    ReportedFile,
    ReportedIdentifier,
)


class IdentifierBody(BaseModel):
    """A reported identifier; `seen_at` (optional, an IP address only): when it was seen in
    use, with a time zone, not in the future."""

    kind: IdentifierKind
    value: str = Field(max_length=500)
    seen_at: AwareDatetime | None = None


#: What a referral's answer says of each file beyond what is typed in: ignored when a client
#: sends a file it read back (`FileOut`), never taken from the client.
_READ_ONLY_FILE_FIELDS = ("matched_at", "known", "categories", "matches")


class FileBody(BaseModel):
    """A reported file as typed in: its name and any of its MD5, SHA-1, SHA-256 (hex). Any
    other key (another algorithm, e.g. `pdq`) is refused naming it, not dropped in silence."""

    model_config = ConfigDict(extra="forbid")

    file_name: str = Field("", max_length=500)
    md5: str | None = None
    sha1: str | None = None
    sha256: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _without_read_only(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if k not in _READ_ONLY_FILE_FIELDS}
        return data


class FileMatchOut(BaseModel):
    """A list entry the file's hash matched (as the intake record's files show it)."""

    list: str
    category: str
    signal: str
    distance: int


class FileOut(BaseModel):
    """A reported file as stored, with what the hash lists said of it: `matched_at` (null: not
    asked yet; the next list import asks), `known` (an alert list knows it), its categories
    and matches. The same for a file typed in by hand and one from an imported report."""

    file_name: str
    md5: str | None
    sha1: str | None
    sha256: str | None
    matched_at: datetime | None
    known: bool
    categories: list[str]
    matches: list[FileMatchOut]

    @classmethod
    def of(cls, reported: ReportedFile) -> FileOut:
        return cls(
            file_name=reported.file_name,
            md5=reported.md5,
            sha1=reported.sha1,
            sha256=reported.sha256,
            matched_at=reported.matched_at,
            known=reported.known,
            categories=list(reported.categories),
            matches=[FileMatchOut.model_validate(m.as_json()) for m in reported.matches],
        )


class IncidentBody(BaseModel):
    """The incident, after the CyberTipline report fields."""

    incident_type: str | None = Field(None, max_length=200)
    incident_at: AwareDatetime | None = None
    identifiers: list[IdentifierBody] = Field(default_factory=list, max_length=200)
    files: list[FileBody] = Field(default_factory=list, max_length=5000)

    def to_domain(self) -> IncidentDetails:
        return IncidentDetails(
            incident_type=self.incident_type,
            incident_at=self.incident_at,
            identifiers=tuple(
                ReportedIdentifier(i.kind, i.value, i.seen_at) for i in self.identifiers
            ),
            files=tuple(ReportedFile(f.file_name, f.md5, f.sha1, f.sha256) for f in self.files),
        )


class ReferralIn(BaseModel):
    """A new referral: at least source, force (agency slug), received_at and summary. The one
    input model of `POST /api/v1/referrals` and of the page `/operation/referrals/new` (read
    from its form by `form_input.read_form`, the incident left to the case page's form)."""

    source: ReferralSource
    force: str
    received_at: AwareDatetime
    summary: str = Field(max_length=4000)
    incident: IncidentBody = Field(default_factory=IncidentBody)
    restricted_to: list[str] = Field(default_factory=list, max_length=50)

    def to_domain(self) -> NewReferral:
        return NewReferral(
            source=self.source,
            force=self.force,
            received_at=self.received_at,
            summary=self.summary,
            incident=self.incident.to_domain(),
            restricted_to=tuple(self.restricted_to),
        )


class IdentifierOut(BaseModel):
    kind: IdentifierKind
    value: str
    seen_at: datetime | None = None


class IncidentOut(BaseModel):
    """The incident as stored: its files with what the hash lists said of them."""

    incident_type: str | None
    incident_at: datetime | None
    identifiers: list[IdentifierOut]
    files: list[FileOut]


class ReferralOut(BaseModel):
    id: int
    reference: str
    source: ReferralSource
    force: str
    received_at: datetime
    summary: str
    status: ReferralStatus
    risk_band: str | None
    deadline_at: datetime
    responded_at: datetime | None
    breached: bool
    restricted_to: list[str]
    created_by: str | None
    created_at: datetime | None
    withdrawn_at: datetime | None = None
    incident: IncidentOut

    @classmethod
    def of(cls, referral: Referral, now: datetime) -> ReferralOut:
        i = referral.incident
        return cls(
            id=referral.id,
            reference=referral.reference,
            source=referral.source,
            force=referral.force,
            received_at=referral.received_at,
            summary=referral.summary,
            status=referral.status,
            risk_band=referral.risk_band,
            deadline_at=referral.deadline_at,
            responded_at=referral.responded_at,
            breached=referral.breached(now),
            restricted_to=list(referral.restricted_to),
            created_by=referral.created_by,
            created_at=referral.created_at,
            withdrawn_at=referral.withdrawn_at,
            incident=IncidentOut(
                incident_type=i.incident_type,
                incident_at=i.incident_at,
                identifiers=[
                    IdentifierOut(kind=x.kind, value=x.value, seen_at=x.seen_at)
                    for x in i.identifiers
                ],
                files=[FileOut.of(f) for f in i.files],
            ),
        )


class RestrictionIn(BaseModel):
    """Users who alone may see the case (empty lifts the restriction)."""

    usernames: list[str] = Field(default_factory=list, max_length=50)


class HelplineDetailsIn(BaseModel):
    given_to: str
    given_at: AwareDatetime


class WarrantDecisionIn(BaseModel):
    granted: bool
    at: AwareDatetime
    court: str = Field("", max_length=200)


class WarrantExecutionIn(BaseModel):
    at: AwareDatetime
    result: str
    notes: str = Field("", max_length=4000)
