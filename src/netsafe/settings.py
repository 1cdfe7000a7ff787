"""Settings from the environment (pydantic-settings), built by a factory, never at import time.

Every setting is read from a `NETSAFE_*` variable; see docs/operator.md (Configuration).
"""

from __future__ import annotations

import os
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from netsafe.secret_keys import WeakKeyError, check_key_strength

DEFAULT_SECRET_KEY = "netsafe-development-key-change-me"  # noqa: S105 - the refused default
#: Keys the audit chain outside production when NETSAFE_AUDIT_KEY is unset (refused in production).
DEVELOPMENT_AUDIT_KEY = "netsafe-development-audit-key"

Environment = Literal["development", "test", "production"]
LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]


def default_home() -> Path:
    """The data folder when NETSAFE_HOME is not set: one per user, wherever a command runs —
    `$XDG_DATA_HOME/netsafe`, else `~/.local/share/netsafe`. A service sets
    `NETSAFE_HOME=/var/lib/netsafe`."""
    xdg = os.environ.get("XDG_DATA_HOME", "")
    base = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".local" / "share"
    return base / "netsafe"


class SettingsError(ValueError):
    """A setting has a value NetSafe refuses to run with."""


class Settings(BaseSettings):
    """NetSafe's configuration. Build it with `load_settings()`."""

    model_config = SettingsConfigDict(env_prefix="NETSAFE_", extra="ignore", frozen=True)

    env: Environment = Field("development", description="development, test or production")
    home: Path = Field(
        default_factory=lambda: default_home(),
        description="data folder: database, indexes, reports; default one per user",
    )
    database_url: str | None = Field(None, description="SQLAlchemy URL; default SQLite in home")
    index: Path | None = Field(
        None, description="folder of the on-disk matching index; default NETSAFE_HOME/index"
    )
    secret_key: str = Field(DEFAULT_SECRET_KEY, description="signs sessions, keys anonymous hashes")
    audit_key: str | None = Field(
        None, description="HMAC key of the audit chain, apart from the secret key (production)"
    )
    dask_scheduler: str | None = Field(None, description="address of a Dask scheduler for triage")
    log_level: LogLevel = Field("INFO", description="DEBUG, INFO, WARNING, ERROR or CRITICAL")
    risk_questions: Path | None = Field(None, description="risk question set TOML; default shipped")
    intake_forces: Path | None = Field(
        None,
        description="postcode district -> force table TOML for imported reports; default shipped",
    )
    intake_rules: Path | None = Field(
        None, description="risk pre-score rules TOML for imported reports; default shipped"
    )
    dashboard_cache_seconds: float = Field(
        5.0, ge=0, le=3600, description="how long the dashboard's counts are reused; 0: never"
    )
    allow_demo_data: bool = Field(
        False, description="production: serve a database holding demo data, with a banner"
    )
    api_docs: bool | None = Field(
        None, description="serve Swagger UI at /docs; default on, except in production"
    )
    pin_workers: bool = Field(
        False, description="web server: each worker process keeps to one CPU of its own"
    )

    @field_validator("home")
    @classmethod
    def _absolute_home(cls, value: Path) -> Path:
        return value.expanduser().resolve()

    @field_validator("index")
    @classmethod
    def _absolute_index(cls, value: Path | None) -> Path | None:
        return None if value is None else value.expanduser().resolve()

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_level(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @model_validator(mode="after")
    def _refuse_default_secret(self) -> Settings:
        if self.secret_key == DEFAULT_SECRET_KEY and self.env != "development":
            raise ValueError(
                "NETSAFE_SECRET_KEY is left at its default; set a long random value "
                "(e.g. `python -c 'import secrets; print(secrets.token_urlsafe(48))'`) "
                "or run with NETSAFE_ENV=development"
            )
        if len(self.secret_key) < 16:
            raise ValueError("NETSAFE_SECRET_KEY must be at least 16 characters")
        if self.env == "production":
            self._check_production_keys()
        return self

    def _check_production_keys(self) -> None:
        """Production keys need real entropy; the audit key is required and its own."""
        if self.audit_key is None:
            raise ValueError(
                "NETSAFE_AUDIT_KEY is required in production (it keys the audit chain, apart "
                "from NETSAFE_SECRET_KEY): make one with "
                "`python3 -c 'import secrets; print(secrets.token_urlsafe(32))'`"
            )
        if self.audit_key == self.secret_key:
            raise ValueError("NETSAFE_AUDIT_KEY must differ from NETSAFE_SECRET_KEY")
        try:
            check_key_strength("NETSAFE_SECRET_KEY", self.secret_key)
            check_key_strength("NETSAFE_AUDIT_KEY", self.audit_key)
        except WeakKeyError as weak:
            raise ValueError(str(weak)) from None

    @property
    def api_docs_enabled(self) -> bool:
        """Whether /docs serves Swagger UI: NETSAFE_API_DOCS, else everywhere but production."""
        return self.api_docs if self.api_docs is not None else self.env != "production"

    @property
    def audit_hmac_key(self) -> bytes:
        """The key of the audit chain's HMAC (the development key when none is set)."""
        return (self.audit_key or DEVELOPMENT_AUDIT_KEY).encode()

    @cached_property
    def sqlalchemy_url(self) -> str:
        """The database URL in use: NETSAFE_DATABASE_URL, or SQLite under NETSAFE_HOME."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.home / 'netsafe.db'}"

    @property
    def index_folder(self) -> Path:
        """Where the matching index lives: NETSAFE_INDEX, else NETSAFE_HOME/index."""
        return self.index if self.index is not None else self.home / "index"

    @property
    def sqlite_file(self) -> Path | None:
        """The SQLite database file under NETSAFE_HOME, when NETSAFE_DATABASE_URL is not set."""
        return None if self.database_url else self.home / "netsafe.db"

    def ensure_home(self) -> Path:
        """Create the data folder if needed and return it."""
        self.home.mkdir(parents=True, exist_ok=True)
        return self.home


def load_settings(**overrides: object) -> Settings:
    """Build settings from the environment, with keyword overrides (tests, CLI options)."""
    try:
        settings = Settings(**overrides)  # type: ignore[arg-type]
    except ValueError as error:
        raise SettingsError(str(error)) from error
    return settings


#: Every environment variable NetSafe reads (the docs test checks each is in docs/operator.md).
ENVIRONMENT_VARIABLES = tuple(f"NETSAFE_{name.upper()}" for name in Settings.model_fields)
