"""File hashes typed in by hand on a case (the JSON API and the incident form) are matched
against the known-hash lists by the rule an imported report's are (SQLite and PostgreSQL):
the referral's JSON and the case page show a listed hash as known, as for an imported report;
an unlisted one is not; a list imported afterwards matches them; a hash in the wrong form is
refused naming the field, with nothing saved. Every hash is a digest of benign bytes."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from netsafe.hashlists.model import HashEntry
from netsafe.intake.generator import generate_reports, reports_xml
from netsafe.platform.roles import Role
from netsafe.settings import Settings
from netsafe.store.engine import make_session_factory, unit_of_work
from netsafe.store.models.operation import ReferralRow
from netsafe.usecases.import_hashlist import ImportRequest, import_hashlist
from tests.hashlists.listfiles import write_csv
from tests.web.trust_support import bearer

MD5_A = hashlib.md5(b"zebra-test-1").hexdigest()
SHA1_B = hashlib.sha1(b"zebra-test-2").hexdigest()
SHA256_C = hashlib.sha256(b"zebra-test-3").hexdigest()
SHA1_UNLISTED = hashlib.sha1(b"zebra-test-unlisted").hexdigest()
LIST = "synthetic-known"


def import_list(
    engine: Engine, settings: Settings, tmp_path: Path, **extra: bytes
) -> dict[str, Any]:
    """The list fixture: a CSV (tests/hashlists/listfiles.py) knowing the three hashes at
    categories A, B and C (and `extra`: name → md5 digest, category A), imported as the CLI does;
    what the re-match of the referrals did."""
    entries = [
        HashEntry(md5=bytes.fromhex(MD5_A), category="A", source_id="1"),
        HashEntry(sha1=bytes.fromhex(SHA1_B), category="B", source_id="2"),
        HashEntry(sha256=bytes.fromhex(SHA256_C), category="C", source_id="3"),
        *(HashEntry(md5=digest, category="A", source_id=name) for name, digest in extra.items()),
    ]
    path = write_csv(tmp_path / "known.csv", entries)
    sessions = make_session_factory(engine)
    outcome = import_hashlist(
        ImportRequest(path, LIST), lambda: unit_of_work(sessions), settings.index_folder
    )
    return dict(outcome.referrals_rematched)


def typed_files() -> list[dict[str, str]]:
    return [
        {"file_name": "picture-a.jpg", "md5": MD5_A.upper()},
        {"file_name": "picture-b.jpg", "sha1": SHA1_B},
        {"file_name": "picture-c.jpg", "sha256": SHA256_C},
        {"file_name": "holiday.jpg", "sha1": SHA1_UNLISTED},
    ]


def new_referral(client: TestClient, headers: dict[str, str], files: list[Any]) -> Any:
    body = {
        "source": "partner",
        "force": "gwent",
        "received_at": "2026-11-30T09:00:00Z",
        "summary": "Synthetic referral typed in by hand",
        "incident": {"files": files},
    }
    return client.post("/api/v1/referrals", json=body, headers=headers)


def known_of(files: list[dict[str, Any]]) -> list[tuple[bool, list[str]]]:
    return [(f["known"], f["categories"]) for f in files]


EXPECTED = [(True, ["A"]), (True, ["B"]), (True, ["C"]), (False, [])]


def test_hand_typed_listed_hashes_are_matched_like_an_imported_report(
    client: TestClient, engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    report = generate_reports(1, seed=31, unlocated_fraction=0.0)[0]
    imported_md5 = report.files[0].hash_of("md5")
    assert imported_md5 is not None
    import_list(engine, settings, tmp_path, imported=bytes.fromhex(imported_md5))
    gwent = bearer(engine, settings, "gw.inv", "gwent", Role.INVESTIGATOR)

    created = new_referral(client, gwent, typed_files())
    assert created.status_code == 201, created.text
    assert known_of(created.json()["incident"]["files"]) == EXPECTED
    referral_id = created.json()["id"]
    read = client.get(f"/api/v1/referrals/{referral_id}", headers=gwent).json()
    files = read["incident"]["files"]
    assert known_of(files) == EXPECTED
    assert files[0]["md5"] == MD5_A  # stored lower-case
    assert files[0]["matches"] == [{"list": LIST, "category": "A", "signal": "md5", "distance": 0}]
    assert files[1]["matches"][0]["signal"] == "sha1"
    assert files[2]["matches"][0]["signal"] == "sha256"
    assert files[3]["matches"] == []
    assert files[3]["matched_at"] is not None

    page = client.get(f"/operation/referrals/{referral_id}", headers=gwent).text
    assert "3 of 4 files known to the hash lists" in page
    for category in "ABC":
        assert f"category <strong>{category}</strong> in {LIST}" in page
    assert "not known" in page

    # an imported report's file on the same list: the same words on its JSON and its page
    lead = bearer(engine, settings, "op.lead", "regional-unit", Role.OPERATION_LEAD)
    added = client.post(
        "/api/v1/referrals/import",
        content=reports_xml([report]),
        headers={**lead, "Content-Type": "application/xml"},
    ).json()["added"][0]
    own = bearer(engine, settings, "own.inv", added["force"], Role.INVESTIGATOR)
    intake = client.get(f"/api/v1/referrals/{added['referral_id']}/intake", headers=own).json()
    imported = client.get(f"/api/v1/referrals/{added['referral_id']}", headers=own).json()
    assert intake["files"][0]["matches"] == imported["incident"]["files"][0]["matches"]
    assert imported["incident"]["files"][0]["matches"] == [
        {"list": LIST, "category": "A", "signal": "md5", "distance": 0}
    ]
    assert [f["known"] for f in imported["incident"]["files"]] == [
        f["known"] for f in intake["files"]
    ]

    # the hashes typed in on the incident form are matched too
    form = client.post(
        f"/operation/referrals/{referral_id}/incident",
        headers=gwent,
        data={"files": f"form-a.jpg {MD5_A}\nform-unlisted.jpg {SHA1_UNLISTED}\n"},
    )
    assert form.status_code == 303, form.text
    edited = client.get(f"/api/v1/referrals/{referral_id}", headers=gwent).json()
    assert known_of(edited["incident"]["files"]) == [(True, ["A"]), (False, [])]


def test_a_list_imported_afterwards_matches_hand_typed_hashes(
    client: TestClient, engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    gwent = bearer(engine, settings, "gw.inv", "gwent", Role.INVESTIGATOR)
    created = new_referral(client, gwent, typed_files()[:1])
    referral_id = created.json()["id"]
    put = client.put(
        f"/api/v1/referrals/{referral_id}/incident", json={"files": typed_files()}, headers=gwent
    )
    assert put.status_code == 200, put.text
    assert known_of(put.json()["incident"]["files"]) == [(False, [])] * 4  # no list yet
    page = client.get(f"/operation/referrals/{referral_id}", headers=gwent).text
    assert "0 of 4 files known to the hash lists" in page

    rematched = import_list(engine, settings, tmp_path)
    assert rematched["case_files"] == 4
    assert rematched["known_case_files"] == 3
    read = client.get(f"/api/v1/referrals/{referral_id}", headers=gwent).json()
    assert known_of(read["incident"]["files"]) == EXPECTED
    page = client.get(f"/operation/referrals/{referral_id}", headers=gwent).text
    assert "3 of 4 files known to the hash lists" in page
    assert f"category <strong>A</strong> in {LIST}" in page
    search = client.get("/api/v1/search", params={"q": SHA1_B}, headers=gwent).json()
    assert [r["referral_id"] for r in search["results"]] == [referral_id]


def test_a_hand_typed_match_raises_the_pre_score_of_an_imported_referral(
    client: TestClient, engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    """An imported referral none of whose report's files is listed, with a listed file typed in
    by hand on the case: when the list arrives, its pre-score rises as if the report had it."""
    lead = bearer(engine, settings, "op.lead", "regional-unit", Role.OPERATION_LEAD)
    report = generate_reports(1, seed=32, unlocated_fraction=0.0, escalated_fraction=0.0)[0]
    added = client.post(
        "/api/v1/referrals/import",
        content=reports_xml([report]),
        headers={**lead, "Content-Type": "application/xml"},
    ).json()["added"][0]
    assert added["prescore_band"] is None
    rid = added["referral_id"]
    own = bearer(engine, settings, "own.inv", added["force"], Role.INVESTIGATOR)
    incident = client.get(f"/api/v1/referrals/{rid}", headers=own).json()["incident"]
    files = [{k: f[k] for k in ("file_name", "md5", "sha1", "sha256")} for f in incident["files"]]
    put = client.put(
        f"/api/v1/referrals/{rid}/incident",
        json={"files": [*files, {"file_name": "typed.jpg", "md5": MD5_A}]},
        headers=own,
    )
    assert put.status_code == 200, put.text
    rematched = import_list(engine, settings, tmp_path)
    assert rematched["prescore_raised"] == [rid]
    assert client.get(f"/api/v1/referrals/{rid}", headers=own).json()["risk_band"] == "high"

    # with the list there already, the listed hash raises it as it is typed in (API and form)
    for number, seed in enumerate((33, 34)):
        report = generate_reports(
            1,
            seed=seed,
            unlocated_fraction=0.0,
            escalated_fraction=0.0,
            first_report_id=910_000_001 + number,
        )[0]
        added = client.post(
            "/api/v1/referrals/import",
            content=reports_xml([report]),
            headers={**lead, "Content-Type": "application/xml"},
        ).json()["added"][0]
        assert added["prescore_band"] is None
        rid = added["referral_id"]
        own = bearer(engine, settings, f"own.{seed}", added["force"], Role.INVESTIGATOR)
        if number == 0:
            saved = client.put(
                f"/api/v1/referrals/{rid}/incident",
                json={"files": [{"file_name": "typed.jpg", "sha1": SHA1_B}]},
                headers=own,
            )
            assert saved.status_code == 200, saved.text
            assert saved.json()["risk_band"] is not None
        else:
            form = client.post(
                f"/operation/referrals/{rid}/incident",
                headers=own,
                data={"files": f"typed.jpg {MD5_A}"},
            )
            assert form.status_code == 303, form.text
        read = client.get(f"/api/v1/referrals/{rid}", headers=own).json()
        intake = client.get(f"/api/v1/referrals/{rid}/intake", headers=own).json()
        assert read["risk_band"] == intake["prescore"]["band"]
        assert read["risk_band"] == ("medium", "high")[number], intake["prescore"]


def test_a_listed_hash_typed_in_links_no_cases_an_unlisted_one_does(
    client: TestClient, engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    """Deconfliction treats a hand-typed hash the lists know as the import treats a report's:
    a known file (anyone may hold it) links no cases; a shared unlisted one does."""
    import_list(engine, settings, tmp_path)
    gwent = bearer(engine, settings, "gw.inv", "gwent", Role.INVESTIGATOR)
    north = bearer(engine, settings, "nw.inv", "north-wales", Role.INVESTIGATOR)

    def pair(typed: dict[str, str]) -> list[dict[str, Any]]:
        first = new_referral(client, gwent, [typed]).json()["id"]
        body = {
            "source": "partner",
            "force": "north-wales",
            "received_at": "2026-11-30T10:00:00Z",
            "summary": "Synthetic referral of another force",
            "incident": {"files": [typed]},
        }
        assert client.post("/api/v1/referrals", json=body, headers=north).status_code == 201
        found = client.get(f"/api/v1/referrals/{first}/deconfliction", headers=gwent).json()
        return list(found["notices"])

    assert pair(typed_files()[0]) == []  # listed (category A): no link
    notices = pair(typed_files()[3])  # unlisted: linked
    assert [(n["kind"], n["other_force"]) for n in notices] == [("file-hash", "north-wales")]


def referrals(engine: Engine) -> int:
    with unit_of_work(make_session_factory(engine)) as session:
        return int(session.scalar(select(func.count()).select_from(ReferralRow)) or 0)


def test_a_hash_in_the_wrong_form_is_refused_naming_the_field_and_nothing_is_saved(
    client: TestClient, engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    import_list(engine, settings, tmp_path)
    gwent = bearer(engine, settings, "gw.inv", "gwent", Role.INVESTIGATOR)
    wrong: list[tuple[dict[str, str], list[str]]] = [
        ({"file_name": "a.jpg", "md5": MD5_A[:-1]}, ["files[0]", "md5"]),  # 31 digits
        ({"file_name": "a.jpg", "sha1": SHA1_B[:-1] + "g"}, ["files[0]", "sha1"]),  # not hex
        ({"file_name": "a.jpg", "sha256": SHA1_B}, ["files[0]", "sha256"]),  # a SHA-1 there
        ({"file_name": "a.jpg", "pdq": SHA256_C}, ["files", "0", "pdq"]),  # not taken by hand
    ]
    for typed, field in wrong:
        refused = new_referral(client, gwent, [typed])
        assert refused.status_code == 422, refused.text
        assert [str(part) for part in refused.json()["detail"][0]["loc"][-len(field) :]] == field
    assert referrals(engine) == 0

    created = new_referral(client, gwent, typed_files()[:1]).json()
    rid = created["id"]
    for typed, field in wrong:
        put = client.put(
            f"/api/v1/referrals/{rid}/incident", json={"files": [typed]}, headers=gwent
        )
        assert put.status_code == 422, put.text
        assert [str(part) for part in put.json()["detail"][0]["loc"][-len(field) :]] == field
    for line in (f"a.jpg {MD5_A[:-1]}", f"a.jpg {SHA1_B[:-1]}g", f"a.jpg {MD5_A} {MD5_A}"):
        form = client.post(
            f"/operation/referrals/{rid}/incident", headers=gwent, data={"files": line}
        )
        assert form.status_code == 422
        assert "files line 1" in form.text
    stored = client.get(f"/api/v1/referrals/{rid}", headers=gwent).json()
    assert stored["incident"]["files"] == created["incident"]["files"]
    assert known_of(stored["incident"]["files"]) == [(True, ["A"])]
    assert referrals(engine) == 1
