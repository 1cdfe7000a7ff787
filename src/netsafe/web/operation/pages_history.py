"""A record's history page, for every kind in the record-kinds table
(`/operation/<records>/{id}/history`): the record as it stands, every correction (who, when,
why, each field before and after), and the forms to correct it (a reason required) or withdraw
it; and the reopening of a closed case (`/operation/referrals/{id}/reopen`, a supervisor or the
operation lead). The case page marks corrected and withdrawn records with a link here.
"""

from __future__ import annotations

import dataclasses
import enum
import typing as t
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Path, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from netsafe.operation.casework import Casework
from netsafe.operation.record_kinds import RECORD_KINDS, REFERRAL, RecordKind
from netsafe.operation.warrants import Warrant
from netsafe.timestamps import as_utc
from netsafe.web.auditor import AuditDep
from netsafe.web.deps import TemplatesDep
from netsafe.web.operation.api_records import ReopenerDep
from netsafe.web.operation.common import CaseworkDep, visible_of
from netsafe.web.operation.forms import FormError, page_answers, redirect
from netsafe.web.operation.record_patches import patch_model

router = APIRouter(tags=["pages"], include_in_schema=False)
Text = Annotated[str, Form(max_length=4000)]
#: Free-text fields shown as a text area.
LONG_TEXT = {"summary", "notes", "grounds", "description", "rationale", "identifiers"}


@dataclasses.dataclass(frozen=True, slots=True)
class FieldInput:
    """One input of a correction form: its name, label, widget, current value and choices."""

    name: str
    label: str
    widget: str  # text, textarea, datetime-local, date, number, select, checkboxes
    value: str
    choices: tuple[tuple[str, str], ...] = ()


def _shown(value: Any) -> str:
    """A value as a form shows it (and as the form sends it back unchanged)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, datetime):
        return as_utc(value).strftime("%Y-%m-%dT%H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def _label(name: str) -> str:
    """A field's label: `warrant_id` reads "Warrant", `seized_at` "Seized at"."""
    return name.removesuffix("_id").replace("_", " ").capitalize()


def _standing(record: Any, referral: Any, casework: Casework) -> list[tuple[str, str]]:
    """The record's fields as the page shows them: times as `YYYY-MM-DD HH:MM` (UTC), the case
    by its reference, a subject or warrant by its name, each beside its id."""
    named: dict[str, dict[int, str]] = {}
    if hasattr(record, "referral_id"):
        case = casework.case(record.referral_id)
        named = {
            "referral_id": {referral.id: str(referral.reference)},
            "subject_id": {s.id: _choice_label(s) for s in case.subjects},
            "warrant_id": {w.id: _choice_label(w) for w in case.warrants},
        }
    fields = []
    for field in dataclasses.fields(record):
        if field.name in ("incident", "restricted_to"):
            continue
        value = getattr(record, field.name)
        if field.name == "id":
            shown = str(value)
        elif isinstance(value, datetime):
            shown = as_utc(value).strftime("%Y-%m-%d %H:%M")
        elif field.name in named and value in named[field.name]:
            shown = f"{named[field.name][value]} ({value})"
        else:
            shown = _shown(value)
        fields.append((_label(field.name) if field.name != "id" else "Id", shown))
    return fields


def _choice_label(record: Any) -> str:
    if isinstance(record, Warrant):
        return f"Warrant {record.id}: {record.premises}"
    return str(record.display_name)


def _inputs(kind: RecordKind, record: Any, casework: Casework) -> list[FieldInput]:
    hints = t.get_type_hints(kind.record)
    inputs = []
    case = None
    for name in kind.correctable:
        hint = hints[name]
        base = next((a for a in t.get_args(hint) if a is not type(None)), hint)
        optional = base is not hint
        label = _label(name)
        value = _shown(getattr(record, name))
        choices: tuple[tuple[str, str], ...] = ()
        if name == "answers" and casework.questions is not None:
            # a risk assessment's answers: a check box per question, ticked when answered yes
            choices = tuple((q.key, q.text) for q in casework.questions.questions)
            widget, label, value = "checkboxes", "Answers (ticked: yes)", ",".join(record.answers)
        elif name in ("subject_id", "warrant_id"):
            case = case or casework.case(record.referral_id)
            listed: list[Any] = case.subjects if name == "subject_id" else case.warrants
            choices = tuple(
                (str(r.id), _choice_label(r))
                for r in listed
                if r.withdrawn_at is None or r.id == getattr(record, name)
            )
            widget = "select"
        elif isinstance(base, type) and issubclass(base, enum.Enum):
            choices, widget = tuple((m.value, m.value) for m in base), "select"
        elif base is bool:
            choices, widget = (("yes", "yes"), ("no", "no")), "select"
        elif base is datetime:
            widget, label = "datetime-local", f"{label} (UTC)"
        elif base is date:
            widget = "date"
        elif base is int:
            widget = "number"
        else:
            widget = "textarea" if name in LONG_TEXT else "text"
        if widget == "select" and optional:
            choices = (("", "none"), *choices)
        inputs.append(FieldInput(name, label, widget, value, choices))
    return inputs


def _changes(kind: RecordKind, inputs: list[FieldInput], form: Any) -> dict[str, Any]:
    """The fields whose submitted value differs from the one shown, as the API takes them."""
    changed: dict[str, Any] = {}
    for field in inputs:
        if field.widget == "checkboxes":
            ticked = {str(v) for v in form.getlist(field.name)}
            if ",".join(sorted(ticked)) != field.value:
                changed[field.name] = {key: key in ticked for key, _ in field.choices}
            continue
        raw = form.get(field.name)
        if not isinstance(raw, str) or raw.strip() == field.value:
            continue
        value = raw.strip()
        if not value:
            changed[field.name] = None
        elif field.widget == "datetime-local":
            try:
                changed[field.name] = as_utc(datetime.fromisoformat(value)).isoformat()
            except ValueError:
                raise FormError(f"{field.name}: not a date and time: {value!r}") from None
        elif field.choices == (("yes", "yes"), ("no", "no")):
            changed[field.name] = value == "yes"
        else:
            changed[field.name] = value
    return changed


def _history_url(kind: RecordKind, record_id: int) -> str:
    return f"/operation/{kind.path}/{record_id}/history"


def _case_url(kind: RecordKind, record: Any) -> str:
    referral_id = record.id if kind is REFERRAL else record.referral_id
    return f"/operation/referrals/{referral_id}"


def _pages(kind: RecordKind) -> None:
    """The history page of one kind, and its correct and withdraw forms."""
    param = f"{kind.name}_id"

    def page(
        request: Request,
        casework: CaseworkDep,
        auditor: AuditDep,
        templates: TemplatesDep,
        record_id: int = Path(alias=param),
    ) -> Response:
        with page_answers(request, f"{kind.name}.history", kind.name, record_id):
            record, referral = casework.record(kind, record_id)
            entries = casework.history(kind, record_id)
        auditor.record(f"{kind.name}.history", kind.name, record_id)
        fields = _standing(record, referral, casework)
        return templates.TemplateResponse(
            request,
            "operation/record_history.html",
            {
                "kind": kind,
                "record": record,
                "referral": referral,
                "fields": fields,
                "entries": entries,
                "inputs": _inputs(kind, record, casework),
                "case_url": _case_url(kind, record),
                "history_url": _history_url(kind, record_id),
            },
        )

    async def correct(
        request: Request,
        casework: CaseworkDep,
        auditor: AuditDep,
        record_id: int = Path(alias=param),
    ) -> Response:
        form = await request.form()

        def done() -> Response:
            back = _history_url(kind, record_id)
            try:
                with page_answers(request, f"{kind.name}.correct", kind.name, record_id):
                    record, _ = casework.record(kind, record_id)
                    changes = _changes(kind, _inputs(kind, record, casework), form)
                    reason = str(form.get("reason") or "")
                    try:
                        body = patch_model(kind).model_validate({**changes, "reason": reason})
                    except ValidationError as error:
                        first = error.errors()[0]
                        where = ".".join(str(p) for p in first.get("loc", ())) or "form"
                        raise FormError(f"{where}: {first.get('msg', 'invalid')}") from None
                    values = body.model_dump(exclude_unset=True, exclude={"reason"})
                    casework.correct(kind, record_id, values, reason)
            except FormError as error:
                return redirect(back, error=error.message, fragment="correct")
            auditor.record(
                f"{kind.name}.correct", kind.name, record_id, detail=", ".join(sorted(changes))
            )
            return redirect(back, notice=f"{kind.label} corrected: {', '.join(sorted(changes))}")

        return await run_in_threadpool(done)

    def withdraw(
        request: Request,
        casework: CaseworkDep,
        auditor: AuditDep,
        reason: Text = "",
        record_id: int = Path(alias=param),
    ) -> Response:
        back = _history_url(kind, record_id)
        try:
            with page_answers(request, f"{kind.name}.withdraw", kind.name, record_id):
                casework.withdraw(kind, record_id, reason)
        except FormError as error:
            return redirect(back, error=error.message, fragment="withdraw")
        auditor.record(f"{kind.name}.withdraw", kind.name, record_id)
        return redirect(back, notice=f"{kind.label} withdrawn")

    path = f"/operation/{kind.path}/{{{param}}}"
    for function, suffix, method in (
        (page, "history", "GET"),
        (correct, "correct", "POST"),
        (withdraw, "withdraw", "POST"),
    ):
        router.add_api_route(
            f"{path}/{suffix}",
            function,
            methods=[method],
            response_class=HTMLResponse,
            dependencies=[Depends(visible_of(kind))],
            name=f"{kind.name}_{suffix}_page",
        )


for _kind in RECORD_KINDS:
    _pages(_kind)


@router.post("/operation/referrals/{referral_id}/reopen")
def reopen_form(
    referral_id: int,
    request: Request,
    casework: ReopenerDep,
    auditor: AuditDep,
    reason: Text = "",
) -> Response:
    """Reopen a closed case (a supervisor or the operation lead, with a reason)."""
    back = f"/operation/referrals/{referral_id}"
    try:
        with page_answers(request, "referral.reopen", "referral", referral_id):
            casework.reopen(referral_id, reason)
    except FormError as error:
        return redirect(back, error=error.message, fragment="case-closed")
    auditor.record("referral.reopen", "referral", referral_id)
    return redirect(back, notice="Case reopened")
