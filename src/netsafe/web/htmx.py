"""htmx on the pages: which requests want a fragment rather than the whole page.

A page that htmx enhances renders a partial template inside its full template; the same handler
answers a request carrying `HX-Request: true` with the partial alone (see `page_or_fragment`).
Everything else about the request is the handler's usual path: the same policy, CSRF check,
service call and audit event. A history restore (`HX-History-Restore-Request`) always gets the
whole page. Without JavaScript, every form and link works as a plain page load.
"""

from __future__ import annotations

from urllib.parse import quote, urlsplit

from fastapi import Request
from fastapi.responses import Response

HX_REQUEST = "HX-Request"
HX_HISTORY_RESTORE = "HX-History-Restore-Request"
HX_CURRENT_URL = "HX-Current-URL"
HX_REDIRECT = "HX-Redirect"


def wants_fragment(request: Request) -> bool:
    """Whether htmx sent `request` to swap part of a page (not a history restore)."""
    headers = request.headers
    return headers.get(HX_REQUEST) == "true" and headers.get(HX_HISTORY_RESTORE) != "true"


def page_or_fragment(request: Request, page: str, fragment: str) -> str:
    """The template to answer with: `fragment` for htmx, the full `page` otherwise."""
    return fragment if wants_fragment(request) else page


def htmx_login_redirect(request: Request) -> Response:
    """401 for an htmx request without a valid session, telling htmx to load the login page.

    htmx's XMLHttpRequest would follow a 303 itself and swap the whole login page into a table;
    `HX-Redirect` makes the browser navigate instead. After logging in the user returns to the
    page they were on (`HX-Current-URL`, reduced to its path: never another origin).
    """
    current = urlsplit(request.headers.get(HX_CURRENT_URL, ""))
    target = current.path if current.path.startswith("/") else "/"
    if current.query:
        target += f"?{current.query}"
    return Response(status_code=401, headers={HX_REDIRECT: f"/login?next={quote(target, safe='')}"})
