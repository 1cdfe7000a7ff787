"""Silent-miss sweep: whatever cannot be read is a row in errors.csv and the rest is still read.
An archive member that cannot be decompressed (an unsupported method, a password) no longer ends
its archive: the members after it are scanned too."""

from __future__ import annotations

import io
import struct
import subprocess
import zipfile
from pathlib import Path

import pytest

from tests.triage.conftest import Known, errors_of, run_triage


def _zip_with_a_bad_first_member(flag: int = 0, method: int | None = None) -> bytes:
    """A zip of `inner.txt` then `ok.txt`, the first member's headers patched: an unsupported
    compression method (Deflate64, 9) or the encrypted flag (bit 0)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("inner.txt", b"zebra-test-term " * 200)
        archive.writestr("ok.txt", b"plain")
    data = bytearray(buffer.getvalue())
    local, central = data.find(b"PK\x03\x04"), data.find(b"PK\x01\x02")
    if method is not None:
        struct.pack_into("<H", data, local + 8, method)
        struct.pack_into("<H", data, central + 10, method)
    struct.pack_into("<H", data, local + 6, flag)
    struct.pack_into("<H", data, central + 8, flag)
    return bytes(data)


def test_members_after_one_that_cannot_be_read_are_still_scanned(
    tmp_path: Path, known: Known
) -> None:
    root = tmp_path / "exhibit"
    root.mkdir()
    (root / "deflate64.zip").write_bytes(_zip_with_a_bad_first_member(method=9))
    (root / "locked.zip").write_bytes(_zip_with_a_bad_first_member(flag=1))
    result = run_triage([root], tmp_path / "out", known.config())
    errors = errors_of(result)
    assert errors["deflate64.zip!/inner.txt"] == "corrupt-archive"
    assert errors["locked.zip!/inner.txt"] == "corrupt-archive"
    reasons = {e.path: e.reason for e in result.errors}
    assert "compression method" in reasons["deflate64.zip!/inner.txt"]
    assert "Passphrase" in reasons["locked.zip!/inner.txt"]
    paths = {r.path for r in result.all_records()}
    assert {"deflate64.zip!/ok.txt", "locked.zip!/ok.txt"} <= paths


@pytest.mark.skipif(subprocess.run(["which", "ffmpeg"], capture_output=True).returncode != 0,
                    reason="ffmpeg is not installed")  # fmt: skip
def test_a_video_that_does_not_decode_is_an_error(tmp_path: Path, known: Known) -> None:
    root = tmp_path / "exhibit"
    root.mkdir()
    good = tmp_path / "good.mp4"
    subprocess.run(
        ["ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
         "testsrc=size=160x120:rate=10:duration=1", "-pix_fmt", "yuv420p", str(good)],
        check=True,
    )  # fmt: skip
    (root / "cut.mp4").write_bytes(good.read_bytes()[:1200])
    result = run_triage([root], tmp_path / "out", known.config())
    assert errors_of(result)["cut.mp4"] == "corrupt-video"
    (record,) = [r for r in result.all_records() if r.path == "cut.mp4"]
    assert record.sha1  # still hashed and matched by its cryptographic hashes
