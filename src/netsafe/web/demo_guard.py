"""Demo data under production: refused, unless the operator says so (then a banner on every page).

`netsafe demo` seeds synthetic referrals, warrants and contacts; served with NETSAFE_ENV=production
they would mix into real statistics. A production server therefore refuses to start on a
database holding demo data (`demo_data_found`), unless NETSAFE_ALLOW_DEMO_DATA=1 (what
`netsafe serve --allow-demo-data` sets): then every page carries `DEMO_BANNER`.
"""

from __future__ import annotations

from sqlalchemy import Engine

from netsafe.settings import Settings
from netsafe.store.engine import make_session_factory, unit_of_work
from netsafe.store.repositories.demo_presence import demo_data_found

DEMO_BANNER = (
    "This production server holds synthetic DEMO data (started with --allow-demo-data): "
    "its records and figures are not real."
)


class DemoDataRefusedError(RuntimeError):
    """A production server would serve a database holding demo data."""


def demo_banner(settings: Settings, engine: Engine) -> str | None:
    """The banner to show on every page, or None; `DemoDataRefusedError` when refused."""
    if settings.env != "production":
        return None
    with unit_of_work(make_session_factory(engine)) as session:
        found = demo_data_found(session)
    if not found:
        return None
    if not settings.allow_demo_data:
        raise DemoDataRefusedError(
            f"this database holds demo data ({'; '.join(found)}) and NETSAFE_ENV=production: "
            "refusing to serve it. Use a database without demo data, or start with "
            "`netsafe serve --allow-demo-data` (NETSAFE_ALLOW_DEMO_DATA=1) to serve it anyway, "
            "with a banner on every page"
        )
    return DEMO_BANNER
