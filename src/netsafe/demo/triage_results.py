"""Triage results for the demo's seized devices, in the form the triage repository stores.

Matched "files" are generated benign byte strings: their hashes are real hashes of those bytes,
their category is drawn from the rates. No image, real hash list or real content is involved.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from netsafe.demo import rates
from netsafe.demo.draws import Draws
from netsafe.triage.result import Finding
from netsafe.triage.stored import TriageRun

DEMO_LIST = "demo-known-list (synthetic)"


def _finding(draws: Draws, index: int, category: str) -> Finding:
    content = f"netsafe-demo-benign-{draws.token(16)}".encode()
    return Finding(
        source="device",
        path=f"/Pictures/demo-{index:04d}.jpg",
        size=len(content),
        md5=hashlib.md5(content, usedforsecurity=False).hexdigest(),
        sha1=hashlib.sha1(content, usedforsecurity=False).hexdigest(),
        sha256=hashlib.sha256(content).hexdigest(),
        pdq=None,
        list_name=DEMO_LIST,
        entry_id=f"demo-{draws.token(8)}",
        category=category,
        signal="sha1",
        distance=0,
        deleted=draws.chance(0.1),
    )


def draw_triage(draws: Draws, finished_at: datetime) -> tuple[TriageRun, list[Finding]]:
    """A finished triage (exhibit and case left blank for the caller): files scanned, and
    matches on some devices."""
    files = draws.integer(2_000, 160_000)
    findings: list[Finding] = []
    if draws.chance(rates.WITH_MATCHES):
        for index in range(1 + draws.count(5.0)):
            findings.append(_finding(draws, index, draws.pick(rates.MATCH_CATEGORIES)))
    counts: dict[str, int] = {}
    for finding in findings:
        counts[finding.category] = counts.get(finding.category, 0) + 1
    run = TriageRun(
        exhibit="",
        case=None,
        started_at=finished_at - timedelta(hours=draws.uniform(0.2, 4.0)),
        finished_at=finished_at,
        files_scanned=files,
        bytes_scanned=files * draws.integer(200_000, 3_000_000),
        files_matched=len(findings),
        findings=len(findings),
        files_ignored=files // 3,
        items_in_error=draws.count(0.5),
        warnings=0,
        out_dir="(demo: no report folder)",
        category_counts=counts,
        summary={"demo": True, "counts": counts},
    )
    return run, findings
