"""The CLI starts at once: importing it, `--help` and `--version` import no command, and no
command imports more than it needs (`netsafe hash` needs no database and no web app)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer

from netsafe.cli.app import COMMANDS, app
from netsafe.cli.lazy_commands import LazyCommand
from tests.cli.test_commands import all_command_paths
from tests.cli_runner import run_cli

HEAVY = ("sqlalchemy", "numpy", "netsafe.web", "alembic", "argon2", "fastapi", "pydantic")


def _imported_after(code: str, *argv: str, also: tuple[str, ...] = ()) -> set[str]:
    """The modules of HEAVY (and `also`) that `code` (then `main()` with `argv`, if given)
    imports, its stdout a pipe."""
    watched = (*HEAVY, *also)
    run_main = (
        f"sys.argv = ['netsafe', *{list(argv)!r}]\n"
        "from netsafe.cli.app import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        if argv
        else ""
    )
    script = (
        "import sys\n"
        f"{code}\n{run_main}"
        f"print(' '.join(m for m in {watched!r} if m in sys.modules), file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    return set(done.stderr.strip().splitlines()[-1].split()) if done.stderr.strip() else set()


def test_importing_the_cli_imports_no_database_numpy_or_web() -> None:
    assert _imported_after("import netsafe.cli.app") == set()


@pytest.mark.parametrize("argv", [["--help"], ["--version"]])
def test_help_and_version_import_no_database_numpy_or_web(argv: list[str]) -> None:
    assert _imported_after("", *argv) == set()


def test_version_reads_no_package_metadata() -> None:
    """The version is written in the package (pyproject.toml reads it from there):
    `importlib.metadata` costs more than the rest of `netsafe --version`."""
    assert _imported_after("", "--version", also=("importlib.metadata",)) == set()


def test_hash_imports_no_database_or_web(tmp_path: Path) -> None:
    sample = tmp_path / "note.txt"
    sample.write_text("zebra-test-term\n", encoding="utf-8")
    imported = _imported_after("", "hash", str(sample))
    assert not imported & {"sqlalchemy", "netsafe.web", "alembic", "fastapi", "pydantic"}


def test_hashing_an_image_through_a_pipe_imports_no_database_web_pydantic_or_rich(
    tmp_path: Path,
) -> None:
    from PIL import Image

    picture = tmp_path / "one.jpg"
    Image.new("RGB", (64, 48), (40, 90, 160)).save(picture)
    imported = _imported_after("", "hash", str(picture), also=("rich", "PIL"))
    assert "PIL" in imported  # the image was decoded
    assert not imported & {"sqlalchemy", "netsafe.web", "alembic", "fastapi", "pydantic", "rich"}


def test_hashing_one_jpeg_loads_only_the_jpeg_reader_and_no_process_pool(tmp_path: Path) -> None:
    """libheif (pillow-heif), the readers of formats the file is not, and multiprocessing are
    loaded only when a file needs them."""
    from PIL import Image

    picture = tmp_path / "one.jpg"
    Image.new("RGB", (64, 48), (40, 90, 160)).save(picture)
    unneeded = (
        "pillow_heif",
        "PIL.TiffImagePlugin",
        "PIL.WebPImagePlugin",
        "PIL.AvifImagePlugin",
        "PIL.Jpeg2KImagePlugin",
        "multiprocessing",
        "concurrent.futures.process",
    )
    imported = _imported_after("", "hash", str(picture), also=("PIL.JpegImagePlugin", *unneeded))
    assert imported == {"numpy", "PIL.JpegImagePlugin"}


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux's /proc")
def test_hashing_one_file_starts_no_thread(tmp_path: Path) -> None:
    """numpy's OpenBLAS would start a thread per core (NetSafe calls no BLAS routine): the
    console script runs single-threaded unless OPENBLAS_NUM_THREADS says otherwise."""
    from PIL import Image

    picture = tmp_path / "one.jpg"
    Image.new("RGB", (64, 48), (40, 90, 160)).save(picture)
    script = (
        "import os, sys\n"
        f"sys.argv = ['netsafe', 'hash', {str(picture)!r}]\n"
        "from netsafe.cli.app import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(len(os.listdir('/proc/self/task')), 'numpy' in sys.modules, file=sys.stderr)\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, env=env
    )
    assert done.stderr.split()[-2:] == ["1", "True"]


@pytest.mark.parametrize("lazy", COMMANDS, ids=lambda command: command.name)
def test_the_root_help_line_is_the_commands_own(lazy: LazyCommand) -> None:
    command = typer.main.get_command(app).commands[lazy.name]  # type: ignore[attr-defined]
    own = command.get_short_help_str(1000)
    assert lazy.help == own, (
        f"the root help line of `netsafe {lazy.name}` (COMMANDS in src/netsafe/cli/app.py) must be"
        f" the first line of its own help: {own!r}"
    )


@pytest.mark.parametrize("path", all_command_paths(), ids=lambda p: " ".join(p) or "netsafe")
def test_help_shows_no_type_for_flags(
    path: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    result = run_cli(capsys, monkeypatch, *path, "--help")
    assert result.exit_code == 0
    assert "<bool>" not in result.stdout
