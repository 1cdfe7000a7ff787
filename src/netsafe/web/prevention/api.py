"""The charity's JSON API: `/api/v1/prevention/contacts` (helpline) and aggregates (charity).

Every route here is behind the wall: `helpline` for records, `helpline` and `charity-analyst` for
aggregates; police roles and admin get 403. Record access is audited in the charity's own audit
(`prevention.access_audit`), not the platform audit log — that one is readable across the wall
(operation lead, admin), and a record id with a time would date a help-seeking contact.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from netsafe.platform.roles import Viewer
from netsafe.prevention.access_audit import AccessAction, audit_access, read_access_audit
from netsafe.prevention.aggregates import (
    Period,
    default_period,
    figures_across_the_wall,
    prevention_figures,
)
from netsafe.prevention.contact_fields import ContactFieldsError, parse_contact
from netsafe.prevention.contacts import (
    Area,
    Channel,
    Concern,
    ContactFilter,
    HeardVia,
    Who,
    list_contacts,
    read_contact,
    record_contact,
    record_follow_up,
)
from netsafe.store.repositories.prevention import (
    SqlAccessAuditRepository,
    SqlContactRepository,
    SqlPreventionAggregates,
)
from netsafe.web.deps import SessionDep
from netsafe.web.prevention.common import CharityViewer, HasherDep, HelplineViewer, uk_today

router = APIRouter(prefix="/api/v1/prevention", tags=["prevention"])


def audit(
    session: SessionDep, viewer: Viewer, action: AccessAction, contact_id: int | None = None
) -> None:
    """One entry in the charity's access audit, in the request's transaction."""
    audit_access(SqlAccessAuditRepository(session), viewer, action, uk_today(), contact_id)


class ContactIn(BaseModel):
    """A contact as entered. Unknown fields are passed on and refused by name."""

    model_config = ConfigDict(extra="allow")

    channel: Channel | str | None = Field(None, description="call, chat, email, self-help, other")
    who: Who | str | None = Field(None, description="own-behaviour, family-friend, ...")
    concerns: list[str] | str | None = Field(
        None, description="online-images, online-contact, offline"
    )
    area: Area | str | None = Field(None, description="a force slug, elsewhere, unknown")
    heard_via: HeardVia | str | None = Field(None, description="police-operation, ...")
    protective_actions: str | None = None
    notes: str | None = None
    contact_date: date | str | None = Field(None, description="YYYY-MM-DD; default today")
    follow_ups: int | str | None = None
    code_word: str | None = Field(None, description="optional; kept only as a keyed hash")


def fields_error(error: ContactFieldsError) -> JSONResponse:
    """422 naming every bad field (the values themselves are never echoed), in the app's one
    error shape (`loc`/`msg`/`type`, with `field`/`message` kept for existing clients)."""
    problems = [
        {
            "loc": ["body", p.field],
            "msg": p.message,
            "type": "value_error",
            "field": p.field,
            "message": p.message,
        }
        for p in error.problems
    ]
    return JSONResponse({"detail": problems, "code": "invalid_input"}, status_code=422)


@router.post("/contacts", status_code=201)
def create_contact(
    body: ContactIn, viewer: HelplineViewer, session: SessionDep, hasher: HasherDep
) -> Any:
    """Record a contact; answers 201 with its `id` (422 naming each bad field)."""
    fields: dict[str, object] = body.model_dump(exclude_none=True)
    try:
        draft = parse_contact(fields, hasher=hasher, today=uk_today())
    except ContactFieldsError as error:
        return fields_error(error)
    contact = record_contact(SqlContactRepository(session), viewer, draft)
    audit(session, viewer, AccessAction.CREATE, contact.id)
    return {"id": contact.id, **contact.as_json()}


@router.get("/contacts")
def contacts(
    viewer: HelplineViewer,
    session: SessionDep,
    date_from: date | None = Query(None, alias="from"),
    date_to: date | None = Query(None, alias="to"),
    channel: Channel | None = None,
    who: Who | None = None,
    concern: Concern | None = None,
    area: Area | None = None,
    heard_via: HeardVia | None = None,
    limit: int = Query(50, ge=1, le=500),
    offset: int = Query(0, ge=0),
) -> dict[str, Any]:
    """Contacts matching the filters, newest first, with the total that match."""
    criteria = ContactFilter(
        date_from=date_from,
        date_to=date_to,
        channel=channel,
        who=who,
        concern=concern,
        area=area,
        heard_via=heard_via,
        limit=limit,
        offset=offset,
    )
    found, total = list_contacts(SqlContactRepository(session), viewer, criteria)
    audit(session, viewer, AccessAction.LIST)
    return {"total": total, "contacts": [c.as_json() for c in found]}


@router.get("/contacts/{contact_id}")
def contact(contact_id: int, viewer: HelplineViewer, session: SessionDep) -> dict[str, object]:
    """One contact record."""
    found = read_contact(SqlContactRepository(session), viewer, contact_id)
    if found is None:
        raise HTTPException(404, detail="no such contact")
    audit(session, viewer, AccessAction.READ, contact_id)
    return found.as_json()


@router.post("/contacts/{contact_id}/follow-ups")
def follow_up(contact_id: int, viewer: HelplineViewer, session: SessionDep) -> dict[str, object]:
    """Count one more follow-up on a contact."""
    try:
        updated = record_follow_up(SqlContactRepository(session), viewer, contact_id)
    except ValueError as error:
        raise HTTPException(422, detail=str(error)) from None
    if updated is None:
        raise HTTPException(404, detail="no such contact")
    audit(session, viewer, AccessAction.FOLLOW_UP, contact_id)
    return updated.as_json()


def period_of(
    source: SqlPreventionAggregates, date_from: date | None, date_to: date | None
) -> Period:
    """The asked period; by default the year up to the latest day with data."""
    try:
        return default_period(date_from, date_to, latest=source.latest_day(), today=uk_today())
    except ValueError as error:
        raise HTTPException(422, detail=str(error)) from None


@router.get("/aggregates")
def aggregates(
    viewer: CharityViewer,
    session: SessionDep,
    date_from: date | None = Query(None, alias="from"),
    date_to: date | None = Query(None, alias="to"),
    area: Area | None = None,
) -> dict[str, object]:
    """Prevention figures for a period and area, every count under 5 shown as "<5"."""
    source = SqlPreventionAggregates(session)
    figures = prevention_figures(source, period_of(source, date_from, date_to), area)
    return figures_across_the_wall(figures)


@router.get("/audit")
def access_audit(
    viewer: HelplineViewer, session: SessionDep, limit: int = Query(200, ge=1, le=2000)
) -> dict[str, object]:
    """The charity's access audit, newest first: day, practitioner, action, contact."""
    entries = read_access_audit(SqlAccessAuditRepository(session), viewer, limit)
    return {"entries": [e.as_json() for e in entries]}
