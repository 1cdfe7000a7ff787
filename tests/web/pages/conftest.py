"""The demo site the page tests visit, seeded once for the package."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.web.pages.demo_site import DemoSite, demo_site


@pytest.fixture(scope="package")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoSite]:
    with demo_site(tmp_path_factory.mktemp("demo-site")) as served:
        yield served
