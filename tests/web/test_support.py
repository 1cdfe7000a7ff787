"""The shared web test support: `bearer(role, agency)` makes a user whose minted token the API
takes, with the role's rights."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from netsafe.platform.roles import Role
from tests.web.support import default_agency


def test_a_minted_bearer_has_its_roles_rights(
    client: TestClient, bearer: Callable[..., dict[str, str]]
) -> None:
    lead = bearer(Role.OPERATION_LEAD)
    investigator = bearer(Role.INVESTIGATOR, "gwent", username="gwent.support-test")
    assert client.get("/api/v1/audit", headers=lead).status_code == 200
    assert client.get("/api/v1/audit", headers=investigator).status_code == 403
    assert client.get("/api/v1/audit").status_code == 401
    assert default_agency(Role.HELPLINE) == "charity"
    assert default_agency(Role.ANALYST) == "regional-unit"
