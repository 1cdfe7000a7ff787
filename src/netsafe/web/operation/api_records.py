"""Correct with history, withdraw, reopen: for every kind of record in the record-kinds table,

- `PATCH /api/v1/<records>/{id}`: the changed fields and a `reason` (422 without one);
- `GET /api/v1/<records>/{id}/history`: its corrections and withdrawal, oldest first;
- `POST /api/v1/<records>/{id}/withdraw`: with a `reason`; the record stays, out of the figures;

and `POST /api/v1/referrals/{id}/reopen` (a supervisor or the operation lead, with a reason).
A write to a closed case answers 409. Every call is audited.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from pydantic import BaseModel

from netsafe.operation.casework import Casework
from netsafe.operation.record_history import HistoryEntry
from netsafe.operation.record_kinds import RECORD_KINDS, REFERRAL, RecordKind
from netsafe.platform.roles import Role, Viewer
from netsafe.web.auditor import AuditDep
from netsafe.web.operation.common import CaseworkDep, ReposDep, answering, visible_of, with_body
from netsafe.web.operation.record_patches import ReasonIn, patch_model
from netsafe.web.operation.schemas import ReferralOut
from netsafe.web.policy import allow

router = APIRouter(prefix="/api/v1", tags=["corrections"])
#: Who may reopen a closed case.
REOPENERS = allow(Role.SUPERVISOR, Role.OPERATION_LEAD, force_scoped=True)


class FieldChangeOut(BaseModel):
    before: Any
    after: Any


class HistoryEntryOut(BaseModel):
    """One correction, withdrawal or reopening: who, when, why and what changed."""

    id: int
    kind: str
    record_id: int
    action: str
    at: datetime
    by: str
    reason: str
    changes: dict[str, FieldChangeOut]

    @classmethod
    def of(cls, entry: HistoryEntry) -> HistoryEntryOut:
        return cls(
            id=entry.id,
            kind=entry.kind,
            record_id=entry.record_id,
            action=entry.action.value,
            at=entry.at,
            by=entry.by,
            reason=entry.reason,
            changes={k: FieldChangeOut(**asdict(v)) for k, v in entry.changes.items()},
        )


def _shown(kind: RecordKind, record: Any) -> Any:
    return ReferralOut.of(record, datetime.now(UTC)) if kind is REFERRAL else record


def _routes(kind: RecordKind) -> None:
    """The correct, history and withdraw routes of one kind."""
    param = f"{kind.name}_id"
    response = ReferralOut if kind is REFERRAL else kind.record

    def correcting(
        request: Request,
        casework: CaseworkDep,
        auditor: AuditDep,
        body: Any,
        record_id: int = Path(alias=param),
    ) -> Any:
        changes = body.model_dump(exclude_unset=True, exclude={"reason"})
        with answering(request, f"{kind.name}.correct", kind.name, record_id):
            record = casework.correct(kind, record_id, changes, body.reason)
        auditor.record(
            f"{kind.name}.correct", kind.name, record_id, detail=", ".join(sorted(changes))
        )
        return _shown(kind, record)

    correcting.__signature__ = with_body(correcting, patch_model(kind))  # type: ignore[attr-defined]

    def withdrawing(
        request: Request,
        casework: CaseworkDep,
        auditor: AuditDep,
        body: ReasonIn,
        record_id: int = Path(alias=param),
    ) -> Any:
        with answering(request, f"{kind.name}.withdraw", kind.name, record_id):
            record = casework.withdraw(kind, record_id, body.reason)
        auditor.record(f"{kind.name}.withdraw", kind.name, record_id)
        return _shown(kind, record)

    def history(
        request: Request,
        casework: CaseworkDep,
        auditor: AuditDep,
        record_id: int = Path(alias=param),
    ) -> list[HistoryEntryOut]:
        with answering(request, f"{kind.name}.history", kind.name, record_id):
            entries = casework.history(kind, record_id)
        auditor.record(f"{kind.name}.history", kind.name, record_id)
        return [HistoryEntryOut.of(e) for e in entries]

    path = f"/{kind.path}/{{{param}}}"
    visible = [Depends(visible_of(kind))]  # another force's record: 404 before the body is read
    router.add_api_route(
        path,
        correcting,
        methods=["PATCH"],
        response_model=response,
        dependencies=visible,
        name=f"correct_{kind.name}",
    )
    router.add_api_route(
        f"{path}/history",
        history,
        methods=["GET"],
        response_model=list[HistoryEntryOut],
        name=f"history_{kind.name}",
    )
    router.add_api_route(
        f"{path}/withdraw",
        withdrawing,
        methods=["POST"],
        response_model=response,
        dependencies=visible,
        name=f"withdraw_{kind.name}",
    )


for _kind in RECORD_KINDS:
    _routes(_kind)


def reopenable(
    request: Request,
    repos: ReposDep,
    viewer: Annotated[Viewer, Depends(REOPENERS)],
    referral_id: int = Path(),
) -> Casework:
    """The casework of a supervisor or the operation lead, once the referral of the path is one
    they may see (404 before the body is read otherwise)."""
    casework = Casework(repos, viewer)
    with answering(request, "referral.access", "referral", referral_id):
        casework.referral(referral_id)
    return casework


ReopenerDep = Annotated[Casework, Depends(reopenable)]


@router.post("/referrals/{referral_id}/reopen", response_model=ReferralOut)
def reopen(
    referral_id: int,
    body: ReasonIn,
    request: Request,
    casework: ReopenerDep,
    auditor: AuditDep,
) -> ReferralOut:
    """Reopen a closed case: a supervisor or the operation lead, with a reason."""
    with answering(request, "referral.reopen", "referral", referral_id):
        referral = casework.reopen(referral_id, body.reason)
    auditor.record("referral.reopen", "referral", referral_id)
    return ReferralOut.of(referral, datetime.now(UTC))
