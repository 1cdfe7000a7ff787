"""The intake API and pages on SQLite and PostgreSQL: the operation lead imports a report file
(idempotent, refused whole with the element path), the queue awaiting a force and assigning,
the referral's files with their matches on the API and the case page."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from netsafe.intake.generator import generate_reports, reports_json, reports_xml
from netsafe.platform.roles import Role
from netsafe.settings import Settings
from netsafe.store.engine import make_session_factory, unit_of_work
from netsafe.usecases.import_hashlist import ImportRequest, import_hashlist
from tests.web.trust_support import bearer

XML = {"Content-Type": "application/xml"}


def test_the_lead_imports_a_file_once_and_investigators_may_not(
    client: TestClient, engine: Engine, settings: Settings
) -> None:
    lead = bearer(engine, settings, "op.lead", "regional-unit", Role.OPERATION_LEAD)
    gwent = bearer(engine, settings, "gwent.inv", "gwent", Role.INVESTIGATOR)
    body = reports_xml(generate_reports(3, seed=21, unlocated_fraction=0.0))
    assert (
        client.post("/api/v1/referrals/import", content=body, headers={**gwent, **XML}).status_code
        == 403
    )
    first = client.post(
        "/api/v1/referrals/import?name=r.xml", content=body, headers={**lead, **XML}
    )
    assert first.status_code == 200, first.text
    assert first.json()["counts"]["added"] == 3
    again = client.post("/api/v1/referrals/import", content=body, headers={**lead, **XML})
    unit = bearer(engine, settings, "unit.inv", "regional-unit", Role.INVESTIGATOR)
    more = reports_xml(generate_reports(1, seed=25, first_report_id=660_000_001))
    by_unit = client.post("/api/v1/referrals/import", content=more, headers={**unit, **XML})
    assert by_unit.status_code == 200, by_unit.text
    assert by_unit.json()["counts"]["added"] == 1
    assert again.json()["counts"] == {
        "added": 0,
        "already_known": 3,
        "refused_files": 0,
        "unassigned": 0,
    }
    referral_id = first.json()["added"][0]["referral_id"]
    force = first.json()["added"][0]["force"]
    own = bearer(engine, settings, "own.inv", force, Role.INVESTIGATOR)
    intake = client.get(f"/api/v1/referrals/{referral_id}/intake", headers=own)
    assert intake.status_code == 200
    assert intake.json()["report_id"] == first.json()["added"][0]["report_id"]
    assert len(intake.json()["files"]) == 3
    other = "gwent" if force != "gwent" else "north-wales"
    stranger = bearer(engine, settings, "other.inv", other, Role.INVESTIGATOR)
    assert (
        client.get(f"/api/v1/referrals/{referral_id}/intake", headers=stranger).status_code == 404
    )


def test_a_bad_file_is_refused_whole_with_its_element_path(
    client: TestClient, engine: Engine, settings: Settings
) -> None:
    lead = bearer(engine, settings, "op.lead", "regional-unit", Role.OPERATION_LEAD)
    reports = generate_reports(2, seed=22)
    body = reports_json(reports).replace(b'"Reported"', b'"Perhaps"', 1)
    refused = client.post(
        "/api/v1/referrals/import",
        content=body,
        headers={**lead, "Content-Type": "application/json"},
    )
    assert refused.status_code == 422
    detail = refused.json()["detail"][0]
    assert detail["loc"] == ["body", "reports", "report[1]", "fileDetails[1]", "fileRelevance"]
    assert "NCMEC" in detail["msg"]
    fixed = client.post("/api/v1/referrals/import", content=reports_json(reports), headers=lead)
    assert fixed.json()["counts"]["added"] == 2  # nothing of the refused file was kept


def test_the_queue_awaiting_a_force_and_assigning(
    client: TestClient, engine: Engine, settings: Settings
) -> None:
    lead = bearer(engine, settings, "op.lead", "regional-unit", Role.OPERATION_LEAD)
    body = reports_xml(generate_reports(2, seed=23, unlocated_fraction=1.0))
    added = client.post("/api/v1/referrals/import", content=body, headers={**lead, **XML}).json()
    assert added["counts"]["unassigned"] == 2
    queue = client.get("/api/v1/referrals/unassigned", headers=lead).json()
    assert queue["total"] == 2
    target = queue["referrals"][0]["referral_id"]
    done = client.post(f"/api/v1/referrals/{target}/assign", json={"force": "gwent"}, headers=lead)
    assert done.status_code == 200
    assert done.json()["force"] == "gwent"
    again = client.post(f"/api/v1/referrals/{target}/assign", json={"force": "gwent"}, headers=lead)
    assert again.status_code == 422
    assert client.get("/api/v1/referrals/unassigned", headers=lead).json()["total"] == 1


def test_matches_show_on_the_case_page(
    client: TestClient, engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    report = generate_reports(1, seed=24, unlocated_fraction=0.0)[0]
    listed = tmp_path / "a.csv"
    listed.write_text(f"md5,category\n{report.files[0].hash_of('md5')},A\n")
    sessions = make_session_factory(engine)
    import_hashlist(
        ImportRequest(listed, "known-a"), lambda: unit_of_work(sessions), settings.index_folder
    )
    lead = bearer(engine, settings, "op.lead", "regional-unit", Role.OPERATION_LEAD)
    added = client.post(
        "/api/v1/referrals/import", content=reports_xml([report]), headers={**lead, **XML}
    ).json()["added"][0]
    assert added["categories"] == ["A"]
    assert added["prescore_band"] == "high"
    page = client.get(f"/operation/referrals/{added['referral_id']}", headers=lead)
    assert page.status_code == 200
    assert "Reported files" in page.text
    assert "category <strong>A</strong> in known-a" in page.text
    assert "Pre-scored at intake" in page.text
    assert any(f.hash_of("pdq") for f in report.files)
    assert "matched without the lists' quality floor" in page.text
