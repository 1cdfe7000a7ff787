"""The demo ledger: the synthetic data sets `netsafe demo` has seeded (a rerun adds nothing)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from netsafe.store.base import Base


class DemoDatasetRow(Base):
    """One seeded demo data set: its name, seed, when, and what it added."""

    __tablename__ = "demo_datasets"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    seed: Mapped[int] = mapped_column(Integer)
    seeded_at: Mapped[datetime]
    added: Mapped[dict[str, Any]] = mapped_column(JSON)
