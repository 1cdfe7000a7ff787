"""The interactive API reference at `/docs`: Swagger UI from the installed package, never a CDN.

FastAPI's own `/docs` and `/redoc` load Swagger UI and ReDoc from a CDN with an inline start-up
script: blank on an air-gapped police network, and a looser Content-Security-Policy. Here the
Swagger UI bundle and stylesheet come from the `fastapi-offline` wheel (Swagger UI 5, which
reads OpenAPI 3.1), served under `/docs/assets`, and the start-up is a static script, so `/docs`
keeps the app's one strict policy (`script-src 'self'`). Off in production unless
`NETSAFE_API_DOCS=1` (`Settings.api_docs_enabled`); `/openapi.json` is always served.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

DOCS_PATH = "/docs"
ASSETS_PATH = "/docs/assets"

PAGE = """<!doctype html>
<html lang="en-GB">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>NetSafe API — Swagger UI</title>
  <link rel="icon" href="data:,">
  <link rel="stylesheet" href="{assets}/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui" data-openapi-url="/openapi.json"></div>
  <script src="{assets}/swagger-ui-bundle.js"></script>
  <script src="/static/api-docs.js"></script>
</body>
</html>
"""


def swagger_ui_assets() -> Path:
    """The folder of Swagger UI's bundle and stylesheet inside the installed package."""
    return Path(str(files("fastapi_offline") / "static"))


def install_api_docs(app: FastAPI) -> None:
    """Serve Swagger UI at `/docs` with its assets from the package."""
    app.mount(ASSETS_PATH, StaticFiles(directory=swagger_ui_assets()), name="api-docs-assets")
    page = PAGE.format(assets=ASSETS_PATH)

    @app.get(DOCS_PATH, include_in_schema=False)
    def api_docs() -> HTMLResponse:
        return HTMLResponse(page)
