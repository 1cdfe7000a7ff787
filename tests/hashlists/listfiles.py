"""Seeded generators of list entries and of list files with the quirks real files have.

VICS files with a UTF-8 BOM, upper-case hex, booleans as "true"/"false" strings and missing
fields; CSV with a BOM and columns in another order; NSRL legacy text and RDSv3 SQLite; plain.
Every hash is random bytes from a seeded generator: no real list content.
"""

from __future__ import annotations

import csv
import json
import random
import sqlite3
from pathlib import Path

from netsafe.categories import Category
from netsafe.hashlists.model import HashEntry

CATEGORY_NUMBERS = {"ungraded": 0, "A": 1, "B": 2, "C": 3, "non-indecent": 4, "ignorable": 5}
VICS_2_CONTEXT = "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/CUSTOM/$metadata"
VICS_1_CONTEXT = "http://github.com/ICMEC/ProjectVic/DataModels/1.3.xml"


def make_entries(count: int, seed: int = 1, *, pdq: bool = True) -> list[HashEntry]:
    """`count` entries with every field sometimes present, sometimes missing."""
    rng = random.Random(seed)
    entries = []
    for number in range(1, count + 1):
        entries.append(
            HashEntry(
                md5=rng.randbytes(16),
                sha1=rng.randbytes(20) if number % 5 else None,
                sha256=rng.randbytes(32) if number % 3 == 0 else None,
                pdq=rng.randbytes(32) if pdq and number % 4 == 0 else None,
                category=rng.choice(list(Category)).value,
                media_size=rng.randint(100, 10**8) if number % 7 else None,
                series=f"series-{number % 9}" if number % 2 else None,
                victim_identified=(None, True, False)[number % 3],
                comments='synthetic, comma, "quoted"' if number % 11 == 0 else None,
                source_id=str(number),
            )
        )
    return entries


def vics_media(entry: HashEntry, *, version: str = "2.0") -> dict[str, object]:
    """A VICS Media object as real files write it: upper-case hex, string booleans."""
    media: dict[str, object] = {"MediaID": int(entry.source_id or 0)}
    if version.startswith("1"):
        media["odata.id"] = f"Media({entry.source_id})"
    media["Category"] = CATEGORY_NUMBERS[entry.category]
    if entry.md5:
        media["MD5"] = entry.md5.hex().upper()
    if entry.sha1:
        media["SHA1"] = entry.sha1.hex().upper()
    if entry.media_size is not None:
        media["MediaSize"] = entry.media_size
    if entry.series:
        media["Series"] = entry.series
    if entry.victim_identified is not None:
        media["VictimIdentified"] = "true" if entry.victim_identified else "false"
    if entry.comments:
        media["Comments"] = entry.comments
    alternatives = []
    if entry.sha256:
        alternatives.append({"HashName": "SHA256", "HashValue": entry.sha256.hex().upper()})
    if entry.pdq:
        alternatives.append({"HashName": "PDQ", "HashValue": entry.pdq.hex()})
    if alternatives:
        media["AlternativeHashes"] = [{"HashName": "PhotoDNA", "HashValue": "AAAA"}, *alternatives]
    media["IsPrecategorized"] = "false"
    return media


def write_vics(
    path: Path, entries: list[HashEntry], *, version: str = "2.0", cases: bool = False
) -> Path:
    """A VICS file (BOM, upper-case hex, string booleans), hash-set or case form."""
    form = "Cases" if cases else "Media"
    head: dict[str, object]
    if version.startswith("1"):
        head = {"odata.metadata": f"{VICS_1_CONTEXT}#{form}"}
    else:
        head = {"@odata.context": f"{VICS_2_CONTEXT}#{form}"}
    media = [vics_media(e, version=version) for e in entries]
    if cases:
        half = len(media) // 2
        for item in media:
            item["MediaFiles"] = [{"FileName": "image.jpg", "FilePath": "C:/x", "Created": None}]
        value: list[object] = [
            {"CaseID": 1, "CaseNumber": "T-1", "Media": media[:half]},
            {"CaseID": 2, "CaseNumber": "T-2", "Media": media[half:], "ContactName": "x"},
        ]
    else:
        value = list(media)
    text = json.dumps({**head, "value": value}, indent=1)
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    return path


def write_csv(path: Path, entries: list[HashEntry]) -> Path:
    """A CSV list with a BOM, shuffled and aliased headers, upper-case hex and an extra column."""
    header = ["Category", "SHA-1", "MD5", "notes", "sha256", "PDQ", "MediaSize", "Series",
              "VictimIdentified", "Comments", "MediaID"]  # fmt: skip
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for e in entries:
            writer.writerow(
                [
                    e.category,
                    e.sha1.hex().upper() if e.sha1 else "",
                    e.md5.hex().upper() if e.md5 else "",
                    "ignored column",
                    e.sha256.hex() if e.sha256 else "",
                    e.pdq.hex() if e.pdq else "",
                    "" if e.media_size is None else e.media_size,
                    e.series or "",
                    "" if e.victim_identified is None else str(e.victim_identified).lower(),
                    e.comments or "",
                    e.source_id or "",
                ]
            )
    return path


def nsrl_entries(count: int, seed: int = 7) -> list[HashEntry]:
    rng = random.Random(seed)
    return [
        HashEntry(
            md5=rng.randbytes(16),
            sha1=rng.randbytes(20),
            sha256=None,
            category=Category.IGNORABLE.value,
            media_size=rng.randint(0, 10**6),
            comments=f"program-{n}.dll",
            source_id=str(1000 + n % 13),
        )
        for n in range(count)
    ]


def write_nsrl_legacy(path: Path, entries: list[HashEntry]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(
            '"SHA-1","MD5","CRC32","FileName","FileSize","ProductCode","OpSystemCode","SpecialCode"\n'
        )
        for e in entries:
            assert e.sha1 is not None
            assert e.md5 is not None
            handle.write(
                f'"{e.sha1.hex().upper()}","{e.md5.hex().upper()}","0A1B2C3D","{e.comments}",'
                f'{e.media_size},{e.source_id},"358",""\n'
            )
    return path


def write_nsrl_rds3(path: Path, entries: list[HashEntry], seed: int = 3) -> list[HashEntry]:
    """An RDSv3-shaped database (a FILE view over a table); returns entries with sha256 set."""
    rng = random.Random(seed)
    with_sha256 = [e._replace(sha256=rng.randbytes(32)) for e in entries]
    connection = sqlite3.connect(path)
    connection.execute(
        "CREATE TABLE FILE_TABLE (sha256 TEXT, sha1 TEXT, md5 TEXT, crc32 TEXT, file_name TEXT,"
        " file_size INTEGER, package_id INTEGER)"
    )
    connection.executemany(
        "INSERT INTO FILE_TABLE VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (
                e.sha256.hex().upper() if e.sha256 else None,
                e.sha1.hex().upper() if e.sha1 else None,
                e.md5.hex().upper() if e.md5 else None,
                "00000000",
                e.comments,
                e.media_size,
                int(e.source_id or 0),
            )
            for e in with_sha256
        ],
    )
    connection.execute("CREATE VIEW FILE AS SELECT * FROM FILE_TABLE")
    connection.commit()
    connection.close()
    return with_sha256


def write_plain(path: Path, entries: list[HashEntry]) -> Path:
    lines = ["# synthetic plain list", ""]
    for e in entries:
        for kind, value in (("", e.md5), ("", e.sha1), ("", e.sha256), ("PDQ:", e.pdq)):
            if value is not None:
                lines.append(f"{kind}{value.hex().upper()}   # trailing comment")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
