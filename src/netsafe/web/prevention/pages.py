"""The charity's pages: quick contact entry, the list with filters, a record, the dashboard.

Behind the wall like the API: records for `helpline`, the dashboard for the charity roles.
Forms post with the session cookie and the CSRF token (the policy checks it).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from netsafe.prevention.access_audit import AccessAction
from netsafe.prevention.aggregates import (
    figures_across_the_wall,
    funnel_rates,
    prevention_figures,
)
from netsafe.prevention.contact_fields import CONTACT_FIELDS, ContactFieldsError, parse_contact
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
    words_for,
)
from netsafe.store.repositories.prevention import SqlContactRepository, SqlPreventionAggregates
from netsafe.web.deps import SessionDep, TemplatesDep
from netsafe.web.prevention.api import audit, period_of
from netsafe.web.prevention.common import CharityViewer, HasherDep, HelplineViewer, uk_today

router = APIRouter(prefix="/prevention", include_in_schema=False)
PAGE_SIZE = 50

CHOICES = {
    "channel": list(Channel),
    "who": list(Who),
    "concerns": list(Concern),
    "area": list(Area),
    "heard_via": list(HeardVia),
}


def _optional(enum_type: Any, value: str | None) -> Any:
    if not value:
        return None
    try:
        return enum_type(value)
    except ValueError:
        raise HTTPException(422, detail=f"{value!r} is not a valid filter value") from None


def _day(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise HTTPException(422, detail=f"{value!r} is not a date (YYYY-MM-DD)") from None


@router.get("/contacts/new", response_class=HTMLResponse)
def new_contact_form(
    request: Request, viewer: HelplineViewer, templates: TemplatesDep, saved: int | None = None
) -> Response:
    """The quick entry form: keyboard first, defaults filled, one screen."""
    values = {"contact_date": uk_today().isoformat(), "area": "unknown", "concerns": []}
    context = {
        "choices": CHOICES,
        "values": values,
        "problems": {},
        "saved": saved,
        "words": words_for,
    }
    return templates.TemplateResponse(request, "prevention/contact_form.html", context)


@router.post("/contacts", response_class=HTMLResponse)
async def create_contact(
    request: Request,
    viewer: HelplineViewer,
    session: SessionDep,
    templates: TemplatesDep,
    hasher: HasherDep,
) -> Response:
    """Save a contact and come back to an empty form (or show the form with each problem)."""
    form = await request.form()
    fields: dict[str, object] = {
        name: (form.getlist(name) if name == "concerns" else form.get(name))
        for name in CONTACT_FIELDS
        if name in form
    }
    try:
        draft = parse_contact(fields, hasher=hasher, today=uk_today())
    except ContactFieldsError as error:
        values = {k: v for k, v in fields.items() if k != "code_word"}
        values.setdefault("concerns", [])
        context = {
            "choices": CHOICES,
            "values": values,
            "problems": {p.field: p.message for p in error.problems},
            "saved": None,
            "words": words_for,
        }
        return templates.TemplateResponse(
            request, "prevention/contact_form.html", context, status_code=422
        )
    contact = record_contact(SqlContactRepository(session), viewer, draft)
    audit(session, viewer, AccessAction.CREATE, contact.id)
    return RedirectResponse(f"/prevention/contacts/new?saved={contact.id}", status_code=303)


@router.get("/contacts", response_class=HTMLResponse)
def contact_list(
    request: Request,
    viewer: HelplineViewer,
    session: SessionDep,
    templates: TemplatesDep,
    date_from: str | None = Query(None, alias="from"),
    date_to: str | None = Query(None, alias="to"),
    channel: str | None = None,
    who: str | None = None,
    concern: str | None = None,
    area: str | None = None,
    heard_via: str | None = None,
    page: int = Query(1, ge=1),
) -> Response:
    """Contacts, newest first, filtered by date, channel, who, concern, area and how heard."""
    criteria = ContactFilter(
        date_from=_day(date_from),
        date_to=_day(date_to),
        channel=_optional(Channel, channel),
        who=_optional(Who, who),
        concern=_optional(Concern, concern),
        area=_optional(Area, area),
        heard_via=_optional(HeardVia, heard_via),
        limit=PAGE_SIZE,
        offset=(page - 1) * PAGE_SIZE,
    )
    found, total = list_contacts(SqlContactRepository(session), viewer, criteria)
    audit(session, viewer, AccessAction.LIST)
    filters = {
        "from": date_from or "",
        "to": date_to or "",
        "channel": channel or "",
        "who": who or "",
        "concern": concern or "",
        "area": area or "",
        "heard_via": heard_via or "",
    }
    context = {
        "contacts": found,
        "total": total,
        "page": page,
        "pages": max(1, -(-total // PAGE_SIZE)),
        "filters": filters,
        "choices": CHOICES,
        "words": words_for,
    }
    return templates.TemplateResponse(request, "prevention/contact_list.html", context)


@router.get("/contacts/{contact_id}", response_class=HTMLResponse)
def contact_page(
    contact_id: int,
    request: Request,
    viewer: HelplineViewer,
    session: SessionDep,
    templates: TemplatesDep,
) -> Response:
    """One contact record, with a button to count a follow-up."""
    found = read_contact(SqlContactRepository(session), viewer, contact_id)
    if found is None:
        raise HTTPException(404, detail="no such contact")
    audit(session, viewer, AccessAction.READ, contact_id)
    return templates.TemplateResponse(
        request, "prevention/contact.html", {"contact": found, "words": words_for}
    )


@router.post("/contacts/{contact_id}/follow-ups")
def follow_up(contact_id: int, viewer: HelplineViewer, session: SessionDep) -> Response:
    """Count a follow-up and go back to the record."""
    try:
        updated = record_follow_up(SqlContactRepository(session), viewer, contact_id)
    except ValueError as error:
        raise HTTPException(422, detail=str(error)) from None
    if updated is None:
        raise HTTPException(404, detail="no such contact")
    audit(session, viewer, AccessAction.FOLLOW_UP, contact_id)
    return RedirectResponse(f"/prevention/contacts/{contact_id}", status_code=303)


@router.get("", response_class=HTMLResponse)
def dashboard(
    request: Request,
    viewer: CharityViewer,
    session: SessionDep,
    templates: TemplatesDep,
    date_from: str | None = Query(None, alias="from"),
    date_to: str | None = Query(None, alias="to"),
    area: str | None = None,
) -> Response:
    """The charity's own dashboard: exact counts for the charity, and what may be shared."""
    source = SqlPreventionAggregates(session)
    period = period_of(source, _day(date_from), _day(date_to))
    chosen = _optional(Area, area)
    figures = prevention_figures(source, period, chosen)
    context = {
        "figures": figures,
        "shared": figures_across_the_wall(figures),
        "rates": funnel_rates(figures.funnel),
        "filters": {
            "from": period.date_from.isoformat(),
            "to": period.date_to.isoformat(),
            "area": area or "",
        },
        "choices": CHOICES,
        "words": words_for,
    }
    return templates.TemplateResponse(request, "prevention/dashboard.html", context)
