"""BitLocker volumes unlocked with `--key` (libbde): a password, a recovery password, a startup
key file (`.BEK`), a wrong key, no key; volumes made by `bitlocker_volumes.bitlocker_volume`
holding files of our own. LUKS has its tests in test_integrity.py and test_cli_sources.py."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import Engine

from netsafe.reports.triage_document import write_html, write_pdf
from netsafe.reports.triage_files import write_summary
from netsafe.settings import Settings
from netsafe.triage.items import EncryptedVolume
from netsafe.triage.openers.interfaces import KeyRing
from netsafe.triage.scan_config import ScanConfig
from tests.cli_runner import run_cli
from tests.triage.bitlocker_volumes import PASSWORD, RECOVERY_PASSWORD, bitlocker_volume
from tests.triage.conftest import Known, import_known_list, run_triage
from tests.triage.fixtures import mbr_disk

pytestmark = pytest.mark.skipif(
    any(shutil.which(tool) is None for tool in ("mkntfs", "ntfscp", "openssl")),
    reason="ntfs-3g (mkntfs, ntfscp) and openssl make the BitLocker test volume",
)

NEEDS_KEY = "BitLocker encrypted volume; needs a password or recovery key"


def _keyed(known: Known, **keys: str) -> ScanConfig:
    return ScanConfig(known.factory, "known", keys=KeyRing(keys))


@pytest.mark.slow
def test_a_bitlocker_volume_opens_with_its_password_and_its_files_are_triaged(
    tmp_path: Path, known: Known
) -> None:
    volume = bitlocker_volume(
        tmp_path / "usb.img", {"a.jpg": known.image_a, "notes.txt": b"zebra-test-term\n"}
    )
    locked = run_triage([volume], tmp_path / "out1", known.config())
    assert [(e.kind, e.reason) for e in locked.errors] == [
        ("encrypted-volume", f"the medium: {NEEDS_KEY} (--key SOURCE=@file or SOURCE=-)")
    ]
    assert locked.sources[0].unread
    assert not locked.all_records()

    refused = run_triage([volume], tmp_path / "out2", _keyed(known, **{"usb.img": "zebra"}))
    assert [e.reason for e in refused.errors] == [
        "the medium: BitLocker encrypted volume; the key given did not unlock it"
    ]

    password = PASSWORD
    opened = run_triage([volume], tmp_path / "out3", _keyed(known, **{"usb.img": password}))
    assert not [e for e in opened.errors if e.severity == "error"]
    records = {r.path: r for r in opened.all_records()}
    assert records["/a.jpg"].matches[0].category == "A"
    assert records["/notes.txt"].size == len(b"zebra-test-term\n")
    assert opened.sources[0].unread == ""
    for written in (tmp_path / "out3").rglob("*"):
        if written.is_file():
            assert password.encode() not in written.read_bytes()


@pytest.mark.slow
def test_a_bitlocker_partition_opens_with_a_key_given_for_every_source(
    tmp_path: Path, known: Known
) -> None:
    volume = bitlocker_volume(tmp_path / "volume.bin", {"a.jpg": known.image_a})
    disk = mbr_disk(tmp_path / "laptop.raw", [(volume, 0x07)])
    locked = run_triage([disk], tmp_path / "out1", known.config())
    assert [(e.path, e.kind) for e in locked.errors] == [("/partition-1.1", "encrypted-volume")]
    opened = run_triage([disk], tmp_path / "out2", _keyed(known, **{"*": PASSWORD}))
    matched = {r.path: r.matches[0].category for r in opened.all_records() if r.matches}
    assert matched == {"/partition-1.1/a.jpg": "A"}
    assert not opened.errors


@pytest.mark.slow
def test_a_recovery_password_or_a_startup_key_file_opens_a_volume(
    tmp_path: Path, known: Known
) -> None:
    """A volume protected by a recovery password (eight groups of six digits) and by a startup
    key (its `.BEK` file, as `--key SOURCE=@FILE` recognises it), and no password."""
    bek = tmp_path / "4A3B2C1D-0000-4000-8000-00000000000A.BEK"
    volume = bitlocker_volume(
        tmp_path / "stick.bin",
        {"a.jpg": known.image_a},
        password=None,
        recovery_password=RECOVERY_PASSWORD,
        startup_key_file=bek,
    )
    locked = run_triage([volume], tmp_path / "out1", known.config())
    assert [e.kind for e in locked.errors] == ["encrypted-volume"]
    assert NEEDS_KEY in locked.errors[0].reason
    by_recovery = run_triage(
        [volume], tmp_path / "out2", _keyed(known, **{"stick.bin": RECOVERY_PASSWORD})
    )
    by_startup_key = run_triage(
        [volume],
        tmp_path / "out3",
        ScanConfig(known.factory, "known", keys=KeyRing(startup_keys={"stick.bin": bek})),
    )
    for opened in (by_recovery, by_startup_key):
        assert not opened.errors
        matched = {r.path: r.matches[0].category for r in opened.all_records() if r.matches}
        assert matched == {"/a.jpg": "A"}
        assert opened.sources[0].encrypted == (EncryptedVolume("", "BitLocker", True),)
    # a startup key file of another volume does not open it
    other = tmp_path / "other.BEK"
    bitlocker_volume(tmp_path / "other.bin", {}, startup_key_file=other, startup_key=bytes(32))
    other_ring = KeyRing(startup_keys={"stick.bin": other})
    refused = run_triage(
        [volume], tmp_path / "out4", ScanConfig(known.factory, "known", keys=other_ring)
    )
    assert [e.reason for e in refused.errors] == [
        "the medium: BitLocker encrypted volume; the key given did not unlock it"
    ]


def test_reports_say_which_volumes_were_encrypted_and_whether_a_key_opened_them(
    tmp_path: Path, known: Known
) -> None:
    """summary.json, report.html and report.pdf name each encrypted volume, its scheme and
    whether it was decrypted; never the key."""
    volume = bitlocker_volume(
        tmp_path / "stick.bin", {"notes.txt": b"zebra-test-term\n"}, password=None,
        recovery_password=RECOVERY_PASSWORD,
    )  # fmt: skip
    locked = run_triage([volume], tmp_path / "out1", known.config())
    assert locked.sources[0].encrypted == (EncryptedVolume("", "BitLocker", False),)
    config = _keyed(known, **{"stick.bin": RECOVERY_PASSWORD})
    unlocked = run_triage([volume], tmp_path / "out2", config)
    assert unlocked.sources[0].encrypted == (EncryptedVolume("", "BitLocker", True),)

    for result, out, state in (
        (locked, tmp_path / "out1", "locked, not read"),
        (unlocked, tmp_path / "out2", "decrypted with the key given"),
    ):
        summary = json.loads(write_summary(result, out).read_text(encoding="utf-8"))
        assert summary["sources"][0]["encrypted_volumes"] == [
            {"volume": "/", "scheme": "BitLocker", "opened": result is unlocked}
        ]
        html = write_html(result, out).read_text(encoding="utf-8")
        assert f"/: BitLocker, {state}" in html
        text = subprocess.run(
            ["pdftotext", str(write_pdf(result, out)), "-"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        assert "encrypted volumes" in text
        assert state in " ".join(text.split())
        for written in out.rglob("*"):
            if written.is_file():
                assert RECOVERY_PASSWORD.encode() not in written.read_bytes()


@pytest.mark.slow
@pytest.mark.usefixtures("engine")
def test_cli_bitlocker_exit_codes_and_the_key_from_a_file(
    tmp_path: Path,
    cli_env: Settings,
    engine: Engine,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    known: Known,
) -> None:
    import_known_list(tmp_path, capsys, monkeypatch, known)
    bek = tmp_path / "E0F1D2C3-0000-4000-8000-00000000000B.BEK"
    volume = bitlocker_volume(tmp_path / "usb.img", {"a.jpg": known.image_a}, startup_key_file=bek)
    key_file = tmp_path / "key.txt"
    key_file.write_text(PASSWORD + "\n")
    base = ["triage", str(volume), "--exhibit", "EX/3", "--workers", "0", "--no-pdf", "--json"]
    locked = run_cli(capsys, monkeypatch, *base, "--out", str(tmp_path / "o1"))
    assert locked.exit_code == 1
    assert NEEDS_KEY in locked.stderr
    opened = run_cli(
        capsys, monkeypatch, *base, "--out", str(tmp_path / "o2"), "--key", f"usb.img=@{key_file}"
    )
    assert opened.exit_code == 0, opened.stderr
    assert opened.json()["counts_by_category"]["A"] == 1
    assert PASSWORD not in opened.stdout + opened.stderr
    by_startup_key = run_cli(
        capsys, monkeypatch, *base, "--out", str(tmp_path / "o3"), "--key", f"usb.img=@{bek}"
    )
    assert by_startup_key.exit_code == 0, by_startup_key.stderr
    assert by_startup_key.json()["counts_by_category"]["A"] == 1
