"""Deconfliction tables: each imported referral's identifiers as keys (`deconfliction_keys`),
and the links between referrals that share one (`deconfliction_links`, one row a pair of
referrals and kind of identifier, the lower id first: a notice of either side reads it).

Keys come from `intake_identifiers` through `netsafe.intake.identifier_keys`; a link names the
kind and key shared, never anything else of the other referral. Both go with their referral.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from netsafe.store.base import Base

REFERRAL_FK = "referrals.id"


class DeconflictionKeyRow(Base):
    """An identifier of a referral as its deconfliction key (`key`, with the service of a screen
    name) and its value alone (`value_key`, for lookups), with the capture time of an IP."""

    __tablename__ = "deconfliction_keys"
    __table_args__ = (
        Index("ix_deconfliction_keys_key", "key", "kind"),
        Index("ix_deconfliction_keys_value_key", "value_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(
        ForeignKey(REFERRAL_FK, ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    key: Mapped[str] = mapped_column(String(1000))
    value_key: Mapped[str] = mapped_column(String(1000))
    seen_at: Mapped[datetime | None]


class DeconflictionLinkRow(Base):
    """Referrals `referral_id` and `other_referral_id` (the higher id) share an identifier of
    `kind` (`key`: the first such key found; the pair is linked once a kind)."""

    __tablename__ = "deconfliction_links"
    __table_args__ = (
        UniqueConstraint("referral_id", "other_referral_id", "kind"),
        CheckConstraint("referral_id < other_referral_id", name="ordered_pair"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(
        ForeignKey(REFERRAL_FK, ondelete="CASCADE"), index=True
    )
    other_referral_id: Mapped[int] = mapped_column(
        ForeignKey(REFERRAL_FK, ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    key: Mapped[str] = mapped_column(String(1000))
    created_at: Mapped[datetime]
