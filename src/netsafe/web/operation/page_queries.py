"""Reading the list pages' filters from the URL (so a filtered list can be linked, bookmarked
and paged), and writing them back into the pager's links. Empty values mean "any"."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from starlette.datastructures import QueryParams

from netsafe.operation.exhibit_list import TriageState
from netsafe.operation.queue_filters import Breach
from netsafe.platform.access import OperationInputError
from netsafe.web.operation.list_filters import QueueQuery


def values(params: QueryParams, name: str) -> list[str]:
    """The non-empty values of a (possibly repeated) parameter."""
    return [v.strip() for v in params.getlist(name) if v.strip()]


def one(params: QueryParams, name: str) -> str:
    found = values(params, name)
    return found[0] if found else ""


def day(params: QueryParams, name: str) -> date | None:
    value = one(params, name)
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise OperationInputError(name, f"not a date (YYYY-MM-DD): {value!r}") from None


def whole(params: QueryParams, name: str) -> int | None:
    value = one(params, name)
    if not value:
        return None
    if not value.isdigit() or len(value) > 6:
        raise OperationInputError(name, f"not a whole number of days or hours: {value!r}")
    return int(value)


def queue_query(params: QueryParams) -> QueueQuery:
    """The queue page's filters: `show=awaiting` (the default) or `open`, and the API's."""
    breached = one(params, "breached")
    if breached and breached not in {b.value for b in Breach}:
        raise OperationInputError("breached", "yes or no")
    return QueueQuery(
        status=values(params, "status"),
        force=values(params, "force"),
        band=values(params, "band"),
        source=values(params, "source"),
        received_from=day(params, "received_from"),
        received_to=day(params, "received_to"),
        breached=Breach(breached) if breached else None,
        awaiting_only=one(params, "show") != "open",
        due_within_hours=whole(params, "due_within_hours"),
    )


def triage_state(params: QueryParams) -> TriageState | None:
    value = one(params, "triage")
    if not value:
        return None
    try:
        return TriageState(value)
    except ValueError:
        choices = ", ".join(t.value for t in TriageState)
        raise OperationInputError("triage", f"one of {choices}") from None


def page_link(path: str, params: QueryParams, page: int | None, **fixed: str) -> str:
    """`path` with `page` (None: none, the first), the `fixed` parameters and the current
    filters (empty ones dropped)."""
    skip = {"page", "error", *fixed}
    kept = [(k, v) for k, v in params.multi_items() if k not in skip and v.strip()]
    paged = [] if page is None else [("page", str(page))]
    return f"{path}?{urlencode([*paged, *fixed.items(), *kept])}"
