"""The default period of `/api/v1/stats` and `netsafe stats` on demo-like data (issue 17 point 4):
casework that ended on 31 October 2018 and a few referrals imported today. The period opens on
the latest twelve months that hold headline figures, never on the empty months up to today.
Both backends."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from netsafe.platform.roles import Role
from netsafe.settings import Settings
from netsafe.store.models.operation import (
    ArrestRow,
    ExhibitRow,
    ReferralRow,
    SafeguardingRow,
    SubjectRow,
    WarrantRow,
)
from tests.cli_runner import run_cli

CASEWORK_END = datetime(2018, 10, 31, 10, tzinfo=UTC)
HEADLINE = ("warrants_executed", "arrests", "devices_seized", "children_safeguarded")


def _referral(session: Session, received: datetime) -> ReferralRow:
    row = ReferralRow(
        source="national-referral",
        force="gwent",
        received_at=received,
        summary="synthetic",
        status="new",
        deadline_at=received + timedelta(days=30),
    )
    session.add(row)
    session.flush()
    return row


@pytest.fixture
def demo_like(engine: Engine) -> None:
    """A case worked to its end in October 2018, and three referrals received (imported) now."""
    with Session(engine) as session, session.begin():
        case = _referral(session, CASEWORK_END - timedelta(days=20))
        subject = SubjectRow(
            referral_id=case.id,
            display_name="Sam Synthetic",
            created_at=case.received_at,
            created_by="t",
        )
        session.add(subject)
        session.flush()
        session.add_all(
            [
                WarrantRow(
                    referral_id=case.id,
                    status="executed",
                    premises="x",
                    applied_at=CASEWORK_END - timedelta(days=5),
                    applied_by="t",
                    executed_at=CASEWORK_END - timedelta(days=2),
                ),
                ArrestRow(
                    referral_id=case.id,
                    subject_id=subject.id,
                    arrested_at=CASEWORK_END - timedelta(days=2),
                    location="x",
                    arresting_officer="t",
                    grounds="g",
                ),
                ExhibitRow(
                    referral_id=case.id,
                    force=case.force,
                    reference="DEMO/1",
                    device_type="phone",
                    seal_number="S1",
                    seized_at=CASEWORK_END - timedelta(days=2),
                    seized_by="t",
                    seized_from="x",
                ),
                SafeguardingRow(
                    referral_id=case.id,
                    recorded_at=CASEWORK_END,
                    recorded_by="t",
                    children_identified=2,
                    children_safeguarded=2,
                    referred_to_childrens_services=False,
                ),
            ]
        )
        for hours in (1, 2, 3):
            _referral(session, datetime.now(UTC) - timedelta(hours=hours))


def _assert_opens_on_the_casework(answer: dict[str, object]) -> None:
    assert answer["period"] == {"from": "2017-11-01", "to": "2018-10-31"}
    figures = answer["figures"]
    assert isinstance(figures, dict)
    for name in HEADLINE:
        assert figures[name]["value"] > 0, name


@pytest.mark.usefixtures("demo_like")
def test_the_api_opens_on_the_latest_period_with_headline_figures(
    client: TestClient, bearer: Callable[..., dict[str, str]]
) -> None:
    answer = client.get("/api/v1/stats", headers=bearer(Role.ANALYST))
    assert answer.status_code == 200, answer.text
    _assert_opens_on_the_casework(answer.json())
    page = client.get("/stats", headers=bearer(Role.SUPERVISOR, "gwent"))
    assert page.status_code == 200
    assert 'name="from" value="2017-11-01"' in page.text
    assert 'name="to" value="2018-10-31"' in page.text


@pytest.mark.usefixtures("demo_like")
def test_netsafe_stats_opens_on_the_latest_period_with_headline_figures(
    settings: Settings,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("NETSAFE_HOME", str(settings.home))
    monkeypatch.setenv("NETSAFE_DATABASE_URL", settings.sqlalchemy_url)
    monkeypatch.setenv("NETSAFE_ENV", "test")
    monkeypatch.setenv("NETSAFE_SECRET_KEY", settings.secret_key)
    result = run_cli(capsys, monkeypatch, "stats", "--json")
    assert result.exit_code == 0, result.stderr
    _assert_opens_on_the_casework(result.json())
