"""The correction body of each kind of record, derived from the record-kinds table: every
correctable field optional (typed and capped as in the kind's input model, else as in its
dataclass), nothing else accepted, and a `reason` required."""

from __future__ import annotations

import functools
import typing as t
from datetime import datetime
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, create_model
from pydantic.fields import FieldInfo

from netsafe.operation.record_kinds import RecordKind
from netsafe.web.operation.record_writes import WRITES
from netsafe.web.operation.schemas import ReferralIn

#: The input model each kind is created with (where its fields' types and caps are read).
INPUT_MODELS: dict[str, type[BaseModel]] = {
    "referral": ReferralIn,
    **{write.kind.name: write.body for write in WRITES},
}
REASON = Field(min_length=1, max_length=2000, description="why the record is changed")


class ReasonIn(BaseModel):
    """Why: required to withdraw a record or reopen a case."""

    model_config = ConfigDict(extra="forbid")
    reason: str = REASON


def _optional(annotation: Any) -> Any:
    return annotation | None


def _field(kind: RecordKind, name: str) -> tuple[Any, Any]:
    model = INPUT_MODELS.get(kind.name)
    if model is not None and name in model.model_fields:
        info = model.model_fields[name]
        capped = FieldInfo.merge_field_infos(info, default=None)
        return _optional(info.annotation), capped
    hint = t.get_type_hints(kind.record)[name]
    args = [a for a in t.get_args(hint) if a is not type(None)] or [hint]
    base = args[0]
    if base is datetime:
        return AwareDatetime | None, None
    if base is str:
        return str | None, Field(None, max_length=4000)
    return _optional(base), None


@functools.cache
def patch_model(kind: RecordKind) -> type[BaseModel]:
    """`PATCH /api/v1/<records>/{id}`'s body for `kind`: the fields to change and a reason."""
    fields: dict[str, Any] = {name: _field(kind, name) for name in kind.correctable}
    fields["reason"] = (str, REASON)
    name = "".join(part.title() for part in kind.name.split("-")) + "Correction"
    model: type[BaseModel] = create_model(name, __config__=ConfigDict(extra="forbid"), **fields)
    return model
