"""Encrypted APFS volumes (libfsapfs): reported `encrypted-volume` naming APFS without their key,
opened with `--key` (the volume's password) and their files read and hashed like the plain
volume's. The volume is dfvfs's published APFS container encrypted at test time
(`apfs_volumes.encrypted_apfs`)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import Engine

from netsafe.reports.triage_document import write_html
from netsafe.reports.triage_files import write_errors, write_summary
from netsafe.settings import Settings
from netsafe.triage.items import EncryptedVolume
from netsafe.triage.openers.interfaces import KeyRing
from netsafe.triage.scan_config import ScanConfig
from tests.cli_runner import run_cli
from tests.triage.apfs_volumes import (
    APFS_PASSWORD,
    APFS_RECOVERY_KEY,
    encrypted_apfs,
    plain_apfs,
)
from tests.triage.conftest import Known, import_known_list, run_triage
from tests.triage.fixtures import mbr_disk

pytestmark = pytest.mark.skipif(
    shutil.which("openssl") is None, reason="openssl encrypts the APFS test volume"
)

NEEDS_KEY = (
    "the medium (apfs_test): encrypted APFS volume; needs a password or recovery key "
    "(--key SOURCE=@file or SOURCE=-)"
)


def _keyed(known: Known, **keys: str) -> ScanConfig:
    return ScanConfig(known.factory, "known", keys=KeyRing(keys))


def test_an_encrypted_apfs_volume_without_its_key_is_reported_and_not_read(
    tmp_path: Path, known: Known
) -> None:
    volume = encrypted_apfs(tmp_path / "macbook.img")
    locked = run_triage([volume], tmp_path / "out1", known.config())
    assert [(e.path, e.kind, e.reason) for e in locked.errors] == [
        (".", "encrypted-volume", NEEDS_KEY)
    ]
    assert locked.sources[0].unread
    assert locked.sources[0].encrypted == (EncryptedVolume("", "APFS", False),)
    assert not locked.all_records()

    refused = run_triage([volume], tmp_path / "out2", _keyed(known, **{"macbook.img": "zebra"}))
    assert [e.reason for e in refused.errors] == [
        "the medium (apfs_test): encrypted APFS volume; the key given did not unlock it"
    ]
    assert refused.sources[0].encrypted == (EncryptedVolume("", "APFS", False),)


def test_an_encrypted_apfs_volume_opens_with_its_password_and_its_files_are_hashed(
    tmp_path: Path, known: Known
) -> None:
    plain = run_triage([plain_apfs(tmp_path / "plain.img")], tmp_path / "out0", known.config())
    expected = {r.path: (r.size, r.md5, r.sha256) for r in plain.all_records()}
    assert "/passwords.txt" in expected

    volume = encrypted_apfs(tmp_path / "macbook.img")
    out = tmp_path / "out1"
    opened = run_triage([volume], out, _keyed(known, **{"macbook.img": APFS_PASSWORD}))
    assert not [e for e in opened.errors if e.severity == "error"]
    assert {r.path: (r.size, r.md5, r.sha256) for r in opened.all_records()} == expected
    assert opened.sources[0].unread == ""
    assert opened.sources[0].encrypted == (EncryptedVolume("", "APFS", True),)
    write_summary(opened, out)
    write_errors(opened, out)
    assert "/: APFS, decrypted with the key given" in write_html(opened, out).read_text("utf-8")
    for written in out.rglob("*"):
        if written.is_file():
            assert APFS_PASSWORD.encode() not in written.read_bytes()


def test_an_encrypted_apfs_volume_opens_with_its_recovery_key(tmp_path: Path, known: Known) -> None:
    """A personal recovery key: a second unlock record of the volume key bag."""
    volume = encrypted_apfs(tmp_path / "macbook.img", recovery_key=APFS_RECOVERY_KEY)
    keys = {"macbook.img": APFS_RECOVERY_KEY}
    opened = run_triage([volume], tmp_path / "out", _keyed(known, **keys))
    assert not [e for e in opened.errors if e.severity == "error"]
    assert {r.path for r in opened.all_records()} >= {"/passwords.txt", "/a_directory/a_file"}
    assert opened.sources[0].encrypted == (EncryptedVolume("", "APFS", True),)


def test_an_encrypted_apfs_partition_opens_with_a_key_for_every_source(
    tmp_path: Path, known: Known
) -> None:
    volume = encrypted_apfs(tmp_path / "container.bin")
    disk = mbr_disk(tmp_path / "mac.raw", [(volume, 0xAF)])
    locked = run_triage([disk], tmp_path / "out1", known.config())
    assert [(e.path, e.kind) for e in locked.errors] == [("/partition-1.1", "encrypted-volume")]
    opened = run_triage([disk], tmp_path / "out2", _keyed(known, **{"*": APFS_PASSWORD}))
    assert not [e for e in opened.errors if e.severity == "error"]
    records = {r.path: r for r in opened.all_records()}
    assert records["/partition-1.1/passwords.txt"].size == 116
    assert opened.sources[0].encrypted == (EncryptedVolume("/partition-1.1", "APFS", True),)


def test_an_encrypted_volume_in_a_disk_image_inside_a_zip_is_reported(
    tmp_path: Path, known: Known
) -> None:
    """A disk image inside an archive: its encrypted volume is listed with the source's, by
    its item path, locked or opened; its files are read once a key opens it."""
    from tests.triage.fixtures import zip_bytes

    volume = encrypted_apfs(tmp_path / "macbook.img")
    archive = tmp_path / "mac.zip"
    archive.write_bytes(zip_bytes({"macbook.img": volume.read_bytes()}))
    locked = run_triage([archive], tmp_path / "out1", known.config())
    assert [(e.path, e.kind) for e in locked.errors] == [
        ("mac.zip!/macbook.img", "encrypted-volume")
    ]
    where = f"{archive.name}!/macbook.img"
    assert locked.sources[0].encrypted == (EncryptedVolume(where, "APFS", False),)
    opened = run_triage([archive], tmp_path / "out2", _keyed(known, **{"*": APFS_PASSWORD}))
    assert opened.sources[0].encrypted == (EncryptedVolume(where, "APFS", True),)
    assert "mac.zip!/macbook.img!/passwords.txt" in {r.path for r in opened.all_records()}
    summary = write_summary(opened, tmp_path / "out2").read_text(encoding="utf-8")
    assert '"volume": "mac.zip!/macbook.img"' in summary


@pytest.mark.usefixtures("engine")
def test_cli_encrypted_apfs_exit_codes_and_the_password_from_a_file(
    tmp_path: Path,
    cli_env: Settings,
    engine: Engine,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    known: Known,
) -> None:
    import_known_list(tmp_path, capsys, monkeypatch, known)
    volume = encrypted_apfs(tmp_path / "macbook.img")
    key_file = tmp_path / "key.txt"
    key_file.write_text(APFS_PASSWORD + "\n")
    base = ["triage", str(volume), "--exhibit", "EX/4", "--workers", "0", "--no-pdf", "--json"]
    locked = run_cli(capsys, monkeypatch, *base, "--out", str(tmp_path / "o1"))
    assert locked.exit_code == 1
    assert "encrypted APFS volume; needs a password" in locked.stderr
    assert locked.json()["sources"][0]["encrypted_volumes"] == [
        {"volume": "/", "scheme": "APFS", "opened": False}
    ]
    opened = run_cli(
        capsys,
        monkeypatch,
        *base,
        "--out",
        str(tmp_path / "o2"),
        "--key",
        f"macbook.img=@{key_file}",
    )
    assert opened.exit_code == 0, opened.stderr
    summary = opened.json()
    assert summary["sources"][0]["encrypted_volumes"] == [
        {"volume": "/", "scheme": "APFS", "opened": True}
    ]
    assert summary["files_scanned"] >= 7
    assert APFS_PASSWORD not in opened.stdout + opened.stderr
    for written in (tmp_path / "o2").rglob("*"):
        if written.is_file():
            assert APFS_PASSWORD.encode() not in written.read_bytes()
    text = base[:-1]  # the terminal summary, not --json: a line per encrypted volume
    shown = run_cli(
        capsys, monkeypatch, *text, "--out", str(tmp_path / "o3"), "--key", f"*=@{key_file}"
    )
    assert shown.exit_code == 0, shown.stderr
    assert f"{volume} /: APFS, decrypted with the key given" in " ".join(shown.stdout.split())
    assert APFS_PASSWORD not in shown.stdout + shown.stderr
