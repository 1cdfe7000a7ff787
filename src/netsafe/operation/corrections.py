"""Correcting, withdrawing and reopening: the three ways a recorded case changes after the fact.

- `correct_record`: changed fields with a reason; the corrected record must pass its kind's
  checks (`record_checks.py`, the date rules included); the earlier values are kept in the
  record's history.
- `withdraw_record`: a record entered in error is marked withdrawn with a reason; it stays,
  shown as withdrawn, and leaves the figures (and the referral's response time and band).
- `reopen_case`: a closed case is reopened, with a reason, by a supervisor or the operation
  lead; until then every write to it is refused (`CaseClosedError`, answered 409).
"""

from __future__ import annotations

import dataclasses
import enum
import types
import typing as t
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from netsafe.operation.casefile import CaseRepositories
from netsafe.operation.dates import utc
from netsafe.operation.record_checks import check_of
from netsafe.operation.record_history import (
    CaseClosedError,
    CaseworkConflictError,
    FieldChange,
    HistoryAction,
    HistoryEntry,
    RecordWithdrawnError,
    as_json,
)
from netsafe.operation.record_kinds import RecordKind
from netsafe.operation.referrals import ASSESS_WITHIN_DAYS, Referral, ReferralStatus
from netsafe.platform.access import AccessDeniedError, OperationInputError
from netsafe.platform.roles import Role, Viewer

#: Who may reopen a closed case.
REOPENERS = frozenset({Role.SUPERVISOR, Role.OPERATION_LEAD})
REASON_MAX = 2000


def ensure_open(referral: Referral) -> None:
    """Refuse a write to a closed or withdrawn case (`CaseworkConflictError`, answered 409)."""
    if referral.withdrawn_at is not None:
        raise RecordWithdrawnError(f"referral {referral.reference} was withdrawn")
    if referral.status is ReferralStatus.CLOSED:
        raise CaseClosedError(
            f"case {referral.reference} is closed: a supervisor or the operation lead can "
            "reopen it (with a reason)"
        )


def ensure_live(record: Any, kind: RecordKind) -> None:
    """Refuse a write to a withdrawn record."""
    if record.withdrawn_at is not None:
        raise RecordWithdrawnError(f"{kind.name} {record.id} was withdrawn")


def _reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise OperationInputError("reason", "required: say why")
    if len(reason) > REASON_MAX:
        raise OperationInputError("reason", f"longer than {REASON_MAX} characters")
    return reason


def _coerce(hint: Any, value: Any, field: str) -> Any:
    """`value` as the dataclass field's type: enums by value, times as UTC, text stripped."""
    origin = t.get_origin(hint)
    if origin in (t.Union, types.UnionType):
        if value is None:
            return None
        hint = next(arg for arg in t.get_args(hint) if arg is not type(None))
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        try:
            return hint(value)
        except ValueError:
            choices = ", ".join(str(m.value) for m in hint)
            raise OperationInputError(field, f"one of {choices}") from None
    if hint is datetime:
        if not isinstance(value, datetime):
            raise OperationInputError(field, "a date and time")
        return utc(value, field)
    if hint is date and not isinstance(value, date):
        raise OperationInputError(field, "a date")
    if isinstance(value, str):
        return value.strip()
    return value


def correct_record(
    repos: CaseRepositories,
    viewer: Viewer,
    kind: RecordKind,
    record: Any,
    referral: Referral,
    changes: Mapping[str, Any],
    reason: str,
    *,
    derive: Callable[[Any], Any] | None = None,
    now: datetime | None = None,
) -> Any:
    """Correct `record` (of `referral`, which the viewer may see) with `changes`; returns the
    corrected record. Only the kind's correctable fields may change; nothing changed is an
    input error, as is a corrected record its kind's checks refuse. `derive` works out again
    what follows from the changed fields (a risk assessment's score, band and deadline from its
    answers); what it changes is kept in the history too."""
    reason = _reason(reason)
    ensure_open(referral)
    ensure_live(record, kind)
    now = now or datetime.now(UTC)
    hints = t.get_type_hints(kind.record)
    values = {}
    for field, value in changes.items():
        if field not in kind.correctable:
            raise OperationInputError(field, f"not a field a correction of a {kind.name} changes")
        values[field] = _coerce(hints[field], value, field)
    changed = {f: v for f, v in values.items() if getattr(record, f) != v}
    if not changed:
        raise OperationInputError("changes", "nothing changed")
    corrected = replace(record, **changed)
    if derive is not None:
        corrected = derive(corrected)
    corrected = check_of(kind)(corrected, referral, repos, now)
    fields = [f.name for f in dataclasses.fields(record)]
    entry_changes = {
        f: FieldChange(as_json(getattr(record, f)), as_json(getattr(corrected, f)))
        for f in fields
        if getattr(record, f) != getattr(corrected, f)
    }
    repos.repository(kind.repository).update(corrected)
    _history(
        repos,
        kind,
        corrected,
        referral,
        HistoryAction.CORRECTED,
        viewer,
        reason,
        now,
        entry_changes,
    )
    if kind.name != "referral":
        refresh_referral(repos, repos.referrals.get(referral.id) or referral, kind)
    return corrected


def withdraw_record(
    repos: CaseRepositories,
    viewer: Viewer,
    kind: RecordKind,
    record: Any,
    referral: Referral,
    reason: str,
    *,
    now: datetime | None = None,
) -> Any:
    """Withdraw a record entered in error: kept and shown, left out of the figures. A
    withdrawn referral is closed too."""
    reason = _reason(reason)
    ensure_open(referral)
    ensure_live(record, kind)
    now = now or datetime.now(UTC)
    withdrawn = replace(record, withdrawn_at=now)
    if kind.name == "referral":
        withdrawn = replace(withdrawn, status=ReferralStatus.CLOSED)
    repos.repository(kind.repository).update(withdrawn)
    change = {"withdrawn_at": FieldChange(None, as_json(now))}
    _history(repos, kind, withdrawn, referral, HistoryAction.WITHDRAWN, viewer, reason, now, change)
    if kind.name != "referral":
        refresh_referral(repos, repos.referrals.get(referral.id) or referral, kind)
    return withdrawn


def reopen_case(
    repos: CaseRepositories,
    viewer: Viewer,
    kind: RecordKind,
    referral: Referral,
    reason: str,
    *,
    now: datetime | None = None,
) -> Referral:
    """Reopen a closed case (a supervisor or the operation lead, with a reason)."""
    if viewer.role not in REOPENERS:
        raise AccessDeniedError("only a supervisor or the operation lead reopens a case")
    reason = _reason(reason)
    if referral.withdrawn_at is not None:
        raise RecordWithdrawnError(f"referral {referral.reference} was withdrawn")
    if referral.status is not ReferralStatus.CLOSED:
        raise CaseworkConflictError(f"case {referral.reference} is not closed")
    now = now or datetime.now(UTC)
    reopened = replace(referral, status=_open_status(referral))
    repos.referrals.update(reopened)
    change = {"status": FieldChange(referral.status.value, reopened.status.value)}
    _history(repos, kind, reopened, referral, HistoryAction.REOPENED, viewer, reason, now, change)
    return reopened


def _open_status(referral: Referral) -> ReferralStatus:
    if referral.responded_at is not None:
        return ReferralStatus.ACTIONED
    return ReferralStatus.ASSESSED if referral.risk_band else ReferralStatus.NEW


def refresh_referral(repos: CaseRepositories, referral: Referral, kind: RecordKind) -> Referral:
    """The referral's response time (the earliest police action) again from its records that
    stand, after a correction or a withdrawal of a record of `kind`; its band and deadline
    too (from the latest assessment) when `kind` is the risk assessment."""
    rid = referral.id
    actions = [
        *(w.executed_at for w in repos.warrants.for_referral(rid) if w.withdrawn_at is None),
        *(a.arrested_at for a in repos.arrests.for_referral(rid) if a.withdrawn_at is None),
        *(o.decided_at for o in repos.outcomes.for_referral(rid) if o.withdrawn_at is None),
    ]
    responded = min((at for at in actions if at is not None), default=None)
    updated = replace(referral, responded_at=responded)
    if kind.repository == "assessments":
        assessments = [a for a in repos.assessments.for_referral(rid) if a.withdrawn_at is None]
        latest = max(assessments, key=lambda a: (a.assessed_at, a.id), default=None)
        unassessed = referral.received_at + timedelta(days=ASSESS_WITHIN_DAYS)
        updated = replace(
            updated,
            risk_band=latest.band.value if latest else None,
            deadline_at=latest.deadline_at if latest else unassessed,
        )
    if referral.status is not ReferralStatus.CLOSED:
        updated = replace(updated, status=_open_status(updated))
    if updated != referral:
        repos.referrals.update(updated)
    return updated


def _history(
    repos: CaseRepositories,
    kind: RecordKind,
    record: Any,
    referral: Referral,
    action: HistoryAction,
    viewer: Viewer,
    reason: str,
    now: datetime,
    changes: dict[str, FieldChange],
) -> HistoryEntry:
    return repos.history.add(
        HistoryEntry(
            id=0,
            kind=kind.name,
            record_id=record.id,
            referral_id=referral.id,
            action=action,
            at=now,
            by=viewer.username,
            reason=reason,
            changes=changes,
        )
    )
