"""`netsafe user …` and `netsafe audit verify`: JSON output, exit codes, tamper detection."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import Engine, delete, update

from netsafe.platform.agencies import ensure_agencies
from netsafe.settings import Settings
from netsafe.store.engine import make_session_factory, unit_of_work
from netsafe.store.models.platform import AuditRow
from netsafe.store.repositories.agencies import SqlAgencyRepository
from tests.cli_runner import CliResult, run_cli


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, settings: Settings, engine: Engine) -> pytest.MonkeyPatch:
    monkeypatch.setenv("NETSAFE_HOME", str(settings.home))
    monkeypatch.setenv("NETSAFE_DATABASE_URL", settings.sqlalchemy_url)
    monkeypatch.setenv("NETSAFE_ENV", "test")
    monkeypatch.setenv("NETSAFE_SECRET_KEY", settings.secret_key)
    with unit_of_work(make_session_factory(engine)) as session:
        ensure_agencies(SqlAgencyRepository(session))
    return monkeypatch


def create(
    capsys: pytest.CaptureFixture[str], cli: pytest.MonkeyPatch, name: str, *options: str
) -> CliResult:
    cli.setattr("sys.stdin", io.StringIO("correct horse battery staple\n"))
    return run_cli(capsys, cli, "user", "create", name, *options, "--password-stdin", "--json")


def test_user_create_and_list(capsys: pytest.CaptureFixture[str], cli: pytest.MonkeyPatch) -> None:
    result = create(capsys, cli, "ann", "--agency", "gwent", "--role", "investigator")
    assert result.exit_code == 0, result.stderr
    created = result.json()
    assert created["username"] == "ann"
    assert created["role"] == "investigator"
    assert "password_hash" not in created
    listed = run_cli(capsys, cli, "user", "list", "--json").json()
    assert [(u["username"], u["agency"], u["totp_enrolled"]) for u in listed] == [
        ("ann", "gwent", False)
    ]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (("--agency", "atlantis", "--role", "investigator"), "agency"),
        (("--agency", "gwent", "--role", "janitor"), "role"),
    ],
)
def test_user_create_bad_input_exits_2(
    capsys: pytest.CaptureFixture[str],
    cli: pytest.MonkeyPatch,
    options: tuple[str, ...],
    message: str,
) -> None:
    result = create(capsys, cli, "bob", *options)
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stdout == ""


def test_user_totp_prints_the_otpauth_uri(
    capsys: pytest.CaptureFixture[str], cli: pytest.MonkeyPatch
) -> None:
    create(capsys, cli, "ann", "--agency", "gwent", "--role", "supervisor")
    result = run_cli(capsys, cli, "user", "totp", "ann")
    assert result.exit_code == 0
    assert result.stdout.strip().startswith("otpauth://totp/NetSafe:ann?secret=")
    listed = run_cli(capsys, cli, "user", "list", "--json").json()
    assert listed[0]["totp_enrolled"] is True


def test_disable_enable_unlock_and_unknown_user(
    capsys: pytest.CaptureFixture[str], cli: pytest.MonkeyPatch
) -> None:
    create(capsys, cli, "ann", "--agency", "gwent", "--role", "examiner")
    assert run_cli(capsys, cli, "user", "disable", "ann", "--json").json()["disabled"] is True
    assert run_cli(capsys, cli, "user", "enable", "ann", "--json").json()["disabled"] is False
    assert run_cli(capsys, cli, "user", "unlock", "ann", "--json").exit_code == 0
    cli.setattr("sys.stdin", io.StringIO("another long passphrase\n"))
    reset = run_cli(capsys, cli, "user", "reset-password", "ann", "--password-stdin")
    assert reset.exit_code == 0
    missing = run_cli(capsys, cli, "user", "disable", "ghost")
    assert missing.exit_code == 2
    assert "ghost" in missing.stderr


def test_audit_verify_passes_then_names_edited_and_deleted_rows(
    capsys: pytest.CaptureFixture[str], cli: pytest.MonkeyPatch, engine: Engine
) -> None:
    for name in ("ann", "bob", "cai", "dee"):
        create(capsys, cli, name, "--agency", "gwent", "--role", "investigator")
    run_cli(capsys, cli, "user", "disable", "bob")
    ok = run_cli(capsys, cli, "audit", "verify", "--json")
    assert ok.exit_code == 0
    assert ok.json()["ok"] is True
    assert ok.json()["rows"] == 5
    with engine.begin() as connection:
        connection.execute(update(AuditRow).where(AuditRow.id == 2).values(actor="mallory"))
        connection.execute(delete(AuditRow).where(AuditRow.id == 4))
    broken = run_cli(capsys, cli, "audit", "verify", "--json")
    assert broken.exit_code == 1
    problems = broken.json()["problems"]
    assert [(p["kind"], p["seq"]) for p in problems] == [("edited", 2), ("deleted", 4)]
    text = run_cli(capsys, cli, "audit", "verify")
    assert "row 2 edited" in text.stdout
    assert "row 4 deleted" in text.stdout
