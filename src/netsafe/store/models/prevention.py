"""Prevention tables: anonymous contact records and daily counters (self-help, deterrence funnel).

There is deliberately no column for a name, phone number, e-mail, IP address, user agent or time
of day: a contact has a date, coded fields, checked free text and at most a keyed code-word hash;
a counter row is (day, what, count).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Date, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from netsafe.store.base import Base


class PreventionContactRow(Base):
    """One help-seeking contact with the charity's helpline."""

    __tablename__ = "prevention_contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_date: Mapped[date] = mapped_column(Date, index=True)
    channel: Mapped[str] = mapped_column(String(20))
    who: Mapped[str] = mapped_column(String(20))
    concern_online_images: Mapped[bool] = mapped_column(Boolean)
    concern_online_contact: Mapped[bool] = mapped_column(Boolean)
    concern_offline: Mapped[bool] = mapped_column(Boolean)
    area: Mapped[str] = mapped_column(String(20))
    heard_via: Mapped[str] = mapped_column(String(30))
    protective_actions: Mapped[str] = mapped_column(Text)
    notes: Mapped[str] = mapped_column(Text)
    follow_ups: Mapped[int] = mapped_column(Integer)
    code_word_hash: Mapped[str | None] = mapped_column(String(64), index=True)


class PreventionSelfHelpCountRow(Base):
    """How many self-help module starts or completions there were on one day."""

    __tablename__ = "prevention_self_help_counts"
    __table_args__ = (UniqueConstraint("day", "module", "event"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    module: Mapped[str] = mapped_column(String(60))
    event: Mapped[str] = mapped_column(String(20))
    count: Mapped[int] = mapped_column(Integer)


class PreventionFunnelCountRow(Base):
    """How many times one deterrence-funnel step happened on one day."""

    __tablename__ = "prevention_funnel_counts"
    __table_args__ = (UniqueConstraint("day", "step"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    step: Mapped[str] = mapped_column(String(30))
    count: Mapped[int] = mapped_column(Integer)


class PreventionAccessAuditRow(Base):
    """The charity's audit of record access: day, practitioner, action, contact (no time, no IP)."""

    __tablename__ = "prevention_access_audit"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    actor: Mapped[str] = mapped_column(String(63))
    action: Mapped[str] = mapped_column(String(30))
    contact_id: Mapped[int | None] = mapped_column(Integer)


__all__ = [
    "PreventionAccessAuditRow",
    "PreventionContactRow",
    "PreventionFunnelCountRow",
    "PreventionSelfHelpCountRow",
]
