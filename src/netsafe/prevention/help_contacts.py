"""How people reach the helpline from the help page, and where those contacts come from.

The public help page (`/help`) and every deterrence warning give the helpline's phone number, its
live chat and its web site. They come from the operator's prevention file
(`NETSAFE_HOME/prevention.toml`, `[helpline]`). A production server refuses to start without the
ones a person needs (`REQUIRED`: a number to call and a site to visit); in development the
missing ones are taken from the example configuration shipped beside this module
(`prevention.example.toml`), so `make run` shows a complete page, and the startup log says which
were used.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

from netsafe.prevention.helpline import HelplineDetails
from netsafe.prevention.settings_file import PreventionConfig, load_prevention_config

#: The example prevention file (placeholder helpline, placeholder deterrence words).
EXAMPLE_FILE = Path(__file__).with_name("prevention.example.toml")
#: The contacts (keys of `[helpline]`) a production server needs before it starts.
REQUIRED = ("phone", "web_url")
#: Every contact the help page shows, in the order the startup line names them.
CONTACTS = ("phone", "chat_url", "web_url", "hours")


class HelpContactsMissingError(ValueError):
    """A production server has no way to tell people how to reach the helpline."""


@dataclass(frozen=True, slots=True)
class HelpContacts:
    """The helpline details in use and, for each contact, where it came from."""

    helpline: HelplineDetails
    sources: dict[str, str]

    def describe(self) -> str:
        """One line for the startup log: each contact, its value and its source."""
        parts = []
        for key in CONTACTS:
            value = getattr(self.helpline, key)
            parts.append(f"{key}={value!r} ({self.sources[key]})" if value else f"{key}: none")
        return "help page contacts: " + "; ".join(parts)


def resolve_help_contacts(
    config: PreventionConfig, config_path: Path, *, required: bool, use_example: bool
) -> HelpContacts:
    """The helpline contacts of `config` (read from `config_path`). `required` (production):
    `HelpContactsMissingError` naming each missing key and the file to set it in.
    `use_example` (development): each missing contact is taken from `EXAMPLE_FILE`."""
    helpline = config.helpline
    missing = [key for key in REQUIRED if not getattr(helpline, key)]
    if required and missing:
        keys = " and ".join(f"[helpline] {key}" for key in missing)
        raise HelpContactsMissingError(
            f"{config_path}: {keys} missing: a production server tells people how to reach the "
            f"helpline (the help page and every deterrence warning). Set {keys} in that file "
            f"(example: {EXAMPLE_FILE}), then start again"
        )
    sources = {key: str(config_path) for key in CONTACTS}
    if use_example:
        example = load_prevention_config(EXAMPLE_FILE).helpline
        filled = {key: getattr(example, key) for key in CONTACTS if not getattr(helpline, key)}
        for key in filled:
            sources[key] = f"example configuration {EXAMPLE_FILE} (development only)"
        if filled:
            helpline = dataclasses.replace(helpline, **filled)
    return HelpContacts(helpline, sources)


def with_help_contacts(config: PreventionConfig, contacts: HelpContacts) -> PreventionConfig:
    """`config` with the helpline details `contacts` resolved."""
    return dataclasses.replace(config, helpline=contacts.helpline)
