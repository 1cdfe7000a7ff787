"""Pictures embedded in allocated files NetSafe does not otherwise open (a silent miss of the
4 December hunt): a JPEG stored in a PDF (`/DCTDecode`), appended to a text file or behind
another picture, JPEGs back to back (Android `.thumbdata`), a picture in an OLE compound file's
stream (a legacy .doc). Each is found by content, hashed and matched like a file; all pictures
are benign and generated here."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from PIL import Image

from netsafe.settings import Settings
from netsafe.triage.openers.content import embedded_pictures
from netsafe.triage.openers.content.embedded_pictures import ends_like_embedding, is_pdf
from tests.cli_runner import run_cli
from tests.triage.conftest import Known, import_known_list, run_triage
from tests.triage.fixtures import fat_image, photo_jpeg, text_file, zip_bytes
from tests.triage.thumbnail_caches import compound_file

JPEG_START = b"\xff\xd8\xff"


def hand_pdf(jpeg: bytes, side: int = 128) -> bytes:
    """A one-page PDF written by hand: the page draws an image XObject whose stream is the
    JPEG's own bytes (`/Filter /DCTDecode`)."""
    drawing = f"q {side} 0 0 {side} 0 0 cm /Im0 Do Q".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] "
        b"/Resources << /XObject << /Im0 4 0 R >> >> /Contents 5 0 R >>" % (side, side),
        b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceRGB "
        b"/BitsPerComponent 8 /Filter /DCTDecode /Length %d >>\nstream\n"
        % (side, side, len(jpeg))
        + jpeg
        + b"\nendstream",
        b"<< /Length %d >>\nstream\n" % len(drawing) + drawing + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def pillow_pdf(jpeg: bytes) -> bytes:
    """A PDF written by Pillow: it re-encodes the picture as a DCTDecode stream."""
    buffer = io.BytesIO()
    Image.open(io.BytesIO(jpeg)).convert("RGB").save(buffer, "PDF")
    return buffer.getvalue()


def _exhibit(tmp: Path, known: Known) -> Path:
    root = tmp / "exhibit"
    root.mkdir()
    files = {
        "hand.pdf": hand_pdf(known.image_a),
        "pillow.pdf": pillow_pdf(known.near_b),
        "notes.txt": text_file(3) + known.image_c,
        "cache.thumbdata3": photo_jpeg(5) + known.image_a + photo_jpeg(6),
        "behind.jpg": photo_jpeg(7) + known.image_c,
        "report.doc": compound_file(
            {"WordDocument": text_file(4), "Data": b"\x44\0\0\0" * 17 + known.image_a}
        ),
        "unlisted.pdf": hand_pdf(photo_jpeg(9)),
        "cut.pdf": hand_pdf(known.image_a[: len(known.image_a) // 2]),
        "plain.jpg": photo_jpeg(8),
        "readme.txt": text_file(10),
    }
    for name, data in files.items():
        (root / name).write_bytes(data)
    return root


def test_pictures_embedded_in_files_are_found_and_matched_through_the_cli(
    tmp_path: Path,
    cli_env: Settings,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    known: Known,
) -> None:
    import_known_list(tmp_path, capsys, monkeypatch, known)
    source, out = _exhibit(tmp_path, known), tmp_path / "out"
    done = run_cli(
        capsys, monkeypatch, "triage", str(source), "--exhibit", "EMB/1", "--out", str(out),
        "--workers", "0", "--no-pdf", "--json", "--inventory",
    )  # fmt: skip
    assert done.exit_code == 0, done.stderr
    with (out / "findings.csv").open(encoding="utf-8") as handle:
        found = {(r["path"], r["category"], r["carved"]) for r in csv.DictReader(handle)}
    offset_a = hand_pdf(known.image_a).find(known.image_a)
    thumbdata_a = len(photo_jpeg(5))
    assert {(p.lstrip("/"), c, v) for p, c, v in found} == {
        (f"hand.pdf!/embedded-0001@{offset_a:#x}.jpg", "A", "yes"),
        ("pillow.pdf!/embedded-0001@0x" + _offset(source / "pillow.pdf") + ".jpg", "B", "yes"),
        (f"notes.txt!/embedded-0001@{len(text_file(3)):#x}.jpg", "C", "yes"),
        (f"cache.thumbdata3!/embedded-0002@{thumbdata_a:#x}.jpg", "A", "yes"),
        (f"behind.jpg!/embedded-0002@{len(photo_jpeg(7)):#x}.jpg", "C", "yes"),
        ("report.doc!/Data/embedded-0001@0x44.jpg", "A", "yes"),  # at 0x44 of the stream
    }
    with (out / "errors.csv").open(encoding="utf-8") as handle:
        assert [r for r in csv.DictReader(handle) if r["severity"] == "error"] == []
    with (out / "inventory.csv").open(encoding="utf-8") as handle:
        paths = {r["path"].lstrip("/") for r in csv.DictReader(handle)}
    # the unlisted document's picture is found and matches nothing; the cut picture is a
    # carve miss (no item, no crash); a plain picture and a text file hold nothing embedded
    assert [p for p in paths if p.startswith("unlisted.pdf!/")] == [
        f"unlisted.pdf!/embedded-0001@{hand_pdf(photo_jpeg(9)).find(photo_jpeg(9)):#x}.jpg"
    ]
    assert not [p for p in paths if p.startswith(("cut.pdf!", "plain.jpg!", "readme.txt!"))]
    assert {"cut.pdf", "plain.jpg", "readme.txt"} <= paths


def _offset(path: Path) -> str:
    return f"{path.read_bytes().find(JPEG_START):x}"


def test_the_cap_on_embedded_pictures_is_an_error_row(
    tmp_path: Path, known: Known, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(embedded_pictures, "MAX_EMBEDDED", 2)
    root = tmp_path / "exhibit"
    root.mkdir()
    (root / "many.thumbdata4").write_bytes(b"".join(photo_jpeg(s, size=32) for s in range(4)))
    result = run_triage([root], tmp_path / "out", known.config())
    embedded = sorted(r.path for r in result.records if "!/" in r.path)
    assert [p.split("!/")[1].split("@")[0] for p in embedded] == ["embedded-0001", "embedded-0002"]
    rows = [e for e in result.errors if e.severity == "error"]
    assert [(e.path, e.kind) for e in rows] == [("many.thumbdata4", "embedded-pictures-capped")]
    assert "more than 2 embedded pictures: those after offset 0x" in rows[0].reason


@pytest.mark.parametrize(
    "data",
    [
        hand_pdf(b"\xff\xd8\xff\xe0\0\x10JFIF" + b"\xff" * 5000),  # a run of fill bytes
        hand_pdf(b"\xff\xd8\xff" * 3000),  # signatures back to back, none a picture
        b"x" * 100 + b"\x89PNG\r\n\x1a\n" + b"\0\0\0\x0dIHDR" + bytes(17) + b"IEND\xaeB`\x82",
        b"%PDF-1.7\n" + bytes(10),
    ],
)
def test_hostile_embedded_data_is_a_carve_miss_not_a_crash(
    tmp_path: Path, known: Known, data: bytes
) -> None:
    root = tmp_path / "exhibit"
    root.mkdir()
    (root / "x.bin").write_bytes(data)
    result = run_triage([root], tmp_path / "out", known.config())
    assert [r.path.lstrip("/") for r in result.records] == ["x.bin"]
    assert [e for e in result.errors if e.severity == "error"] == []


def test_recognition_is_by_content() -> None:
    assert is_pdf(b"%PDF-1.4\n")
    assert not is_pdf(b"PDF-1.4")
    assert not is_pdf(b"\0" * 100 + b"%PDF-1.7")  # found by its end instead
    for tail in (b"abc\xff\xd9", b"\0IEND\xaeB`\x82", b"x%%EOF", b"x%%EOF\n", b"%%EOF\r\n"):
        assert ends_like_embedding(tail, len(tail)), tail
    for tail in (b"abc\xff\xd9x", b"", b"text\n", b"%%EOF\n\n\n\n", b"IEND\x82"):
        assert not ends_like_embedding(tail, len(tail)), tail


def test_a_pdf_with_bytes_before_its_header_is_found_by_its_end(
    tmp_path: Path, known: Known
) -> None:
    root = tmp_path / "exhibit"
    root.mkdir()
    (root / "mail.bin").write_bytes(
        b"Content-Type: application/pdf\r\n\r\n" + hand_pdf(known.image_a)
    )
    result = run_triage([root], tmp_path / "out", known.config())
    assert [r.path.lstrip("/").split("@")[0] for r in result.records if r.matches] == [
        "mail.bin!/embedded-0001"
    ]


def test_embedded_pictures_in_files_on_a_disk_image(tmp_path: Path, known: Known) -> None:
    """A file read back from a file system (the lean path's stream, the tail read through the
    image) and a PDF inside a zip (opened from memory) are looked into too."""
    members = {
        "notes.txt": text_file(3) + known.image_c,
        "docs/hand.pdf": hand_pdf(known.image_a),
        "keep.txt": text_file(1),
        "pdfs.zip": zip_bytes({"inner.pdf": hand_pdf(known.image_c)}),
    }
    card = fat_image(tmp_path / "card.raw", members)
    result = run_triage([card], tmp_path / "out", known.config())
    matched = {r.path.lstrip("/").split("@")[0]: r.matches[0].category for r in result.records
               if r.matches}  # fmt: skip
    assert matched == {
        "notes.txt!/embedded-0001": "C",
        "docs/hand.pdf!/embedded-0001": "A",
        "pdfs.zip!/inner.pdf!/embedded-0001": "C",
    }


def test_a_pdf_given_as_a_source_is_a_pdf(tmp_path: Path, known: Known) -> None:
    (tmp_path / "doc.pdf").write_bytes(hand_pdf(known.image_a))
    result = run_triage([tmp_path / "doc.pdf"], tmp_path / "out", known.config())
    assert [s.kind for s in result.sources] == ["pdf"]
    assert [r.path.split("@")[0] for r in result.records if r.matches] == ["doc.pdf!/embedded-0001"]


def test_an_mpo_s_second_picture_is_carved_once_with_its_own_bytes(
    tmp_path: Path, known: Known
) -> None:
    """A phone's MPO (a JPEG with a second picture behind it, indexed by its APP2 MP header):
    each picture is an embedded item with its own MD5 and PDQ, and not also a PDQ-only frame."""
    first = Image.open(io.BytesIO(photo_jpeg(11, size=256)))
    second = Image.open(io.BytesIO(known.near_b))
    buffer = io.BytesIO()
    first.save(buffer, "MPO", save_all=True, append_images=[second], quality=95)
    data = buffer.getvalue()
    assert Image.open(io.BytesIO(data)).format == "MPO"
    root = tmp_path / "exhibit"
    root.mkdir()
    (root / "IMG_0001.JPG").write_bytes(data)
    result = run_triage([root], tmp_path / "out", known.config())
    paths = [r.path.lstrip("/") for r in result.records]
    assert not [p for p in paths if "frame-" in p], paths
    matched = [(r.path.lstrip("/").split("@")[0], r.matches[0].category)
               for r in result.records if r.matches]  # fmt: skip
    # the leading picture is carved too (its own MD5: the file's is of both), the second matches
    assert [p.split("@")[0] for p in paths] == [
        "IMG_0001.JPG", "IMG_0001.JPG!/embedded-0001", "IMG_0001.JPG!/embedded-0002",
    ]  # fmt: skip
    assert matched == [("IMG_0001.JPG!/embedded-0002", "B")], paths
