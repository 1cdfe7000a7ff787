"""vPDQ wherever a signal goes: `netsafe hash` prints it, lists (CSV, plain, VICS) carry it,
`netsafe match` and the lookup API (a vPDQ in the body, or a video upload) match a re-encoded
copy with the match's shares; animated images are hashed and matched as video."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import Engine, text

from netsafe.settings import Settings
from netsafe.signals import registry
from netsafe.signals.fingerprint import fingerprint_file, fingerprint_stream
from netsafe.video.vpdq import parse_vpdq
from netsafe.web.app import create_app
from tests.cli_runner import CliResult, run_cli
from tests.platform.platform_helpers import PASSWORD, add_user
from tests.video.videos import Scene

Cli = Callable[..., CliResult]
pytestmark = pytest.mark.timeout(600)


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


@pytest.fixture
def client_factory(settings: Settings) -> Callable[[], TestClient]:
    return lambda: TestClient(create_app(settings), follow_redirects=False)


def test_vpdq_is_a_registered_video_signal() -> None:
    signal = registry.get("vpdq")
    assert signal in registry.extra_signals()
    assert registry.find("vPDQ") is signal
    assert signal.heading() == "vPDQ"


def test_a_videos_fingerprint_has_its_vpdq(original: Path) -> None:
    from_file = fingerprint_file(original)
    assert from_file.media_type == "video/mp4"
    assert from_file.error is None
    assert len(parse_vpdq(from_file.signals["vpdq"])) == 12
    # a stream that cannot seek: the bytes are kept, as an image's are
    unseekable = io.BufferedReader(io.BytesIO(original.read_bytes()))
    unseekable.seekable = lambda: False  # type: ignore[method-assign]
    from_stream = fingerprint_stream(unseekable, path="x")
    assert from_stream.signals["vpdq"] == from_file.signals["vpdq"]
    assert from_stream.md5 == from_file.md5


def test_hash_table_has_a_vpdq_column(cli: Cli, original: Path) -> None:
    shown = cli("hash", str(original))
    assert shown.exit_code == 0, shown.stderr
    # through a pipe (as here) the table is tab-separated lines, the first one its header
    header, row = (line.split("\t") for line in shown.stdout.splitlines()[:2])
    assert header[-2:] == ["vpdq", "error"]
    assert row[header.index("vpdq")].startswith('["')
    assert "1 files, 0 with errors" in shown.stdout


def test_a_corrupt_video_is_an_error_with_its_hashes(original: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(original.read_bytes()[:4000])
    fingerprint = fingerprint_file(broken)
    assert fingerprint.md5
    assert fingerprint.sha256
    assert "vpdq" not in fingerprint.signals
    assert fingerprint.error is not None
    assert fingerprint.error.startswith("vpdq: ")


def test_audio_in_a_video_container_has_no_vpdq_and_no_error(tmp_path: Path) -> None:
    import av

    song = tmp_path / "song.mka"
    with av.open(str(song), "w", format="matroska") as container:
        stream = container.add_stream("pcm_s16le", rate=22050)
        stream.layout = "mono"
        samples = np.zeros((1, 22050), dtype=np.int16)
        frame = av.AudioFrame.from_ndarray(samples, format="s16", layout="mono")
        frame.sample_rate = 22050
        for packet in [*stream.encode(frame), *stream.encode()]:
            container.mux(packet)
    fingerprint = fingerprint_file(song)
    assert fingerprint.media_type == "video/x-matroska"
    assert (fingerprint.error, fingerprint.signals) == (None, {})


def _animation(path: Path, frames: int, frame_ms: int) -> Path:
    scene = Scene(160, 120, 1000 / frame_ms, seed=5)
    pictures = [Image.fromarray(scene.frame(i * 5)) for i in range(frames)]
    pictures[0].save(path, save_all=True, append_images=pictures[1:], duration=frame_ms, loop=0)
    return path


@pytest.mark.parametrize("suffix", ["gif", "webp", "png"])
def test_animated_images_are_hashed_as_video(tmp_path: Path, suffix: str) -> None:
    animated = fingerprint_file(_animation(tmp_path / f"a.{suffix}", 10, 400))
    features = parse_vpdq(animated.signals["vpdq"])
    # frames shown at 0, 0.4, 0.8, 1.2 ... s: the first at or after each second is sampled
    assert [f.timestamp for f in features] == pytest.approx([0.0, 1.2, 2.0, 3.2])
    assert animated.pdq is not None  # the first frame's PDQ, as before
    still = tmp_path / f"still.{suffix}"
    Image.fromarray(np.full((64, 64, 3), 90, dtype=np.uint8)).save(still)
    assert "vpdq" not in fingerprint_file(still).signals


@pytest.mark.slow
def test_vpdq_flows_from_hash_to_lists_match_export_and_lookup(
    cli: Cli,
    client_factory: Callable[[], TestClient],
    engine: Engine,
    original: Path,
    variants: dict[str, Path],
    unrelated: Path,
    tmp_path: Path,
) -> None:
    hashed = cli("hash", str(original), "--json")
    assert hashed.exit_code == 0, hashed.stderr
    listed = hashed.json()[0]["vpdq"]
    assert listed.startswith('["')
    assert len(parse_vpdq(listed)) == 12

    # three formats, each naming the signal its own way; CSV quotes the JSON list
    (tmp_path / "list.csv").write_text(
        "vpdq,category\n" + '"' + listed.replace('"', '""') + '",A\n', encoding="utf-8"
    )
    (tmp_path / "list.txt").write_text(f"vpdq:{listed}\n", encoding="utf-8")
    vics = {
        "@odata.context": "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/#Media",
        "value": [
            {
                "MediaID": 1,
                "Category": 1,
                "AlternativeHashes": [{"HashName": "vPDQ", "HashValue": listed}],
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
            text("SELECT DISTINCT signal, value FROM hashlist_entry_signals")
        ).all()
    assert [tuple(row) for row in stored] == [("vpdq", listed)]

    copies = [variants["re-encoded"], variants["resized"], variants["trimmed"]]
    matched = cli("match", *(str(p) for p in [*copies, unrelated]), "--json")
    assert matched.exit_code == 0, matched.stderr
    by_file = {Path(r["path"]).name: r["matches"] for r in matched.json()}
    for copy in copies:
        found = by_file[copy.name]
        assert sorted(m["list"] for m in found) == ["csv", "plain", "vics"], found
        assert all(m["signal"] == "vpdq" and m["query_match"] >= 0.9 for m in found), found
        assert all(0.0 < m["compared_match"] <= 1.0 for m in found), found
    assert by_file[unrelated.name] == []

    for export_format, needle in (("csv", "vpdq"), ("plain", "vpdq:"), ("vics", '"vPDQ"')):
        out = tmp_path / f"export.{export_format}"
        exported = cli("hashlist", "export", "csv", "--format", export_format, "-o", str(out))
        assert exported.exit_code == 0, exported.stderr
        written = out.read_text(encoding="utf-8")
        assert needle in written
    again = cli("hashlist", "import", str(tmp_path / "export.plain"), "--name", "plain", "--json")
    assert again.exit_code == 0, again.stderr
    assert (again.json()["added"], again.json()["removed"]) == (0, 0)

    add_user(engine, "inv")
    with client_factory() as client:
        token = client.post("/api/v1/auth/token", data={"username": "inv", "password": PASSWORD})
        headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
        query_vpdq = fingerprint_file(variants["resized"]).signals["vpdq"]
        answer = client.post(
            "/api/v1/lookup", json={"hashes": [{"type": "vpdq", "value": query_vpdq}]},
            headers=headers,
        )  # fmt: skip
        assert answer.status_code == 200, answer.text
        (result,) = answer.json()["results"]
        assert sorted(m["list"] for m in result["matches"]) == ["csv", "plain", "vics"]
        assert all(m["query_match"] >= 0.9 for m in result["matches"])
        # each match says what it met: the list's vPDQ thresholds (Meta's defaults here)
        assert all(
            (m["min_query_match"], m["min_compared_match"], m["frame_max_distance"])
            == (0.8, 0.0, 31)
            for m in result["matches"]
        )
        uploaded = client.post(
            "/api/v1/lookup",
            files={"file": ("clip.avi", variants["re-encoded"].read_bytes(), "video/x-msvideo")},
            headers=headers,
        )
        assert uploaded.status_code == 200, uploaded.text
        assert uploaded.json()["file"]["vpdq"].startswith('["')
        assert sorted(m["list"] for m in uploaded.json()["matches"]) == ["csv", "plain", "vics"]
        bad = client.post(
            "/api/v1/lookup", json={"hashes": [{"type": "vpdq", "value": "[1]"}]}, headers=headers
        )
        assert bad.status_code == 422


def test_each_list_matches_videos_under_its_own_vpdq_thresholds(
    cli: Cli, original: Path, variants: dict[str, Path], tmp_path: Path
) -> None:
    """Each list's vPDQ thresholds (frame distance and quality, query and compared shares;
    Meta's by default) decide its matches, and each match reports the thresholds it met. A
    list's PDQ settings are for pictures: they leave its videos alone."""
    listed = fingerprint_file(original).signals["vpdq"]
    (tmp_path / "list.txt").write_text(f"vpdq:{listed}\n", encoding="utf-8")
    for name, options in (
        ("meta-defaults", ()),
        ("exact-frames", ("--vpdq-max-distance", "0")),
        ("only-perfect-frames", ("--vpdq-quality-floor", "100")),
        ("whole-listed-video", ("--vpdq-compared-match", "0.9")),
        ("strict-pictures", ("--max-distance", "0", "--quality-floor", "100")),
        ("any-share", ("--vpdq-query-match", "0.05", "--vpdq-compared-match", "0.05")),
    ):
        imported = cli("hashlist", "import", str(tmp_path / "list.txt"), "--name", name, *options)
        assert imported.exit_code == 0, imported.stderr
    shown = cli("hashlist", "show", "whole-listed-video", "--json")
    assert shown.json()["vpdq"] == {
        "max_distance": 31,
        "quality_floor": 50,
        "query_match": 0.8,
        "compared_match": 0.9,
    }
    copies = [original, variants["re-encoded"], variants["trimmed"]]
    matched = cli("match", *(str(path) for path in copies), "--json")
    assert matched.exit_code == 0, matched.stderr
    by_file = {Path(r["path"]).name: r["matches"] for r in matched.json()}
    lists = {name: sorted(m["list"] for m in found) for name, found in by_file.items()}
    assert lists == {
        original.name: [
            "any-share", "exact-frames", "meta-defaults", "strict-pictures", "whole-listed-video"
        ],
        variants["re-encoded"].name: [
            "any-share", "meta-defaults", "strict-pictures", "whole-listed-video"
        ],
        # six of the twelve seconds: all of the query's frames, half of the listed video's
        variants["trimmed"].name: ["any-share", "meta-defaults", "strict-pictures"],
    }  # fmt: skip
    trimmed = {m["list"]: m for m in by_file[variants["trimmed"].name]}
    assert (
        trimmed["meta-defaults"]["compared_match"] < 0.9 <= trimmed["meta-defaults"]["query_match"]
    )
    for found in by_file.values():
        for match in found:
            assert match["signal"] == "vpdq"
            assert match["min_query_match"] == (0.05 if match["list"] == "any-share" else 0.8)
            assert match["frame_max_distance"] == (0 if match["list"] == "exact-frames" else 31)
            assert match["frame_quality_floor"] == 50
    whole = {m["list"]: m for m in by_file[variants["re-encoded"].name]}["whole-listed-video"]
    assert whole["min_compared_match"] == 0.9 <= whole["compared_match"]

    retuned = cli(
        "hashlist", "import", str(tmp_path / "list.txt"), "--name", "meta-defaults",
        "--vpdq-query-match", "1.0", "--vpdq-max-distance", "0", "--json",
    )  # fmt: skip
    assert retuned.exit_code == 0, retuned.stderr
    again = cli("match", str(variants["re-encoded"]), "--json")
    assert "meta-defaults" not in {m["list"] for m in again.json()[0]["matches"]}
    refused = cli("hashlist", "import", str(tmp_path / "list.txt"), "--name", "x",
                  "--vpdq-query-match", "1.5")  # fmt: skip
    assert refused.exit_code == 2


def test_an_animation_is_matched_as_a_video_in_other_formats(cli: Cli, tmp_path: Path) -> None:
    """An animated GIF listed by its vPDQ is found in the same animation as WebP, APNG and a
    smaller GIF (every sampled frame compared, not the first one's PDQ); its first frame alone,
    a still, has no vPDQ and does not match; another animation does not."""
    scene = Scene(192, 144, 2.5, seed=8)
    frames = [Image.fromarray(scene.frame(i * 3)) for i in range(30)]  # 12 s, 400 ms a frame

    def save(name: str, pictures: list[Image.Image], **options: object) -> Path:
        path = tmp_path / name
        pictures[0].save(path, save_all=True, append_images=pictures[1:], duration=400, **options)
        return path

    listed = save("listed.gif", frames, loop=0)
    copies = [
        save("copy.webp", frames, quality=70),
        save("copy.png", frames),
        save("smaller.gif", [f.resize((144, 108)) for f in frames], loop=0),
    ]
    first_frame = tmp_path / "first.png"
    frames[0].save(first_frame)
    other = Scene(192, 144, 2.5, seed=9)
    unrelated = save("other.gif", [Image.fromarray(other.frame(i * 3)) for i in range(30)])

    value = fingerprint_file(listed).signals["vpdq"]
    assert len(parse_vpdq(value)) == 12
    (tmp_path / "list.txt").write_text(f"vpdq:{value}\n", encoding="utf-8")
    assert cli("hashlist", "import", str(tmp_path / "list.txt"), "--name", "gifs").exit_code == 0
    matched = cli("match", *(str(p) for p in [*copies, first_frame, unrelated]), "--json")
    assert matched.exit_code == 0, matched.stderr
    by_file = {Path(r["path"]).name: r["matches"] for r in matched.json()}
    for copy in copies:
        (found,) = by_file[copy.name]
        assert found["signal"] == "vpdq", copy
        assert found["query_match"] >= 0.8, (copy, found)
        assert found["compared_match"] >= 0.8, (copy, found)
    assert "vpdq" not in fingerprint_file(first_frame).signals
    assert by_file[first_frame.name] == []
    assert by_file[unrelated.name] == []
