"""Who may see which police records: the visibility rules every operation service applies.

A police user sees its own force's records; `operation-lead` and `analyst` see every force's; a
case restricted to named users is seen by those users only; charity roles see no police record.
"""

from __future__ import annotations

from dataclasses import dataclass

from netsafe.platform.agencies import FORCE_SLUGS
from netsafe.platform.roles import Viewer

#: Force areas a referral may belong to: the four forces, and the regional unit (which takes
#: public reports and referrals whose force is not yet known).
REFERRAL_AREAS: tuple[str, ...] = (*FORCE_SLUGS, "regional-unit")


class OperationError(Exception):
    """Base class of the operation services' errors."""


class AccessDeniedError(OperationError):
    """The viewer may not see police records at all (charity roles): answered 403."""


class RecordNotFoundError(OperationError):
    """No such record, or one the viewer may not see (another force, restricted): answered 404."""


class OperationInputError(OperationError, ValueError):
    """A value is wrong; `field` names it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True, slots=True)
class Scope:
    """What a viewer may see, as a filter storage can apply: force areas (None = all) and the
    username that restricted cases must name."""

    forces: frozenset[str] | None
    username: str

    def allows(self, force: str, restricted_to: tuple[str, ...]) -> bool:
        """Whether a record of `force`, restricted to `restricted_to` (empty = not), is visible."""
        if self.forces is not None and force not in self.forces:
            return False
        return not restricted_to or self.username in restricted_to


def scope_for(viewer: Viewer) -> Scope:
    """The viewer's scope; charity roles have none (`AccessDeniedError`)."""
    if viewer.is_charity:
        raise AccessDeniedError("charity roles see no police record")
    if viewer.role.sees_all_forces:
        return Scope(forces=None, username=viewer.username)
    return Scope(forces=frozenset({viewer.agency}), username=viewer.username)


def require_area(force: str, field: str = "force") -> str:
    """`force` if it is a referral area (a force slug or `regional-unit`), else a field error."""
    if force not in REFERRAL_AREAS:
        raise OperationInputError(
            field, f"unknown force {force!r}; one of {', '.join(REFERRAL_AREAS)}"
        )
    return force
