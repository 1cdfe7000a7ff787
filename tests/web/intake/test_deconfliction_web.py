"""Deconfliction on SQLite and PostgreSQL: referrals of two forces sharing an identifier each get
a notice naming the other force, its reference and the kind shared (no contents); a restricted
referral's reference is withheld from the other force; the lookup counts what the caller may
not see; the operation lead sees every link."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from netsafe.intake.generator import generate_reports, reports_xml
from netsafe.intake.model import CaptureEvent, CyberTipReport, Person, ReportedUser
from netsafe.platform.roles import Role
from netsafe.settings import Settings
from tests.web.trust_support import bearer

XML = {"Content-Type": "application/xml"}
SEEN = datetime(2026, 10, 1, 12, 0, tzinfo=UTC)


def _report(
    base: CyberTipReport, *, email: str, screen: str, service: str, ip_at: datetime
) -> CyberTipReport:
    user = ReportedUser(
        person=Person(first_name="Test", last_name="Quokka", emails=(email,)),
        esp_service=service,
        screen_name=screen,
        ip_events=(CaptureEvent("192.0.2.44", "Login", ip_at),),
    )
    return replace(base, reported=user, files=())


def _import(client: TestClient, lead: dict[str, str], report: CyberTipReport, force: str) -> int:
    answer = client.post(
        f"/api/v1/referrals/import?force={force}",
        content=reports_xml([report]),
        headers={**lead, **XML},
    )
    assert answer.status_code == 200, answer.text
    return int(answer.json()["added"][0]["referral_id"])


def test_two_forces_sharing_an_identifier_are_told_of_each_other(
    client: TestClient, engine: Engine, settings: Settings
) -> None:
    lead = bearer(engine, settings, "op.lead", "regional-unit", Role.OPERATION_LEAD)
    one, two, three = generate_reports(3, seed=71, unlocated_fraction=0.0)
    gwent_id = _import(
        client,
        lead,
        _report(
            one,
            email="Jo.Quokka+x@googlemail.com",
            screen="zebra_one",
            service="ExampleChat",
            ip_at=SEEN,
        ),
        "gwent",
    )
    south_id = _import(
        client,
        lead,
        _report(
            two,
            email="joquokka@gmail.com",
            screen="Zebra_Two",
            service="ExampleChat",
            ip_at=SEEN + timedelta(hours=3),
        ),
        "south-wales",
    )
    # the same screen name on another service, and the IP three days later: no link
    north_id = _import(
        client,
        lead,
        _report(
            three,
            email="other@example.org",
            screen="zebra_two",
            service="OtherApp",
            ip_at=SEEN + timedelta(days=3),
        ),
        "north-wales",
    )
    gwent = bearer(engine, settings, "gwent.inv", "gwent", Role.INVESTIGATOR)
    notices = client.get(f"/api/v1/referrals/{gwent_id}/deconfliction", headers=gwent).json()
    kinds = sorted(n["kind"] for n in notices["notices"])
    assert kinds == ["email", "ip-address"]
    assert {n["other_force"] for n in notices["notices"]} == {"south-wales"}
    south_reference = notices["notices"][0]["other_reference"]
    assert south_reference.endswith(f"{south_id:06d}")
    assert "South Wales Police holds referral" in notices["notices"][0]["text"]
    assert "joquokka" not in str(notices)  # the value shared is not told
    south = bearer(engine, settings, "south.inv", "south-wales", Role.INVESTIGATOR)
    theirs = client.get(f"/api/v1/referrals/{south_id}/deconfliction", headers=south).json()
    assert {n["other_force"] for n in theirs["notices"]} == {"gwent"}
    north = bearer(engine, settings, "north.inv", "north-wales", Role.INVESTIGATOR)
    assert client.get(f"/api/v1/referrals/{north_id}/deconfliction", headers=north).json() == {
        "notices": []
    }
    # a force can't read another force's referral's notices
    assert (
        client.get(f"/api/v1/referrals/{south_id}/deconfliction", headers=gwent).status_code == 404
    )
    # the dashboard's list: Gwent's notices only
    mine = client.get("/api/v1/deconfliction/notices", headers=gwent).json()["notices"]
    assert {n["referral_id"] for n in mine} == {gwent_id}
    # the case page shows the section
    page = client.get(f"/operation/referrals/{gwent_id}", headers=gwent)
    assert page.status_code == 200
    assert "Other forces" in page.text
    assert south_reference in page.text
    # the lead sees every link; an investigator may not
    links = client.get("/api/v1/deconfliction/links", headers=lead).json()
    assert links["total"] == 2
    assert {(x["force"], x["other_force"]) for x in links["links"]} == {("gwent", "south-wales")}
    assert client.get("/api/v1/deconfliction/links", headers=gwent).status_code == 403
    assert client.get("/deconfliction", headers=lead).status_code == 200


def test_a_restricted_referral_is_not_named_to_the_other_force_and_lookups_count_the_unseen(
    client: TestClient, engine: Engine, settings: Settings
) -> None:
    lead = bearer(engine, settings, "op.lead", "regional-unit", Role.OPERATION_LEAD)
    one, two = generate_reports(2, seed=72, unlocated_fraction=0.0)

    def shared(base: CyberTipReport) -> CyberTipReport:
        return _report(
            base, email="zebra-test@example.org", screen="z", service="ExampleChat", ip_at=SEEN
        )

    gwent_id = _import(client, lead, shared(one), "gwent")
    south_id = _import(client, lead, shared(two), "south-wales")
    supervisor = bearer(engine, settings, "south.sup", "south-wales", Role.SUPERVISOR)
    restricted = client.put(
        f"/api/v1/referrals/{south_id}/restriction",
        json={"usernames": ["south.sup"]},
        headers=supervisor,
    )
    assert restricted.status_code == 200, restricted.text
    gwent = bearer(engine, settings, "gwent.inv", "gwent", Role.INVESTIGATOR)
    notices = client.get(f"/api/v1/referrals/{gwent_id}/deconfliction", headers=gwent).json()
    assert notices["notices"], notices
    assert all(n["restricted"] and n["other_reference"] is None for n in notices["notices"])
    assert "ask the operation lead" in notices["notices"][0]["text"]
    # the restricted referral's notices reach its named users only
    south = bearer(engine, settings, "south.inv", "south-wales", Role.INVESTIGATOR)
    assert (
        client.get(f"/api/v1/referrals/{south_id}/deconfliction", headers=south).status_code == 404
    )
    named = client.get(f"/api/v1/referrals/{south_id}/deconfliction", headers=supervisor).json()
    assert {n["other_force"] for n in named["notices"]} == {"gwent"}
    # lookups: any written form; the unseen are counted, not shown
    found = client.get(
        "/api/v1/identifiers", params={"value": "ZEBRA-TEST@example.org"}, headers=gwent
    ).json()
    assert [r["referral_id"] for r in found["referrals"]] == [gwent_id]
    assert found["referrals"][0]["kind"] == "email"
    assert found["not_visible"] == 1
    assert client.get("/api/v1/identifiers", params={"value": ""}, headers=gwent).status_code == 422
    charity = bearer(engine, settings, "helper", "charity", Role.HELPLINE)
    assert (
        client.get("/api/v1/identifiers", params={"value": "x"}, headers=charity).status_code == 403
    )


def test_identifiers_typed_in_on_a_case_are_deconflicted_and_a_withdrawn_case_leaves(
    client: TestClient, engine: Engine, settings: Settings
) -> None:
    lead = bearer(engine, settings, "op.lead", "regional-unit", Role.OPERATION_LEAD)
    (one,) = generate_reports(1, seed=73, unlocated_fraction=0.0)
    south_id = _import(
        client,
        lead,
        _report(one, email="Zebra.Typed@gmail.com", screen="z", service="ExampleChat", ip_at=SEEN),
        "south-wales",
    )
    gwent = bearer(engine, settings, "gwent.sup", "gwent", Role.SUPERVISOR)
    created = client.post(
        "/api/v1/referrals",
        headers=gwent,
        json={
            "source": "partner",
            "force": "gwent",
            "received_at": SEEN.isoformat(),
            "summary": "Typed in by hand",
            "incident": {"identifiers": [{"kind": "phone", "value": "07700 900123"}]},
        },
    )
    assert created.status_code == 201, created.text
    gwent_id = created.json()["id"]

    def notices(referral_id: int, headers: dict[str, str]) -> list[str]:
        url = f"/api/v1/referrals/{referral_id}/deconfliction"
        answer = client.get(url, headers=headers)
        assert answer.status_code == 200, answer.text
        return sorted(n["kind"] for n in answer.json()["notices"])

    assert notices(gwent_id, gwent) == []
    # an e-mail added by hand in another written form: both forces are told
    incident = {"identifiers": [{"kind": "email", "value": "zebratyped+x@googlemail.com"}]}
    edited = client.put(f"/api/v1/referrals/{gwent_id}/incident", headers=gwent, json=incident)
    assert edited.status_code == 200, edited.text
    assert notices(gwent_id, gwent) == ["email"]
    south = bearer(engine, settings, "south.inv", "south-wales", Role.INVESTIGATOR)
    assert notices(south_id, south) == ["email"]
    found = client.get(
        "/api/v1/identifiers", params={"value": "zebratyped@gmail.com"}, headers=gwent
    ).json()
    assert [r["referral_id"] for r in found["referrals"]] == [gwent_id]
    assert found["not_visible"] == 1
    # withdrawn: it leaves the links and the lookup
    withdrawn = client.post(
        f"/api/v1/referrals/{gwent_id}/withdraw", headers=gwent, json={"reason": "typed in error"}
    )
    assert withdrawn.status_code == 200, withdrawn.text
    assert notices(south_id, south) == []
    assert client.get("/api/v1/deconfliction/links", headers=lead).json()["total"] == 0
    found = client.get(
        "/api/v1/identifiers", params={"value": "zebratyped@gmail.com"}, headers=south
    ).json()
    assert [r["referral_id"] for r in found["referrals"]] == [south_id]
    assert found["not_visible"] == 0
