"""The platform's tables: user accounts, the hash-chained audit log, the report rate limit."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from netsafe.store.base import Base


class UserRow(Base):
    """A local account of an agency, with its role, password hash and TOTP secret."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(63), unique=True)
    agency: Mapped[str] = mapped_column(String(40), ForeignKey("agencies.slug"))
    role: Mapped[str] = mapped_column(String(40))
    password_hash: Mapped[str] = mapped_column(String(255))
    security_stamp: Mapped[str] = mapped_column(String(64))
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None]
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime]
    last_login_at: Mapped[datetime | None]
    #: Raised by logout: session cookies carry the generation they were issued under.
    session_generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class AuditRow(Base):
    """One audit record. `id` is its sequence number in the chain (assigned, never reused)."""

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_at", "at"),
        Index("ix_audit_log_actor", "actor"),
        Index("ix_audit_log_resource", "resource_type", "resource_id"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    at: Mapped[datetime]
    action: Mapped[str] = mapped_column(String(80))
    resource_type: Mapped[str] = mapped_column(String(40))
    resource_id: Mapped[str | None] = mapped_column(String(80))
    actor_user_id: Mapped[int | None] = mapped_column(Integer)
    actor: Mapped[str] = mapped_column(String(63))
    actor_agency: Mapped[str | None] = mapped_column(String(40))
    request_id: Mapped[str | None] = mapped_column(String(64))
    client: Mapped[str | None] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(20))
    detail: Mapped[str | None] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    #: How `hash` was made: `hmac-sha256` (keyed), or `sha256` for rows chained before the key.
    scheme: Mapped[str] = mapped_column(String(16), server_default="sha256")


class AuditHeadRow(Base):
    """The chain head: one row (id 1) with the last sequence number and hash. Appenders lock it."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(BigInteger)
    hash: Mapped[str] = mapped_column(String(64))


class AuditPendingRow(Base):
    """An event written by a request's own transaction, waiting to be chained into `audit_log`
    (sealed right after that commit, or by the next seal). Never updated; deleted when sealed."""

    __tablename__ = "audit_pending"

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"), primary_key=True, autoincrement=True
    )
    at: Mapped[datetime]
    action: Mapped[str] = mapped_column(String(80))
    resource_type: Mapped[str] = mapped_column(String(40))
    resource_id: Mapped[str | None] = mapped_column(String(80))
    actor_user_id: Mapped[int | None] = mapped_column(Integer)
    actor: Mapped[str] = mapped_column(String(63))
    actor_agency: Mapped[str | None] = mapped_column(String(40))
    request_id: Mapped[str | None] = mapped_column(String(64))
    client: Mapped[str | None] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(20))
    detail: Mapped[str | None] = mapped_column(Text)


class ReportRateRow(Base):
    """Public reports counted per client and time window, shared by every server process.
    `client_key` is an HMAC of the client address (never the address itself)."""

    __tablename__ = "report_rate"
    __table_args__ = (Index("ix_report_rate_window", "time_window"),)

    client_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    time_window: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    reports: Mapped[int] = mapped_column(Integer)
