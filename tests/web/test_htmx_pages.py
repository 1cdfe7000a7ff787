"""htmx on the pages: the queue, the exhibit's hand-over form and the Admin page's user actions
answer an `HX-Request` with their fragment (no page chrome) through the same handler, policy,
CSRF check and audit as the plain form; the plain paths are unchanged; the CSP is unchanged; the
vendored htmx is the file its README names."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from netsafe.platform.roles import Role
from netsafe.settings import Settings
from netsafe.web.csrf import CSRF_COOKIE, token_for
from tests.platform.platform_helpers import PASSWORD, add_user

WEB = Path(__file__).resolve().parents[2] / "src" / "netsafe" / "web"
HX = {"HX-Request": "true", "HX-Current-URL": "http://testserver/operation/queue?show=open"}
#: Written out, not imported: a change to the policy must show up here.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
CHROME = ('class="site-header"', "<html", "<head", 'class="site-footer"')


def log_in(client: TestClient, settings: Settings, username: str) -> str:
    """Log in through the page (a session cookie); returns the CSRF token for forms."""
    client.get("/login")
    csrf = token_for(settings.secret_key, client.cookies[CSRF_COOKIE])
    form = {"username": username, "password": PASSWORD, "csrf_token": csrf}
    assert client.post("/login", data=form).status_code == 303
    return csrf


def post_form(client: TestClient, url: str, data: dict[str, str]) -> str:
    """A plain (non-htmx) form post that succeeds; returns the redirect's target."""
    response = client.post(url, data=data)
    assert response.status_code == 303, response.text
    location: str = response.headers["location"]
    assert "error=" not in location, location
    return location.split("?")[0]


def audit_actions(engine: Engine) -> list[tuple[str, str | None, str | None, str]]:
    """(action, resource id, detail, outcome) of every audit event, chained or still pending."""
    query = text(
        "SELECT action, resource_id, detail, outcome FROM audit_log UNION ALL "
        "SELECT action, resource_id, detail, outcome FROM audit_pending"
    )
    with engine.connect() as connection:
        return [(r[0], r[1], r[2], r[3]) for r in connection.execute(query)]


def no_chrome(html: str) -> None:
    for marker in CHROME:
        assert marker not in html, marker


def test_the_vendored_htmx_is_the_file_its_readme_names() -> None:
    vendor = WEB / "static" / "vendor"
    digest = hashlib.sha256((vendor / "htmx.min.js").read_bytes()).hexdigest()
    readme = (vendor / "README.md").read_text()
    assert digest in readme
    assert "2.0.11" in readme
    assert "0BSD" in readme


def test_templates_load_no_script_from_elsewhere_and_use_no_eval_attributes() -> None:
    for template in (WEB / "templates").rglob("*.html"):
        source = re.sub(r"\{#.*?#\}", "", template.read_text(), flags=re.DOTALL)
        assert not re.search(r"<script[^>]*src=\"(https?:)?//", source), template
        # hx-on and js: values need eval, which is off under the CSP.
        assert not re.search(r"\shx-on[:-]", source), template
        assert not re.search(r"hx-[a-z-]+=[\"']\s*(js|javascript):", source), template
        assert "<script>" not in source, template


def test_queue_answers_htmx_with_the_table_alone(
    client: TestClient, engine: Engine, settings: Settings
) -> None:
    add_user(engine, "gwent.investigator")
    csrf = log_in(client, settings, "gwent.investigator")
    for summary in ("Synthetic referral one", "Synthetic referral two"):
        form = {"source": "partner", "force": "gwent", "summary": summary, "csrf_token": csrf}
        post_form(client, "/operation/referrals/new", form)

    page = client.get("/operation/queue?show=open")
    assert page.status_code == 200
    assert page.text.lstrip().lower().startswith("<!doctype html>")
    assert 'class="site-header"' in page.text
    assert '/static/vendor/htmx.min.js" defer></script>' in page.text
    assert '"allowEval": false' in page.text
    assert '<meta name="csrf-token" content="' in page.text
    assert 'hx-get="/operation/queue"' in page.text
    assert page.headers["content-security-policy"] == CSP

    fragment = client.get("/operation/queue?show=open", headers=HX)
    assert fragment.status_code == 200
    assert fragment.text.lstrip().startswith('<div id="queue-results">')
    no_chrome(fragment.text)
    assert fragment.text.count("/operation/referrals/") == 2
    assert "Page 1 of the open referrals" in fragment.text
    assert 'name="show"' not in fragment.text  # the filter form stays on the page
    assert fragment.headers["content-security-policy"] == CSP
    # one URL, two answers: caches and the browser's history must key them on the header
    assert page.headers["vary"] == fragment.headers["vary"] == "HX-Request"
    # The fragment is the same markup as the page's part.
    assert fragment.text.strip() in page.text

    # A history restore (Back after htmx pushed a URL) gets the whole page.
    restore = client.get("/operation/queue", headers=HX | {"HX-History-Restore-Request": "true"})
    assert 'class="site-header"' in restore.text
    reads = [a for a in audit_actions(engine) if a[0] == "referral.list"]
    assert len(reads) == 3  # every answer, fragment or page, is audited alike


def test_queue_fragment_pages(client: TestClient, engine: Engine, settings: Settings) -> None:
    add_user(engine, "gwent.investigator")
    csrf = log_in(client, settings, "gwent.investigator")
    for n in range(51):
        form = {"source": "partner", "force": "gwent", "summary": f"S{n}", "csrf_token": csrf}
        post_form(client, "/operation/referrals/new", form)
    first = client.get("/operation/queue", headers=HX).text
    assert 'hx-get="/operation/queue?page=2&amp;show=awaiting"' in first
    assert 'hx-push-url="true"' in first
    second = client.get("/operation/queue?page=2&show=awaiting", headers=HX).text
    no_chrome(second)
    assert second.count('href="/operation/referrals/') == 1
    assert 'id="queue-prev"' in second
    assert 'id="queue-next"' not in second


def _exhibit(client: TestClient, csrf: str) -> str:
    case = post_form(
        client,
        "/operation/referrals/new",
        {"source": "partner", "force": "gwent", "summary": "Synthetic", "csrf_token": csrf},
    )
    exhibit = {
        "reference": "GWP/HX/1",
        "device_type": "phone",
        "seal_number": "SEAL-1",
        "seized_from": "1 Example Row",
        "csrf_token": csrf,
    }
    return post_form(client, f"{case}/exhibits", exhibit)


def test_custody_hand_over_answers_htmx_with_the_custody_section(
    client: TestClient, engine: Engine, settings: Settings
) -> None:
    add_user(engine, "gwent.investigator")
    csrf = log_in(client, settings, "gwent.investigator")
    exhibit_url = _exhibit(client, csrf)
    exhibit_id = exhibit_url.rsplit("/", 1)[1]
    form = {"location": "Gwent property store", "purpose": "Storage", "seal_intact": "yes"}

    answer = client.post(
        f"{exhibit_url}/custody",
        headers=HX | {"X-CSRF-Token": csrf},
        data=form | {"handed_to": "exhibits.officer"},
    )
    assert answer.status_code == 200, answer.text
    no_chrome(answer.text)
    assert answer.text.lstrip().startswith('<h2 id="custody-h">')
    rows = re.findall(r"<tr><td>", answer.text)
    assert len(rows) == 2  # the seizure and the new hand-over
    assert "<td>gwent.investigator</td><td>exhibits.officer</td>" in answer.text
    assert "Handed over to exhibits.officer" in answer.text
    assert '<dd id="holder" hx-swap-oob="true">exhibits.officer at Gwent property store</dd>' in (
        answer.text
    )
    assert '<dd id="chain" hx-swap-oob="true">unbroken</dd>' in answer.text
    assert 'hx-post="/operation/exhibits/' in answer.text
    assert 'name="csrf_token"' in answer.text  # the next hand-over works with or without htmx
    assert answer.headers["content-security-policy"] == CSP

    # The hidden field alone carries the token too (htmx posts the form's fields).
    second = client.post(
        f"{exhibit_url}/custody",
        headers=HX,
        data=form | {"handed_to": "lab.examiner", "csrf_token": csrf},
    )
    assert second.status_code == 200
    assert len(re.findall(r"<tr><td>", second.text)) == 3

    events = audit_actions(engine)
    assert ("custody.create", exhibit_id, "to exhibits.officer", "ok") in events
    assert ("exhibit.read", exhibit_id, "custody", "ok") in events

    # The page shows what the fragment showed; the facts are the page's own (no oob attribute).
    page = client.get(exhibit_url).text
    assert '<dd id="holder">lab.examiner at Gwent property store</dd>' in page
    assert "hx-swap-oob" not in page


def test_a_refused_hand_over_answers_htmx_with_the_error_and_the_typed_values(
    client: TestClient, engine: Engine, settings: Settings
) -> None:
    add_user(engine, "gwent.investigator")
    csrf = log_in(client, settings, "gwent.investigator")
    exhibit_url = _exhibit(client, csrf)
    refused = client.post(
        f"{exhibit_url}/custody",
        headers=HX | {"X-CSRF-Token": csrf},
        data={"handed_to": "  ", "location": "Typed place", "purpose": "Typed purpose"},
    )
    assert refused.status_code == 422
    no_chrome(refused.text)
    assert 'id="custody-error"' in refused.text
    assert "handed_to: required" in refused.text
    assert 'value="Typed place"' in refused.text
    assert 'value="Typed purpose"' in refused.text
    assert 'id="seal_intact" name="seal_intact" value="yes">' in refused.text  # left unchecked
    assert len(re.findall(r"<tr><td>", refused.text)) == 1


def test_htmx_posts_without_the_csrf_token_are_refused(
    client: TestClient, engine: Engine, settings: Settings
) -> None:
    add_user(engine, "gwent.investigator")
    add_user(engine, "root", agency="regional-unit", role=Role.ADMIN)
    csrf = log_in(client, settings, "gwent.investigator")
    exhibit_url = _exhibit(client, csrf)
    form = {"handed_to": "exhibits.officer", "location": "Store"}
    for headers in (HX, HX | {"X-CSRF-Token": "not-the-token"}):
        refused = client.post(f"{exhibit_url}/custody", headers=headers, data=form)
        assert refused.status_code == 403
        assert "CSRF" in refused.text
    wrong_field = form | {"csrf_token": "0" * 64}
    assert client.post(f"{exhibit_url}/custody", headers=HX, data=wrong_field).status_code == 403
    assert "exhibits.officer" not in client.get(exhibit_url).text
    assert not [a for a in audit_actions(engine) if a[0] == "custody.create"]

    client.cookies.clear()
    log_in(client, settings, "root")
    user_id = client.get("/admin").text.split('id="user-', 1)[1].split('"', 1)[0]
    assert client.post(f"/admin/users/{user_id}/disable", headers=HX).status_code == 403


def test_plain_form_posts_are_unchanged(
    client: TestClient, engine: Engine, settings: Settings
) -> None:
    add_user(engine, "gwent.investigator")
    csrf = log_in(client, settings, "gwent.investigator")
    exhibit_url = _exhibit(client, csrf)
    done = client.post(
        f"{exhibit_url}/custody",
        data={"handed_to": "exhibits.officer", "location": "Store", "csrf_token": csrf},
    )
    assert done.status_code == 303
    assert done.headers["location"] == (
        f"{exhibit_url}?notice=Handed+over+to+exhibits.officer#custody"
    )
    refused = client.post(f"{exhibit_url}/custody", data={"location": "x", "csrf_token": csrf})
    assert refused.status_code == 303
    assert "error=handed_to" in refused.headers["location"]
    page = client.get(exhibit_url)
    assert page.headers["content-security-policy"] == CSP
    assert '<section aria-labelledby="custody-h" id="custody">' in page.text
    assert "<td>gwent.investigator</td><td>exhibits.officer</td>" in page.text
    queue = client.get("/operation/queue")
    assert 'class="site-header"' in queue.text
    assert 'id="queue-results"' in queue.text


def test_admin_user_actions_answer_htmx_with_the_user_table(
    client: TestClient, engine: Engine, settings: Settings
) -> None:
    add_user(engine, "root", agency="regional-unit", role=Role.ADMIN)
    officer = add_user(engine, "dp.officer", agency="dyfed-powys")
    csrf = log_in(client, settings, "root")
    hx = HX | {"X-CSRF-Token": csrf}

    disabled = client.post(f"/admin/users/{officer.id}/disable", headers=hx)
    assert disabled.status_code == 200
    no_chrome(disabled.text)
    assert "Create a user" not in disabled.text
    assert "Disabled dp.officer" in disabled.text
    row = disabled.text.split(f'<tr id="user-{officer.id}">', 1)[1].split("</tr>", 1)[0]
    assert '<td class="user-state">disabled</td>' in row
    assert f'hx-post="/admin/users/{officer.id}/enable"' in row
    assert ("user.disable", str(officer.id), None, "ok") in audit_actions(engine)

    root = re.search(r'<tr id="user-(\d+)">\s*<td>root</td>', disabled.text)
    assert root is not None
    root_id = root.group(1)
    own = client.post(f"/admin/users/{root_id}/disable", headers=hx)
    assert own.status_code == 409  # swapped in (htmx-config responseHandling) with its message
    no_chrome(own.text)
    assert "You cannot disable or reset your own account" in own.text

    plain = client.post(f"/admin/users/{officer.id}/enable", data={"csrf_token": csrf})
    assert 'class="site-header"' in plain.text
    assert "Enabled dp.officer" in plain.text
    assert "Create a user" in plain.text


def test_htmx_without_a_session_is_sent_to_the_login_page(client: TestClient) -> None:
    plain = client.get("/operation/queue?show=open")
    assert plain.status_code == 303
    assert plain.headers["location"] == "/login?next=%2Foperation%2Fqueue%3Fshow%3Dopen"
    htmx = client.get("/operation/queue?show=open&page=2", headers=HX)
    assert htmx.status_code == 401
    # Back to the page the browser shows, never to another origin.
    assert htmx.headers["hx-redirect"] == "/login?next=%2Foperation%2Fqueue%3Fshow%3Dopen"
    elsewhere = HX | {"HX-Current-URL": "https://elsewhere.example/steal?x=1"}
    assert client.get("/operation/queue", headers=elsewhere).headers["hx-redirect"] == (
        "/login?next=%2Fsteal%3Fx%3D1"
    )


def test_htmx_hand_over_keeps_the_access_rules(
    client: TestClient, engine: Engine, settings: Settings
) -> None:
    add_user(engine, "gwent.investigator")
    add_user(engine, "nw.investigator", agency="north-wales")
    add_user(engine, "helpline", agency="charity", role=Role.HELPLINE)
    exhibit_url = _exhibit(client, log_in(client, settings, "gwent.investigator"))
    form = {"handed_to": "someone.else", "location": "Elsewhere"}
    for username, status in (("nw.investigator", 404), ("helpline", 403)):
        client.cookies.clear()
        csrf = log_in(client, settings, username)
        refused = client.post(
            f"{exhibit_url}/custody", headers=HX | {"X-CSRF-Token": csrf}, data=form
        )
        assert refused.status_code == status
        assert "hx-swap-oob" not in refused.text
    denied = [a for a in audit_actions(engine) if a[3] == "denied"]
    assert len(denied) == 2
    assert not [a for a in audit_actions(engine) if a[0] == "custody.create"]
