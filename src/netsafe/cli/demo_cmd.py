"""`netsafe demo`: seed the synthetic demo operation (idempotent)."""

from __future__ import annotations

from datetime import UTC, datetime

import typer
from sqlalchemy.orm import Session

from netsafe.cli.context import command_context
from netsafe.cli.output import (
    JSON_OPTION_HELP,
    ExitCode,
    Printer,
    emit,
    fail,
    progress_bar,
    stderr_console,
)
from netsafe.platform.agencies import ensure_agencies
from netsafe.platform.demo_users import DemoRefusedError, ensure_demo_users
from netsafe.prevention.code_words import CodeWordHasher
from netsafe.prevention.settings_file import PREVENTION_FILE_NAME, load_prevention_config
from netsafe.store.repositories.agencies import SqlAgencyRepository
from netsafe.store.repositories.demo import SqlDemoLedger, SqlDemoWriter
from netsafe.store.repositories.exhibit_list import SqlExhibitList
from netsafe.store.repositories.operation import case_repositories
from netsafe.store.repositories.operation_queue import SqlFilteredQueue
from netsafe.store.repositories.users import SqlUserRepository
from netsafe.store.repositories.work import SqlWorkRepository


def demo(as_json: bool = typer.Option(False, "--json", help=JSON_OPTION_HELP)) -> None:
    """Seed the synthetic demo operation; running it again adds nothing."""
    # Imported here: the generator pulls in numpy, Pillow and the triage engine, which every
    # other command would pay for at start-up.
    from netsafe.cli.referral_cmd import cli_audit, operator
    from netsafe.demo.rates import DEMO_INTAKE_AT
    from netsafe.demo.seed import STEPS, seed_demo_operation
    from netsafe.usecases.import_referrals import import_demo_reports

    context = command_context()
    settings = context.settings
    if settings.env == "production":
        fail(
            "netsafe demo refuses to run when NETSAFE_ENV=production: its synthetic referrals, "
            "warrants, contacts and accounts would mix into real records and statistics",
            ExitCode.BAD_INPUT,
        )
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
        demo_users = _demo_users(session, settings.env)
        work = _demo_work(session)
    intake = import_demo_reports(
        context.sessions,
        settings,
        viewer=operator(),
        audit=cli_audit,
        received_at=DEMO_INTAKE_AT,
    )
    result = {
        "agencies_added": [a.slug for a in added],
        "demo_users_added": demo_users,
        "operation": {
            "dataset": operation.dataset,
            "seed": operation.seed,
            "already_seeded": operation.already_seeded,
            "added": operation.added,
        },
        "cybertipline_reports": intake.as_json()["counts"],
        "work_added": work,
    }

    def render(console: Printer) -> None:
        if operation.already_seeded and not added:
            console.print("demo: already seeded")
            return
        console.print(f"demo: {len(added)} agencies added")
        if demo_users:
            console.print(f"  demo users (password in the README): {len(demo_users)}")
        for name, count in {**operation.added, **work}.items():
            console.print(f"  {name}: {count:,}")
        console.print(f"  CyberTipline reports imported: {len(intake.added)}", highlight=False)

    emit(result, as_json=as_json, render=render)


def _demo_work(session: Session) -> dict[str, int]:
    """Owners, actions and hand-overs for the demo accounts (once), so My work is not empty."""
    from netsafe.demo.work import DemoWorkStores, seed_demo_work

    repos = case_repositories(session)
    stores = DemoWorkStores(
        queue=SqlFilteredQueue(session),
        exhibit_list=SqlExhibitList(session),
        work=SqlWorkRepository(session),
        custody=repos.custody,
    )
    now = datetime.now(UTC)
    return seed_demo_work(stores, SqlDemoLedger(session), today=now.date(), now=now)


def _demo_users(session: Session, environment: str) -> list[str]:
    """The demo accounts created (none in production: a warning instead)."""
    try:
        created = ensure_demo_users(
            SqlUserRepository(session),
            SqlAgencyRepository(session),
            environment=environment,
            now=datetime.now(UTC),
        )
    except DemoRefusedError as refused:
        stderr_console().print(f"[yellow]warning:[/] {refused}", highlight=False)
        return []
    return [u.username for u in created]
