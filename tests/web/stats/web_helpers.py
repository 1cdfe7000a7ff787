"""Helpers for the statistics web tests: a few committed records."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine

from netsafe.store.engine import make_session_factory, unit_of_work
from netsafe.store.models.operation import ArrestRow, ReferralRow, SubjectRow, WarrantRow


def seed_march_2017(engine: Engine) -> None:
    """Gwent: 2 warrants and 1 arrest in March 2017; north-wales: 1 warrant in February."""
    with unit_of_work(make_session_factory(engine)) as session:
        for day, month, force in ((3, 3, "gwent"), (20, 3, "gwent"), (10, 2, "north-wales")):
            moment = datetime(2017, month, day, 10, tzinfo=UTC)
            referral = ReferralRow(
                source="national-referral",
                force=force,
                received_at=moment,
                summary="synthetic",
                status="actioned",
                deadline_at=moment,
            )
            session.add(referral)
            session.flush()
            session.add(
                WarrantRow(
                    referral_id=referral.id,
                    status="executed",
                    premises="x",
                    applied_at=moment,
                    applied_by="t",
                    executed_at=moment,
                )
            )
            if day == 20:
                subject = SubjectRow(
                    referral_id=referral.id, display_name="S", created_at=moment, created_by="t"
                )
                session.add(subject)
                session.flush()
                session.add(
                    ArrestRow(
                        referral_id=referral.id,
                        subject_id=subject.id,
                        arrested_at=moment,
                        location="x",
                        arresting_officer="t",
                        grounds="g",
                    )
                )
