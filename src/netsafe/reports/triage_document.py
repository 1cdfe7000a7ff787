"""A triage's report for the case file: report.html (Jinja2) and report.pdf (WeasyPrint).

Counts by category come first, then the findings; paths and hashes only, never image content.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape

from netsafe.sizes import human_size
from netsafe.timestamps import to_the_second
from netsafe.triage.result import TriageResult

#: The PDF lists at most this many findings (findings.csv has them all).
PDF_FINDINGS_LIMIT = 2000


def _environment() -> Environment:
    environment = Environment(
        loader=PackageLoader("netsafe.reports", "templates"),
        autoescape=select_autoescape(["html"]),
    )
    environment.filters["filesize"] = human_size
    return environment


def render_html(result: TriageResult, *, findings_limit: int | None = None) -> str:
    """The report as one self-contained HTML page."""
    findings = result.findings()
    shown = findings if findings_limit is None else findings[:findings_limit]
    kinds = Counter((e.severity.value, e.kind) for e in result.errors)
    return (
        _environment()
        .get_template("triage_report.html")
        .render(
            s=result.summary(),
            started=to_the_second(result.started_at),
            finished=to_the_second(result.finished_at),
            findings=shown,
            truncated=len(shown) < len(findings),
            error_kinds=sorted(kinds.items()),
        )
    )


def write_html(result: TriageResult, out: Path) -> Path:
    path = out / "report.html"
    path.write_text(render_html(result), encoding="utf-8")
    return path


def write_pdf(result: TriageResult, out: Path) -> Path:
    """report.pdf, for the case file (the findings table capped at PDF_FINDINGS_LIMIT rows)."""
    from PIL import ImageFile

    truncated_images = ImageFile.LOAD_TRUNCATED_IMAGES
    from weasyprint import HTML

    # WeasyPrint turns on Pillow's process-wide LOAD_TRUNCATED_IMAGES when imported; put it back,
    # or truncated images hashed later in this process would no longer be reported as corrupt.
    ImageFile.LOAD_TRUNCATED_IMAGES = truncated_images
    path = out / "report.pdf"
    html = render_html(result, findings_limit=PDF_FINDINGS_LIMIT)
    HTML(string=html, base_url=str(out)).write_pdf(str(path))
    return path
