"""The extension point: a signal defined and registered here, in the test, and nowhere else,
flows through `netsafe hash`, list import (CSV, plain, VICS), the side table, the matching
index (its own index class, which adds scores), `netsafe match`, list export, the lookup API and
a triage (findings.csv, the stored findings), without editing any other file."""

from __future__ import annotations

import csv
import io
import json
import zlib
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import ClassVar

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from netsafe.matching.signal_index import ExactValueIndex, IndexHit
from netsafe.settings import Settings
from netsafe.signals import registry
from netsafe.signals.base import Content, SignalType
from netsafe.signals.fingerprint import fingerprint_stream
from netsafe.store.engine import make_session_factory
from netsafe.store.repositories.triage import SqlTriageRepository
from netsafe.video.vpdq_match import DEFAULT_VPDQ_THRESHOLDS
from netsafe.web.app import create_app
from tests.cli_runner import CliResult, run_cli
from tests.platform.platform_helpers import PASSWORD, add_user

Cli = Callable[..., CliResult]


class _Crc32:
    """CRC-32 fed chunk by chunk, with hashlib's `update`/`hexdigest` (what a bytes signal's
    `new()` returns)."""

    def __init__(self) -> None:
        self._value = 0

    def update(self, data: bytes | memoryview, /) -> None:
        self._value = zlib.crc32(data, self._value)

    def hexdigest(self) -> str:
        return f"{self._value:08x}"


class _ScoredIndex(ExactValueIndex):
    """The toy signal's own index: exact values, each hit with a score (as vPDQ's shares)."""

    def search(self, values: Sequence[str]) -> list[list[IndexHit]]:
        return [
            [hit._replace(scores=(("toy_score", 0.5),)) for hit in hits]
            for hits in super().search(values)
        ]


class Crc32Signal(SignalType):
    """A toy bytes signal: CRC-32 of every byte (8 hex digits)."""

    name: ClassVar[str] = "crc32"
    content: ClassVar[Content] = Content.BYTES
    hex_length: ClassVar[int] = 8
    aliases: ClassVar[tuple[str, ...]] = ("crc",)
    vics_name: ClassVar[str] = "CRC32"

    @classmethod
    def new(cls) -> _Crc32:
        return _Crc32()

    @classmethod
    def index_class(cls) -> type[_ScoredIndex]:
        return _ScoredIndex


def crc32_of(data: bytes) -> str:
    return f"{zlib.crc32(data):08x}"


@pytest.fixture
def crc32() -> Iterator[type[SignalType]]:
    with registry.registered(Crc32Signal) as signal:
        yield signal


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, settings: Settings, capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    for name, value in {
        "NETSAFE_HOME": str(settings.home),
        "NETSAFE_DATABASE_URL": settings.sqlalchemy_url,
        "NETSAFE_ENV": "test",
        "NETSAFE_SECRET_KEY": settings.secret_key,
    }.items():
        monkeypatch.setenv(name, value)

    def run(*args: str) -> CliResult:
        return run_cli(capsys, monkeypatch, *args)

    return run


def test_registry_lists_builtin_signals_and_finds_them_by_alias() -> None:
    assert registry.signal_names()[:4] == ("md5", "sha1", "sha256", "pdq")
    assert registry.get("vpdq").max_distance == DEFAULT_VPDQ_THRESHOLDS.distance
    assert registry.find("PDQHash") is registry.get("pdq")
    assert registry.find("SHA-256") is registry.get("sha256")
    assert registry.find("crc32") is None
    with pytest.raises(registry.UnknownSignalError, match="crc32"):
        registry.get("crc32")


def test_a_registered_signal_is_found_and_unregistered(crc32: type[SignalType]) -> None:
    assert registry.get("crc32") is crc32
    assert registry.find("CRC") is crc32
    assert crc32 in registry.extra_signals()
    assert crc32 in registry.signals_for(Content.BYTES)
    with pytest.raises(ValueError, match="already names"):
        registry.register(type("Other", (Crc32Signal,), {"name": "other", "aliases": ("crc",)}))


def test_fingerprints_carry_registered_signals(crc32: type[SignalType]) -> None:
    data = b"zebra-test-bytes " * 100_000  # more than one read chunk
    fp = fingerprint_stream(io.BytesIO(data), path="a.bin")
    assert fp.signals == {"crc32": crc32_of(data)}
    assert fp.to_json()["crc32"] == crc32_of(data)
    assert fp.values()["crc32"] == crc32_of(data)


def test_toy_signal_flows_from_list_import_to_match_export_and_lookup(
    crc32: type[SignalType],
    cli: Cli,
    client_factory: Callable[[], TestClient],
    engine: Engine,
    tmp_path: Path,
) -> None:
    known, other, unknown = b"zebra-one" * 1000, b"zebra-two" * 1000, b"zebra-three" * 1000
    files = {}
    for name, data in (("known.bin", known), ("other.bin", other), ("unknown.bin", unknown)):
        files[name] = tmp_path / name
        files[name].write_bytes(data)
    # `netsafe hash --json` prints the signal, so lists can be made from its output
    hashed = cli("hash", str(files["known.bin"]), "--json")
    assert hashed.exit_code == 0, hashed.stderr
    assert hashed.json()[0]["crc32"] == crc32_of(known)
    table = cli("hash", str(files["known.bin"]))
    assert "crc32" in table.stdout

    # three formats, each naming the signal its own way
    (tmp_path / "list.csv").write_text(
        f"CRC32,category,series\n{crc32_of(known).upper()},A,zebra-series\n", encoding="utf-8"
    )
    (tmp_path / "list.txt").write_text(f"crc:{crc32_of(other)}\n", encoding="utf-8")
    vics = {
        "@odata.context": "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/#Media",
        "value": [
            {
                "MediaID": 1,
                "Category": 1,
                "AlternativeHashes": [{"HashName": "CRC32", "HashValue": crc32_of(other)}],
            }
        ],
    }
    (tmp_path / "list.json").write_text(json.dumps(vics), encoding="utf-8")
    for name, path in (("csv", "list.csv"), ("plain", "list.txt"), ("vics", "list.json")):
        imported = cli("hashlist", "import", str(tmp_path / path), "--name", name, "--json")
        assert imported.exit_code == 0, imported.stderr
        assert imported.json()["entries"] == 1
    with engine.connect() as connection:
        stored = connection.execute(
            text("SELECT signal, value FROM hashlist_entry_signals ORDER BY list_id")
        ).all()
    assert [tuple(row) for row in stored] == [
        ("crc32", crc32_of(known)),
        ("crc32", crc32_of(other)),
        ("crc32", crc32_of(other)),
    ]

    matched = cli("match", *(str(p) for p in files.values()), "--json")
    assert matched.exit_code == 0, matched.stderr
    by_file = {Path(r["path"]).name: r["matches"] for r in matched.json()}
    assert [(m["list"], m["signal"], m["distance"]) for m in by_file["known.bin"]] == [
        ("csv", "crc32", 0)
    ]
    assert by_file["known.bin"][0]["toy_score"] == 0.5
    assert sorted(m["list"] for m in by_file["other.bin"]) == ["plain", "vics"]
    assert by_file["unknown.bin"] == []

    # export writes the signal back in each format; a re-import reads the same entry
    for export_format, needle in (
        ("csv", "crc32\n"),
        ("plain", f"crc32:{crc32_of(known)}"),
        ("vics", '"HashName": "CRC32"'),
    ):
        out = tmp_path / f"export.{export_format}"
        exported = cli("hashlist", "export", "csv", "--format", export_format, "-o", str(out))
        assert exported.exit_code == 0, exported.stderr
        written = out.read_text(encoding="utf-8")
        assert needle.strip() in written
        assert crc32_of(known) in written.lower()
    again = cli("hashlist", "import", str(tmp_path / "export.csv"), "--name", "csv", "--json")
    assert again.exit_code == 0, again.stderr
    assert (again.json()["added"], again.json()["removed"]) == (0, 0)

    add_user(engine, "inv")
    with client_factory() as client:
        token = client.post("/api/v1/auth/token", data={"username": "inv", "password": PASSWORD})
        headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
        query = {"hashes": [{"type": "crc32", "value": crc32_of(known).upper()}]}
        answer = client.post("/api/v1/lookup", json=query, headers=headers)
        assert answer.status_code == 200, answer.text
        (result,) = answer.json()["results"]
        assert result["value"] == crc32_of(known)
        assert [(m["list"], m["signal"]) for m in result["matches"]] == [("csv", "crc32")]
        uploaded = client.post(
            "/api/v1/lookup", files={"file": ("x.bin", other, "application/octet-stream")},
            headers=headers,
        )  # fmt: skip
        assert uploaded.status_code == 200, uploaded.text
        assert uploaded.json()["file"]["crc32"] == crc32_of(other)
        assert sorted(m["list"] for m in uploaded.json()["matches"]) == ["plain", "vics"]
        bad = client.post(
            "/api/v1/lookup", json={"hashes": [{"type": "crc32", "value": "zz"}]}, headers=headers
        )
        assert bad.status_code == 422
        unknown_type = client.post(
            "/api/v1/lookup", json={"hashes": [{"type": "crc64", "value": "00"}]}, headers=headers
        )
        assert unknown_type.status_code == 422


def test_toy_signal_flows_through_a_triage(
    crc32: type[SignalType], cli: Cli, engine: Engine, tmp_path: Path
) -> None:
    folder = tmp_path / "exhibit"
    folder.mkdir()
    known = b"zebra-known" * 500
    (folder / "known.bin").write_bytes(known)
    (folder / "other.bin").write_bytes(b"zebra-other" * 500)
    (tmp_path / "list.csv").write_text(f"crc32,category\n{crc32_of(known)},B\n", encoding="utf-8")
    assert cli("hashlist", "import", str(tmp_path / "list.csv"), "--name", "toy").exit_code == 0
    out = tmp_path / "out"
    done = cli(
        "triage", str(folder), "--exhibit", "SWP/T/1", "--out", str(out), "--workers", "0",
        "--no-pdf", "--json",
    )  # fmt: skip
    assert done.exit_code == 0, done.stderr
    assert done.json()["counts_by_category"]["B"] == 1
    rows = list(csv.DictReader((out / "findings.csv").open(encoding="utf-8")))
    assert [(Path(r["path"]).name, r["signal"], r["crc32"], r["scores"]) for r in rows] == [
        ("known.bin", "crc32", crc32_of(known), "toy_score=0.5")
    ]
    with make_session_factory(engine)() as session:
        repository = SqlTriageRepository(session)
        run = repository.latest_run("SWP/T/1")
        assert run is not None
        (finding,) = repository.findings(run.id)
    assert (finding.signal, finding.scores) == ("crc32", (("toy_score", 0.5),))
    exported = json.loads((out / "case-export.vics.json").read_text(encoding="utf-8"))
    (media,) = exported["value"][0]["Media"]
    assert {"HashName": "CRC32", "HashValue": crc32_of(known)} in media["AlternativeHashes"]


def test_the_index_follows_the_registered_signals(cli: Cli, tmp_path: Path) -> None:
    """Values of a signal stay in the side table while it is not registered; the index built
    without it is rebuilt once it is registered again, and matches on it."""
    data = b"zebra-rebuild" * 100
    (tmp_path / "file.bin").write_bytes(data)
    (tmp_path / "list.csv").write_text(f"crc32\n{crc32_of(data)}\n", encoding="utf-8")

    def lists_matched() -> list[str]:
        done = cli("match", str(tmp_path / "file.bin"), "--json")
        assert done.exit_code == 0, done.stderr
        return [m["list"] for m in done.json()[0]["matches"]]

    with registry.registered(Crc32Signal):
        assert cli("hashlist", "import", str(tmp_path / "list.csv"), "--name", "t").exit_code == 0
        assert lists_matched() == ["t"]
    assert lists_matched() == []
    with registry.registered(Crc32Signal):
        assert lists_matched() == ["t"]


@pytest.fixture
def client_factory(settings: Settings) -> Callable[[], TestClient]:
    return lambda: TestClient(create_app(settings), follow_redirects=False)
