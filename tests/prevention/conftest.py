"""Prevention test fixtures: cheaper argon2 work factors for the page logins (same algorithm)."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from netsafe.platform import users

_FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(users, "_hasher", _FAST_HASHER)
