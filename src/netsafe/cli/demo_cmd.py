"""`netsafe demo`: seed the synthetic demo operation (idempotent)."""

from __future__ import annotations

import typer
from rich.console import Console

from netsafe.cli.context import command_context
from netsafe.cli.output import JSON_OPTION_HELP, emit, progress_bar
from netsafe.demo.seed import STEPS, seed_demo_operation
from netsafe.operation.agencies import ensure_agencies
from netsafe.prevention.code_words import CodeWordHasher
from netsafe.prevention.settings_file import PREVENTION_FILE_NAME, load_prevention_config
from netsafe.store.repositories.agencies import SqlAgencyRepository
from netsafe.store.repositories.demo import SqlDemoLedger, SqlDemoWriter


def demo(as_json: bool = typer.Option(False, "--json", help=JSON_OPTION_HELP)) -> None:
    """Seed the synthetic demo operation; running it again adds nothing."""
    context = command_context()
    settings = context.settings
    modules = load_prevention_config(settings.home / PREVENTION_FILE_NAME).self_help_modules
    with context.transaction() as session, progress_bar(disable=as_json) as bar:
        added = ensure_agencies(SqlAgencyRepository(session))
        task = bar.add_task("demo operation", total=STEPS)
        operation = seed_demo_operation(
            SqlDemoWriter(session),
            SqlDemoLedger(session),
            code_word_hash=CodeWordHasher.from_secret(settings.secret_key).hash,
            self_help_modules=modules,
            progress=lambda step: bar.update(task, advance=1, description=step),
        )
    result = {
        "agencies_added": [a.slug for a in added],
        "operation": {
            "dataset": operation.dataset,
            "seed": operation.seed,
            "already_seeded": operation.already_seeded,
            "added": operation.added,
        },
    }

    def render(console: Console) -> None:
        if operation.already_seeded and not added:
            console.print("demo: already seeded")
            return
        console.print(f"demo: {len(added)} agencies added")
        for name, count in operation.added.items():
            console.print(f"  {name}: {count:,}")

    emit(result, as_json=as_json, render=render)
