"""The root `netsafe` command: global options, and every command group registered in one place."""

from __future__ import annotations

import logging
import os
import sys

import typer

import netsafe
from netsafe.cli.lazy_commands import LazyCommand, lazy_group_class
from netsafe.cli.output import BadInputError, ExitCode, stderr_console
from netsafe.log_config import configure_logging

# Every command, one line each: name, module, attribute, and the one-line help the root's help
# lists (the same as the command's own: tests/cli/test_startup.py). A module is imported only
# when its command runs. Document each command and option in docs/cli.md (tests/test_docs.py
# fails when one is missing there).
COMMANDS = (
    LazyCommand("db", "netsafe.cli.db_cmd", "app", "Database schema: migrate and inspect."),
    LazyCommand(
        "user",
        "netsafe.cli.user_cmd",
        "app",
        "Local user accounts: create, list, TOTP, disable, reset.",
    ),
    LazyCommand(
        "audit",
        "netsafe.cli.audit_cmd",
        "app",
        "The audit log: verify its keyed hash chain, anchor its head.",
    ),
    LazyCommand(
        "serve",
        "netsafe.cli.serve_cmd",
        "serve",
        "Serve the web platform and JSON API (the database must be migrated).",
    ),
    LazyCommand(
        "demo",
        "netsafe.cli.demo_cmd",
        "demo",
        "Seed the synthetic demo operation; running it again adds nothing.",
    ),
    LazyCommand(
        "stats",
        "netsafe.cli.stats_cmd",
        "stats",
        "The operation's figures, counted from its records, with the change on a comparison.",
    ),
    LazyCommand(
        "referral",
        "netsafe.cli.referral_cmd",
        "app",
        "Referrals: import CyberTipline reports; the queue awaiting a force.",
    ),
    LazyCommand("report", "netsafe.cli.report_cmd", "app", "Reports: the operation briefing."),
    LazyCommand(
        "prevention",
        "netsafe.cli.prevention_cmd",
        "app",
        "Prevention: import anonymous contact records, export suppressed aggregates.",
    ),
    LazyCommand(
        "hash",
        "netsafe.cli.hash_cmd",
        "hash_files",
        "Print the MD5, SHA-1, SHA-256 and (for images) PDQ hash and quality of each file, and"
        " (for videos and animated images) its vPDQ.",
    ),
    LazyCommand(
        "triage",
        "netsafe.cli.triage_cmd",
        "triage",
        "Triage exhibits: hash every file (PDQ for images), match all lists, write the reports.",
    ),
    LazyCommand(
        "hashlist",
        "netsafe.cli.hashlist_cmd",
        "app",
        "Known-hash lists: import, list, show, export, delete.",
    ),
    LazyCommand(
        "match",
        "netsafe.cli.match_cmd",
        "match_files",
        "Match files against every imported list: known-good (ignored) files, and alert matches.",
    ),
)

app = typer.Typer(
    name="netsafe",
    cls=lazy_group_class(COMMANDS),
    rich_markup_mode=None,  # click's plain help: clean through a pipe, no `<bool>` on flags
    help="NetSafe: detection, device triage, the operation platform, prevention and statistics.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog=(
        "Data: NETSAFE_HOME (default ~/.local/share/netsafe, or $XDG_DATA_HOME/netsafe) holds the"
        " SQLite database, the matching index and triage reports; NETSAFE_DATABASE_URL names"
        " another database. `netsafe db current` shows the database in use."
    ),
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"netsafe {netsafe.__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """NetSafe command line. Exit codes: 0 done, 1 failed, 2 bad usage or bad input."""
    configure_logging(os.environ.get("NETSAFE_LOG_LEVEL", "INFO").upper())


#: Environment the console script sets unless the user has: NetSafe calls no BLAS routine (PDQ is
#: C++, matching numba kernels), and OpenBLAS otherwise starts a thread per core when numpy is
#: imported, which spins on the other cores (`netsafe hash one.jpg`: ~30 ms of CPU).
PROCESS_DEFAULTS = {"OPENBLAS_NUM_THREADS": "1"}


def main() -> None:
    """Console-script entry point: runs the app and maps errors to the documented exit codes."""
    for name, value in PROCESS_DEFAULTS.items():
        os.environ.setdefault(name, value)
    try:
        app(standalone_mode=True)
    except BadInputError as error:
        stderr_console().print(f"[bold red]error:[/] {error}", highlight=False)
        sys.exit(int(ExitCode.BAD_INPUT))
    except KeyboardInterrupt:
        stderr_console().print("interrupted")
        sys.exit(130)
    except Exception as error:
        logging.getLogger("netsafe").debug("command failed", exc_info=True)
        stderr_console().print(f"[bold red]error:[/] {error}", highlight=False)
        sys.exit(int(ExitCode.FAILED))
