"""Platform test fixtures: cheaper argon2 parameters so the many logins of the suite stay fast.

The algorithm (argon2id) and the code paths are the production ones; only the work factors drop.
"""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from netsafe.platform import users

_FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(users, "_hasher", _FAST_HASHER)
