"""The root `netsafe` command: global options, and every command group registered in one place."""

from __future__ import annotations

import logging
import os
import sys

import typer

from netsafe import __version__
from netsafe.cli import (
    audit_cmd,
    db_cmd,
    demo_cmd,
    hash_cmd,
    hashlist_cmd,
    match_cmd,
    prevention_cmd,
    report_cmd,
    serve_cmd,
    stats_cmd,
    triage_cmd,
    user_cmd,
)
from netsafe.cli.output import BadInputError, ExitCode, stderr_console
from netsafe.log_config import configure_logging

app = typer.Typer(
    name="netsafe",
    help="NetSafe: detection, device triage, the operation platform, prevention and statistics.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

# Command groups and commands, one line each. Document each command and option in docs/cli.md
# (tests/test_docs.py fails when one is missing there).
app.add_typer(db_cmd.app, name="db")
app.add_typer(user_cmd.app, name="user")
app.add_typer(audit_cmd.app, name="audit")
app.command("serve")(serve_cmd.serve)
app.command("demo")(demo_cmd.demo)
app.command("stats")(stats_cmd.stats)
app.add_typer(report_cmd.app, name="report")
app.add_typer(prevention_cmd.app, name="prevention")
app.command("hash")(hash_cmd.hash_files)
app.command("triage")(triage_cmd.triage)
app.add_typer(hashlist_cmd.app, name="hashlist")
app.command("match")(match_cmd.match_files)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"netsafe {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """NetSafe command line. Exit codes: 0 done, 1 failed, 2 bad usage or bad input."""
    configure_logging(os.environ.get("NETSAFE_LOG_LEVEL", "INFO").upper())


def main() -> None:
    """Console-script entry point: runs the app and maps errors to the documented exit codes."""
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
