"""The Intake page (`/intake`: upload a report file, see what the import did: added, already
known, refused with reasons, awaiting a force) and the regional unit's queue
(`/intake/queue`, with an assign form per referral)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from netsafe.platform.access import OperationInputError, RecordNotFoundError
from netsafe.platform.agencies import FORCE_SLUGS
from netsafe.platform.audit import Outcome
from netsafe.usecases.import_referrals import import_report_bytes
from netsafe.usecases.intake_outcome import ReferralImport, RefusedFile
from netsafe.usecases.intake_queue import assign_referral, unassigned_queue
from netsafe.usecases.intake_setup import intake_matcher
from netsafe.web.auditor import AuditDep
from netsafe.web.deps import SessionDep, TemplatesDep
from netsafe.web.intake.common import IntakeViewer, audit_with, configured
from netsafe.web.operation.forms import redirect

router = APIRouter(tags=["pages"], include_in_schema=False)
#: The largest file the page takes (the request body's cap is 4 MiB).
MAX_PAGE_UPLOAD = 4 * 1024 * 1024 - 64 * 1024


def _page(
    request: Request,
    templates: TemplatesDep,
    viewer: IntakeViewer,
    result: ReferralImport | None,
    unassigned_total: int,
) -> Response:
    return templates.TemplateResponse(
        request,
        "intake/intake.html",
        {
            "viewer": viewer,
            "forces": FORCE_SLUGS,
            "result": result,
            "unassigned_total": unassigned_total,
        },
    )


@router.get("/intake", response_class=HTMLResponse)
def intake_page(
    request: Request, viewer: IntakeViewer, session: SessionDep, templates: TemplatesDep
) -> Response:
    """The upload form and the queue's length."""
    _, total = unassigned_queue(session, viewer, limit=1)
    return _page(request, templates, viewer, None, total)


@router.post("/intake", response_class=HTMLResponse)
async def intake_upload(
    request: Request,
    viewer: IntakeViewer,
    session: SessionDep,
    auditor: AuditDep,
    templates: TemplatesDep,
) -> Response:
    """Import the uploaded file (whole or not at all) and show what the import did."""
    form = await request.form()
    upload = form.get("file")
    force_value = form.get("force")
    force = force_value if isinstance(force_value, str) and force_value in FORCE_SLUGS else None
    if not isinstance(upload, UploadFile) or not upload.filename:
        return redirect("/intake", error="Choose a report file (XML or JSON) to import")
    name = upload.filename[-200:]
    data = await upload.read(MAX_PAGE_UPLOAD + 1)
    await upload.close()
    config = configured(request)

    def run() -> tuple[ReferralImport, int]:
        if len(data) > MAX_PAGE_UPLOAD:
            result = ReferralImport()
            limit = f"larger than {MAX_PAGE_UPLOAD:,} bytes: import it with netsafe referral import"
            result.refused.append(RefusedFile(name, "", limit))
        else:
            result = import_report_bytes(
                session,
                data,
                name,
                viewer=viewer,
                config=config,
                matcher=intake_matcher(session, request.app.state.settings),
                force=force,
                audit=audit_with(auditor),
            )
        if result.refused:
            auditor.record(
                "referral.import",
                "referral",
                outcome=Outcome.FAILED,
                detail=result.refused[0].reason,
            )
        return result, unassigned_queue(session, viewer, limit=1)[1]

    result, total = await run_in_threadpool(run)
    return _page(request, templates, viewer, result, total)


@router.get("/intake/queue", response_class=HTMLResponse)
def queue_page(
    request: Request,
    viewer: IntakeViewer,
    session: SessionDep,
    auditor: AuditDep,
    templates: TemplatesDep,
) -> Response:
    """Referrals waiting for a person to choose their force, with an assign form each."""
    waiting, total = unassigned_queue(session, viewer, limit=200)
    auditor.record("referral.unassigned.read", "referral", detail=f"{len(waiting)} shown")
    return templates.TemplateResponse(
        request,
        "intake/queue.html",
        {"viewer": viewer, "waiting": waiting, "total": total, "forces": FORCE_SLUGS},
    )


@router.post("/intake/queue/{referral_id}/assign", response_class=HTMLResponse)
def assign_page(
    referral_id: int,
    viewer: IntakeViewer,
    session: SessionDep,
    auditor: AuditDep,
    force: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    """Assign one referral from the queue; back to the queue with a notice."""
    try:
        referral = assign_referral(session, viewer, referral_id, force, audit=audit_with(auditor))
    except (OperationInputError, RecordNotFoundError) as error:
        return redirect("/intake/queue", error=str(error))
    return redirect("/intake/queue", notice=f"{referral.reference} assigned to {referral.force}")
