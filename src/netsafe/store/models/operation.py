"""The operation's case tables: referrals (with their incident identifiers, reported files and
access restriction), subjects, risk assessments, warrants, arrests, exhibits, custody events,
safeguarding records and outcomes. Column names follow the domain dataclasses' field names.
A case record's table names its kind of the record-kinds table (`record_kind`): its repository
and the demo writer are derived from that.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from netsafe.store.base import Base

REFERRAL_FK = "referrals.id"
#: The conditions of the partial indexes (queries repeat them word for word so they are used).
OPEN_CONDITION = "status <> 'closed'"
LATE_CONDITION = "responded_at > deadline_at"
AWAITING_CONDITION = "status <> 'closed' AND responded_at IS NULL"


class ReferralRow(Base):
    """A referral; `restricted` is true when only the users in `referral_access` may see it."""

    __tablename__ = "referrals"
    __table_args__ = (
        # The queue and the dashboard read open referrals only: partial indexes keep them to
        # the few open rows among the many closed ones, already in deadline order.
        Index(
            "ix_referrals_open_deadline",
            "deadline_at",
            postgresql_where=text(OPEN_CONDITION),
            sqlite_where=text(OPEN_CONDITION),
        ),
        Index(
            "ix_referrals_open_force_deadline",
            "force",
            "deadline_at",
            postgresql_where=text(OPEN_CONDITION),
            sqlite_where=text(OPEN_CONDITION),
        ),
        # The queue of referrals awaiting a response (the default queue page, the dashboard's
        # "due next"): a page of it is read straight off the index, in order.
        Index(
            "ix_referrals_awaiting_deadline",
            "deadline_at",
            "id",
            postgresql_where=text(AWAITING_CONDITION),
            sqlite_where=text(AWAITING_CONDITION),
        ),
        Index(
            "ix_referrals_awaiting_force_deadline",
            "force",
            "deadline_at",
            "id",
            postgresql_where=text(AWAITING_CONDITION),
            sqlite_where=text(AWAITING_CONDITION),
        ),
        # The dashboard's counts read these two alone (index-only): every column they need.
        Index(
            "ix_referrals_open_summary",
            "force",
            "risk_band",
            "deadline_at",
            "responded_at",
            "restricted",
            "id",
            postgresql_where=text(OPEN_CONDITION),
            sqlite_where=text(OPEN_CONDITION),
        ),
        Index(
            "ix_referrals_answered_late",
            "force",
            "restricted",
            "id",
            postgresql_where=text(LATE_CONDITION),
            sqlite_where=text(LATE_CONDITION),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(40))
    force: Mapped[str] = mapped_column(String(40))
    received_at: Mapped[datetime]
    summary: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20))
    deadline_at: Mapped[datetime]
    risk_band: Mapped[str | None] = mapped_column(String(20))
    responded_at: Mapped[datetime | None]
    created_by: Mapped[str | None] = mapped_column(String(63))
    created_at: Mapped[datetime | None]
    incident_type: Mapped[str | None] = mapped_column(String(200))
    incident_at: Mapped[datetime | None]
    restricted: Mapped[bool] = mapped_column(Boolean, default=False)
    withdrawn_at: Mapped[datetime | None]


class ReferralIdentifierRow(Base):
    """An identifier of the reported person (account, e-mail, IP address, device, phone, URL)."""

    __tablename__ = "referral_identifiers"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(
        ForeignKey(REFERRAL_FK, ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    value: Mapped[str] = mapped_column(String(500), index=True)
    #: When an IP address typed in by hand was seen in use (None: not given).
    seen_at: Mapped[datetime | None]


class ReferralFileRow(Base):
    """A file named in a referral: its name and hashes."""

    __tablename__ = "referral_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(
        ForeignKey(REFERRAL_FK, ondelete="CASCADE"), index=True
    )
    file_name: Mapped[str] = mapped_column(String(500))
    md5: Mapped[str | None] = mapped_column(String(32), index=True)
    sha1: Mapped[str | None] = mapped_column(String(40), index=True)
    sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    #: When the file's hashes were last matched against the lists (None: not yet).
    matched_at: Mapped[datetime | None]


class ReferralFileMatchRow(Base):
    """A list entry a reported file's hash matched (replaced whenever the file is matched
    again), for the files typed in by hand and those of an imported report alike."""

    __tablename__ = "referral_file_matches"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_file_id: Mapped[int] = mapped_column(
        ForeignKey("referral_files.id", ondelete="CASCADE"), index=True
    )
    list_name: Mapped[str] = mapped_column(String(200))
    entry_id: Mapped[int] = mapped_column(Integer)
    category: Mapped[str] = mapped_column(String(20))
    signal: Mapped[str] = mapped_column(String(20))
    distance: Mapped[int] = mapped_column(Integer)


class ReferralAccessRow(Base):
    """A user named on a restricted referral."""

    __tablename__ = "referral_access"

    referral_id: Mapped[int] = mapped_column(
        ForeignKey(REFERRAL_FK, ondelete="CASCADE"), primary_key=True
    )
    username: Mapped[str] = mapped_column(String(63), primary_key=True)


class SubjectRow(Base):
    record_kind: ClassVar[str] = "subject"
    __tablename__ = "subjects"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey(REFERRAL_FK), index=True)
    display_name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(63))
    date_of_birth: Mapped[date | None]
    identifiers: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    helpline_details_given_at: Mapped[datetime | None]
    helpline_details_given_to: Mapped[str | None] = mapped_column(String(40))
    withdrawn_at: Mapped[datetime | None]


class RiskAssessmentRow(Base):
    record_kind: ClassVar[str] = "risk"
    __tablename__ = "risk_assessments"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey(REFERRAL_FK), index=True)
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("subjects.id"))
    question_set: Mapped[str] = mapped_column(String(100))
    answers: Mapped[Any] = mapped_column(JSON)
    score: Mapped[int] = mapped_column(Integer)
    band: Mapped[str] = mapped_column(String(20))
    deadline_at: Mapped[datetime]
    assessed_at: Mapped[datetime]
    assessed_by: Mapped[str] = mapped_column(String(63))
    rationale: Mapped[str] = mapped_column(Text, default="")
    withdrawn_at: Mapped[datetime | None]


class WarrantRow(Base):
    record_kind: ClassVar[str] = "warrant"
    __tablename__ = "warrants"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey(REFERRAL_FK), index=True)
    status: Mapped[str] = mapped_column(String(20))
    premises: Mapped[str] = mapped_column(String(500))
    applied_at: Mapped[datetime]
    applied_by: Mapped[str] = mapped_column(String(63))
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("subjects.id"))
    court: Mapped[str] = mapped_column(String(200), default="")
    granted_at: Mapped[datetime | None]
    refused_at: Mapped[datetime | None]
    executed_at: Mapped[datetime | None]
    result: Mapped[str | None] = mapped_column(String(40))
    notes: Mapped[str] = mapped_column(Text, default="")
    withdrawn_at: Mapped[datetime | None]


class ArrestRow(Base):
    record_kind: ClassVar[str] = "arrest"
    __tablename__ = "arrests"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey(REFERRAL_FK), index=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subjects.id"))
    arrested_at: Mapped[datetime]
    location: Mapped[str] = mapped_column(String(500))
    arresting_officer: Mapped[str] = mapped_column(String(63))
    grounds: Mapped[str] = mapped_column(Text)
    custody_reference: Mapped[str] = mapped_column(String(100), default="")
    withdrawn_at: Mapped[datetime | None]


class ExhibitRow(Base):
    """An exhibit; its reference is unique within its force (the referral's), not across them."""

    record_kind: ClassVar[str] = "exhibit"
    __tablename__ = "exhibits"
    __table_args__ = (UniqueConstraint("force", "reference"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey(REFERRAL_FK), index=True)
    force: Mapped[str] = mapped_column(String(40))
    reference: Mapped[str] = mapped_column(String(64), index=True)
    device_type: Mapped[str] = mapped_column(String(40))
    seal_number: Mapped[str] = mapped_column(String(100))
    seized_at: Mapped[datetime]
    seized_by: Mapped[str] = mapped_column(String(63))
    seized_from: Mapped[str] = mapped_column(String(500))
    description: Mapped[str] = mapped_column(Text, default="")
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("subjects.id"))
    warrant_id: Mapped[int | None] = mapped_column(ForeignKey("warrants.id"))
    withdrawn_at: Mapped[datetime | None]


class CustodyEventRow(Base):
    record_kind: ClassVar[str] = "custody"
    __tablename__ = "custody_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey(REFERRAL_FK), index=True)
    exhibit_id: Mapped[int] = mapped_column(ForeignKey("exhibits.id"), index=True)
    handed_from: Mapped[str] = mapped_column(String(63))
    handed_to: Mapped[str] = mapped_column(String(63))
    at: Mapped[datetime]
    location: Mapped[str] = mapped_column(String(500))
    purpose: Mapped[str] = mapped_column(String(500), default="")
    seal_intact: Mapped[bool] = mapped_column(Boolean, default=True)
    withdrawn_at: Mapped[datetime | None]


class SafeguardingRow(Base):
    record_kind: ClassVar[str] = "safeguarding"
    __tablename__ = "safeguarding_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey(REFERRAL_FK), index=True)
    recorded_at: Mapped[datetime]
    recorded_by: Mapped[str] = mapped_column(String(63))
    children_identified: Mapped[int] = mapped_column(Integer)
    children_safeguarded: Mapped[int] = mapped_column(Integer)
    referred_to_childrens_services: Mapped[bool] = mapped_column(Boolean)
    local_authority: Mapped[str] = mapped_column(String(200), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    withdrawn_at: Mapped[datetime | None]


class OutcomeRow(Base):
    record_kind: ClassVar[str] = "outcome"
    __tablename__ = "outcomes"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey(REFERRAL_FK), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    decided_at: Mapped[datetime]
    recorded_by: Mapped[str] = mapped_column(String(63))
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("subjects.id"))
    notes: Mapped[str] = mapped_column(Text, default="")
    withdrawn_at: Mapped[datetime | None]


class RecordHistoryRow(Base):
    """A correction, withdrawal or reopening of a casework record: what changed, when, by whom
    and why (`changes`: each field's earlier and new value)."""

    __tablename__ = "record_history"
    __table_args__ = (Index("ix_record_history_record", "kind", "record_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[int] = mapped_column(Integer)
    referral_id: Mapped[int] = mapped_column(ForeignKey(REFERRAL_FK), index=True)
    action: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime]
    by: Mapped[str] = mapped_column(String(63))
    reason: Mapped[str] = mapped_column(Text)
    changes: Mapped[Any] = mapped_column(JSON)
