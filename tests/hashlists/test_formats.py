"""Every format reads its quirky real-world shape and round-trips through its writer."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from netsafe.hashlists.category_map import CategoryMap
from netsafe.hashlists.errors import EntrySink, HashListFormatError, SkipLog
from netsafe.hashlists.formats import (
    ListFormat,
    csv,
    detect_format,
    json_array,
    plain,
    read_entries,
    vics,
)
from netsafe.hashlists.model import HashEntry
from tests.hashlists.listfiles import (
    make_entries,
    nsrl_entries,
    write_csv,
    write_nsrl_legacy,
    write_nsrl_rds3,
    write_plain,
    write_vics,
)

CATEGORIES = CategoryMap.load()


def read_all(
    path: Path, list_format: ListFormat = ListFormat.AUTO, *, skip: bool = False
) -> tuple[list[HashEntry], SkipLog]:
    sink = EntrySink(path, skip_invalid=skip)
    return list(read_entries(path, list_format, CATEGORIES, sink)), sink.log


@pytest.mark.parametrize("version", ["1.3", "2.0"])
@pytest.mark.parametrize("cases", [False, True], ids=["media", "cases"])
def test_vics_files_with_real_quirks_are_read(tmp_path: Path, version: str, cases: bool) -> None:
    entries = make_entries(300)
    path = write_vics(tmp_path / "list.json", entries, version=version, cases=cases)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf{")
    assert detect_format(path) is ListFormat.VICS
    read, skipped = read_all(path)
    assert read == entries
    assert skipped.count == 0


@pytest.mark.parametrize("cases", [False, True], ids=["media", "cases"])
def test_vics_2_export_round_trips(tmp_path: Path, cases: bool) -> None:
    entries = make_entries(250, seed=2)
    path = tmp_path / "export.json"
    with path.open("w", encoding="utf-8") as handle:
        assert vics.write(handle, entries, CATEGORIES, cases=cases, case_name="T") == 250
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["@odata.context"].endswith("#Cases" if cases else "#Media")
    media = data["value"][0]["Media"] if cases else data["value"]
    assert media[0]["MD5"] == entries[0].md5.hex().upper()  # type: ignore[union-attr]
    assert isinstance(media[0]["Category"], int)
    assert read_all(path)[0] == entries


def test_vics_writes_unmapped_categories_by_name(tmp_path: Path) -> None:
    only_a = CategoryMap.load(_map(tmp_path, '[numeric]\n1 = "A"\n'))
    entry = HashEntry(md5=b"\x01" * 16, category="C", source_id="7")
    media = vics.media_object(entry, 1, only_a)
    assert media["Category"] == "C"
    assert vics.media_object(entry._replace(category="A"), 1, only_a)["Category"] == 1


def test_csv_with_bom_aliases_and_any_column_order(tmp_path: Path) -> None:
    entries = make_entries(200, seed=3)
    path = write_csv(tmp_path / "list.csv", entries)
    assert detect_format(path) is ListFormat.CSV
    assert read_all(path)[0] == entries


def test_csv_export_round_trips(tmp_path: Path) -> None:
    entries = make_entries(200, seed=4)
    buffer = io.StringIO()
    assert csv.write(buffer, entries) == 200
    path = tmp_path / "export.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    assert buffer.getvalue().splitlines()[0].startswith("md5,sha1,sha256,pdq,category")
    assert read_all(path, ListFormat.CSV)[0] == entries


def test_nsrl_legacy_text(tmp_path: Path) -> None:
    entries = nsrl_entries(120)
    path = write_nsrl_legacy(tmp_path / "NSRLFile.txt", entries)
    assert detect_format(path) is ListFormat.NSRL
    assert read_all(path)[0] == entries


def test_nsrl_rds3_sqlite(tmp_path: Path) -> None:
    entries = write_nsrl_rds3(tmp_path / "RDS_modern.db", nsrl_entries(90))
    path = tmp_path / "RDS_modern.db"
    assert detect_format(path) is ListFormat.NSRL
    assert read_all(path)[0] == entries


def test_nsrl_round_trips_through_csv(tmp_path: Path) -> None:
    entries, _ = read_all(write_nsrl_legacy(tmp_path / "NSRLFile.txt", nsrl_entries(50)))
    buffer = io.StringIO()
    csv.write(buffer, entries)
    (tmp_path / "nsrl.csv").write_text(buffer.getvalue(), encoding="utf-8")
    assert read_all(tmp_path / "nsrl.csv")[0] == entries


def test_plain_text_kinds_from_length_comments_and_round_trip(tmp_path: Path) -> None:
    entries = make_entries(60, seed=5)
    path = write_plain(tmp_path / "list.txt", entries)
    assert detect_format(path) is ListFormat.PLAIN
    read, _ = read_all(path)
    expected = {("md5", e.md5) for e in entries} | {("sha1", e.sha1) for e in entries if e.sha1}
    expected |= {("sha256", e.sha256) for e in entries if e.sha256}
    expected |= {("pdq", e.pdq) for e in entries if e.pdq}
    got = {
        (k, getattr(e, k)) for e in read for k in ("md5", "sha1", "sha256", "pdq") if getattr(e, k)
    }
    assert got == expected
    assert all(e.category == "ungraded" for e in read)
    buffer = io.StringIO()
    plain.write(buffer, read)
    (tmp_path / "again.txt").write_text(buffer.getvalue(), encoding="utf-8")
    assert read_all(tmp_path / "again.txt")[0] == read


def _map(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "map.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_default_category_map_is_the_documented_one() -> None:
    assert [CATEGORIES.resolve(n) for n in range(6)] == [
        "ungraded", "A", "B", "C", "non-indecent", "ignorable",
    ]  # fmt: skip
    assert CATEGORIES.resolve("Cat A") == "A"
    assert CATEGORIES.resolve("NON_INDECENT") == "non-indecent"
    assert CATEGORIES.resolve("3") == "C"
    assert CATEGORIES.resolve(None) == "ungraded"


def test_category_map_override(tmp_path: Path) -> None:
    us = CategoryMap.load(
        _map(tmp_path, '[numeric]\n1 = "A"\n2 = "non-indecent"\n[names]\n"x-term" = "B"\n')
    )
    entries = make_entries(10)
    path = write_vics(tmp_path / "l.json", [e._replace(category="non-indecent") for e in entries])
    sink = EntrySink(path, skip_invalid=False)
    with pytest.raises(HashListFormatError, match="Category"):  # 4 is not in this map
        list(read_entries(path, ListFormat.VICS, us, sink))
    assert us.resolve(2) == "non-indecent"
    assert us.resolve("X Term") == "B"


@pytest.mark.parametrize(
    "text",
    ['[numeric]\n1 = "Z"\n', '[numeric]\nabc = "A"\n', "not toml ===", '[names]\n"x" = 3\n'],
)
def test_bad_category_map_is_refused(tmp_path: Path, text: str) -> None:
    with pytest.raises(ValueError, match="category map"):
        CategoryMap.load(_map(tmp_path, text))


def _vics_with(tmp_path: Path, bad: dict[str, object], at: int = 3) -> Path:
    entries = make_entries(5)
    path = write_vics(tmp_path / "bad.json", entries)
    data = json.loads(path.read_bytes().decode("utf-8-sig"))
    data["value"][at - 1].update(bad)
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        ({"MD5": "XYZ" * 10 + "ab"}, "MD5"),
        ({"SHA1": "ABC"}, "SHA1"),
        ({"MediaSize": "large"}, "MediaSize"),
        ({"Category": 42}, "Category"),
        ({"VictimIdentified": "perhaps"}, "VictimIdentified"),
        ({"MD5": 12345}, "MD5"),
        ({"Series": {"nested": 1}}, "Series"),
        ({"AlternativeHashes": [{"HashName": "PDQ", "HashValue": "00"}]}, "PDQ"),
    ],
)
def test_vics_bad_entry_names_entry_and_field(
    tmp_path: Path, bad: dict[str, object], field: str
) -> None:
    path = _vics_with(tmp_path, bad)
    with pytest.raises(HashListFormatError) as caught:
        read_all(path)
    assert caught.value.where.startswith("entry 3")
    assert caught.value.field_name == field
    assert str(path) in str(caught.value)


def test_skip_invalid_counts_reasons(tmp_path: Path) -> None:
    path = _vics_with(tmp_path, {"Category": 42}, at=2)
    data = json.loads(path.read_text(encoding="utf-8"))
    data["value"][3]["MD5"] = "nothex"
    data["value"][4]["Category"] = 99
    path.write_text(json.dumps(data), encoding="utf-8")
    read, log = read_all(path, skip=True)
    assert len(read) == 2
    assert log.count == 3
    unknown = [r for r in log.reasons if r.startswith("Category: unknown category 42: copy the")]
    assert [log.reasons[r] for r in unknown] == [1]  # the reason says how to map it
    assert sum(log.reasons.values()) == 3
    assert any("entry 4" in example for example in log.examples)


def test_malformed_json_names_position(tmp_path: Path) -> None:
    path = write_vics(tmp_path / "t.json", make_entries(20))
    path.write_bytes(path.read_bytes()[:-400])
    with pytest.raises(HashListFormatError, match="malformed JSON"):
        read_all(path)


def test_json_without_value_array_is_not_vics(tmp_path: Path) -> None:
    path = tmp_path / "other.json"
    path.write_text('{"something": 1}', encoding="utf-8")
    with pytest.raises(HashListFormatError, match="not a VICS file"):
        read_all(path)


def test_csv_errors_name_line_and_field(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("md5,category\n" + "0" * 32 + ",A\n" + "0" * 31 + "g,B\n", encoding="utf-8")
    with pytest.raises(HashListFormatError) as caught:
        read_all(path, ListFormat.CSV)
    assert caught.value.where == "line 3"
    assert caught.value.field_name == "md5"
    no_hash = tmp_path / "nohash.csv"
    no_hash.write_text("name,category\nx,A\n", encoding="utf-8")
    with pytest.raises(HashListFormatError, match="no hash column"):
        read_all(no_hash, ListFormat.CSV)
    unknown = tmp_path / "cat.csv"
    unknown.write_text("md5,category\n" + "0" * 32 + ",Q\n", encoding="utf-8")
    with pytest.raises(HashListFormatError, match="line 2, field category: unknown category"):
        read_all(unknown, ListFormat.CSV)


def test_plain_bad_line(tmp_path: Path) -> None:
    path = tmp_path / "p.txt"
    path.write_text("# x\n" + "a" * 32 + "\n" + "a" * 33 + "\n", encoding="utf-8")
    with pytest.raises(HashListFormatError, match="line 3"):
        read_all(path, ListFormat.PLAIN)
    read, log = read_all(path, ListFormat.PLAIN, skip=True)
    assert len(read) == 1
    assert log.count == 1


@pytest.mark.parametrize("chunk", [1, 3, 7, 64, 4096])
def test_json_array_stream_survives_any_chunk_boundary(
    chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(json_array, "CHUNK_CHARS", chunk)
    doc = {
        "@odata.context": "x#Media",
        "before": [1, {"a": "]"}],
        "value": [{"a": 1, "b": 'x,]}"é'}, {"c": 12345678901234}, 3.5, "s", -1.5e10, True, None],
        "after": 123456789,
    }
    raw = b"\xef\xbb\xbf" + json.dumps(doc, indent=2, ensure_ascii=False).encode()
    assert list(json_array.array_items(io.BytesIO(raw), "value")) == doc["value"]
    assert list(json_array.array_items(io.BytesIO(b' {"value" : [ ] } '), "value")) == []


@pytest.mark.parametrize(
    ("raw", "items", "message"),
    [
        (b'{"value": [1, 2', 2, "expected ',' or ']'"),
        (b'{"value": [1 2]}', 1, "expected ',' or ']'"),
        (b"[1]", 0, "expected a JSON object"),
        (b'{"x": 1}', 0, "no 'value' array"),
        (b'{"value": [1]} x', 1, "data after the end"),
        (b'{"value": [{"a": tru}]}', 0, "Expecting value"),
        (b'{"value": [1,]}', 1, "Expecting value"),
        (b'{"value": ["unterminated', 0, "Unterminated string"),
    ],
)
def test_json_array_stream_errors(raw: bytes, items: int, message: str) -> None:
    with pytest.raises(json_array.JsonStreamError, match=message) as caught:
        list(json_array.array_items(io.BytesIO(raw), "value"))
    assert caught.value.items == items
