"""`netsafe referral`: import CyberTipline reports as referrals; the regional unit's queue of
referrals awaiting a force, and assigning one. Every change is audited (actor `cli:<login>`)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import typer
from sqlalchemy.orm import Session

from netsafe.cli.audit_cmd import cli_actor, cli_event
from netsafe.cli.context import command_context
from netsafe.cli.output import (
    JSON_OPTION_HELP,
    BadInputError,
    ExitCode,
    Printer,
    emit,
    print_table,
)
from netsafe.intake.reading import report_files
from netsafe.platform.access import OperationError, OperationInputError
from netsafe.platform.agencies import FORCE_SLUGS
from netsafe.platform.roles import Role, Viewer
from netsafe.store.audit_seal import append_at_commit
from netsafe.usecases.import_referrals import import_report_files
from netsafe.usecases.intake_outcome import ReferralImport
from netsafe.usecases.intake_queue import assign_referral, unassigned_queue

app = typer.Typer(
    help="Referrals: import CyberTipline reports; the queue awaiting a force.",
    no_args_is_help=True,
)


def operator() -> Viewer:
    """The server's operator on the command line acts for the operation lead (audited as
    `cli:<login>`)."""
    return Viewer(0, cli_actor(), "regional-unit", Role.OPERATION_LEAD)


def cli_audit(
    session: Session, action: str, kind: str, resource_id: object, detail: str | None
) -> None:
    """Audit at the commit of `session`'s transaction (nothing if it rolls back), all of a
    transaction's events chained at once."""
    append_at_commit(session, [replace(cli_event(action, kind, resource_id), detail=detail)])


def _check_force(force: str | None) -> None:
    if force is not None and force not in FORCE_SLUGS:
        raise BadInputError(f"--force: unknown force {force!r}; one of {', '.join(FORCE_SLUGS)}")


@app.command("import")
def import_command(
    paths: list[Path] = typer.Argument(
        ..., help="Report files (XML or JSON) or folders of them (*.xml, *.json, recursively)."
    ),
    force: str | None = typer.Option(
        None, "--force", help="Assign every imported report to this force (a force slug)."
    ),
    as_json: bool = typer.Option(False, "--json", help=JSON_OPTION_HELP),
) -> None:
    """Import CyberTipline reports as referrals: each file whole or not at all.

    A report already imported (same report number) changes nothing and is counted as known.
    Exit 0 when every file was read (refused files are counted); 2 when none could be.
    """
    _check_force(force)
    files = list(report_files(paths))
    if not files:
        raise BadInputError("no report files (.xml, .json) in the paths given")
    context = command_context()
    context.require_migrated()
    try:
        result = import_report_files(
            context.sessions,
            files,
            viewer=operator(),
            settings=context.settings,
            force=force,
            audit=cli_audit,
        )
    except ValueError as error:  # a wrong force table, rules or question set file
        raise BadInputError(str(error)) from error
    emit(result.as_json(), as_json=as_json, render=lambda c: _render_import(c, result))
    if result.refused and not result.files_read:
        raise typer.Exit(int(ExitCode.BAD_INPUT))


def _render_import(console: Printer, result: ReferralImport) -> None:
    for added in result.added:
        where = "awaiting a force" if added.awaiting_assignment else added.force
        band = f", pre-scored {added.prescore_band}" if added.prescore_band else ""
        console.print(
            f"added {added.reference} from report {added.report_id} ({where}{band}):"
            f" {added.known_files}/{added.files} files known"
            + (f" ({', '.join(added.categories)})" if added.categories else ""),
            highlight=False,
        )
    for known in result.already_known:
        console.print(
            f"already imported: report {known.report_id} (referral {known.referral_id}):"
            " nothing changed",
            highlight=False,
        )
    for refused in result.refused:
        where = f"{refused.file}: {refused.path}" if refused.path else refused.file
        console.print(f"refused {where}: {refused.reason}", highlight=False)
    console.print(
        f"{len(result.added)} added, {len(result.already_known)} already known,"
        f" {len(result.refused)} files refused, {len(result.unassigned)} awaiting a force",
        highlight=False,
    )


@app.command("unassigned")
def unassigned_command(
    limit: int = typer.Option(50, "--limit", min=1, max=500, help="How many to list."),
    as_json: bool = typer.Option(False, "--json", help=JSON_OPTION_HELP),
) -> None:
    """List imported referrals waiting in the regional unit's queue for a force."""
    with command_context().transaction() as session:
        waiting, total = unassigned_queue(session, operator(), limit=limit)
    data = {"total": total, "referrals": [w.as_json() for w in waiting]}

    def render(console: Printer) -> None:
        rows = [
            (
                str(w.referral_id),
                w.reference,
                w.report_id,
                f"{w.imported_at:%Y-%m-%d %H:%M}",
                w.assignment_reason,
            )
            for w in waiting
        ]
        print_table(console, ("referral", "reference", "report", "imported", "why"), rows)
        console.print(f"{total} awaiting a force", highlight=False)

    emit(data, as_json=as_json, render=render)


@app.command("assign")
def assign_command(
    referral_id: int = typer.Argument(..., help="The referral's id."),
    force: str = typer.Argument(..., help="The force slug to give it."),
    as_json: bool = typer.Option(False, "--json", help=JSON_OPTION_HELP),
) -> None:
    """Give a referral waiting in the regional unit's queue its force (audited)."""
    _check_force(force)
    try:
        with command_context().transaction() as session:
            referral = assign_referral(session, operator(), referral_id, force, audit=cli_audit)
    except OperationInputError as error:
        raise BadInputError(str(error)) from error
    except OperationError as error:
        raise BadInputError(str(error)) from error
    emit(
        {"referral_id": referral.id, "reference": referral.reference, "force": referral.force},
        as_json=as_json,
        render=lambda c: c.print(
            f"{referral.reference} assigned to {referral.force}", highlight=False
        ),
    )
