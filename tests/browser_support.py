"""What the browser tests share: Debian's chromium, its launch flags, and the app served by uvicorn
on a free loopback port in a background thread (`serve_platform` for the whole app)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: `pytestmark` of every browser test module.
BROWSER_MARKS = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]


@contextmanager
def serve_platform(home: Path, database_url: str, secret_key: str) -> Iterator[str]:
    """The whole NetSafe app (test settings) over `database_url`, served until the block ends;
    yields its base URL."""
    from netsafe.settings import load_settings
    from netsafe.web.app import create_app

    settings = load_settings(
        env="test", home=home, database_url=database_url, secret_key=secret_key
    )
    with serve_in_thread(create_app(settings)) as base:
        yield base


def launch_chromium(playwright: Any) -> Any:
    """Debian's chromium, headless, through Playwright."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


def free_port() -> int:
    """A loopback port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def serve_in_thread(app: FastAPI, **config: object) -> Iterator[str]:
    """Serve `app` with uvicorn on a free port until the block ends; yields its base URL."""
    port = free_port()
    options: dict[str, object] = {"log_level": "warning", **config}
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, **options))  # type: ignore[arg-type]
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.1)
    else:
        server.should_exit = True
        pytest.fail("the app did not start")
    try:
        yield base
    finally:
        server.should_exit = True
        thread.join(timeout=10)
