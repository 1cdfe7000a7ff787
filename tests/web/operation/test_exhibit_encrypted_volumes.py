"""The exhibit page names each encrypted volume a triage met: its scheme and whether a key
opened it (never the key); a locked one is shown as a warning."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from netsafe.platform.roles import Role
from netsafe.settings import Settings
from netsafe.store.engine import make_session_factory, unit_of_work
from netsafe.store.repositories.triage import SqlTriageRepository
from netsafe.triage.stored import TriageRun
from tests.web.operation.test_pages import _auth, _post


def test_exhibit_page_says_which_volumes_were_encrypted_and_whether_opened(
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
        {"reference": "DPP/EX/11", "device_type": "laptop", "seal_number": "S-2",
         "seized_from": "1 Example Road"},
    ).split("?")[0]  # fmt: skip
    now = datetime.now(UTC).replace(microsecond=0)
    source = {
        "path": "laptop.E01",
        "encrypted_volumes": [
            {"volume": "/partition-1.2", "scheme": "BitLocker", "opened": True},
            {"volume": "/partition-1.3", "scheme": "LUKS", "opened": False},
        ],
    }
    run = TriageRun(
        exhibit="DPP/EX/11", case=None, started_at=now - timedelta(minutes=3), finished_at=now,
        files_scanned=3, bytes_scanned=3_000, files_matched=0, findings=0, files_ignored=0,
        items_in_error=1, warnings=0, out_dir="/tmp/triage-out",
        summary={"examiner": "DC 4521 Example", "sources": [source, {"path": "old-run.raw"}]},
    )  # fmt: skip
    with unit_of_work(make_session_factory(engine)) as session:
        SqlTriageRepository(session).add_run(run, [])
    page = client.get(exhibit_url, headers=h).text
    assert (
        "<dt>Encrypted volume</dt><dd>laptop.E01 /partition-1.2: BitLocker, "
        "decrypted with the key given</dd>"
    ) in page
    assert (
        '<dt>Encrypted volume</dt><dd class="triage-warning">laptop.E01 /partition-1.3: LUKS, '
        "locked, not read</dd>"
    ) in page
