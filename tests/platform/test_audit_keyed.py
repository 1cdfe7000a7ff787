"""The keyed audit chain (#16.15): HMAC-SHA-256 with NETSAFE_AUDIT_KEY, so writing the table is not
enough to rewrite it; old unkeyed chains still verify after platform_0004; anchors written by
`netsafe audit anchor` (file or syslog) catch even a rewrite by the key's holder."""

from __future__ import annotations

import hashlib
import hmac
import socket
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, text, update

from netsafe.platform.audit import (
    GENESIS_HASH,
    KEYED,
    UNKEYED,
    AuditEvent,
    canonical,
    chain_hash,
    record,
    verify,
)
from netsafe.settings import DEVELOPMENT_AUDIT_KEY, Settings
from netsafe.store.engine import make_engine, make_session_factory, unit_of_work
from netsafe.store.migrate import upgrade
from netsafe.store.models.platform import AuditHeadRow, AuditRow
from netsafe.store.repositories.audit import SqlAuditRepository, use_audit_key
from tests.cli_runner import run_cli

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
DEV_KEY = DEVELOPMENT_AUDIT_KEY.encode()


def event(n: int, **changes: object) -> AuditEvent:
    values: dict[str, object] = {
        "at": T0 + timedelta(seconds=n),
        "action": "referral.read",
        "resource_type": "referral",
        "resource_id": str(n),
        "actor": "gwent.investigator",
        "actor_agency": "gwent",
        "client": "192.0.2.10",
    } | changes
    return AuditEvent(**values)  # type: ignore[arg-type]


def write(engine: Engine, count: int, first: int = 1) -> None:
    with unit_of_work(make_session_factory(engine)) as session:
        record(SqlAuditRepository(session), [event(n) for n in range(first, first + count)])


def problems(engine: Engine) -> list[tuple[str, int]]:
    with unit_of_work(make_session_factory(engine)) as session:
        return [(p.kind, p.seq) for p in verify(SqlAuditRepository(session)).problems]


def rewrite_from(
    engine: Engine, seq: int, *, key: bytes | None, scheme: str = KEYED, until: int | None = None
) -> None:
    """What someone who can write the table does: edit row `seq`, then recompute it and every
    row after it up to `until` (and the head) — with `key`, or unkeyed (`key=None`)."""
    with engine.begin() as connection:
        rows = connection.execute(select(AuditRow).order_by(AuditRow.id)).all()
        prev = GENESIS_HASH
        for row in rows:
            if row.id < seq:
                prev = row.hash
                continue
            if until is not None and row.id > until:
                break
            forged = AuditEvent(
                at=row.at if row.at.tzinfo else row.at.replace(tzinfo=UTC),
                action=row.action,
                resource_type=row.resource_type,
                resource_id=row.resource_id,
                actor_user_id=row.actor_user_id,
                actor="someone.else" if row.id == seq else row.actor,
                actor_agency=row.actor_agency,
                request_id=row.request_id,
                client=row.client,
                outcome=row.outcome,
                detail=row.detail,
            )
            content = prev.encode() + canonical(row.id, forged)
            digest = (
                hashlib.sha256(content).hexdigest()
                if key is None
                else hmac.new(key, content, hashlib.sha256).hexdigest()
            )
            connection.execute(
                update(AuditRow)
                .where(AuditRow.id == row.id)
                .values(actor=forged.actor, prev_hash=prev, hash=digest, scheme=scheme)
            )
            prev = digest
        if until is None:
            connection.execute(update(AuditHeadRow).values(hash=prev))


def test_rows_are_chained_with_an_hmac_of_the_key(engine: Engine) -> None:
    write(engine, 3)
    with unit_of_work(make_session_factory(engine)) as session:
        first = next(SqlAuditRepository(session).records())
    assert first.scheme == KEYED
    content = GENESIS_HASH.encode() + canonical(1, event(1))
    assert first.hash == hmac.new(DEV_KEY, content, hashlib.sha256).hexdigest()
    assert first.hash != hashlib.sha256(content).hexdigest()  # not the old unkeyed hash
    assert first.hash == chain_hash(GENESIS_HASH, 1, event(1), key=DEV_KEY)


def test_recomputing_the_chain_without_the_key_is_detected(engine: Engine) -> None:
    """The attack the unkeyed chain allowed: edit a row, recompute every hash after it."""
    write(engine, 10)
    rewrite_from(engine, 4, key=None)  # plain SHA-256, marked keyed
    assert ("edited", 4) in problems(engine)
    rewrite_from(engine, 4, key=b"a key the attacker made up, long enough")
    assert ("edited", 4) in problems(engine)


def test_downgrading_rows_to_the_unkeyed_scheme_is_detected(engine: Engine) -> None:
    write(engine, 10)
    rewrite_from(engine, 4, key=None, scheme=UNKEYED)
    found = problems(engine)
    assert found
    assert found[0] == ("edited", 4)


def test_another_key_fails_every_row(engine: Engine) -> None:
    write(engine, 5)
    use_audit_key(engine, b"not-the-key-the-chain-was-made-with-0123")
    try:
        assert [kind for kind, _ in problems(engine)] == ["edited"] * 5
    finally:
        use_audit_key(engine, DEV_KEY)


def test_an_old_unkeyed_chain_still_verifies_after_the_migration(database_url: str) -> None:
    """A database chained before platform_0004: its rows stay `sha256` and verify; new rows are
    keyed and cover the old ones."""
    engine = make_engine(database_url)
    try:
        upgrade(engine, "platform_0003")
        prev = GENESIS_HASH
        with engine.begin() as connection:
            for n in range(1, 4):
                e = event(n)
                digest = hashlib.sha256(prev.encode() + canonical(n, e)).hexdigest()
                connection.execute(
                    text(
                        "INSERT INTO audit_log (id, at, action, resource_type, resource_id, "
                        "actor, actor_agency, client, outcome, prev_hash, hash) VALUES "
                        "(:id, :at, :action, :rt, :rid, :actor, :agency, :client, 'ok', :p, :h)"
                    ),
                    {
                        "id": n,
                        "at": e.at,
                        "action": e.action,
                        "rt": e.resource_type,
                        "rid": e.resource_id,
                        "actor": e.actor,
                        "agency": e.actor_agency,
                        "client": e.client,
                        "p": prev,
                        "h": digest,
                    },
                )
                prev = digest
            connection.execute(
                text("UPDATE audit_head SET seq = 3, hash = :h WHERE id = 1"), {"h": prev}
            )
        upgrade(engine)
        write(engine, 2, first=4)
        with unit_of_work(make_session_factory(engine)) as session:
            repository = SqlAuditRepository(session)
            result = verify(repository)
            schemes = [r.scheme for r in repository.records()]
        assert result.ok, result.problems
        assert result.unkeyed_rows == 3
        assert schemes == [UNKEYED] * 3 + [KEYED] * 2
        # an old row edited is still named
        with engine.begin() as connection:
            connection.execute(update(AuditRow).where(AuditRow.id == 2).values(actor="x"))
        assert problems(engine) == [("edited", 2)]
        # and recomputed without the key, as the old chain allowed: the first keyed row, which
        # covers the last old hash, no longer links (rewriting it needs the key)
        rewrite_from(engine, 2, key=None, scheme=UNKEYED, until=3)
        assert problems(engine) == [("edited", 3)]  # "chain broken between rows 3 and 4"
    finally:
        engine.dispose()


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, settings: Settings) -> pytest.MonkeyPatch:
    monkeypatch.setenv("NETSAFE_HOME", str(settings.home))
    monkeypatch.setenv("NETSAFE_DATABASE_URL", settings.sqlalchemy_url)
    monkeypatch.setenv("NETSAFE_ENV", "test")
    monkeypatch.setenv("NETSAFE_SECRET_KEY", settings.secret_key)
    return monkeypatch


def test_anchors_catch_a_rewrite_by_the_keys_holder(
    capsys: pytest.CaptureFixture[str], cli: pytest.MonkeyPatch, engine: Engine, tmp_path: Path
) -> None:
    anchors = tmp_path / "anchors" / "audit-anchors.log"
    anchors.parent.mkdir()
    write(engine, 5)
    first = run_cli(capsys, cli, "audit", "anchor", "--file", str(anchors), "--json")
    assert first.exit_code == 0, first.stderr
    assert first.json()["seq"] == 5
    write(engine, 3, first=6)
    assert run_cli(capsys, cli, "audit", "anchor", "--file", str(anchors)).exit_code == 0
    assert anchors.read_text().count("netsafe-audit-anchor") == 2
    intact = run_cli(capsys, cli, "audit", "verify", "--anchors", str(anchors), "--json")
    assert intact.exit_code == 0, intact.stdout
    assert intact.json()["anchors_checked"] == 2
    # the key's holder rewrites row 3 and recomputes the rest with the key: the chain verifies…
    rewrite_from(engine, 3, key=DEV_KEY)
    assert run_cli(capsys, cli, "audit", "verify", "--json").exit_code == 0
    # …but not against the anchors
    caught = run_cli(capsys, cli, "audit", "verify", "--anchors", str(anchors), "--json")
    assert caught.exit_code == 1
    assert {(p["kind"], p["seq"]) for p in caught.json()["problems"]} == {
        ("rewritten", 5),
        ("rewritten", 8),
    }


def test_a_malformed_anchor_file_is_bad_input_naming_the_line(
    capsys: pytest.CaptureFixture[str], cli: pytest.MonkeyPatch, engine: Engine, tmp_path: Path
) -> None:
    anchors = tmp_path / "anchors.log"
    anchors.write_text("hello\nnetsafe-audit-anchor seq=banana\n")
    result = run_cli(capsys, cli, "audit", "verify", "--anchors", str(anchors))
    assert result.exit_code == 2
    assert f"{anchors}:2" in result.stderr


def test_anchor_to_syslog(
    capsys: pytest.CaptureFixture[str], cli: pytest.MonkeyPatch, engine: Engine, tmp_path: Path
) -> None:
    """A syslog socket of our own stands in for /dev/log: the datagram is the real one sent."""
    path = tmp_path / "log.sock"
    receiver = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    receiver.bind(str(path))
    receiver.settimeout(10)
    cli.setattr("netsafe.cli.audit_cmd.SYSLOG_SOCKET", str(path))
    try:
        write(engine, 2)
        result = run_cli(capsys, cli, "audit", "anchor", "--syslog", "--json")
        assert result.exit_code == 0, result.stderr
        datagram = receiver.recv(4096).decode()
    finally:
        receiver.close()
    assert datagram.startswith("<38>")  # facility auth (4) * 8 + info (6)
    assert f"seq=2 hash={result.json()['hash']}" in datagram
