"""Seeders for the authorisation matrix: make one record of a force for a route's path parameter.

`SEEDS[param_name](session, force) -> id` creates a record belonging to `force` (an agency slug)
in the test database and returns the value to put in the path. The matrix then checks that a
user of another force is refused (403/404) on `force_scoped` routes, unless the role sees all
forces. Areas add their path parameters here (one function and one line in `SEEDS` each).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from netsafe.platform.roles import Role
from netsafe.platform.users import NewUser
from netsafe.store.repositories.users import SqlUserRepository
from tests.operation.operation_seeds import OPERATION_SEEDS
from tests.operation.work_seeds import WORK_SEEDS
from tests.web.prevention.matrix_seeds import PREVENTION_SEEDS

Seed = Callable[[Session, str], str]


def seed_user(session: Session, force: str) -> str:
    """A throwaway investigator of `force` (admin routes disable and reset it)."""
    user = SqlUserRepository(session).add(
        NewUser(
            username=f"seed-{secrets.token_hex(4)}",
            agency=force,
            role=Role.INVESTIGATOR,
            password_hash="not-a-real-hash",
            security_stamp=secrets.token_hex(8),
            created_at=datetime.now(UTC),
        )
    )
    return str(user.id)


SEEDS: dict[str, Seed] = {
    "user_id": seed_user,
    **OPERATION_SEEDS,
    **WORK_SEEDS,
    **PREVENTION_SEEDS,
}
