"""`netsafe audit`: check the keyed, hash-chained audit log and anchor its head outside it."""

from __future__ import annotations

import getpass
import logging
import logging.handlers
from datetime import UTC, datetime
from pathlib import Path

import typer

from netsafe.cli.context import command_context
from netsafe.cli.output import (
    JSON_OPTION_HELP,
    BadInputError,
    ExitCode,
    Printer,
    emit,
    progress_bar,
)
from netsafe.platform.audit import AuditEvent
from netsafe.platform.audit_anchors import (
    AnchorFileError,
    anchor_line,
    read_anchors,
)
from netsafe.store.audit_seal import seal_pending
from netsafe.store.repositories.audit import SqlAuditRepository
from netsafe.usecases.verify_audit import verify_audit

app = typer.Typer(
    help="The audit log: verify its keyed hash chain, anchor its head.", no_args_is_help=True
)
SYSLOG_SOCKET = "/dev/log"


def cli_actor() -> str:
    """Who runs the command, for the audit log (`cli:<login>`)."""
    try:
        return f"cli:{getpass.getuser()}"[:63]
    except (KeyError, OSError):
        return "cli"


def cli_event(action: str, resource_type: str, resource_id: object = None) -> AuditEvent:
    """An audit event for a command-line action."""
    return AuditEvent(
        at=datetime.now(UTC),
        action=action,
        resource_type=resource_type,
        resource_id=None if resource_id is None else str(resource_id),
        actor=cli_actor(),
        client="cli",
    )


@app.command("verify")
def verify_command(
    anchors: Path | None = typer.Option(
        None,
        "--anchors",
        metavar="FILE",
        help="A file of anchors written by `netsafe audit anchor`: each anchored row must "
        "still have its anchored hash.",
    ),
    as_json: bool = typer.Option(False, "--json", help=JSON_OPTION_HELP),
) -> None:
    """Recompute the keyed chain (NETSAFE_AUDIT_KEY); name every edited row and every deleted
    run, and every anchored row rewritten or gone (exit 1 if any)."""
    try:
        anchored = [] if anchors is None else read_anchors(anchors)
    except AnchorFileError as error:
        raise BadInputError(str(error)) from None
    context = command_context()
    context.require_migrated()
    with progress_bar() as progress:
        task = progress.add_task("verifying the audit log", total=None)
        check = verify_audit(
            context.engine,
            context.sessions,
            anchored,
            on_start=lambda rows: progress.update(task, total=rows or None),
            on_progress=lambda rows: progress.update(task, completed=rows),
        )
    result, sealed = check.verification, check.sealed_now
    data = {
        "ok": result.ok,
        "rows": result.rows,
        "unkeyed_rows": result.unkeyed_rows,
        "anchors_checked": len(anchored),
        "sealed_now": sealed,
        "head": {"seq": result.head.seq, "hash": result.head.hash},
        "problems": [
            {"kind": p.kind, "seq": p.seq, "last_seq": p.last_seq, "message": p.message}
            for p in result.problems
        ],
    }

    def render(console: Printer) -> None:
        if result.ok:
            console.print(f"audit log intact: {result.rows} rows, head {result.head.hash[:16]}…")
            if result.unkeyed_rows:
                console.print(f"  rows 1-{result.unkeyed_rows} were chained before the key")
            if anchored:
                console.print(f"  {len(anchored)} anchors match")
            return
        console.print(f"[bold red]audit log BROKEN[/]: {len(result.problems)} problem(s)")
        for problem in result.problems:
            console.print(f"  {problem.kind}: {problem.message}", highlight=False)

    emit(data, as_json=as_json, render=render)
    if not result.ok:
        raise typer.Exit(int(ExitCode.FAILED))


@app.command("anchor")
def anchor_command(
    file: Path | None = typer.Option(
        None, "--file", help="Append the anchor line to this file (created if missing)."
    ),
    syslog: bool = typer.Option(
        False, "--syslog", help=f"Send the anchor line to syslog ({SYSLOG_SOCKET}, facility auth)."
    ),
    as_json: bool = typer.Option(False, "--json", help=JSON_OPTION_HELP),
) -> None:
    """Write the chain head (sequence number and hash) outside the database: to stdout, a file
    and/or syslog. Run it on a schedule; `netsafe audit verify --anchors FILE` checks them."""
    context = command_context()
    context.require_migrated()
    seal_pending(context.engine)  # the head covers every event committed so far
    with context.transaction() as session:
        head = SqlAuditRepository(session).head()
    line = anchor_line(head, datetime.now(UTC))
    if file is not None:
        try:
            with file.open("a", encoding="utf-8") as out:
                out.write(line + "\n")
        except OSError as error:
            raise BadInputError(f"--file {file}: cannot append the anchor: {error}") from None
    if syslog:
        _to_syslog(line)
    data = {"seq": head.seq, "hash": head.hash, "line": line, "file": file, "syslog": syslog}
    emit(data, as_json=as_json, render=lambda c: c.print(line, highlight=False))


def _to_syslog(line: str) -> None:
    try:
        handler = logging.handlers.SysLogHandler(
            address=SYSLOG_SOCKET, facility=logging.handlers.SysLogHandler.LOG_AUTH
        )
    except OSError as error:
        raise BadInputError(f"--syslog: cannot reach {SYSLOG_SOCKET}: {error}") from None
    try:
        message = f"netsafe: {line}"
        handler.emit(logging.LogRecord("netsafe.audit", logging.INFO, "", 0, message, None, None))
    finally:
        handler.close()
