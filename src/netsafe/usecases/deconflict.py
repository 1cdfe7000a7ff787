"""Deconfliction across the four forces: when an imported referral shares an identifier with
another force's referral, each force is told (a notice naming the other force, its reference
and the kind of identifier shared, never the other case's contents); the operation lead sees
every link; anyone police may ask which referrals they may see carry a value, and how many
they may not.

`deconflict_imported` runs inside the import's transaction, for each batch of new referrals
(`intake_batch`). Keys and the rules of a match: `netsafe.intake.identifier_keys`; what a
notice says: `netsafe.intake.deconfliction`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from netsafe.intake.deconfliction import IdentifierLookup, Link, Notice
from netsafe.intake.identifier_keys import FILE_HASH, identifier_key, lookup_keys
from netsafe.operation import referrals as casework
from netsafe.platform.access import AccessDeniedError, OperationInputError, scope_for
from netsafe.platform.roles import Role, Viewer
from netsafe.store.repositories.deconfliction import SqlDeconflictionRepository
from netsafe.store.repositories.deconfliction_keys import Identifier, SqlDeconflictionKeys
from netsafe.store.repositories.operation_referrals import SqlReferralRepository

#: The longest value `lookup_identifier` takes.
LOOKUP_MAX = 1000


def deconflict_imported(
    session: Session,
    batch: Sequence[tuple[int, Sequence[Identifier]]],
    now: datetime,
    known_files: Iterable[str] = (),
    common: set[tuple[str, str]] | None = None,
) -> dict[int, int]:
    """Key newly imported referrals' identifiers (each with its report's identifiers as
    stored) and link each to every referral sharing one, as if indexed one after the other
    in order; per referral, how many (referral, kind) links it made. `known_files`: hashes
    of files the lists know, which are keyed (the lookup finds them) but never linked on.
    `common`: the keys earlier batches of the same transaction found common (one set for
    every batch of a file's import; updated)."""
    known = frozenset(identifier_key(FILE_HASH, h) for h in known_files)
    return SqlDeconflictionKeys(session).index(batch, now, known, common)


def referral_notices(session: Session, viewer: Viewer, referral_id: int) -> list[Notice]:
    """The notices of a referral the viewer may see (`RecordNotFoundError` otherwise: a
    restricted case's notices reach its named users only)."""
    referral = casework.get_referral(SqlReferralRepository(session), viewer, referral_id)
    return notices_of(session, viewer, referral)


def notices_of(session: Session, viewer: Viewer, referral: casework.Referral) -> list[Notice]:
    """The notices of `referral`, which the caller has read for `viewer` through the checks
    of `get_referral` (the case page's facade): it is not read again."""
    return SqlDeconflictionRepository(session).referral_notices(scope_for(viewer), referral.id)


def force_notices(session: Session, viewer: Viewer, limit: int = 50) -> list[Notice]:
    """The notices of every referral the viewer may see, newest first (the dashboard's)."""
    return SqlDeconflictionRepository(session).scope_notices(scope_for(viewer), limit)


def deconfliction_links(
    session: Session, viewer: Viewer, *, limit: int = 100, offset: int = 0
) -> tuple[list[Link], int]:
    """Every link between referrals, for the operation lead alone."""
    if viewer.role is not Role.OPERATION_LEAD:
        raise AccessDeniedError("the deconfliction links are the operation lead's")
    return SqlDeconflictionRepository(session).links(limit=limit, offset=offset)


def lookup_identifier(session: Session, viewer: Viewer, value: str) -> IdentifierLookup:
    """Which referrals the viewer may see carry `value` (an identifier of any kind, in any of
    its written forms), and how many it may not."""
    text = value.strip()
    if not text:
        raise OperationInputError("value", "give an identifier to look up")
    if len(text) > LOOKUP_MAX:
        raise OperationInputError("value", f"at most {LOOKUP_MAX} characters")
    scope = scope_for(viewer)
    return SqlDeconflictionRepository(session).lookup(scope, text, lookup_keys(text))
