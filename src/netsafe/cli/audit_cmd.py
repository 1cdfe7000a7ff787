"""`netsafe audit`: check the hash-chained audit log."""

from __future__ import annotations

import getpass
from datetime import UTC, datetime

import typer
from rich.console import Console

from netsafe.cli.context import command_context
from netsafe.cli.output import JSON_OPTION_HELP, ExitCode, emit, progress_bar
from netsafe.platform.audit import AuditEvent, verify
from netsafe.store.repositories.audit import SqlAuditRepository, seal_pending

app = typer.Typer(help="The audit log: verify its hash chain.", no_args_is_help=True)


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
def verify_command(as_json: bool = typer.Option(False, "--json", help=JSON_OPTION_HELP)) -> None:
    """Recompute the chain; name every edited row and every deleted run (exit 1 if any)."""
    context = command_context()
    context.require_migrated()
    sealed = seal_pending(context.engine)  # events of requests still waiting for their seal
    with context.transaction() as session, progress_bar() as progress:
        repository = SqlAuditRepository(session)
        task = progress.add_task("verifying the audit log", total=repository.head().seq or None)
        result = verify(repository, on_progress=lambda rows: progress.update(task, completed=rows))
    data = {
        "ok": result.ok,
        "rows": result.rows,
        "sealed_now": sealed,
        "head": {"seq": result.head.seq, "hash": result.head.hash},
        "problems": [
            {"kind": p.kind, "seq": p.seq, "last_seq": p.last_seq, "message": p.message}
            for p in result.problems
        ],
    }

    def render(console: Console) -> None:
        if result.ok:
            console.print(f"audit log intact: {result.rows} rows, head {result.head.hash[:16]}…")
            return
        console.print(f"[bold red]audit log BROKEN[/]: {len(result.problems)} problem(s)")
        for problem in result.problems:
            console.print(f"  {problem.kind}: {problem.message}", highlight=False)

    emit(data, as_json=as_json, render=render)
    if not result.ok:
        raise typer.Exit(int(ExitCode.FAILED))
