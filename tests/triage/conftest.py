"""Shared pieces of the triage tests: the known images, their matcher, and a runner helper."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

import pytest

from netsafe.categories import Category
from netsafe.signals.fingerprint import fingerprint_stream
from netsafe.triage.limits import ArchiveLimits
from netsafe.triage.pipeline import ExhibitPlan, triage_exhibit
from netsafe.triage.result import TriageResult
from netsafe.triage.runners import InlineRunner, Runner
from netsafe.triage.scan_config import ScanConfig
from tests.triage.fixtures import photo_jpeg, reencoded, text_file
from tests.triage.known_hashes import KnownHashesFactory


@dataclass(frozen=True)
class Known:
    """Benign generated images standing in for list entries, and the matcher over them."""

    image_a: bytes  # listed by MD5 as category A
    image_c: bytes  # listed by MD5 as category C
    near_b: bytes  # a resized, recompressed copy of an image listed by PDQ as category B
    system_file: bytes  # on a known-good (ignore) list
    factory: KnownHashesFactory

    def config(self, limits: ArchiveLimits | None = None) -> ScanConfig:
        return ScanConfig(self.factory, "known", limits or ArchiveLimits())


def md5(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()


@pytest.fixture(scope="session")
def known() -> Known:
    image_a, image_c, original_b = photo_jpeg(101), photo_jpeg(102), photo_jpeg(103, size=256)
    system_file = text_file(7)
    import io

    pdq_b = fingerprint_stream(io.BytesIO(original_b), path="b").pdq
    assert pdq_b is not None
    factory = KnownHashesFactory(
        md5=((md5(image_a), Category.A), (md5(image_c), Category.C)),
        pdq=((pdq_b, Category.B),),
        ignore_md5=frozenset({md5(system_file)}),
    )
    return Known(image_a, image_c, reencoded(original_b), system_file, factory)


def run_triage(
    sources: list[Path],
    out: Path,
    config: ScanConfig,
    *,
    runner: Runner | None = None,
    resume: bool = False,
    exhibit: str = "TEST/EX/1",
    examiner: str = "",
) -> TriageResult:
    plan = ExhibitPlan(exhibit, tuple(sources), out, case="TEST-CASE", examiner=examiner)
    return triage_exhibit(plan, runner or InlineRunner(), config, resume=resume)


def errors_of(result: TriageResult) -> dict[str, str]:
    """path -> kind of every error and warning."""
    return {e.path: e.kind for e in result.errors}


def import_listing(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    rows: str,
    *,
    name: str = "known-test",
) -> None:
    """Import a CSV hash list (`rows`: its header and lines) through the real CLI, as an examiner
    would before a triage; the import must succeed."""
    from tests.cli_runner import run_cli

    listing = tmp_path / "known.csv"
    listing.write_text(rows, encoding="utf-8")
    done = run_cli(capsys, monkeypatch, "hashlist", "import", str(listing), "--name", name)
    assert done.exit_code == 0, done.stderr


def import_known_list(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    known: Known,
) -> None:
    """The known images' list through the CLI: image A and C by MD5, the picture `near_b` is a
    copy of by PDQ (category B)."""
    pdq_b = fingerprint_stream(io.BytesIO(photo_jpeg(103, size=256)), path="b").pdq
    rows = f"md5,pdq,category\n{md5(known.image_a)},,A\n,{pdq_b},B\n{md5(known.image_c)},,C\n"
    import_listing(tmp_path, capsys, monkeypatch, rows)
