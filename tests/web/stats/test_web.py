"""`GET /api/v1/stats`, the statistics page and its CSV exports."""

from __future__ import annotations

import csv
import io
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from netsafe.platform.roles import Role
from tests.web.stats.web_helpers import seed_march_2017
from tests.web.support import Bearer

MARCH = {"from": "2017-03-01", "to": "2017-03-31"}


@pytest.fixture(autouse=True)
def march_2017(engine: Engine) -> None:
    seed_march_2017(engine)


@pytest.fixture
def analyst(bearer: Bearer) -> dict[str, str]:
    return bearer(Role.ANALYST)


def test_api_answers_the_figures(client: TestClient, analyst: dict[str, str]) -> None:
    response = client.get("/api/v1/stats", params=MARCH, headers=analyst)
    assert response.status_code == 200, response.text
    figures = response.json()["figures"]
    assert figures["warrants_executed"]["value"] == 2
    assert figures["warrants_executed"]["previous"] == 1
    assert figures["warrants_executed"]["change_pct"] == 100.0
    assert figures["warrants_executed"]["by_force"]["gwent"]["value"] == 2
    assert figures["arrests"]["value"] == 1
    assert figures["people_seeking_help"]["value"] == "<5"
    gwent = client.get("/api/v1/stats", params={**MARCH, "force": "north-wales"}, headers=analyst)
    assert gwent.json()["figures"]["warrants_executed"]["previous"] == 1


def test_api_refuses_bad_parameters_and_other_roles(
    client: TestClient, bearer: Bearer, analyst: dict[str, str]
) -> None:
    assert client.get("/api/v1/stats").status_code == 401
    investigator = bearer(Role.INVESTIGATOR, "gwent")
    assert client.get("/api/v1/stats", headers=investigator).status_code == 403
    bad = client.get("/api/v1/stats", params={"force": "atlantis"}, headers=analyst)
    assert bad.status_code == 422
    assert "unknown force" in bad.json()["detail"]
    bad = client.get("/api/v1/stats", params={"from": "2017-02-30"}, headers=analyst)
    assert bad.status_code == 422
    assert "from" in bad.json()["detail"]
    charity = bearer(Role.CHARITY_ANALYST)
    assert client.get("/api/v1/stats", params=MARCH, headers=charity).status_code == 200


def test_page_has_headline_charts_tables_and_csv(
    client: TestClient, analyst: dict[str, str]
) -> None:
    page = client.get("/stats", params=MARCH, headers=analyst)
    assert page.status_code == 200, page.text
    html = page.text
    assert html.count("<svg") == 3
    assert "Warrants executed" in html
    assert html.count("Download CSV") == 4
    for name in ("monthly-enforcement", "monthly-prevention", "by-force", "figures"):
        response = client.get(f"/stats/export/{name}.csv", params=MARCH, headers=analyst)
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(response.text)))
        assert len(rows) > 1
    monthly = client.get("/stats/export/monthly-enforcement.csv", params=MARCH, headers=analyst)
    assert list(csv.reader(io.StringIO(monthly.text))) == [
        ["month", "warrants_executed", "arrests", "devices_seized"],
        ["2017-03", "2", "1", "0"],
    ]
    by_force = client.get("/stats/export/by-force.csv", params=MARCH, headers=analyst)
    rows = {row[0]: row for row in csv.reader(io.StringIO(by_force.text))}
    header = next(csv.reader(io.StringIO(by_force.text)))
    assert rows["gwent"][header.index("warrants_executed")] == "2"
    missing = client.get("/stats/export/nothing.csv", params=MARCH, headers=analyst)
    assert missing.status_code == 404


def test_the_page_keeps_its_menu_and_form_on_a_bad_date(
    client: TestClient, analyst: dict[str, str]
) -> None:
    page = client.get("/stats", params={"from": "2017-02-30", "to": "2017-03-31"}, headers=analyst)
    assert page.status_code == 422
    html = page.text
    assert "Something went wrong" not in html
    assert "Log out" in html  # the signed-in menu, not the anonymous one
    assert 'id="stats-problem" role="alert"' in html
    assert "from: not a date (YYYY-MM-DD): &#39;2017-02-30&#39;" in html
    assert 'value="2017-02-30" aria-invalid="true" aria-describedby="stats-problem"' in html
    assert 'name="to" value="2017-03-31">' in html  # kept as entered, not flagged
    assert html.count("<svg") == 3  # the default figures below the form
    ends_first = client.get(
        "/stats", params={"from": "2017-03-31", "to": "2017-03-01"}, headers=analyst
    )
    assert 'name="to" value="2017-03-01" aria-invalid="true"' in ends_first.text
    force = client.get("/stats", params={"force": "atlantis"}, headers=analyst)
    assert force.status_code == 422
    assert 'name="force" aria-invalid="true"' in force.text
    assert "force: unknown force" in force.text


def test_an_error_page_keeps_the_signed_in_menu(
    client: TestClient, analyst: dict[str, str]
) -> None:
    refused = client.get("/stats/export/figures.csv", params={"from": "nonsense"}, headers=analyst)
    assert refused.status_code == 422
    assert "Log out" in refused.text
    assert "not a date" in refused.text
    anonymous = client.get("/report-nothing-here")
    assert "Log in" in anonymous.text


def test_tables_have_headers_in_words_and_csv_keeps_its_names(
    client: TestClient, analyst: dict[str, str]
) -> None:
    html = client.get("/stats", params=MARCH, headers=analyst).text
    assert "_" not in "".join(re.findall(r'<th scope="col">([^<]*)</th>', html))
    for words in (
        '<th scope="col">Warrants executed, change (%)</th>',
        '<th scope="col">Previous period</th>',
        '<th scope="row">Gwent Police</th>',
        '<th scope="row">All forces</th>',
        '<th scope="row">Warrants executed</th>',
    ):
        assert words in html, words
    assert "change_pct" not in html.split("<table", 1)[1]
    by_force = client.get("/stats/export/by-force.csv", params=MARCH, headers=analyst)
    assert by_force.text.startswith("force,")
    assert "warrants_executed_change_pct" in by_force.text.splitlines()[0]
