"""`netsafe triage` on sources that yield nothing (exit 1, saying why) and `--key` for encrypted
volumes (from a file; never from the command line)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from netsafe.settings import Settings
from tests.cli_runner import run_cli
from tests.triage.conftest import Known, import_known_list
from tests.triage.disk_fixtures import luks_image
from tests.triage.fixtures import fat_image, ntfs_image


@pytest.mark.usefixtures("engine")
def test_a_source_that_yields_nothing_exits_1_and_says_why(
    tmp_path: Path,
    cli_env: Settings,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    segments = [tmp_path / "exhibit.001", tmp_path / "exhibit.002", tmp_path / "exhibit.004"]
    for segment in segments:
        segment.write_bytes(b"\0" * 4096)
    args = ["triage", str(segments[0]), "--exhibit", "EX/1", "--out", str(tmp_path / "out")]
    done = run_cli(capsys, monkeypatch, *args, "--workers", "0", "--no-pdf")
    assert done.exit_code == 1
    assert "nothing could be read from" in done.stderr
    assert "split raw segment missing: exhibit.003" in done.stderr
    assert (tmp_path / "out" / "errors.csv").read_text().count("missing-segment") == 1


@pytest.mark.usefixtures("engine")
def test_a_truncated_ntfs_image_says_it_was_cut_short_and_exits_1(
    tmp_path: Path,
    cli_env: Settings,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    whole = ntfs_image(tmp_path / "whole.ntfs", {"notes.txt": b"zebra-test-term"})
    cut = tmp_path / "usb.image"
    cut.write_bytes(whole.read_bytes()[: 1 << 20])  # the first MiB of an 8 MiB volume
    args = ["triage", str(cut), "--exhibit", "EX/1", "--out", str(tmp_path / "out")]
    done = run_cli(capsys, monkeypatch, *args, "--workers", "0", "--no-pdf")
    assert done.exit_code == 1
    said = (
        "the medium: truncated: the NTFS volume claims 8,388,096 bytes, the image holds "
        "1,048,576 of them; no file system The Sleuth Kit reads"
    )
    assert f"nothing could be read from {cut} (truncated-volume: {said})" in done.stderr
    rows = (tmp_path / "out" / "errors.csv").read_text().splitlines()
    assert rows[1:] == [f'{cut},.,error,truncated-volume,"{said}"']


@pytest.mark.usefixtures("engine")
def test_an_ntfs_image_cut_after_its_files_is_read_with_a_warning(
    tmp_path: Path,
    cli_env: Settings,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    whole = ntfs_image(tmp_path / "whole.ntfs", {"notes.txt": b"zebra-test-term"})
    cut = tmp_path / "sdb1"
    cut.write_bytes(whole.read_bytes()[: 6 << 20])  # the MFT and the file, not the end
    args = ["triage", str(cut), "--exhibit", "EX/1", "--out", str(tmp_path / "out")]
    done = run_cli(capsys, monkeypatch, *args, "--workers", "0", "--no-pdf", "--inventory")
    assert done.exit_code == 0, done.stderr
    rows = (tmp_path / "out" / "errors.csv").read_text().splitlines()
    assert rows[1:] == [
        f'{cut},.,warning,truncated-volume,"the medium: truncated: the NTFS volume claims '
        "8,388,096 bytes, the image holds 6,291,456 of them; what lies past its end cannot be "
        'read"'
    ]
    assert "/notes.txt" in (tmp_path / "out" / "inventory.csv").read_text()


def test_a_key_on_the_command_line_is_refused(
    tmp_path: Path,
    cli_env: Settings,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    (tmp_path / "x").mkdir()
    args = ["triage", str(tmp_path / "x"), "--exhibit", "EX/1", "--key", "x=zebra-secret"]
    done = run_cli(capsys, monkeypatch, *args)
    assert done.exit_code == 2
    assert "never on the command line" in done.stderr
    assert "zebra-secret" not in done.stderr


@pytest.mark.slow
def test_an_encrypted_volume_opens_with_a_key_from_a_file(
    tmp_path: Path,
    cli_env: Settings,
    engine: Engine,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    known: Known,
) -> None:
    import_known_list(tmp_path, capsys, monkeypatch, known)
    volume = fat_image(tmp_path / "v.raw", {"DCIM/a.jpg": known.image_a})
    image = luks_image(volume, tmp_path / "usb.img", "zebra-pass-2")
    key_file = tmp_path / "key.txt"
    key_file.write_text("zebra-pass-2\n")
    base = ["triage", str(image), "--exhibit", "EX/2", "--workers", "0", "--no-pdf", "--json"]
    locked = run_cli(capsys, monkeypatch, *base, "--out", str(tmp_path / "o1"))
    assert locked.exit_code == 1
    assert "LUKS encrypted volume" in locked.stderr
    opened = run_cli(
        capsys, monkeypatch, *base, "--out", str(tmp_path / "o2"), "--key", f"usb.img=@{key_file}"
    )
    assert opened.exit_code == 0, opened.stderr
    assert opened.json()["counts_by_category"]["A"] == 1
    for folder in ("o1", "o2"):
        for written in (tmp_path / folder).rglob("*"):
            if written.is_file() and written.suffix in (".csv", ".json", ".html", ".txt"):
                assert "zebra-pass-2" not in written.read_text(errors="replace")
