"""Intake tables: the CyberTipline report behind a referral (`intake_reports`), its files with
their hashes (`intake_files`) and what the hash lists know of them (`intake_file_matches`), and
every identifier the report gives (`intake_identifiers`: the plain table deconfliction indexes).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

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
#: Referrals waiting in the regional unit's queue for a person to choose their force.
AWAITING_CONDITION = "awaiting_assignment"


class IntakeReportRow(Base):
    """The CyberTipline report a referral was imported from (one report, one referral)."""

    __tablename__ = "intake_reports"
    __table_args__ = (
        Index(
            "ix_intake_reports_awaiting",
            "imported_at",
            postgresql_where=text(AWAITING_CONDITION),
            sqlite_where=text(AWAITING_CONDITION),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(
        ForeignKey(REFERRAL_FK, ondelete="CASCADE"), unique=True
    )
    #: The CyberTipline report number: a report is imported once.
    report_id: Mapped[str] = mapped_column(String(20), unique=True)
    source_file: Mapped[str] = mapped_column(String(500))
    file_format: Mapped[str] = mapped_column(String(10))
    imported_at: Mapped[datetime]
    imported_by: Mapped[str] = mapped_column(String(63))
    incident_type: Mapped[str] = mapped_column(String(200))
    escalate_reason: Mapped[str | None] = mapped_column(Text)
    annotations: Mapped[Any] = mapped_column(JSON)
    esp_service: Mapped[str | None] = mapped_column(String(200))
    assignment_reason: Mapped[str] = mapped_column(Text)
    awaiting_assignment: Mapped[bool] = mapped_column(Boolean, default=False)
    assigned_by: Mapped[str | None] = mapped_column(String(63))
    assigned_at: Mapped[datetime | None]
    prescore_band: Mapped[str | None] = mapped_column(String(20))
    prescore_reasons: Mapped[Any] = mapped_column(JSON)
    prescore_rules: Mapped[str] = mapped_column(String(120))
    #: The whole report as read (JSON), for the case page and exports.
    document: Mapped[Any] = mapped_column(JSON)


class IntakeFileRow(Base):
    """A file of a report (`fileDetails`): its hashes and what the service said of it."""

    __tablename__ = "intake_files"
    __table_args__ = (UniqueConstraint("referral_id", "file_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(
        ForeignKey(REFERRAL_FK, ondelete="CASCADE"), index=True
    )
    file_id: Mapped[str] = mapped_column(String(200))
    original_file_name: Mapped[str | None] = mapped_column(String(1000))
    md5: Mapped[str | None] = mapped_column(String(32), index=True)
    sha1: Mapped[str | None] = mapped_column(String(40), index=True)
    sha256: Mapped[str | None] = mapped_column(String(64))
    pdq: Mapped[str | None] = mapped_column(String(64))
    relevance: Mapped[str] = mapped_column(String(40))
    annotations: Mapped[Any] = mapped_column(JSON)
    industry_classification: Mapped[str | None] = mapped_column(String(10))
    viewed_by_esp: Mapped[bool | None] = mapped_column(Boolean)
    publicly_available: Mapped[bool | None] = mapped_column(Boolean)
    #: When the file's hashes were last matched against the lists.
    matched_at: Mapped[datetime | None]


class IntakeFileMatchRow(Base):
    """A list entry a file's hash matched (replaced whenever the file is matched again)."""

    __tablename__ = "intake_file_matches"

    id: Mapped[int] = mapped_column(primary_key=True)
    intake_file_id: Mapped[int] = mapped_column(
        ForeignKey("intake_files.id", ondelete="CASCADE"), index=True
    )
    list_name: Mapped[str] = mapped_column(String(200))
    entry_id: Mapped[int] = mapped_column(Integer)
    category: Mapped[str] = mapped_column(String(20))
    signal: Mapped[str] = mapped_column(String(20))
    distance: Mapped[int] = mapped_column(Integer)


class IntakeIdentifierRow(Base):
    """An identifier a report gives, as reported (not normalised): kind (`ip-address`, `email`,
    `phone`, `screen-name`, `esp-identifier`, `profile-url`, `device-id`, `file-hash`), value,
    qualifier (the service of a screen name or ESP id, the hash type, the device id's type, the
    IP capture's event), the capture time, and the element it came from."""

    __tablename__ = "intake_identifiers"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(
        ForeignKey(REFERRAL_FK, ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    value: Mapped[str] = mapped_column(String(1000))
    qualifier: Mapped[str | None] = mapped_column(String(200))
    seen_at: Mapped[datetime | None]
    found_at: Mapped[str] = mapped_column(String(200))
