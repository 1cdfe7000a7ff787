"""A record's form read into the record's one input model (the JSON API's model, from
`schemas.py`), so a form and a JSON body are checked alike.

What a browser sends differs from JSON in four ways, and only these are adapted, from the
model's own JSON schema: a `datetime-local` value has no zone (the pages take UTC) and is empty
(or left out) for "now"; an unticked checkbox is absent (false) and a ticked one says `yes`; an
empty optional number or date means none; a yes-or-no-by-key field (`Checklist`: a risk
assessment's answers) is one check box per key, named its prefix and the key (`q_<key>`), the
ticked ones yes.
"""

from __future__ import annotations

import functools
from datetime import UTC, datetime
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from starlette.datastructures import FormData

from netsafe.operation.records import Checklist
from netsafe.timestamps import as_utc
from netsafe.web.operation.forms import FormError

M = TypeVar("M", bound=BaseModel)
_TRUE = {"yes", "true", "on", "1"}


@functools.cache
def field_kinds(model: type[BaseModel]) -> dict[str, tuple[str, bool]]:
    """Each field's JSON type (`date-time`, `date`, `boolean`, `integer`, `string`, ...) and
    whether it is required."""
    schema = model.model_json_schema()
    required = set(schema.get("required", ()))
    kinds = {}
    for name, spec in schema.get("properties", {}).items():
        options = spec.get("anyOf", [spec])
        kind = next(
            (o.get("format") or o.get("type") for o in options if o.get("type") != "null"),
            "string",
        )
        kinds[name] = (str(kind), name in required)
    return kinds


@functools.cache
def checklists(model: type[BaseModel]) -> dict[str, str]:
    """The model's yes-or-no-by-key fields (`Checklist` in their type) and their check boxes'
    name prefix."""
    return {
        name: marker.prefix
        for name, field in model.model_fields.items()
        for marker in field.metadata
        if isinstance(marker, Checklist)
    }


def _ticked(form: FormData, prefix: str) -> dict[str, bool]:
    """The keys of the check boxes named `prefix` + key, each ticked (yes) or not."""
    return {
        key.removeprefix(prefix): isinstance(value, str) and value.strip().lower() in _TRUE
        for key, value in form.multi_items()
        if key.startswith(prefix)
    }


def _form_time(value: str, field: str) -> str:
    if not value:
        return datetime.now(UTC).isoformat()
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise FormError(f"{field}: not a date and time: {value!r}") from None
    return as_utc(parsed).isoformat()


def form_values(model: type[BaseModel], form: FormData, **given: Any) -> dict[str, Any]:
    """The form's values for `model`'s fields, as the JSON API would receive them; `given`
    (ids from the path) take precedence."""
    values: dict[str, Any] = {}
    boxes = checklists(model)
    for name, (kind, required) in field_kinds(model).items():
        if name in boxes:
            values[name] = _ticked(form, boxes[name])
            continue
        raw = form.get(name)
        text = raw.strip() if isinstance(raw, str) else None
        if kind == "boolean":
            if text is not None:
                values[name] = text.lower() in _TRUE
            elif required:
                values[name] = False
        elif kind == "date-time":
            if text or required:
                values[name] = _form_time(text or "", name)
        elif text is None:
            continue
        elif kind in ("integer", "date") and not text:
            # given empty: none (said so, unlike a field the form leaves out)
            values[name] = text if required else None
        else:
            values[name] = text
    values.update(given)
    return values


def read_form(model: type[M], form: FormData, **given: Any) -> M:
    """The form as `model`; a `FormError` naming the first field refused."""
    try:
        return model.model_validate(form_values(model, form, **given))
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first.get("loc", ())) or "form"
        raise FormError(f"{field}: {first.get('msg', 'invalid')}") from None
