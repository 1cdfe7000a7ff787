"""Who works on a case: its owner (one row per owned referral) and its actions (tasks with an
assignee, a due date and a state). Column names follow `netsafe.operation.actions`."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from netsafe.store.base import Base
from netsafe.store.models.operation import REFERRAL_FK


class CaseOwnerRow(Base):
    """The owner of a referral (no row: no owner)."""

    __tablename__ = "case_owners"

    referral_id: Mapped[int] = mapped_column(
        ForeignKey(REFERRAL_FK, ondelete="CASCADE"), primary_key=True
    )
    username: Mapped[str] = mapped_column(String(63), index=True)
    assigned_at: Mapped[datetime]
    assigned_by: Mapped[str] = mapped_column(String(63))


class CaseActionRow(Base):
    """An action on a case."""

    __tablename__ = "case_actions"
    __table_args__ = (
        # My work: a user's actions in a state, by due date.
        Index("ix_case_actions_assignee_state_due", "assignee", "state", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(
        ForeignKey(REFERRAL_FK, ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(500))
    assignee: Mapped[str] = mapped_column(String(63))
    due_on: Mapped[date]
    state: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(63))
    updated_at: Mapped[datetime | None]
    updated_by: Mapped[str | None] = mapped_column(String(63))
