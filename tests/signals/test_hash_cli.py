"""`netsafe hash`: JSON shape, folders, per-file errors, exit codes."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from tests.cli_runner import run_cli
from tests.signals.images import encoded, photo_like


@pytest.fixture
def exhibit(tmp_path: Path) -> Path:
    folder = tmp_path / "exhibit"
    (folder / "sub").mkdir(parents=True)
    (folder / "photo.dat").write_bytes(encoded(photo_like(400, 300, seed=2), "JPEG"))
    (folder / "sub" / "picture.png").write_bytes(encoded(photo_like(300, 200, seed=5), "PNG"))
    (folder / "sub" / "notes.txt").write_text("hello\n", encoding="utf-8")
    (folder / "sub" / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0" + bytes(100))
    (folder / "empty.bin").write_bytes(b"")
    return folder


def test_hash_json_recursive(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, exhibit: Path
) -> None:
    result = run_cli(capsys, monkeypatch, "hash", "--json", "--recursive", str(exhibit))
    assert result.exit_code == 0, result.stderr
    rows = {Path(row["path"]).name: row for row in result.json()}
    assert set(rows) == {"photo.dat", "picture.png", "notes.txt", "broken.jpg", "empty.bin"}
    for row in rows.values():
        assert set(row) == {
            "path", "size", "md5", "sha1", "sha256", "media_type", "pdq", "pdq_quality", "error"
        }  # fmt: skip
        content = Path(row["path"]).read_bytes()
        assert row["sha256"] == hashlib.sha256(content).hexdigest()
        assert row["size"] == len(content)
    assert rows["photo.dat"]["media_type"] == "image/jpeg"
    assert len(rows["photo.dat"]["pdq"]) == 64
    assert rows["picture.png"]["pdq_quality"] >= 0
    assert rows["notes.txt"]["pdq"] is None
    assert rows["notes.txt"]["error"] is None
    assert rows["broken.jpg"]["error"]
    assert rows["broken.jpg"]["md5"] == hashlib.md5(b"\xff\xd8\xff\xe0" + bytes(100)).hexdigest()
    assert rows["empty.bin"]["error"] == "empty file (0 bytes)"
    assert "5 files, 2 with errors" in result.stderr


def test_hash_table_and_dihedral(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, exhibit: Path
) -> None:
    photo = exhibit / "photo.dat"
    result = run_cli(capsys, monkeypatch, "hash", "--dihedral", str(photo))
    assert result.exit_code == 0
    assert "rotate-90" in result.stdout
    assert "1 files, 0 with errors" in result.stdout
    as_json = run_cli(capsys, monkeypatch, "hash", "--json", "--dihedral", str(photo)).json()
    assert len(as_json[0]["dihedral"]) == 8


def test_hash_table_of_an_image_is_one_unwrapped_line_a_file_through_a_pipe(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, exhibit: Path
) -> None:
    photo = exhibit / "photo.dat"
    result = run_cli(capsys, monkeypatch, "hash", str(photo))
    assert result.exit_code == 0
    fingerprint = run_cli(capsys, monkeypatch, "hash", "--json", str(photo)).json()[0]
    rows = [line for line in result.stdout.splitlines() if fingerprint["sha256"] in line]
    assert len(rows) == 1  # captured output is not a terminal: the row is never wrapped
    assert str(photo) in rows[0]
    assert fingerprint["pdq"] in rows[0]
    assert "1 files, 0 with errors" in result.stdout


def test_missing_file_is_a_per_file_error(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, exhibit: Path
) -> None:
    result = run_cli(
        capsys, monkeypatch, "hash", "--json", str(exhibit / "nope.jpg"), str(exhibit / "photo.dat")
    )
    assert result.exit_code == 0
    rows = result.json()
    assert "No such file" in rows[0]["error"]
    assert rows[1]["error"] is None


def test_folder_without_recursive_is_bad_input(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, exhibit: Path
) -> None:
    result = run_cli(capsys, monkeypatch, "hash", str(exhibit))
    assert result.exit_code == 2
    assert "--recursive" in result.stderr


def test_many_files_go_through_worker_processes(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for number in range(12):
        (tmp_path / f"f{number:02}.png").write_bytes(
            encoded(photo_like(64, 48, seed=number), "PNG")
        )
    result = run_cli(capsys, monkeypatch, "hash", "--json", "-r", "--workers", "2", str(tmp_path))
    assert result.exit_code == 0
    rows = result.json()
    assert [Path(row["path"]).name for row in rows] == [f"f{n:02}.png" for n in range(12)]
    assert all(row["pdq"] for row in rows)
