"""The exhibit page shows a video finding (vPDQ) with its match shares and the list's thresholds
it met, beside the hash it names (never the video)."""

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

#: A vPDQ value as Meta serialises it (two frames of a generated, benign test video).
VPDQ = '["' + "ab" * 32 + ',88,0.000","' + "cd" * 32 + ',91,1.000"]'
#: What the matcher reports on a vPDQ match (VpdqSignalIndex): shares, then the thresholds met.
SCORES = (
    ("query_match", 0.93),
    ("compared_match", 0.88),
    ("min_query_match", 0.8),
    ("min_compared_match", 0.0),
    ("frame_max_distance", 31.0),
    ("frame_quality_floor", 50.0),
)


def test_exhibit_page_shows_a_video_finding_with_its_match_shares(
    client: TestClient, engine: Engine, settings: Settings
) -> None:
    h = _auth(engine, settings, "gw.exam", "gwent", Role.INVESTIGATOR)
    case_url = _post(
        client,
        "/operation/referrals/new",
        h,
        {"source": "national-referral", "force": "gwent", "summary": "Synthetic"},
    ).split("?")[0]
    exhibit_url = _post(
        client,
        f"{case_url}/exhibits",
        h,
        {"reference": "GWP/EX/7", "device_type": "phone", "seal_number": "S-7",
         "seized_from": "2 Example Road"},
    ).split("?")[0]  # fmt: skip
    data = b"synthetic-video"
    finding = Finding(
        source="phone.E01",
        path="/DCIM/zebra-test-clip.mp4",
        size=7_400_000,
        md5=hashlib.md5(data).hexdigest(),
        sha1=hashlib.sha1(data).hexdigest(),
        sha256=hashlib.sha256(data).hexdigest(),
        pdq=None,
        list_name="synthetic-video-list",
        entry_id="41",
        category="A",
        signal="vpdq",
        distance=7,
        deleted=False,
        signals=(("vpdq", VPDQ),),
        scores=SCORES,
    )
    now = datetime.now(UTC).replace(microsecond=0)
    run = TriageRun(
        exhibit="GWP/EX/7", case=None, started_at=now - timedelta(minutes=2), finished_at=now,
        files_scanned=3, bytes_scanned=9_000_000, files_matched=1, findings=1, files_ignored=0,
        items_in_error=0, warnings=0, out_dir="/tmp/triage-out", category_counts={"A": 1},
        summary={"examiner": "DC 1234 Example", "sources": []},
    )  # fmt: skip
    with unit_of_work(make_session_factory(engine)) as session:
        SqlTriageRepository(session).add_run(run, [finding])
    page = client.get(exhibit_url, headers=h)
    assert page.status_code == 200
    row = page.text[page.text.index("zebra-test-clip.mp4") :]
    row = row[: row.index("</tr>")]
    assert "synthetic-video-list" in row
    assert "vpdq (distance 7)" in row  # 7 % of the file's frames unmatched
    assert "query_match 0.93" in row
    assert "compared_match 0.88" in row
    assert "min_query_match 0.80" in row
    assert "frame_max_distance 31.00" in row
    assert f'SHA-1 <code class="hash">{finding.sha1}</code>' in row
