"""Settings: environment variables, defaults, and the refused default secret."""

from __future__ import annotations

from pathlib import Path

import pytest

from netsafe.settings import DEFAULT_SECRET_KEY, SettingsError, load_settings


def test_defaults_use_sqlite_in_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("HOME", "DATABASE_URL", "SECRET_KEY", "ENV", "DASK_SCHEDULER"):
        monkeypatch.delenv(f"NETSAFE_{name}", raising=False)
    settings = load_settings()
    assert settings.home == tmp_path / ".netsafe"
    assert settings.sqlalchemy_url == f"sqlite:///{tmp_path / '.netsafe' / 'netsafe.db'}"
    assert settings.dask_scheduler is None


def test_environment_variables_are_read(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("NETSAFE_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("NETSAFE_DATABASE_URL", "postgresql+psycopg://db.invalid/netsafe")
    monkeypatch.setenv("NETSAFE_DASK_SCHEDULER", "tcp://127.0.0.1:8786")
    monkeypatch.setenv("NETSAFE_LOG_LEVEL", "debug")
    settings = load_settings()
    assert settings.home == tmp_path / "data"
    assert settings.sqlalchemy_url == "postgresql+psycopg://db.invalid/netsafe"
    assert settings.dask_scheduler == "tcp://127.0.0.1:8786"
    assert settings.log_level == "DEBUG"


@pytest.mark.parametrize("env", ["production", "test"])
def test_default_secret_refused_outside_development(env: str) -> None:
    with pytest.raises(SettingsError, match="NETSAFE_SECRET_KEY"):
        load_settings(env=env, secret_key=DEFAULT_SECRET_KEY)


def test_default_secret_allowed_in_development() -> None:
    assert load_settings(env="development").secret_key == DEFAULT_SECRET_KEY


def test_short_secret_refused() -> None:
    with pytest.raises(SettingsError, match="at least 16"):
        load_settings(env="production", secret_key="short")


def test_unknown_environment_refused() -> None:
    with pytest.raises(SettingsError, match="env"):
        load_settings(env="staging")


def test_nothing_is_built_at_import() -> None:
    import netsafe.store.engine
    import netsafe.web.app

    module_values = [*vars(netsafe.web.app).values(), *vars(netsafe.store.engine).values()]
    from fastapi import FastAPI
    from sqlalchemy import Engine

    assert not any(isinstance(value, FastAPI | Engine) for value in module_values)
