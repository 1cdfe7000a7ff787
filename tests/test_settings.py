"""Settings: environment variables, defaults, and the refused default secret."""

from __future__ import annotations

from pathlib import Path

import pytest

from netsafe.settings import (
    DEFAULT_SECRET_KEY,
    DEVELOPMENT_AUDIT_KEY,
    SettingsError,
    load_settings,
)


def test_defaults_use_sqlite_in_the_users_data_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path / "user"))
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    for name in ("HOME", "DATABASE_URL", "SECRET_KEY", "ENV", "DASK_SCHEDULER"):
        monkeypatch.delenv(f"NETSAFE_{name}", raising=False)
    settings = load_settings()
    home = tmp_path / "user" / ".local" / "share" / "netsafe"
    assert settings.home == home  # the same folder wherever a command runs
    assert settings.sqlalchemy_url == f"sqlite:///{home / 'netsafe.db'}"
    assert settings.dask_scheduler is None


def test_the_default_home_follows_xdg_data_home(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("NETSAFE_HOME", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert load_settings().home == tmp_path / "data" / "netsafe"


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


STRONG_KEY = "mB1r0uXq7Zk3VtYw9Lp2Nc5Hd8Fj4Gs6Ra0Ue1Ki7Oy3"
STRONG_AUDIT_KEY = "Qh4Wn8Tz2Jv6Xb0Mc3Ld7Ps1Fr5Gk9Ye2Ua6Io0Ex4Nw"


@pytest.mark.parametrize(
    "weak",
    [
        "a" * 16,
        "a" * 64,
        " " * 16,
        " " * 64,
        "passwordpasswordpasswordpassword",
        "0123456789abcdef0123456789abcdef",  # 16 bytes as hex: half the strength asked for
        "a real key with spaces in it, long enough to pass by length",
    ],
)
def test_weak_production_secret_refused_with_how_to_make_one(weak: str) -> None:
    with pytest.raises(SettingsError, match="NETSAFE_SECRET_KEY") as refused:
        load_settings(env="production", secret_key=weak, audit_key=STRONG_AUDIT_KEY)
    assert "secrets.token_urlsafe(32)" in str(refused.value)


def test_generated_production_keys_accepted() -> None:
    import secrets

    for _ in range(200):
        settings = load_settings(
            env="production",
            secret_key=secrets.token_urlsafe(32),
            audit_key=secrets.token_urlsafe(32),
        )
        assert settings.audit_hmac_key
    load_settings(env="production", secret_key=secrets.token_hex(32), audit_key=STRONG_AUDIT_KEY)


def test_production_needs_its_own_strong_audit_key() -> None:
    with pytest.raises(SettingsError, match="NETSAFE_AUDIT_KEY is required"):
        load_settings(env="production", secret_key=STRONG_KEY)
    with pytest.raises(SettingsError, match="must differ"):
        load_settings(env="production", secret_key=STRONG_KEY, audit_key=STRONG_KEY)
    with pytest.raises(SettingsError, match=r"NETSAFE_AUDIT_KEY.*token_urlsafe"):
        load_settings(env="production", secret_key=STRONG_KEY, audit_key="b" * 40)


def test_development_audit_key_default() -> None:
    assert load_settings(env="development").audit_hmac_key == DEVELOPMENT_AUDIT_KEY.encode()
    assert load_settings(env="development", audit_key="x" * 20).audit_hmac_key == b"x" * 20


def test_the_index_folder_is_a_setting(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("NETSAFE_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("NETSAFE_INDEX", raising=False)
    assert load_settings().index_folder == tmp_path / "home" / "index"
    monkeypatch.setenv("NETSAFE_INDEX", str(tmp_path / "shared-index"))
    assert load_settings().index_folder == tmp_path / "shared-index"
