"""NIST's NSRL sets in VICS form are recognised as known-good `ignore` lists; an unknown
category's error says how to map it; Interpol ICSE CSV exports are read as alert lists.
The files are generated here, shaped like the published formats; every hash is random."""

from __future__ import annotations

import hashlib
import json
import random
from pathlib import Path

import pytest

from netsafe.hashlists.category_map import CategoryMap
from netsafe.hashlists.errors import EntrySink, HashListFormatError
from netsafe.hashlists.formats import ListFormat, detect_format, read_entries
from netsafe.hashlists.known_good import recognise
from netsafe.hashlists.model import HashEntry
from tests.hashlists import test_hashlist_cli
from tests.hashlists.test_hashlist_cli import Cli

cli = test_hashlist_cli.cli  # the CLI fixture

NSRL_CONTEXT = (
    "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/Default/$metadata#Media"
)
ICSE_HEADER = (
    "MD5;SHA1;PhotoDNA;Image ID;Is distributed;Victim identified;Offender identified;"
    "Series name;Number of submissions;File Available;Media Type;Baseline"
)


def write_nsrl_vics(
    path: Path, count: int, *, media_type: str, seed: int, in_entries: bool = False
) -> Path:
    """One media type's NSRL set in VICS form: every entry Category 8; the NSRL named at the
    top of the set, or (`in_entries`) in each entry's comments."""
    rng = random.Random(seed)
    value = []
    for number in range(1, count + 1):
        media: dict[str, object] = {
            "MediaID": number,
            "Category": 8,
            "MD5": rng.randbytes(16).hex().upper(),
            "SHA1": rng.randbytes(20).hex().upper(),
            "MediaSize": rng.randint(100, 10**6),
        }
        if in_entries:
            media["Comments"] = f"NSRL RDS {media_type}"
        value.append(media)
    head: dict[str, object] = {"@odata.context": NSRL_CONTEXT}
    if not in_entries:
        head["Source"] = f"NIST National Software Reference Library, {media_type}"
    path.write_text(json.dumps({**head, "value": value}, indent=1), encoding="utf-8")
    return path


def write_icse(path: Path, rows: list[list[str]]) -> Path:
    lines = [ICSE_HEADER, *(";".join(row) for row in rows)]
    path.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(lines).encode("utf-8") + b"\r\n")
    return path


@pytest.mark.parametrize("in_entries", [False, True])
def test_nsrl_vics_sets_are_recognised_by_their_provenance(
    tmp_path: Path, in_entries: bool
) -> None:
    path = write_nsrl_vics(tmp_path / "images.json", 5, media_type="images", seed=1,
                           in_entries=in_entries)  # fmt: skip
    found = recognise(path)
    assert found is not None
    assert found.source == "NIST NSRL (VICS)"
    categories = found.categories(CategoryMap.load())
    entries = list(
        read_entries(path, ListFormat.VICS, categories, EntrySink(path, skip_invalid=False))
    )
    assert {HashEntry(*e).category for e in entries} == {"ignorable"}
    assert len(entries) == 5


def test_a_vics_file_without_nsrl_provenance_is_not_known_good(tmp_path: Path) -> None:
    path = write_nsrl_vics(tmp_path / "x.json", 3, media_type="images", seed=2)
    text = path.read_text(encoding="utf-8").replace("National Software Reference Library", "zebra")
    path.write_text(text, encoding="utf-8")
    assert recognise(path) is None
    with pytest.raises(HashListFormatError) as raised:
        list(
            read_entries(
                path, ListFormat.VICS, CategoryMap.load(), EntrySink(path, skip_invalid=False)
            )
        )
    message = str(raised.value)
    assert "unknown category 8: copy the category map" in message
    assert '8 = "..." to its numeric table' in message
    assert "--category-map FILE" in message


def test_an_unknown_category_word_says_how_to_map_it(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text("MD5,Category\n" + "ab" * 16 + ",zebra-test-term\n", encoding="utf-8")
    with pytest.raises(HashListFormatError, match=r'"zebra-test-term" = "\.\.\." to its names'):
        list(
            read_entries(
                path, ListFormat.CSV, CategoryMap.load(), EntrySink(path, skip_invalid=False)
            )
        )


def test_nsrl_vics_imports_as_an_ignore_list_and_files_it_knows_are_ignored(
    cli: Cli,
    tmp_path: Path,
) -> None:
    known = tmp_path / "setup.exe"
    known.write_bytes(b"known good program bytes")
    images = write_nsrl_vics(tmp_path / "NSRL-images.json", 4, media_type="images", seed=3)
    data = json.loads(images.read_text(encoding="utf-8"))
    data["value"][0]["MD5"] = hashlib.md5(known.read_bytes()).hexdigest().upper()
    images.write_text(json.dumps(data), encoding="utf-8")
    videos = write_nsrl_vics(tmp_path / "NSRL-videos.json", 3, media_type="videos", seed=4)

    imported = cli("hashlist", "import", str(images), "--name", "nsrl-images", "--json")
    assert imported.exit_code == 0, imported.stderr
    assert imported.json()["recognised_as"] == "NIST NSRL (VICS)"
    assert imported.json()["categories"] == {"ignorable": 4}
    human = cli("hashlist", "import", str(videos), "--name", "nsrl-videos")
    assert "recognised as NIST NSRL (VICS)" in human.stdout
    shown = cli("hashlist", "show", "nsrl-images", "--json").json()
    assert shown["action"] == "ignore"
    assert shown["source"] == "NIST NSRL (VICS)"
    assert cli("hashlist", "show", "nsrl-videos", "--json").json()["action"] == "ignore"
    matched = cli("match", str(known), "--json").json()[0]
    assert matched["ignored_by"] == ["nsrl-images"]

    override = cli("hashlist", "import", str(videos), "--name", "v2", "--action", "alert",
                   "--source", "lab copy", "--json")  # fmt: skip
    assert override.exit_code == 0
    assert cli("hashlist", "show", "v2", "--json").json()["action"] == "alert"
    assert cli("hashlist", "show", "v2", "--json").json()["source"] == "lab copy"


def test_icse_csv_export_is_detected_and_read(tmp_path: Path) -> None:
    rng = random.Random(9)
    md5s = [rng.randbytes(16).hex().upper() for _ in range(3)]
    sha1s = [rng.randbytes(20).hex().upper() for _ in range(3)]
    path = write_icse(
        tmp_path / "icse.csv",
        [
            [
                md5s[0],
                sha1s[0],
                "",
                "1001",
                "Yes",
                "No",
                "No",
                "series-x",
                "4",
                "Yes",
                "Image",
                "No",
            ],
            [md5s[1], "", "", "1002", "No", "Yes", "", "", "1", "", "Image", "Yes"],
            ["", sha1s[2], "", "1003", "", "", "", "", "", "", "Video", ""],
        ],
    )
    assert detect_format(path) is ListFormat.ICSE
    entries = list(
        read_entries(path, ListFormat.AUTO, CategoryMap.load(), EntrySink(path, skip_invalid=False))
    )
    assert [e.source_id for e in entries] == ["1001", "1002", "1003"]
    assert entries[0].md5 == bytes.fromhex(md5s[0])
    assert entries[0].sha1 == bytes.fromhex(sha1s[0])
    assert entries[0].series == "series-x"
    assert entries[0].victim_identified is False
    assert entries[1].victim_identified is True
    assert entries[0].comments == (
        "distributed=Yes; offender-identified=No; submissions=4; file-available=Yes; "
        "media-type=Image; baseline=No"
    )
    assert entries[2].md5 is None
    assert {e.category for e in entries} == {"ungraded"}


def test_icse_rows_in_error_name_their_line(tmp_path: Path) -> None:
    empty = [""] * 8
    path = write_icse(
        tmp_path / "icse.csv", [["zz", "", "", "1", *empty], ["", "", "AAAA", "2", *empty]]
    )
    with pytest.raises(HashListFormatError, match=r"line 2, field MD5: md5 must be 32 hex"):
        list(
            read_entries(
                path, ListFormat.ICSE, CategoryMap.load(), EntrySink(path, skip_invalid=False)
            )
        )
    sink = EntrySink(path, skip_invalid=True)
    assert list(read_entries(path, ListFormat.ICSE, CategoryMap.load(), sink)) == []
    assert sink.log.count == 2
    assert "PhotoDNA alone is not matched" in " ".join(sink.log.reasons)


def test_icse_import_is_an_alert_list(cli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "found.bin"
    target.write_bytes(b"benign stand-in bytes")
    md5 = hashlib.md5(target.read_bytes()).hexdigest().upper()
    path = write_icse(
        tmp_path / "export.csv", [[md5, "", "", "77", "", "", "", "", "", "", "", ""]]
    )
    imported = cli("hashlist", "import", str(path), "--name", "icse", "--json")
    assert imported.exit_code == 0, imported.stderr
    assert imported.json()["format"] == "icse"
    assert cli("hashlist", "show", "icse", "--json").json()["action"] == "alert"
    matches = cli("match", str(target), "--json").json()[0]["matches"]
    assert [(m["list"], m["category"], m["signal"]) for m in matches] == [
        ("icse", "ungraded", "md5")
    ]
