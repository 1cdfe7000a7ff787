"""HTML fragments that page tables repeat in every row, as Jinja filters written in Python.

`{{ t|when }}` (a time), `{{ value|band }}` (a risk band), `{{ referral|deadline(now) }}` and
`{{ referrals|referral_rows(now) }}` (the rows of a referral table).
A Jinja macro call costs tens of microseconds (a fresh context per call); a 50-row queue page
made some 250 of them, most of the page's rendering time. The macros of the same names in
`templates/operation/_macros.html` call these, so every page gets the same markup. The rows of
a referral table are written here too: in the template, each row's eight escaped expressions and
its filters still took half of the queue page's rendering, ~1 ms for 50 rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Protocol

from jinja2 import Environment
from jinja2.filters import do_title
from markupsafe import Markup, escape

from netsafe.sizes import human_size

NO_TIME = Markup("—")


class _Deadlined(Protocol):
    """What `deadline` reads of a referral."""

    @property
    def deadline_at(self) -> datetime: ...

    @property
    def status(self) -> object: ...

    def breached(self, now: datetime) -> bool: ...


class _Listed(_Deadlined, Protocol):
    """What `referral_rows` reads of a referral."""

    @property
    def id(self) -> int: ...

    @property
    def reference(self) -> str: ...

    @property
    def restricted_to(self) -> tuple[str, ...]: ...

    @property
    def force(self) -> str: ...

    @property
    def source(self) -> object: ...

    @property
    def received_at(self) -> datetime: ...

    @property
    def risk_band(self) -> str | None: ...

    @property
    def responded_at(self) -> datetime | None: ...


def when(t: datetime | None) -> Markup:
    """`<time datetime="…">YYYY-MM-DD HH:MM</time>`, or a dash without a time."""
    if not t:
        return NO_TIME
    iso = t.isoformat()
    # `YYYY-MM-DD HH:MM` is a slice of the ISO form (strftime cost as much as the rest of the
    # cell); years before 1000 are padded differently by strftime, so they take that path.
    shown = f"{iso[:10]} {iso[11:16]}" if t.year >= 1000 else t.strftime("%Y-%m-%d %H:%M")
    # ISO 8601 and the date format are digits and `-:+.T` only: nothing to escape.
    return Markup(f'<time datetime="{iso}">{shown}</time>')  # noqa: S704


def band(value: str | None) -> Markup:
    """A risk band's label in a `band band-<value>` span; "Unassessed" without one."""
    if not value:
        return Markup('<span class="band">Unassessed</span>')
    label = escape(do_title(value.replace("-", " ")))
    return Markup(f'<span class="band band-{escape(value)}">{label}</span>')  # noqa: S704


def deadline(referral: _Deadlined, now: datetime) -> Markup:
    """The deadline, marked "Breached" for an open referral past it."""
    status = getattr(referral.status, "value", referral.status)
    if status != "closed" and referral.breached(now):
        return Markup('<strong class="breach">Breached</strong> ') + when(referral.deadline_at)
    return when(referral.deadline_at)


NO_REFERRALS = Markup('<tr><td colspan="7">No referrals.</td></tr>')


def referral_rows(referrals: Iterable[_Listed], now: datetime) -> Markup:
    """The `<tr>` rows of a referral table (reference, force, source, received, risk band,
    deadline, status), a breached open one marked `row-breach`; one "No referrals." row if
    there are none."""
    rows = []
    for r in referrals:
        breach = ' class="row-breach"' if r.breached(now) and not r.responded_at else ""
        restricted = " <small>(restricted)</small>" if r.restricted_to else ""
        source = getattr(r.source, "value", r.source)
        status = getattr(r.status, "value", r.status)
        rows.append(
            f'<tr{breach}>\n    <td><a href="/operation/referrals/{escape(r.id)}">'
            f"{escape(r.reference)}</a>{restricted}</td>\n"
            f"    <td>{escape(r.force)}</td><td>{escape(source)}</td>"
            f"<td>{when(r.received_at)}</td>\n"
            f"    <td>{band(r.risk_band)}</td><td>{deadline(r, now)}</td>"
            f"<td>{escape(status)}</td>\n  </tr>"
        )
    # Every value above is escaped, or markup made by the filters of this module.
    return Markup("\n  ".join(rows)) if rows else NO_REFERRALS  # noqa: S704


def install_template_filters(env: Environment) -> None:
    """Make `when`, `band`, `deadline`, `referral_rows` and `filesize` available to every
    template of `env`."""
    env.filters["when"] = when
    env.filters["filesize"] = human_size
    env.filters["band"] = band
    env.filters["deadline"] = deadline
    env.filters["referral_rows"] = referral_rows
