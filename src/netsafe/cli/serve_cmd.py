"""`netsafe serve`: the web platform under uvicorn."""

from __future__ import annotations

import os

import typer
import uvicorn

from netsafe.cli.context import command_context
from netsafe.cli.output import ExitCode, fail
from netsafe.prevention.help_contacts import HelpContactsMissingError
from netsafe.prevention.settings_file import PreventionFileError
from netsafe.web.demo_guard import DemoDataRefusedError, demo_banner
from netsafe.web.prevention.common import prevention_config_for


def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, metavar="PORT", help="Port to listen on."),
    workers: int = typer.Option(1, min=1, help="Worker processes."),
    reload: bool = typer.Option(False, help="Reload on code changes (development)."),
    access_log: bool = typer.Option(
        True, help="Log every request (leave it to the TLS proxy under heavy load)."
    ),
    allow_demo_data: bool = typer.Option(
        False,
        "--allow-demo-data",
        help="With NETSAFE_ENV=production, serve a database holding demo data anyway (every "
        "page then says so). Same as NETSAFE_ALLOW_DEMO_DATA=1.",
    ),
    pin_workers: bool = typer.Option(
        False,
        help="Keep each worker process to one CPU of its own (Linux; a server of its own with "
        "one worker per CPU). Same as NETSAFE_PIN_WORKERS=1.",
    ),
) -> None:
    """Serve the web platform and JSON API (the database must be migrated)."""
    if allow_demo_data:  # the workers read their settings from the environment
        os.environ["NETSAFE_ALLOW_DEMO_DATA"] = "1"
    context = command_context()
    context.require_migrated()
    try:
        demo_banner(context.settings, context.engine)
    except DemoDataRefusedError as refused:
        fail(str(refused), ExitCode.BAD_INPUT)
    try:
        prevention_config_for(context.settings)
    except (HelpContactsMissingError, PreventionFileError) as refused:
        fail(str(refused), ExitCode.BAD_INPUT)
    if pin_workers:  # the workers read their settings from the environment
        os.environ["NETSAFE_PIN_WORKERS"] = "1"
    uvicorn.run(
        "netsafe.web.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        reload=reload,
        proxy_headers=True,
        access_log=access_log,
        log_config=None,
    )
