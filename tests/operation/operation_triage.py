"""A synthetic triage run for an exhibit (paths and hashes only), for the page and browser tests."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from netsafe.store.repositories.triage import SqlTriageRepository
from netsafe.triage.result import Finding
from netsafe.triage.stored import TriageRun


def store_triage_run(
    session: Session, exhibit_reference: str, matched: int = 3, case: str | None = None
) -> TriageRun:
    """Store a finished run of `exhibit_reference` (naming `case`, the referral's reference, as
    `netsafe triage --case` does) with `matched` benign synthetic findings."""
    now = datetime.now(UTC).replace(microsecond=0)
    findings = []
    for index in range(matched):
        data = f"synthetic-file-{exhibit_reference}-{index}".encode()
        findings.append(
            Finding(
                source="image.E01",
                path=f"/Users/example/Pictures/zebra-test-{index}.jpg",
                size=1000 + index,
                md5=hashlib.md5(data).hexdigest(),
                sha1=hashlib.sha1(data).hexdigest(),
                sha256=hashlib.sha256(data).hexdigest(),
                pdq=None,
                list_name="synthetic-test-list",
                entry_id=str(index),
                category="C",
                signal="sha1",
                distance=0,
                deleted=False,
            )
        )
    run = TriageRun(
        exhibit=exhibit_reference,
        case=case,
        started_at=now - timedelta(minutes=5),
        finished_at=now,
        files_scanned=1234,
        bytes_scanned=5_000_000,
        files_matched=matched,
        findings=matched,
        files_ignored=200,
        items_in_error=0,
        warnings=0,
        out_dir="/tmp/triage-out",
        category_counts={"C": matched},
    )
    return SqlTriageRepository(session).add_run(run, findings)
