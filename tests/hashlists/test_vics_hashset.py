"""The batch fast path for VICS hash sets reads exactly what the general reader reads.

Small chunks make every file many chunks, so cuts fall inside items, inside nested
`AlternativeHashes` lists and right before unusual entries.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from netsafe.hashlists.category_map import CategoryMap
from netsafe.hashlists.errors import EntrySink, HashListFormatError, SkipLog
from netsafe.hashlists.formats import vics, vics_hashset
from netsafe.hashlists.model import EntryRow
from tests.hashlists.listfiles import make_entries, write_vics

CATEGORIES = CategoryMap.load()


def read_fast(path: Path, *, skip: bool = False) -> tuple[list[EntryRow], SkipLog]:
    log = SkipLog()
    return list(vics.read(path, CATEGORIES, EntrySink(path, skip_invalid=skip, log=log))), log


def read_general(path: Path, *, skip: bool = False) -> tuple[list[EntryRow], SkipLog]:
    log = SkipLog()
    sink = EntrySink(path, skip_invalid=skip, log=log)
    with path.open("rb") as handle:
        head = handle.read(65536)
        handle.seek(3 if head.startswith(vics.BOM) else 0)
        return list(vics._read_general(path, handle, head, CATEGORIES, sink, 0)), log


def vics_file(tmp_path: Path, count: int = 120, **changes: object) -> Path:
    """A generated hash set; `changes` maps an entry number ("e7") to fields to set on it (a
    dict), or to what replaces it (anything else)."""
    path = write_vics(tmp_path / "list.json", make_entries(count))
    data = json.loads(path.read_bytes().decode("utf-8-sig"))
    for key, change in changes.items():
        number = int(key[1:]) - 1
        if isinstance(change, dict):
            data["value"][number].update(change)
        else:
            data["value"][number] = change
    # Compact, one object a line and pretty-printed files: the cuts differ.
    path.write_bytes(vics.BOM + json.dumps(data, indent=1 if count % 2 else None).encode())
    return path


@pytest.fixture(params=[700, 3000])
def small_chunks(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr(vics_hashset, "CHUNK_BYTES", request.param)
    return int(request.param)


@pytest.mark.usefixtures("small_chunks")
@pytest.mark.parametrize("count", [1, 120, 121])
def test_fast_path_reads_what_the_general_reader_reads(tmp_path: Path, count: int) -> None:
    path = vics_file(tmp_path, count)
    assert read_fast(path) == read_general(path)
    assert len(read_fast(path)[0]) == count
    with path.open("rb") as handle:  # all of it on the fast path (no `Unusual` raised)
        batches = vics_hashset.hashset_batches(handle, CATEGORIES, lambda items, first: [])
        assert sum(map(len, batches)) == count


@pytest.mark.usefixtures("small_chunks")
def test_unusual_values_and_skipped_entries_match_the_general_reader(tmp_path: Path) -> None:
    two_hashes = [
        {"HashName": "SHA256", "HashValue": "ab" * 32},
        {"HashName": "pdq", "HashValue": "CD" * 32},
    ]
    spelled_otherwise = [  # names as the general reader takes them; the last of a kind counts
        {"HashName": " Sha-256 ", "HashValue": "12" * 32},
        {"HashName": "PDQ", "HashValue": "34" * 32},
        {"HashName": "Pdq", "HashValue": "56" * 32},
        {"HashName": "MD5", "HashValue": "not read"},
    ]
    path = vics_file(
        tmp_path,
        e3={"Category": "2", "VictimIdentified": "yes"},  # text the general path accepts
        e9={"MD5": "nothex" * 5 + "ab"},  # invalid: skipped
        e20={"Category": 42},  # unmapped: skipped
        e21={"MediaSize": "12345", "Series": " leading space"},
        e40={"AlternativeHashes": two_hashes},
        e41={"AlternativeHashes": two_hashes, "Comments": [{"Comment": "c"}]},
        e50={"SHA256": None, "PDQ": None, "AlternativeHashes": spelled_otherwise},
        e51={"PDQ": "EF" * 32, "AlternativeHashes": spelled_otherwise},  # the field wins
        e60={"MD5": None, "SHA1": None, "AlternativeHashes": None},  # no hash: skipped
        e77={"SourceID": 77, "MediaID": "x"},
        e99=[1, 2],  # not an object: skipped
    )
    fast, fast_log = read_fast(path, skip=True)
    general, general_log = read_general(path, skip=True)
    assert fast == general
    assert fast_log == general_log
    assert fast_log.count == 4


@pytest.mark.usefixtures("small_chunks")
def test_an_invalid_entry_is_named_as_by_the_general_reader(tmp_path: Path) -> None:
    path = vics_file(tmp_path, e57={"SHA1": "ABC"})
    with pytest.raises(HashListFormatError) as fast:
        read_fast(path)
    with pytest.raises(HashListFormatError) as general:
        read_general(path)
    assert str(fast.value) == str(general.value)
    assert fast.value.where.startswith("entry 57")


@pytest.mark.usefixtures("small_chunks")
@pytest.mark.parametrize("cut", [100, 2500, 9000])
def test_malformed_json_is_reported_as_by_the_general_reader(tmp_path: Path, cut: int) -> None:
    path = vics_file(tmp_path)
    path.write_bytes(path.read_bytes()[:-cut] + b"{oops")
    with pytest.raises(HashListFormatError) as fast:
        read_fast(path)
    with pytest.raises(HashListFormatError) as general:
        read_general(path)
    assert str(fast.value) == str(general.value)
    assert "malformed JSON" in str(fast.value)


@pytest.mark.usefixtures("small_chunks")
def test_members_after_the_array_and_non_object_items(tmp_path: Path) -> None:
    path = vics_file(tmp_path)
    text = path.read_bytes().decode("utf-8-sig").rstrip()
    assert text.endswith("}")
    path.write_text(text[:-1] + ', "odata.count": 120, "note": "}, {"}', encoding="utf-8")
    assert read_fast(path) == read_general(path)
    assert len(read_fast(path)[0]) == 120
