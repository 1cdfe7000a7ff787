"""What the prevention routes share: the policies (the wall), config, hasher, today's date."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import Depends, Request

from netsafe.platform.roles import Role, Viewer
from netsafe.prevention.code_words import CodeWordHasher
from netsafe.prevention.help_contacts import (
    HelpContacts,
    resolve_help_contacts,
    with_help_contacts,
)
from netsafe.prevention.settings_file import (
    PREVENTION_FILE_NAME,
    PreventionConfig,
    load_prevention_config,
)
from netsafe.settings import Settings
from netsafe.web.policy import allow

UK = ZoneInfo("Europe/London")

#: The wall. Records: the charity's helpline only. The charity's dashboard and aggregates: the
#: charity roles. Every police role and admin gets 403 on both (declared, so the matrix checks it).
RECORDS_POLICY = allow(Role.HELPLINE)
CHARITY_POLICY = allow(Role.HELPLINE, Role.CHARITY_ANALYST)

HelplineViewer = Annotated[Viewer, Depends(RECORDS_POLICY)]
CharityViewer = Annotated[Viewer, Depends(CHARITY_POLICY)]


def uk_today() -> date:
    """Today in the UK: the day counters and default contact dates belong to."""
    return datetime.now(UK).date()


def prevention_config_for(settings: Settings) -> tuple[PreventionConfig, HelpContacts]:
    """The operator's prevention file (`NETSAFE_HOME/prevention.toml`) with the helpline's
    contacts resolved: required in production (`HelpContactsMissingError`), completed from the
    example configuration in development."""
    path = settings.home / PREVENTION_FILE_NAME
    config = load_prevention_config(path)
    contacts = resolve_help_contacts(
        config,
        path,
        required=settings.env == "production",
        use_example=settings.env == "development",
    )
    return with_help_contacts(config, contacts), contacts


def _prevention_config(request: Request) -> PreventionConfig:
    """The prevention configuration (`prevention_config_for`), read once per app."""
    config: PreventionConfig | None = getattr(request.app.state, "prevention_config", None)
    if config is None:
        config, _ = prevention_config_for(request.app.state.settings)
        request.app.state.prevention_config = config
    return config


def _hasher(request: Request) -> CodeWordHasher:
    return CodeWordHasher.from_secret(request.app.state.settings.secret_key)


PreventionConfigDep = Annotated[PreventionConfig, Depends(_prevention_config)]
HasherDep = Annotated[CodeWordHasher, Depends(_hasher)]
