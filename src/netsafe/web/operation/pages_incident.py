"""Editing a referral's incident details (`/operation/referrals/{id}/incident`, after the
CyberTipline report fields) and restricting a case to named users (`…/restriction`).

Identifiers are rows of kind and value (blank rows are ignored; each save offers three more);
files are a text area, one file a line: its name and any of its MD5 / SHA-1 / SHA-256 (told apart
by length) at the end of the line, separated by spaces, tabs or commas. A mistake re-shows the
form with what was typed and names the line or row; the caps are those of the API's incident
model (`IncidentBody`), and the details go through the same facade call as `PUT …/incident`.
Every change is audited like the API's.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated

from annotated_types import MaxLen
from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel

from netsafe.operation.referrals import (
    IdentifierKind,
    IncidentDetails,
    Referral,
    ReportedFile,
    ReportedIdentifier,
    restrict_referral,
)
from netsafe.operation.search import HASH_LIKE  # so many hex digits are taken for a hash
from netsafe.store.repositories.users import SqlUserRepository
from netsafe.usecases.incident_details import update_incident_details
from netsafe.web.auditor import AuditDep
from netsafe.web.deps import SessionDep, TemplatesDep
from netsafe.web.intake.common import configured
from netsafe.web.operation.common import CASEWORK_FORM, PoliceViewer, ReposDep
from netsafe.web.operation.forms import FormError, form_time, page_answers, redirect
from netsafe.web.operation.pages_case import VISIBLE_REFERRAL, case_url
from netsafe.web.operation.schemas import FileBody, IdentifierBody, IncidentBody

router = APIRouter(tags=["pages"], include_in_schema=False)
BLANK_IDENTIFIER_ROWS = 3


def _cap(model: type[BaseModel], field: str) -> int:
    """The `max_length` of `model`'s field: the caps are the API's input model's, spelt once."""
    caps = [m.max_length for m in model.model_fields[field].metadata if isinstance(m, MaxLen)]
    return int(caps[0])


FILES_MAX = _cap(IncidentBody, "files")
IDENTIFIERS_MAX = _cap(IncidentBody, "identifiers")
NAME_MAX = _cap(FileBody, "file_name")
VALUE_MAX = _cap(IdentifierBody, "value")
TYPE_MAX = _cap(IncidentBody, "incident_type")
_HASH_BY_LENGTH = {32: "md5", 40: "sha1", 64: "sha256"}
_LABELS = {"md5": "MD5", "sha1": "SHA-1", "sha256": "SHA-256"}
_HEX_WORD = re.compile(r"[0-9a-fA-F]+")
_TRAILING_WORD = re.compile(r"(?:^|[\s,]+)([^\s,]+)$")
_SEPARATORS = re.compile(r"[\s,]+")

Rows = Annotated[list[str] | None, Form()]


def file_lines(incident: IncidentDetails) -> str:
    """The files as the text area shows them: a name, then its hashes, one file a line."""
    lines = []
    for f in incident.files:
        lines.append("  ".join(v for v in (f.file_name, f.md5, f.sha1, f.sha256) if v))
    return "\n".join(lines)


def _trailing_hash(word: str, number: int) -> str | None:
    """The algorithm of a word at the end of a files line when it is a hash (None: it is part
    of the file name); a word that looks like a hash in the wrong form is refused."""
    length = len(word)
    if _HEX_WORD.fullmatch(word):
        if length in _HASH_BY_LENGTH:
            return _HASH_BY_LENGTH[length]
        if length >= HASH_LIKE:
            raise FormError(
                f"files line {number}: {word[:16]}… is {length} hex digits, not a hash "
                f"(an MD5 is 32, a SHA-1 40, a SHA-256 64)"
            )
    elif length in _HASH_BY_LENGTH and word.isalnum() and any(c.isdigit() for c in word):
        raise FormError(
            f"files line {number}: {word[:16]}… is not a hash: a hash is hex "
            f"(the digits 0-9 and the letters a-f)"
        )
    return None


def parse_files(text: str) -> tuple[ReportedFile, ...]:
    """One file a line: a name and any of its hashes at the end (blank lines are skipped). A
    hash in the wrong form (a wrong length of hex, a letter not hex, two of one algorithm, a
    hash before the name) is refused naming the line: never kept as part of the name."""
    files = []
    for number, line in enumerate(text.splitlines(), start=1):
        rest, hashes = line.strip(), {}
        while (found := _TRAILING_WORD.search(rest)) is not None:
            value = found.group(1)
            algorithm = _trailing_hash(value, number)
            if algorithm is None:
                break
            if algorithm in hashes:
                raise FormError(f"files line {number}: two {_LABELS[algorithm]} hashes")
            hashes[algorithm] = value.lower()
            rest = rest[: found.start()].rstrip(" \t,")
        if any(_HEX_WORD.fullmatch(w) and len(w) >= 32 for w in _SEPARATORS.split(rest)):
            raise FormError(f"files line {number}: give the file name first, then its hashes")
        if not rest and not hashes:
            continue
        if len(rest) > NAME_MAX:
            raise FormError(
                f"files line {number}: the file name is longer than {NAME_MAX} characters"
            )
        files.append(
            ReportedFile(rest, hashes.get("md5"), hashes.get("sha1"), hashes.get("sha256"))
        )
        if len(files) > FILES_MAX:
            raise FormError(f"files: at most {FILES_MAX} files here (use the API for more)")
    return tuple(files)


def parse_identifiers(
    kinds: list[str], values: list[str], seen: list[str] | None = None
) -> tuple[ReportedIdentifier, ...]:
    """Rows of kind, value and (an IP address's) time seen, UTC; a row with no value is
    ignored. The time's rules are the service's (`netsafe.operation.dates.check_seen_time`)."""
    identifiers = []
    times = [*(seen or []), *[""] * len(values)]
    for number, (kind, value) in enumerate(zip(kinds, values, strict=False), start=1):
        if not value.strip():
            continue
        if len(value.strip()) > VALUE_MAX:
            raise FormError(f"identifier row {number}: longer than {VALUE_MAX} characters")
        try:
            known = IdentifierKind(kind)
        except ValueError:
            raise FormError(f"identifier row {number}: unknown kind {kind!r}") from None
        text = times[number - 1].strip()
        field = f"identifier row {number} seen at"
        seen_at = form_time(text, field) if text else None
        identifiers.append(ReportedIdentifier(known, value.strip(), seen_at))
    if len(identifiers) > IDENTIFIERS_MAX:
        raise FormError(f"identifiers: at most {IDENTIFIERS_MAX}")
    return tuple(identifiers)


def _render(
    request: Request,
    templates: TemplatesDep,
    referral: Referral,
    *,
    values: dict[str, object],
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    context = {
        "referral": referral,
        "values": values,
        "kinds": list(IdentifierKind),
        "blank_rows": BLANK_IDENTIFIER_ROWS,
        "value_max": VALUE_MAX,
        "type_max": TYPE_MAX,
        "error": error,
    }
    return templates.TemplateResponse(
        request, "operation/incident.html", context, status_code=status_code
    )


def _local(at: datetime) -> str:
    """A time as a `datetime-local` field shows it (UTC)."""
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M")


def _values_of(incident: IncidentDetails) -> dict[str, object]:
    at = incident.incident_at
    return {
        "incident_type": incident.incident_type or "",
        "incident_at": "" if at is None else _local(at),
        "identifiers": [
            (i.kind.value, i.value, "" if i.seen_at is None else _local(i.seen_at))
            for i in incident.identifiers
        ],
        "files": file_lines(incident),
    }


@router.get(
    "/operation/referrals/{referral_id}/incident",
    response_class=HTMLResponse,
    dependencies=[Depends(CASEWORK_FORM)],
)
def incident_form(
    referral_id: int,
    request: Request,
    templates: TemplatesDep,
    auditor: AuditDep,
    referral: Referral = VISIBLE_REFERRAL,
) -> Response:
    auditor.record("referral.read", "referral", referral_id, detail="incident form")
    return _render(request, templates, referral, values=_values_of(referral.incident))


@router.post("/operation/referrals/{referral_id}/incident", response_class=HTMLResponse)
def save_incident(
    referral_id: int,
    request: Request,
    viewer: PoliceViewer,
    repos: ReposDep,
    session: SessionDep,
    templates: TemplatesDep,
    auditor: AuditDep,
    referral: Referral = VISIBLE_REFERRAL,
    incident_type: Annotated[str, Form(max_length=TYPE_MAX)] = "",
    incident_at: Annotated[str, Form(max_length=40)] = "",
    identifier_kind: Rows = None,
    identifier_value: Rows = None,
    identifier_seen_at: Rows = None,
    files: Annotated[str, Form(max_length=FILES_MAX * 300)] = "",
) -> Response:
    """Replace the incident details with the form's (the form shows all of them)."""
    kinds, texts, seen = identifier_kind or [], identifier_value or [], identifier_seen_at or []
    times = [*seen, *[""] * len(texts)]
    rows = list(zip(kinds, texts, times, strict=False))
    values: dict[str, object] = {
        "incident_type": incident_type,
        "incident_at": incident_at,
        "identifiers": [(k, v, t) for k, v, t in rows if v.strip()],
        "files": files,
    }
    try:
        with page_answers(request, "referral.incident", "referral", referral_id):
            incident = IncidentDetails(
                incident_type=incident_type.strip() or None,
                incident_at=form_time(incident_at, "incident_at") if incident_at.strip() else None,
                identifiers=parse_identifiers(kinds, texts, seen),
                files=parse_files(files),
            )
            updated = update_incident_details(
                session, repos, viewer, referral_id, incident, configured(request)
            )
    except FormError as error:
        return _render(
            request, templates, referral, values=values, error=error.message, status_code=422
        )
    counts = f"{len(updated.incident.identifiers)} identifiers, {len(updated.incident.files)} files"
    auditor.record("referral.incident", "referral", referral_id, detail=counts)
    return redirect(case_url(referral_id), notice=f"Incident details saved ({counts})")


@router.post("/operation/referrals/{referral_id}/restriction", dependencies=[VISIBLE_REFERRAL])
def restriction_form(
    referral_id: int,
    request: Request,
    viewer: PoliceViewer,
    repos: ReposDep,
    session: SessionDep,
    auditor: AuditDep,
    usernames: Annotated[str, Form(max_length=4000)] = "",
    lift: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """Restrict the case to the named users (the caller stays named), or lift the restriction."""
    names = () if lift else tuple(n for n in _SEPARATORS.split(usernames) if n)
    try:
        if not lift and not names:
            raise FormError("usernames: name at least one user, or lift the restriction")
        users = SqlUserRepository(session)
        unknown = [name for name in names if users.by_username(name) is None]
        if unknown:
            raise FormError(f"usernames: no such user: {', '.join(unknown)}")
        with page_answers(request, "referral.restrict", "referral", referral_id):
            referral = restrict_referral(repos.referrals, viewer, referral_id, names)
    except FormError as error:
        return redirect(case_url(referral_id), error=error.message, fragment="access")
    auditor.record(
        "referral.restrict", "referral", referral_id, detail=",".join(referral.restricted_to)
    )
    notice = (
        f"Restricted to {', '.join(referral.restricted_to)}"
        if referral.restricted_to
        else "Restriction lifted: the force's users see the case again"
    )
    return redirect(case_url(referral_id), notice=notice, fragment="access")
