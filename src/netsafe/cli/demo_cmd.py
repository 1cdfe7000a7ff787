"""`netsafe demo`: seed the synthetic demo operation (idempotent)."""

from __future__ import annotations

import typer

from netsafe.cli.context import command_context
from netsafe.cli.output import JSON_OPTION_HELP, emit
from netsafe.operation.agencies import ensure_agencies
from netsafe.store.repositories.agencies import SqlAgencyRepository


def demo(as_json: bool = typer.Option(False, "--json", help=JSON_OPTION_HELP)) -> None:
    """Seed the synthetic demo operation; running it again adds nothing."""
    context = command_context()
    with context.transaction() as session:
        added = ensure_agencies(SqlAgencyRepository(session))
    result = {"agencies_added": [a.slug for a in added]}
    emit(
        result,
        as_json=as_json,
        render=lambda c: c.print(
            f"demo: {len(added)} agencies added" if added else "demo: already seeded"
        ),
    )
