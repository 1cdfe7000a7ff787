"""The operator's prevention file: the helpline's details, deterrence patterns, self-help modules.

A TOML file (by default `NETSAFE_HOME/prevention.toml`; `prevention.example.toml`, beside this
module, documents every key). NetSafe ships no term list: deployments write their own, and tests
use neutral placeholder words. A missing file means "no patterns, default helpline text, default
modules".

```toml
[helpline]
name = "Confidential helpline"
phone = "0800 000 0000"
chat_url = "https://help.example.org/chat"
web_url = "https://help.example.org"
hours = "Monday to Friday 9am–9pm"
message = "Viewing sexual images of children is illegal and harms children. Help is available."

[deterrence]
terms = ["zebra-test-term"]                 # words or phrases, matched as whole words, any case
url_patterns = ["*.example.test/zebra-*"]   # shell-style globs over the URL without its scheme
hashes = ["<md5, sha1 or sha256 hex>"]      # content hashes, any case

[self_help]
modules = ["managing-urges", "staying-safe-online"]
```
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from netsafe.prevention.counters import DEFAULT_SELF_HELP_MODULES, check_module_slug
from netsafe.prevention.deterrence import DeterrencePatterns
from netsafe.prevention.helpline import DEFAULT_MESSAGE, DEFAULT_NAME, HelplineDetails

PREVENTION_FILE_NAME = "prevention.toml"


class PreventionFileError(ValueError):
    """The prevention file can't be used; the message names the file and key."""


@dataclass(frozen=True, slots=True)
class PreventionConfig:
    """Everything the operator configures for prevention."""

    helpline: HelplineDetails = field(default_factory=HelplineDetails)
    patterns: DeterrencePatterns = field(default_factory=DeterrencePatterns)
    self_help_modules: tuple[str, ...] = DEFAULT_SELF_HELP_MODULES


def _strings(data: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise PreventionFileError(f"{where}.{key}: a list of non-empty strings")
    return tuple(v.strip() for v in value)


def _optional(data: dict[str, Any], key: str, where: str) -> str | None:
    value = data.get(key)
    if value is not None and not isinstance(value, str):
        raise PreventionFileError(f"{where}.{key}: a string")
    return value.strip() if value else None


def parse_prevention_config(text: str, source: str = "prevention file") -> PreventionConfig:
    """Read a prevention file's TOML text; `PreventionFileError` names `source` and the key."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise PreventionFileError(f"{source}: not valid TOML: {error}") from None
    try:
        unknown = sorted(set(data) - {"helpline", "deterrence", "self_help"})
        if unknown:
            raise PreventionFileError(f"unknown section(s): {', '.join(unknown)}")
        helpline_data = data.get("helpline", {})
        deterrence = data.get("deterrence", {})
        self_help = data.get("self_help", {})
        for name, section in (
            ("helpline", helpline_data),
            ("deterrence", deterrence),
            ("self_help", self_help),
        ):
            if not isinstance(section, dict):
                raise PreventionFileError(f"[{name}] must be a table")
        helpline = HelplineDetails(
            name=_optional(helpline_data, "name", "helpline") or DEFAULT_NAME,
            phone=_optional(helpline_data, "phone", "helpline"),
            chat_url=_optional(helpline_data, "chat_url", "helpline"),
            web_url=_optional(helpline_data, "web_url", "helpline"),
            hours=_optional(helpline_data, "hours", "helpline"),
            message=_optional(helpline_data, "message", "helpline") or DEFAULT_MESSAGE,
        )
        patterns = DeterrencePatterns.build(
            terms=_strings(deterrence, "terms", "deterrence"),
            url_patterns=_strings(deterrence, "url_patterns", "deterrence"),
            hashes=_strings(deterrence, "hashes", "deterrence"),
        )
        modules: tuple[str, ...] = DEFAULT_SELF_HELP_MODULES
        if "modules" in self_help:
            modules = _strings(self_help, "modules", "self_help")
            for module in modules:
                check_module_slug(module)
    except (PreventionFileError, ValueError) as error:
        raise PreventionFileError(f"{source}: {error}") from None
    return PreventionConfig(helpline=helpline, patterns=patterns, self_help_modules=modules)


def load_prevention_config(path: Path) -> PreventionConfig:
    """The configuration in `path`, or the defaults (no patterns) when there is no such file."""
    if not path.is_file():
        return PreventionConfig()
    return parse_prevention_config(path.read_text(encoding="utf-8"), str(path))
