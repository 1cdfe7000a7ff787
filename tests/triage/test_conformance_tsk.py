"""Conformance on published forensic test images (data/README.md): `netsafe triage --inventory`
against The Sleuth Kit's `fls -r -p` and `icat` (tests/triage/tsk_reference.py).

Every regular file TSK lists, allocated or deleted, must be in inventory.csv under the same path,
with the same size, MD5 and SHA-1 and the same deleted flag; a deleted name TSK can no longer
read must be named in errors.csv; nothing else may be missing and triage exits 0. Left out on
purpose (documented in docs/examiner.md): the file systems' own metadata files (NTFS's `$MFT`,
`$Extend/...`, HFS+'s `$CatalogFile`, ...: root names starting with `$` on records below 16),
NTFS's spare MFT records 16-23 that TSK lists as orphan files, and FAT's volume label entry.
Items NetSafe finds beyond TSK's names are allowed only when they are archive members (`!/`),
HFS+ resource forks (`:rsrc`, which `fls` does not list), carved or thumbnail items. Where the
images' makers published the right answers (DFTT's MD5s), those are checked too. A GPT disk is
made by code (no published GPT image is stored here), checked against TSK the same way.
"""

from __future__ import annotations

import csv
import hashlib
import json
import lzma
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from netsafe.settings import Settings
from tests.cli_runner import run_cli
from tests.triage.disk_fixtures import BASIC_DATA, LINUX_DATA, gpt_disk
from tests.triage.fixtures import ext_image, fat_image, text_file
from tests.triage.tsk_reference import NTFS_RESERVED_RECORDS, TskName, names

DATA = Path(__file__).parent / "data"
METADATA_RECORDS = 16  # NTFS MFT records / HFS+ catalog node ids below this are the file system's


@dataclass(frozen=True)
class Published:
    """A published test image: its stored (xz) segments, their unpacked names and SHA-256."""

    segments: tuple[tuple[str, str, str], ...]  # (stored file, unpacked name, sha256 unpacked)
    #: "tsk": TSK reads the segments; "qemu": TSK reads `qemu-img convert -O raw` of them
    reference: str = "tsk"
    ntfs: bool = False
    #: the image maker's own answers: path -> MD5
    answers: dict[str, str] = field(default_factory=dict)
    #: regular files TSK must list at least (a guard against an empty reference)
    at_least: int = 1


def _xz(stored: str, name: str, sha256: str) -> tuple[str, str, str]:
    return (stored, name, sha256)


# DFTT's answer sheets (index.html of each test): the MD5 of every deleted file
NTFS_ANSWERS = {
    "/res1.dat": "9036637712b491904cd0bfbdbe648453",
    "/sing1.dat": "59b20779f69ff9f0ac5fcd2c38835a79",
    "/mult1.dat": "ffd27bd782bdce67750b6b9ee069d2ef",
    "/mult1.dat:ADS": "ba1b9eedb1c091ddca253d35dde8f616",
    "/frag1.dat": "7a3bc5b763bef201202108f4ba128149",
    "/frag2.dat": "0e80ab84ef0087e60dfc67b88a1cf13e",
    "/dir1/mult2.dat": "59cf0e9cd107bc1e75afb7374f6e05bb",
    "/dir1/dir2/frag3.dat": "21121699487f3fbbdb9a4b3391b6d3e0",
    # in a folder whose MFT record was reused: TSK lists it as an orphan file
    "/$OrphanFiles/sing2.dat": "c229626f6a71b167ad7e50c4f2fccdb1",
}
# FAT keeps no cluster chain for a deleted file: the fragmented ones (frag1-3) read back as the
# clusters following their first one, which DFTT's sheet lists as the expected "incorrect" MD5
# of every tool; TSK gives the same. The names' first letters are gone (`_ing.dat`).
FAT_ANSWERS = {
    "/_ing.dat": "59b20779f69ff9f0ac5fcd2c38835a79",
    "/_ult1.dat": "ffd27bd782bdce67750b6b9ee069d2ef",
    "/_ir1/mult2.dat": "59cf0e9cd107bc1e75afb7374f6e05bb",
    "/_rag1.dat": "c4f3b9a0f17d464f4fc61b94ecf6cc21",
    "/_rag2.dat": "965370acfa85aa7e26ab04bbd45cdcae",
    "/_ir1/dir2/frag3.dat": "a7a14ac62f79fdea4056ed5e8bcf97ef",
}

EXT2 = "578b5f75af790030113a92c4227c6e53dad53a17e65cb491781dc75b3cef31f8"
CASES = {
    "ntfs-deleted-ads": Published(
        (_xz("dftt-7-ntfs-undel.dd.xz", "7-ntfs-undel.dd",
             "4138cc42148e3381e3c66eb50090f4a30416ae8c20247c2b9bad27cf8c764d88"),),
        ntfs=True, answers=NTFS_ANSWERS, at_least=10,
    ),
    "fat-deleted": Published(
        (_xz("dftt-6-fat-undel.dd.xz", "6-fat-undel.dd",
             "e6f1f3bc53d426ae6f81b2d7b75598bc95f7447853e38b8f9ca1d1b65f7b3512"),),
        answers=FAT_ANSWERS, at_least=7,
    ),
    "iso9660-two-hierarchies": Published(
        (_xz("dftt-iso-dirtree1.iso.xz", "iso-dirtree1.iso",
             "0418d266405e1baf1334a014b9fba984962e81ec65003f34b67a7f5c7b28e6ad"),),
        at_least=2,
    ),
    "e01-mbr-two-ntfs": Published(
        (_xz("tsk-imageformat_mmls_1.E01.xz", "imageformat_mmls_1.E01",
             "5125bbc40154a6acdf96b7aded0fc28686e9c0882afb5b95ddf2dc8345ccf44e"),),
        ntfs=True, at_least=4,
    ),
    "e01-split-ext2": Published(
        (
            _xz("dfvfs-ext2.split.E01.xz", "ext2.split.E01",
                "d14f130c462b0ab8efb6bb44bbfe5680e00ffaa90538cde84579d1eb0dcac00f"),
            _xz("dfvfs-ext2.split.E02.xz", "ext2.split.E02",
                "b508375954ec1d1caeed8a6e5fc503f98493816ad6a3af89f5d220244c5f2864"),
        ),
        at_least=3,
    ),
    "split-raw-ext2": Published(
        (
            _xz("dfvfs-ext2.splitraw.000.xz", "ext2.splitraw.000",
                "2a864677a8f3c56a57ef5f02ca456205e06a274c5ba1b803c8235601d7930ee2"),
            _xz("dfvfs-ext2.splitraw.001.xz", "ext2.splitraw.001",
                "5647f05ec18958947d32874eeb788fa396a05d0bab7c1b71f112ceb7e9b31eee"),
        ),
        at_least=3,
    ),
    "vmdk-ext2": Published((_xz("dfvfs-ext2.vmdk.xz", "ext2.vmdk", EXT2),), "qemu", at_least=3),
    "qcow2-ext2": Published(
        (_xz("dfvfs-ext2.qcow2.xz", "ext2.qcow2",
             "130bb8d85ee04deb9cffa1d731ee7348ddb045eaf3762f2141a5ddf9b7f4ecb8"),),
        "qemu", at_least=3,
    ),
    "vhd-ext2": Published(
        (_xz("dfvfs-ext2.vhd.xz", "ext2.vhd",
             "225f16a8d65ba442fbd9958606b60bb6001b33be024b90661baffd67f3210230"),),
        "qemu", at_least=3,
    ),
}  # fmt: skip


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """SQLite only: these tests check reading devices, not storage (which runs on both)."""
    return f"sqlite:///{tmp_path / 'netsafe-test.db'}"


def _unpack(case: Published, folder: Path) -> list[Path]:
    folder.mkdir()
    segments = []
    for stored, name, sha256 in case.segments:
        data = lzma.decompress((DATA / stored).read_bytes())
        assert hashlib.sha256(data).hexdigest() == sha256, stored
        (folder / name).write_bytes(data)
        segments.append(folder / name)
    return segments


def _reference_media(case: Published, segments: list[Path], tmp_path: Path) -> list[Path]:
    if case.reference == "tsk":
        return segments
    raw = tmp_path / "reference.raw"
    subprocess.run(["qemu-img", "convert", "-O", "raw", str(segments[0]), str(raw)], check=True)
    return [raw]


def _left_out(name: TskName, top_inodes: dict[str, int], ntfs: bool) -> bool:
    """The documented exclusions: file-system metadata, NTFS's spare records, FAT's label."""
    below = name.path.split("/")
    volume = "/".join(below[:2]) if below[1].startswith("partition-") else ""
    parts = name.path[len(volume) + 1 :].split("/")
    top = f"{volume}/{parts[0]}"
    if parts[0].startswith("$") and parts[0] != "$OrphanFiles":
        return top_inodes.get(top, METADATA_RECORDS) < METADATA_RECORDS
    if ntfs and parts[0] == "$OrphanFiles" and name.inode < NTFS_RESERVED_RECORDS:
        return True
    return name.path.endswith("(Volume Label Entry)")


def _differences(
    reference: list[TskName], inventory: dict[str, dict[str, str]], errors: set[str], ntfs: bool
) -> tuple[list[str], int]:
    """What NetSafe's reports say differently from TSK, and the number of files compared."""
    top_inodes = {n.path: n.inode for n in reference}
    problems, compared, listed = [], 0, set()
    for name in reference:
        if name.meta_type != "r" or _left_out(name, top_inodes, ntfs):
            continue
        listed.add(name.path)
        row = inventory.get(name.path)
        if name.reallocated or name.content is None:
            if name.path not in errors:
                problems.append(f"{name.path}: TSK cannot read it, errors.csv does not say so")
            continue
        if row is None:
            problems.append(f"{name.path} ({name.address}, {len(name.content)} bytes): missing")
            continue
        compared += 1
        theirs = (len(name.content), name.md5, name.sha1, name.deleted)
        ours = (int(row["size"]), row["md5"], row["sha1"], "deleted" in row["flags"].split())
        if theirs != ours:
            problems.append(f"{name.path}: TSK (size, md5, sha1, deleted) {theirs}, ours {ours}")
    for path, row in inventory.items():
        flags = set(row["flags"].split())
        ours_only = path not in listed and "!/" not in path and not path.endswith(":rsrc")
        if ours_only and not flags & {"carved", "thumbnail"}:
            problems.append(f"{path}: in the inventory, not a file TSK lists")
    return problems, compared


#: Whole-triage comparisons of more than ~5 s of CPU: in `make test`, not in `make test-fast`.
SLOW_CASES = {"e01-mbr-two-ntfs"}  # ~7.4 s: the E01's whole medium verified, two NTFS volumes


@pytest.mark.parametrize(
    "case_id", [pytest.param(c, marks=pytest.mark.slow) if c in SLOW_CASES else c for c in CASES]
)
def test_inventory_matches_the_sleuth_kit(
    case_id: str,
    tmp_path: Path,
    cli_env: Settings,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    case = CASES[case_id]
    segments = _unpack(case, tmp_path / "evidence")
    out = tmp_path / "out"
    done = run_cli(
        capsys, monkeypatch, "triage", str(segments[0]), "--exhibit", "CONF/1", "--out",
        str(out), "--inventory", "--hashes", "all", "--no-pdf", "--workers", "0", "--json",
    )  # fmt: skip
    assert done.exit_code == 0, done.stderr
    with (out / "inventory.csv").open(newline="", encoding="utf-8") as stream:
        inventory = {row["path"]: row for row in csv.DictReader(stream)}
    with (out / "errors.csv").open(newline="", encoding="utf-8") as stream:
        error_rows = list(csv.DictReader(stream))
    assert not [e for e in error_rows if e["severity"] == "error"]

    reference = names(_reference_media(case, segments, tmp_path))
    problems, compared = _differences(
        reference, inventory, {e["path"] for e in error_rows}, case.ntfs
    )
    assert problems == []
    assert compared >= case.at_least
    for path, md5 in case.answers.items():
        assert inventory[path]["md5"] == md5, path

    source = json.loads((out / "summary.json").read_text())["sources"][0]
    media = b"".join(p.read_bytes() for p in _reference_media(case, segments, tmp_path))
    verification = source["verification"]
    if segments[0].suffix == ".E01":
        assert verification["verified"] is True
    else:  # raw, split raw, virtual disks: the MD5 of the medium they hold
        assert verification["computed_md5"] == hashlib.md5(media).hexdigest()
    assert verification["media_size"] == len(media) or segments[0].suffix == ".E01"


def test_an_iso_with_two_hierarchies_gives_both_files(
    tmp_path: Path,
    cli_env: Settings,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """DFTT test 14: File1.txt is in the primary hierarchy only, File2.txt in the Joliet one.
    TSK (so NetSafe) names File2.txt and lists File1.txt's content as an orphan file: both
    contents are hashed, none is missing (the orphan's name is TSK's, flagged deleted)."""
    (image,) = _unpack(CASES["iso9660-two-hierarchies"], tmp_path / "evidence")
    out = tmp_path / "out"
    done = run_cli(
        capsys, monkeypatch, "triage", str(image), "--exhibit", "CONF/2", "--out", str(out),
        "--inventory", "--no-pdf", "--workers", "0",
    )  # fmt: skip
    assert done.exit_code == 0, done.stderr
    with (out / "inventory.csv").open(newline="", encoding="utf-8") as stream:
        sha1s = {row["sha1"]: row for row in csv.DictReader(stream)}
    for text in (b"Hello. I am file #1.\n", b"Goodbye. I am file #2. \n"):
        assert hashlib.sha1(text).hexdigest() in sha1s, text


@pytest.mark.parametrize(
    ("case_id", "keep"), [("ntfs-deleted-ads", 3_000_000), ("e01-mbr-two-ntfs", 200_000)]
)
def test_a_cut_published_image_is_an_error_and_exits_1(
    case_id: str,
    keep: int,
    tmp_path: Path,
    cli_env: Settings,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Half an NTFS volume (its MFT past the cut), an E01 cut inside its chunks: never a clean
    device. errors.csv names the problem, and the exit code is 1."""
    (image,) = _unpack(CASES[case_id], tmp_path / "evidence")
    image.write_bytes(image.read_bytes()[:keep])
    out = tmp_path / "out"
    done = run_cli(
        capsys, monkeypatch, "triage", str(image), "--exhibit", "CONF/3", "--out", str(out),
        "--no-pdf", "--workers", "0",
    )  # fmt: skip
    assert done.exit_code == 1
    assert "this is not a clean device" in done.stderr
    with (out / "errors.csv").open(newline="", encoding="utf-8") as stream:
        assert [row for row in csv.DictReader(stream) if row["severity"] == "error"]


def test_a_gpt_disk_made_by_code_matches_the_sleuth_kit(
    tmp_path: Path,
    cli_env: Settings,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A GPT with a FAT and an ext4 partition, each with a deleted file: every file `fls` lists
    in either partition is in inventory.csv, named `/partition-1.1/...` and `/partition-1.2/...`
    as `mmls` numbers the entries, with TSK's size, hashes and deleted flag."""
    fat = fat_image(
        tmp_path / "data.fat",
        {"docs/report.txt": text_file(1), "gone.txt": text_file(2, 5000), "keep.dat": b"zebra"},
        delete=("gone.txt",),
    )
    ext = ext_image(
        tmp_path / "linux.ext4",
        {"home/notes.txt": text_file(3), "tmp/erased.bin": text_file(4, 9000)},
        delete=("tmp/erased.bin",),
    )
    disk = gpt_disk(tmp_path / "disk.img", [(fat, BASIC_DATA, "DATA"),
                                                         (ext, LINUX_DATA, "linux")])  # fmt: skip
    out = tmp_path / "out"
    done = run_cli(
        capsys, monkeypatch, "triage", str(disk), "--exhibit", "CONF/4", "--out", str(out),
        "--inventory", "--hashes", "all", "--no-pdf", "--workers", "0", "--no-carve",
    )  # fmt: skip
    assert done.exit_code == 0, done.stderr
    with (out / "inventory.csv").open(newline="", encoding="utf-8") as stream:
        inventory = {row["path"]: row for row in csv.DictReader(stream)}
    with (out / "errors.csv").open(newline="", encoding="utf-8") as stream:
        error_rows = list(csv.DictReader(stream))
    assert error_rows == []

    reference = names([disk])
    problems, compared = _differences(reference, inventory, set(), ntfs=False)
    assert problems == []
    assert compared >= 5
    deleted = {path for path, row in inventory.items() if "deleted" in row["flags"].split()}
    assert "/partition-1.2/tmp/erased.bin" in deleted
    assert any(p.startswith("/partition-1.1/") and p.lower().endswith("one.txt") for p in deleted)
    assert {p.split("/")[1] for p in inventory} == {"partition-1.1", "partition-1.2"}
