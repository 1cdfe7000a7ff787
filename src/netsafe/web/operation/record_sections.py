"""The case page's section of each kind added through its `add` service (the record-kinds
table): its records, each with its fields and the link to its history, and its form, derived
from the kind's input model. The kinds in `OWN_SECTIONS` are shown by partials of their own
(their forms post to the same derived routes)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from netsafe.operation.casefile import CaseFile
from netsafe.operation.record_kinds import RecordKind
from netsafe.web.operation.form_input import field_kinds
from netsafe.web.operation.record_writes import WRITES

#: How each JSON type of an input model's field is entered on the page.
_WIDGETS = {
    "date-time": "datetime-local",
    "date": "date",
    "integer": "number",
    "boolean": "checkbox",
}
#: The kinds `case.html` shows in sections of their own: risk in the summary, subjects, arrests
#: and safeguarding under people (`_people.html`), warrants, exhibits (custody on the exhibit's
#: page) and outcomes in theirs.
OWN_SECTIONS = frozenset(
    {"subject", "risk", "arrest", "safeguarding", "warrant", "exhibit", "custody", "outcome"}
)
#: What a record's line leaves out (shown elsewhere, or the case's own).
_NOT_SHOWN = frozenset({"id", "referral_id", "withdrawn_at"})


@dataclass(frozen=True, slots=True)
class FormField:
    """One input of a derived form."""

    name: str
    label: str
    widget: str
    required: bool


@dataclass(frozen=True, slots=True)
class AddedSection:
    """A kind's section: its records on this case and its form's fields."""

    kind: RecordKind
    records: list[Any]
    fields: list[FormField]

    @property
    def section(self) -> tuple[str, str, int, str]:
        """The case page's row for it: fragment, heading, count, partial."""
        return (self.kind.name, self.kind.plural_label, len(self.records), PARTIAL)

    def shown(self, record: Any) -> list[tuple[str, Any]]:
        """A record's fields as its line shows them (label, value), empty ones left out."""
        return [
            (f.name.replace("_", " ").capitalize(), getattr(record, f.name))
            for f in dataclasses.fields(record)
            if f.name not in _NOT_SHOWN and getattr(record, f.name) not in (None, "")
        ]


PARTIAL = "operation/case/_records.html"


def added_sections(case: CaseFile) -> dict[str, AddedSection]:
    """The sections of the kinds with derived writes, by kind name (the case page's order)."""
    sections = {}
    for write in WRITES:
        if write.kind.name in OWN_SECTIONS:
            continue
        fields = [
            FormField(
                name,
                name.replace("_", " ").capitalize()
                + (" (UTC; empty for now)" if json == "date-time" else ""),
                _WIDGETS.get(json, "text"),
                required and json not in ("date-time", "boolean"),
            )
            for name, (json, required) in field_kinds(write.body).items()
            if name != "referral_id"
        ]
        records = case.records.get(write.kind.repository, [])
        sections[write.kind.name] = AddedSection(write.kind, records, fields)
    return sections
