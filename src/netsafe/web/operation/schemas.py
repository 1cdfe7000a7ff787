"""Request and answer bodies of the operation API (snake_case, ISO 8601 times with a zone).

Records without a schema here are answered as their domain dataclasses (FastAPI renders those).
"""

from __future__ import annotations

from datetime import datetime

from pydantic import AwareDatetime, BaseModel, Field

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
    kind: IdentifierKind
    value: str = Field(max_length=500)


class FileBody(BaseModel):
    file_name: str = Field("", max_length=500)
    md5: str | None = None
    sha1: str | None = None
    sha256: str | None = None


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
            identifiers=tuple(ReportedIdentifier(i.kind, i.value) for i in self.identifiers),
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
    incident: IncidentBody

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
            incident=IncidentBody(
                incident_type=i.incident_type,
                incident_at=i.incident_at,
                identifiers=[IdentifierBody(kind=x.kind, value=x.value) for x in i.identifiers],
                files=[
                    FileBody(file_name=f.file_name, md5=f.md5, sha1=f.sha1, sha256=f.sha256)
                    for f in i.files
                ],
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
