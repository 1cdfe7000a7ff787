"""HTML fragments that page tables repeat in every row, as Jinja filters written in Python.

`{{ t|when }}` (a time), `{{ value|band }}` (a risk band) and `{{ referral|deadline(now) }}`.
A Jinja macro call costs tens of microseconds (a fresh context per call); a 50-row queue page
made some 250 of them, most of the page's rendering time. The macros of the same names in
`templates/operation/_macros.html` call these, so every page gets the same markup.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from jinja2 import Environment
from jinja2.filters import do_title
from markupsafe import Markup, escape

NO_TIME = Markup("—")


class _Deadlined(Protocol):
    """What `deadline` reads of a referral."""

    @property
    def deadline_at(self) -> datetime: ...

    @property
    def status(self) -> object: ...

    def breached(self, now: datetime) -> bool: ...


def when(t: datetime | None) -> Markup:
    """`<time datetime="…">YYYY-MM-DD HH:MM</time>`, or a dash without a time."""
    if not t:
        return NO_TIME
    # ISO 8601 and the date format are digits and `-:+.T` only: nothing to escape.
    return Markup(f'<time datetime="{t.isoformat()}">{t.strftime("%Y-%m-%d %H:%M")}</time>')  # noqa: S704


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


def install_template_filters(env: Environment) -> None:
    """Make `when`, `band` and `deadline` available to every template of `env`."""
    env.filters["when"] = when
    env.filters["band"] = band
    env.filters["deadline"] = deadline
