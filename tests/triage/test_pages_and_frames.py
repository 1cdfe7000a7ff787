"""Pages of a multi-page TIFF and frames of an animated GIF/WebP/PNG are matched against picture
PDQ lists (`triage.pages`), through the real CLI: a listed picture stored as page 3 or frame 5
is found and the finding names the page; an unlisted animation matches nothing; the frame cap
is a warning row; a corrupt later page is an error row naming it (docs/decisions/triage.md)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from netsafe.hashlists.category_map import CategoryMap
from netsafe.hashlists.formats import vics
from netsafe.hashlists.model import HashEntry
from netsafe.media import DEFAULT_LIMITS, decode_luma_paged
from netsafe.media.pages import DEFAULT_PAGE_LIMITS, PageLimits
from netsafe.settings import Settings
from netsafe.signals.fingerprint import Fingerprinter, fingerprint_stream
from netsafe.signals.page_pdq import page_pdqs
from netsafe.signals.pdq import DEFAULT_MAX_DISTANCE, PdqSignal
from tests.cli_runner import run_cli
from tests.triage.conftest import import_listing, md5
from tests.triage.fixtures import photo_jpeg

LISTED = photo_jpeg(103, size=256)


def _picture(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data)).convert("RGB")


def _others(count: int, first_seed: int = 300) -> list[Image.Image]:
    return [_picture(photo_jpeg(first_seed + i, size=256)) for i in range(count)]


def _saved(fmt: str, frames: list[Image.Image], **options: object) -> bytes:
    buffer = io.BytesIO()
    frames[0].save(buffer, fmt, save_all=True, append_images=frames[1:], **options)
    return buffer.getvalue()


def _animation(fmt: str, frames: list[Image.Image]) -> bytes:
    return _saved(fmt, frames, duration=100, loop=0)


def _corrupt_page_3_tiff() -> bytes:
    """A 4-page deflate TIFF whose third page's compressed strip is overwritten mid-way."""
    data = bytearray(_saved("TIFF", _others(4, 400), compression="tiff_deflate"))
    image = Image.open(io.BytesIO(bytes(data)))
    image.seek(2)
    start = image.tag_v2[273][0] + 20  # StripOffsets of page 3
    data[start : start + 200] = bytes(range(200))
    return bytes(data)


def _noise_gif(frames: int) -> bytes:
    rng = np.random.default_rng(5)
    pictures = [
        Image.fromarray(rng.integers(0, 255, (64, 64, 3), dtype=np.uint8)) for _ in range(frames)
    ]
    return _saved("GIF", pictures, duration=50)


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
def exhibit(tmp_path: Path) -> Path:
    listed, others = _picture(LISTED), _others(6)
    files = {
        "scan.tif": _saved("TIFF", [others[0], others[1], listed, others[2]]),
        "anim.gif": _animation("GIF", [*others[:4], listed, others[4]]),
        "anim.webp": _animation("WEBP", [*others[:4], listed, others[4]]),
        "anim.png": _animation("PNG", [*others[:4], listed, others[4]]),
        "unlisted.gif": _animation("GIF", others),
        "many.gif": _noise_gif(DEFAULT_PAGE_LIMITS.max_hashed + 10),
        "broken.tif": _corrupt_page_3_tiff(),
        "still.jpg": photo_jpeg(500),
    }
    root = tmp_path / "exhibit"
    root.mkdir()
    for name, data in files.items():
        (root / name).write_bytes(data)
    return root


def test_a_listed_picture_as_a_later_page_or_frame_is_found_by_pdq(
    tmp_path: Path,
    exhibit: Path,
    cli_env: Settings,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    listed_pdq = fingerprint_stream(io.BytesIO(LISTED), path="listed").pdq
    assert listed_pdq is not None
    import_listing(tmp_path, capsys, monkeypatch, f"pdq,category\n{listed_pdq},B\n")
    out = tmp_path / "out"
    done = run_cli(
        capsys, monkeypatch, "triage", str(exhibit), "--exhibit", "FRAMES/1", "--out", str(out),
        "--workers", "0", "--no-pdf", "--inventory", "--json",
    )  # fmt: skip
    # broken.tif's third page could not be read: an item in error, so exit 1
    assert done.exit_code == 1, done.stderr
    summary = done.json()
    assert (summary["files_matched"], summary["items_in_error"]) == (4, 1)

    findings = {row["path"]: row for row in _rows(out / "findings.csv")}
    assert set(findings) == {
        "scan.tif!/page-0003",
        "anim.gif!/frame-0005",
        "anim.webp!/frame-0005",
        "anim.png!/frame-0005",
    }
    for path, row in findings.items():
        file_bytes = (exhibit / path.split("!/")[0]).read_bytes()
        # the page's record carries its file's hashes (what is seized) and the page's PDQ
        assert (row["md5"], row["size"]) == (md5(file_bytes), str(len(file_bytes)))
        assert (row["signal"], row["category"]) == ("pdq", "B")
        assert int(row["distance"]) == PdqSignal.distance(row["pdq"], listed_pdq)
        assert int(row["distance"]) <= DEFAULT_MAX_DISTANCE
    # lossless TIFF and APNG pages hash exactly as the picture; a GIF frame is quantised to a
    # 256-colour palette (with dithering), which moves its PDQ by some bits, within the list's
    # default distance; lossy WebP moves it a little
    assert findings["scan.tif!/page-0003"]["distance"] == "0"
    assert findings["anim.png!/frame-0005"]["distance"] == "0"
    assert 0 < int(findings["anim.gif!/frame-0005"]["distance"]) <= DEFAULT_MAX_DISTANCE

    errors = {(r["path"], r["severity"], r["kind"]): r["reason"] for r in _rows(out / "errors.csv")}
    broken = errors.pop(("broken.tif!/page-0003", "error", "corrupt-image"))
    assert broken.startswith("page 3: ")
    capped = errors.pop(("many.gif", "warning", "frames-not-all-hashed"))
    assert "the cap of 100 distinct frames" in capped
    assert errors == {}

    inventory = {row["path"]: row for row in _rows(out / "inventory.csv")}
    page = inventory["scan.tif!/page-0003"]
    assert (page["flags"], page["status"]) == ("frame", "matched")
    assert inventory["scan.tif"]["status"] == "no-match"  # its first page is not the picture
    assert inventory["broken.tif!/page-0004"]["status"] == "no-match"  # read past the bad page
    assert inventory["broken.tif!/page-0003"]["status"] == "unread"
    assert {p for p in inventory if p.startswith("unlisted.gif")} == {
        "unlisted.gif",
        *(f"unlisted.gif!/frame-{n:04d}" for n in range(2, 7)),
    }
    assert not any(p.startswith("still.jpg!/") for p in inventory)
    assert len([p for p in inventory if p.startswith("many.gif!/")]) == 100

    # the case export names the file (its hashes) and, in its comment, the page that matched
    path = out / "case-export.vics.json"
    assert json.loads(path.read_text(encoding="utf-8"))["@odata.context"].endswith("#Cases")
    entries = [HashEntry(*row) for row in vics.read(path, CategoryMap.load(), sink=_Strict())]
    by_md5 = {entry.md5.hex(): entry for entry in entries if entry.md5}
    tif = by_md5[md5((exhibit / "scan.tif").read_bytes())]
    assert "scan.tif!/page-0003" in (tif.comments or "")


class _Strict:
    """An entry sink that fails the test on any rejected entry."""

    def invalid(self, where: str, error: Exception) -> None:
        raise AssertionError(f"VICS entry rejected at {where}: {error}")


def test_a_single_frame_picture_reads_no_further_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    """Plain pictures take the path they took before: their frame count only."""

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("a single-frame picture's pages were read")

    monkeypatch.setattr("netsafe.signals.fingerprint.page_pdqs", refuse)
    fingerprinter = Fingerprinter(pages=True)
    one_frame = {
        "jpeg": LISTED,
        "png": _saved("PNG", [_picture(LISTED)]),
        "gif": _saved("GIF", [_picture(LISTED)]),
        "tiff": _saved("TIFF", [_picture(LISTED)]),
        "webp": _saved("WEBP", [_picture(LISTED)]),
    }
    for name, data in one_frame.items():
        fp, _ = fingerprinter.fingerprint(io.BytesIO(data), path=name)
        assert (fp.pages, fp.error, fp.pdq is not None) == (None, None, True), name


def test_repeated_frames_are_hashed_once() -> None:
    listed, other = _picture(LISTED), _others(1)[0]
    data = _animation("GIF", [other, listed, other, listed, other])
    fp, _ = Fingerprinter(pages=True).fingerprint(io.BytesIO(data), path="a.gif")
    assert fp.pages is not None
    assert [page.name for page in fp.pages.pages] == ["frame-0002"]
    assert fp.pages.capped == ""


@pytest.mark.parametrize(
    ("limits", "reason"),
    [
        (PageLimits(max_hashed=2), "frame 4 on not hashed with PDQ: the cap of 2 distinct frames"),
        (PageLimits(max_decoded=3), "frame 5 on not hashed with PDQ: the cap of 3 decoded frames"),
        (
            PageLimits(max_total_pixels=3 * 256 * 256),
            "frame 5 on not hashed with PDQ: the cap of 196,608 pixels of decoded frames",
        ),
    ],
)
def test_each_cap_stops_the_reading_and_says_where(limits: PageLimits, reason: str) -> None:
    data = _animation("WEBP", _others(6))
    first, more = decode_luma_paged(data, DEFAULT_LIMITS)
    assert more
    read = page_pdqs(data, first, DEFAULT_LIMITS, page_limits=limits)
    assert read.capped.startswith(f"frames from {reason}")
    assert len(read.pages) == min(limits.max_hashed, limits.max_decoded, 3)
