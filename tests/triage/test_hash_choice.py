"""Triage computing fewer hashes (`ScanConfig.hashes`): what every file still gets, and how a
matched file is completed to all three hashes by a second read."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from netsafe.categories import Category
from netsafe.matching.match import Match
from netsafe.signals.crypto import split_digests
from netsafe.signals.fingerprint import FileFingerprint
from netsafe.triage.items import FileRecord
from netsafe.triage.scan_config import ScanConfig
from tests.triage.conftest import errors_of, run_triage
from tests.triage.fixtures import photo_jpeg, text_file, zip_bytes

LISTED = text_file(11)
OTHER = text_file(12)
PHOTO = photo_jpeg(13)


@dataclass(frozen=True)
class _Outcome:
    ignored: bool = False
    matches: list[Match] = field(default_factory=list)
    pdq_not_tried: str = ""  # matches by SHA-1 only


@dataclass
class Sha1Matcher:
    """Matches by SHA-1 only; `on_match` runs when a batch holds a match (to alter the file)."""

    listed: frozenset[str]
    on_match: Path | None = None

    def match_many(self, fps: list[FileFingerprint]) -> list[_Outcome]:
        outcomes = []
        for fp in fps:
            hit = fp.sha1 in self.listed
            if hit and self.on_match is not None:
                self.on_match.write_bytes(b"changed after the first read")
            matches = [Match("sha1-list", 1, Category.A, "sha1", 0)] if hit else []
            outcomes.append(_Outcome(matches=matches))
        return outcomes

    def known_digests(self, signal: str, digests: bytes) -> list[bool]:
        hexes = [digest.hex() for digest in split_digests(signal, digests)]
        return [signal == "sha1" and h in self.listed for h in hexes]


def _config(matcher: Sha1Matcher) -> ScanConfig:
    return ScanConfig(lambda: matcher, f"sha1-{id(matcher)}", hashes=("sha1",))


def _hashes(data: bytes) -> tuple[str, str, str]:
    return (
        hashlib.md5(data).hexdigest(),
        hashlib.sha1(data).hexdigest(),
        hashlib.sha256(data).hexdigest(),
    )


def _by_path(records: list[FileRecord]) -> dict[str, FileRecord]:
    return {r.path.rsplit("/", 1)[-1]: r for r in records}


def test_unmatched_files_get_the_chosen_hashes_and_matches_images_and_members_get_all(
    tmp_path: Path,
) -> None:
    exhibit = tmp_path / "exhibit"
    exhibit.mkdir()
    (exhibit / "listed.txt").write_bytes(LISTED)
    (exhibit / "other.txt").write_bytes(OTHER)
    (exhibit / "photo.jpg").write_bytes(PHOTO)
    (exhibit / "bundle.zip").write_bytes(zip_bytes({"inner.txt": OTHER}))
    matcher = Sha1Matcher(frozenset({hashlib.sha1(LISTED).hexdigest()}))
    result = run_triage([exhibit], tmp_path / "out", _config(matcher))
    records = _by_path(result.all_records())
    listed = records["listed.txt"]
    assert (listed.md5, listed.sha1, listed.sha256) == _hashes(LISTED)
    assert [m.list_name for m in listed.matches] == ["sha1-list"]
    other = records["other.txt"]
    assert (other.md5, other.sha1, other.sha256) == ("", hashlib.sha1(OTHER).hexdigest(), "")
    photo = records["photo.jpg"]
    assert (photo.md5, photo.sha1, photo.sha256) == _hashes(PHOTO)
    inner = records["inner.txt"]
    assert (inner.md5, inner.sha1, inner.sha256) == _hashes(OTHER)
    assert result.summary()["hashes"]["every_file"] == ["sha1"]
    assert not result.errors


def test_a_file_that_changes_before_its_hashes_are_completed_is_reported(tmp_path: Path) -> None:
    exhibit = tmp_path / "exhibit"
    exhibit.mkdir()
    target = exhibit / "listed.txt"
    target.write_bytes(LISTED)
    matcher = Sha1Matcher(frozenset({hashlib.sha1(LISTED).hexdigest()}), on_match=target)
    result = run_triage([exhibit], tmp_path / "out", _config(matcher))
    (record,) = result.records
    assert record.matches  # the match stands on the first read
    assert (record.md5, record.sha1, record.sha256) == ("", hashlib.sha1(LISTED).hexdigest(), "")
    assert errors_of(result) == {"listed.txt": "changed-while-read"}
