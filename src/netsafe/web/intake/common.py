"""What the intake routes share: who may call them, the configured tables, the audit hook."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request
from sqlalchemy.orm import Session

from netsafe.platform.roles import POLICE_ROLES, READ_ONLY_POLICE_ROLES, Role, Viewer
from netsafe.usecases.intake_setup import IntakeConfig, intake_config
from netsafe.web.auditor import Auditor
from netsafe.web.policy import allow

#: The operation lead, and the regional unit's police roles, import reports and assign the
#: regional unit's queue (its analyst reads them only).
IntakeViewer = Annotated[
    Viewer,
    Depends(
        allow(
            Role.OPERATION_LEAD,
            in_agency=("regional-unit", POLICE_ROLES),
            read_only=READ_ONLY_POLICE_ROLES,
        )
    ),
]


def configured(request: Request) -> IntakeConfig:
    """The force table, pre-score rules and risk bands configured for this server."""
    try:
        return intake_config(request.app.state.settings)
    except ValueError as error:  # a wrong table file: the operator's to fix
        raise HTTPException(500, detail=f"intake configuration: {error}") from None


def audit_with(auditor: Auditor):  # type: ignore[no-untyped-def]
    """The use case's audit hook, recording through this request's auditor."""

    def audit(
        _session: Session, action: str, kind: str, resource_id: object, detail: str | None
    ) -> None:
        auditor.record(action, kind, resource_id, detail=detail)

    return audit
