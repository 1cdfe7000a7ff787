"""The exhibit page's triage results: findings most serious first, the hash shown named, sizes
in human units, the examiner, warnings and errors shown."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from netsafe.platform.roles import Role
from netsafe.settings import Settings
from netsafe.store.engine import make_session_factory, unit_of_work
from netsafe.store.repositories.triage import SqlTriageRepository
from netsafe.triage.result import Finding
from netsafe.triage.stored import TriageRun
from tests.web.operation.test_pages import _auth, _post


def _finding(index: int, category: str, signal: str, size: int) -> Finding:
    data = f"synthetic-{index}".encode()
    return Finding(
        source="image.E01",
        path=f"/Users/example/zebra-test-{index}.jpg",
        size=size,
        md5=hashlib.md5(data).hexdigest(),
        sha1=hashlib.sha1(data).hexdigest(),
        sha256=hashlib.sha256(data).hexdigest(),
        pdq="ab" * 32 if signal == "pdq" else None,
        list_name="synthetic-test-list",
        entry_id=str(index),
        category=category,
        signal=signal,
        distance=7 if signal == "pdq" else 0,
        deleted=index == 2,
    )


def test_exhibit_page_lists_findings_most_serious_first_and_shows_warnings(
    client: TestClient, engine: Engine, settings: Settings
) -> None:
    h = _auth(engine, settings, "dp.exam", "dyfed-powys", Role.INVESTIGATOR)
    case_url = _post(
        client,
        "/operation/referrals/new",
        h,
        {"source": "national-referral", "force": "dyfed-powys", "summary": "Synthetic"},
    ).split("?")[0]
    exhibit_url = _post(
        client,
        f"{case_url}/exhibits",
        h,
        {"reference": "DPP/EX/9", "device_type": "phone", "seal_number": "S-1",
         "seized_from": "1 Example Road"},
    ).split("?")[0]  # fmt: skip
    now = datetime.now(UTC).replace(microsecond=0)
    findings = [  # stored out of order: C, then A by MD5, then B by PDQ
        _finding(0, "C", "sha1", 999),
        _finding(1, "A", "md5", 2_500_000),
        _finding(2, "B", "pdq", 48_000),
    ]
    run = TriageRun(
        exhibit="DPP/EX/9", case=None, started_at=now - timedelta(minutes=3), finished_at=now,
        files_scanned=10, bytes_scanned=3_400_000_000, files_matched=3, findings=3,
        files_ignored=1, items_in_error=1, warnings=2, out_dir="/tmp/triage-out",
        category_counts={"A": 1, "B": 1, "C": 1},
        summary={"examiner": "DC 4521 Example", "images_pdq_not_tried": 4, "sources": []},
    )  # fmt: skip
    with unit_of_work(make_session_factory(engine)) as session:
        SqlTriageRepository(session).add_run(run, findings)
    page = client.get(exhibit_url, headers=h).text
    rows = page[page.index("Findings, most serious first") :]
    assert rows.index("zebra-test-1") < rows.index("zebra-test-2") < rows.index("zebra-test-0")
    assert "Hash shown" in page
    assert f'MD5 <code class="hash">{findings[1].md5}</code>' in page
    assert f'PDQ <code class="hash">{"ab" * 32}</code>' in page
    assert f'SHA-1 <code class="hash">{findings[0].sha1}</code>' in page
    assert "PDQ (distance 7)" in page
    assert "2.5 MB" in page
    assert "999 bytes" in page
    assert "3.4 GB" in page
    assert "DC 4521 Example" in page
    assert 'class="triage-warning">2 (errors.csv' in page
    assert "4 images too plain or too small to match by PDQ" in page
    assert "(deleted)" in page
