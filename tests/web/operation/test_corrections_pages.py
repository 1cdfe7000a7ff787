"""#17 points 3 and 5 on the pages: a record's history page, its correction form (a reason
required, the dates checked, only what changed recorded), withdrawal, the case page's marks, and
a closed case (its forms hidden, writes refused) reopened by a supervisor."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from netsafe.platform.roles import Role
from netsafe.settings import Settings
from tests.web.support import bearer_headers

RECEIVED = (datetime.now(UTC) - timedelta(days=2)).replace(second=0, microsecond=0)


def _auth(engine: Engine, settings: Settings, username: str, role: Role) -> dict[str, str]:
    return bearer_headers(engine, settings, role, "dyfed-powys", username=username)


def _form(at: datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M")


def test_correct_withdraw_close_and_reopen_on_the_pages(
    client: TestClient, engine: Engine, settings: Settings
) -> None:
    h = _auth(engine, settings, "dp.inv", Role.INVESTIGATOR)
    supervisor = _auth(engine, settings, "dp.sup", Role.SUPERVISOR)
    created = client.post(
        "/operation/referrals/new",
        headers=h,
        data={
            "source": "partner",
            "force": "dyfed-powys",
            "received_at": _form(RECEIVED),
            "summary": "Synthetic",
        },
    )
    case_url = created.headers["location"].split("?")[0]
    client.post(f"{case_url}/subjects", headers=h, data={"display_name": "Robin Example"})
    page = client.get(case_url, headers=h).text
    subject_id = re.search(r"/operation/subjects/(\d+)/history", page).group(1)  # type: ignore[union-attr]
    arrested = RECEIVED + timedelta(hours=2)
    client.post(
        f"{case_url}/arrests",
        headers=h,
        data={
            "subject_id": subject_id,
            "arrested_at": _form(arrested),
            "location": "2 Example Lane",
            "grounds": "Synthetic",
        },
    )
    page = client.get(case_url, headers=h).text
    arrest_id = re.search(r"/operation/arrests/(\d+)/history", page).group(1)  # type: ignore[union-attr]
    history_url = f"/operation/arrests/{arrest_id}/history"
    history = client.get(history_url, headers=h).text
    assert 'id="no-history"' in history
    assert f'value="{_form(arrested)}"' in history  # the form shows the record as it stands
    standing = history[history.index('id="record-fields"') : history.index("</dl>")]
    assert f"<dt>Arrested at</dt><dd>{arrested:%Y-%m-%d %H:%M}</dd>" in standing
    assert f"<dt>Subject</dt><dd>Robin Example ({subject_id})</dd>" in standing
    assert re.search(r"<dt>Referral</dt><dd>NS-\d{4}-\d+ \(\d+\)</dd>", standing)
    assert '<label for="c_subject_id">Subject</label>' in history
    correct = history_url.replace("/history", "/correct")
    shown = {
        "subject_id": subject_id,
        "arrested_at": _form(arrested),
        "location": "2 Example Lane",
        "arresting_officer": "dp.inv",
        "grounds": "Synthetic",
        "custody_reference": "",
    }
    # without a reason; into the future: refused, naming the field
    refused = client.post(correct, headers=h, data={**shown, "location": "3 Example Lane"})
    assert "error=reason" in refused.headers["location"]
    future = _form(datetime.now(UTC) + timedelta(days=30))
    refused = client.post(correct, headers=h, data={**shown, "arrested_at": future, "reason": "r"})
    assert "in the future" in client.get(refused.headers["location"], headers=h).text
    done = client.post(
        correct,
        headers=h,
        data={**shown, "location": "3 Example Lane", "reason": "house number misread"},
    )
    assert "notice=Arrest+corrected" in done.headers["location"]
    history = client.get(history_url, headers=h).text
    assert "house number misread" in history
    assert re.search(r"<strong>location</strong>: 2 Example Lane → 3 Example Lane", history)
    table = history[history.index('id="record-history"') : history.index("</table>")]
    assert "arrested_at" not in table  # unchanged, not in the history
    page = client.get(case_url, headers=h).text
    assert f'id="arrest-{arrest_id}-mark">corrected<' in page
    corrections = page[page.index('id="case-corrections"') :]
    assert (
        f"Arrest {arrest_id} corrected</a></strong> by dp.inv: house number misread" in corrections
    )

    withdraw = history_url.replace("/history", "/withdraw")
    assert "error=reason" in client.post(withdraw, headers=h, data={}).headers["location"]
    client.post(withdraw, headers=h, data={"reason": "entered on the wrong case"})
    assert 'id="record-withdrawn"' in client.get(history_url, headers=h).text
    page = client.get(case_url, headers=h).text
    assert f'id="arrest-{arrest_id}-mark">withdrawn<' in page
    timeline = page[page.index('id="timeline"') : page.index('id="case-corrections"')]
    assert "Arrest: Robin Example (withdrawn)" in timeline

    client.post(f"{case_url}/outcomes", headers=h, data={"kind": "no-further-action"})
    page = client.get(case_url, headers=h).text
    assert 'id="case-closed"' in page
    assert "case-layout case-closed" in page
    assert 'action="' + case_url + '/reopen"' not in page  # an investigator may not reopen
    refused = client.post(f"{case_url}/subjects", headers=h, data={"display_name": "Late"})
    assert "is closed" in client.get(refused.headers["location"], headers=h).text
    assert client.post(f"{case_url}/reopen", headers=h, data={"reason": "r"}).status_code == 403
    page = client.get(case_url, headers=supervisor).text
    assert 'action="' + case_url + '/reopen"' in page
    no_reason = client.post(f"{case_url}/reopen", headers=supervisor, data={})
    assert "error=reason" in no_reason.headers["location"]
    reopened = client.post(f"{case_url}/reopen", headers=supervisor, data={"reason": "new lead"})
    assert "notice=Case+reopened" in reopened.headers["location"]
    page = client.get(case_url, headers=h).text
    assert 'id="case-closed"' not in page
    history = client.get(f"/operation/referrals/{case_url.rsplit('/', 1)[1]}/history", headers=h)
    assert "new lead" in history.text
    assert "reopened" in history.text


def test_the_exhibit_page_links_each_hand_over_to_its_history(
    client: TestClient, engine: Engine, settings: Settings
) -> None:
    h = _auth(engine, settings, "dp.inv2", Role.INVESTIGATOR)
    created = client.post(
        "/operation/referrals/new",
        headers=h,
        data={
            "source": "partner",
            "force": "dyfed-powys",
            "received_at": _form(RECEIVED),
            "summary": "Synthetic",
        },
    )
    case_url = created.headers["location"].split("?")[0]
    exhibit_url = (
        client.post(
            f"{case_url}/exhibits",
            headers=h,
            data={
                "reference": "DPP/HX/1",
                "device_type": "phone",
                "seal_number": "S1",
                "seized_at": _form(RECEIVED + timedelta(hours=1)),
                "seized_from": "2 Example Lane",
            },
        )
        .headers["location"]
        .split("?")[0]
    )
    client.post(
        f"{exhibit_url}/custody",
        headers=h,
        data={"handed_to": "store.keeper", "location": "Store", "seal_intact": "yes"},
    )
    page = client.get(exhibit_url, headers=h).text
    step = re.search(r'href="(/operation/custody-events/\d+/history)">hand-over 1<', page)
    assert step is not None
    history = client.get(step.group(1), headers=h)
    assert history.status_code == 200
    assert "Custody step" in history.text
    assert 'id="c_handed_to"' in history.text


def test_a_risk_assessments_answers_are_corrected_on_its_history_page(
    client: TestClient, engine: Engine, settings: Settings
) -> None:
    h = _auth(engine, settings, "dp.inv", Role.INVESTIGATOR)
    referral = client.post(
        "/api/v1/referrals",
        headers=h,
        json={
            "source": "partner",
            "force": "dyfed-powys",
            "received_at": RECEIVED.isoformat(),
            "summary": "Synthetic",
        },
    ).json()
    assessed = client.post(
        "/api/v1/risk-assessments",
        headers=h,
        json={"referral_id": referral["id"], "answers": {"large_volume": True}},
    )
    assert assessed.status_code == 201, assessed.text
    history_url = f"/operation/risk-assessments/{assessed.json()['id']}/history"
    page = client.get(history_url, headers=h).text
    # a check box per question of the set, ticked where answered yes
    assert '<input type="checkbox" name="answers" value="large_volume" checked>' in page
    assert '<input type="checkbox" name="answers" value="position_of_trust">' in page
    correct = history_url.replace("/history", "/correct")
    refused = client.post(correct, headers=h, data={"answers": ["position_of_trust"]})
    assert "error=reason" in refused.headers["location"]
    done = client.post(
        correct,
        headers=h,
        data={"answers": ["position_of_trust", "large_volume"], "reason": "misread"},
        follow_redirects=False,
    )
    assert "notice=Risk+assessment+corrected%3A+answers" in done.headers["location"], done.headers
    page = client.get(history_url, headers=h).text
    assert "<strong>band</strong>: low → high" in page
    assert "<strong>answers</strong>: [&#39;large_volume&#39;] → " in page
    case = client.get(f"/api/v1/referrals/{referral['id']}", headers=h).json()
    assert case["risk_band"] == "high"
    # nothing ticked differently: nothing changed, said so
    same = client.post(
        correct,
        headers=h,
        data={"answers": ["position_of_trust", "large_volume"], "reason": "again"},
    )
    assert "nothing+changed" in same.headers["location"]
