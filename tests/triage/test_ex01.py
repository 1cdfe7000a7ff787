"""An Ex01 (EWF2, EnCase 7 format) read as a disk image (data/README.md: `netsafe-usb.Ex01.xz`,
written by libewf 20260924's `ewfacquire -f encase7-v2` from a FAT volume made by code; no
published Ex01 could be had).

The reference: the media pyewf reads must be the volume that was acquired (its MD5, taken with
`md5sum` before acquisition, is in the README and stored in the Ex01), and every file The Sleuth
Kit's `fls`/`icat` list on those bytes must be in inventory.csv with the same size and MD5.
Debian's ewfverify (ewf-tools 20140813) does not read EWF2, so chunk checksums go unchecked and
the source is never "verified": the verification line says why."""

from __future__ import annotations

import csv
import hashlib
import json
import lzma
import shutil
import subprocess
from pathlib import Path

import pytest

from netsafe.settings import Settings
from tests.cli_runner import run_cli
from tests.triage.tsk_reference import names

pytestmark = pytest.mark.skipif(
    shutil.which("ewfverify") is None or shutil.which("fls") is None,
    reason="needs ewf-tools and The Sleuth Kit",
)

STORED = Path(__file__).parent / "data" / "netsafe-usb.Ex01.xz"
STORED_SHA256 = "3173a7ad21e2f9c9c5231e20ae93148903560fc5213509f4989efc252f6f5261"
EX01_SHA256 = "284e39f52092deed97b9eec96fe77cc6a7d1a3e39536ecbf00f697a0a1da9fc4"
VOLUME_MD5 = "da0f4efb0caa74ca0755f726a9d66972"  # md5sum of the FAT volume before acquisition
VOLUME_BYTES = 4 * 1024 * 1024


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """SQLite only: this checks reading an image, not storage (which runs on both)."""
    return f"sqlite:///{tmp_path / 'netsafe-test.db'}"


def _unpack(folder: Path) -> Path:
    stored = STORED.read_bytes()
    assert hashlib.sha256(stored).hexdigest() == STORED_SHA256
    data = lzma.decompress(stored)
    assert hashlib.sha256(data).hexdigest() == EX01_SHA256
    folder.mkdir(parents=True, exist_ok=True)
    image = folder / "usb.Ex01"
    image.write_bytes(data)
    return image


def _media_through_pyewf(image: Path) -> tuple[bytes, dict[str, str]]:
    import pyewf

    handle = pyewf.handle()
    handle.open([str(image)])
    try:
        return handle.read(handle.get_media_size()), dict(handle.get_hash_values())
    finally:
        handle.close()


def test_pyewf_reads_the_volume_that_was_acquired(tmp_path: Path) -> None:
    image = _unpack(tmp_path)
    assert image.read_bytes()[:8] == b"EVF2\r\n\x81\x00"  # libewf's EWF2 signature
    media, stored = _media_through_pyewf(image)
    assert len(media) == VOLUME_BYTES
    assert hashlib.md5(media).hexdigest() == VOLUME_MD5 == stored["MD5"]


def test_an_ex01_is_triaged_file_by_file_and_never_called_verified(
    tmp_path: Path,
    cli_env: Settings,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    image = _unpack(tmp_path / "evidence")
    media, _stored = _media_through_pyewf(image)
    raw = tmp_path / "reference.raw"
    raw.write_bytes(media)
    reference = {n.path: n for n in names([raw]) if n.meta_type == "r" and n.content is not None}
    # left out as in the conformance tests: TSK's $MBR, $FAT1, ... and FAT's volume label entry
    files = {p for p in reference if not p.startswith("/$") and "(Volume Label Entry)" not in p}
    assert files == {"/random.bin", "/docs/readme.txt"}

    out = tmp_path / "out"
    done = run_cli(
        capsys, monkeypatch, "triage", str(image), "--exhibit", "EX01/1", "--out", str(out),
        "--hashes", "all", "--no-pdf", "--workers", "0",
    )  # fmt: skip
    assert done.exit_code == 0, done.stderr
    with (out / "inventory.csv").open(newline="", encoding="utf-8") as stream:
        inventory = {row["path"]: row for row in csv.DictReader(stream)}
    assert set(inventory) == files
    for path in files:
        theirs = (len(reference[path].content or b""), reference[path].md5)
        assert (int(inventory[path]["size"]), inventory[path]["md5"]) == theirs, path

    source = json.loads((out / "summary.json").read_text())["sources"][0]
    assert source["kind"] == "e01"
    verification = source["verification"]
    assert verification["stored_md5"] == verification["computed_md5"] == VOLUME_MD5
    assert verification["media_size"] == VOLUME_BYTES
    if _ewfverify_reads(image):  # an ewf-tools that reads EWF2 checks every chunk
        assert verification["verified"] is True
        return
    # Debian's ewf-tools 20140813 read EWF1 only: chunk checksums unchecked, never "verified"
    assert verification["verified"] is not True
    assert verification["detail"] == (
        "stored MD5 matches the media, but chunk checksums were not checked ("
        f"{_ewfverify_version()} could not read this Ex01 (EWF2) image: Unable to open EWF image "
        "file(s).): NOT verified"
    )


def _ewfverify_reads(image: Path) -> bool:
    tool = shutil.which("ewfverify")
    if tool is None:
        return False
    done = subprocess.run([tool, "-q", str(image)], capture_output=True, text=True, check=False)
    return "MD5 hash calculated over data" in done.stdout


def _ewfverify_version() -> str:
    done = subprocess.run(["ewfverify", "-V"], capture_output=True, text=True, check=False)
    return done.stdout.strip().splitlines()[0].strip()
