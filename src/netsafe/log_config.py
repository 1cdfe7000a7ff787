"""Structured logging: one JSON object per line on stderr, level from NETSAFE_LOG_LEVEL."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any

_RESERVED = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}
#: A record carrying this attribute (true) is written with the date of its time alone: records
#: of requests that must not be placed in time (the public help pages; `web.prevention.access_log`).
DAY_ONLY = "_netsafe_day_only"


class JsonFormatter(logging.Formatter):
    """Formats a record as JSON: time, level, logger, message and any `extra=` fields."""

    def format(self, record: logging.LogRecord) -> str:
        moment = datetime.fromtimestamp(record.created, UTC)
        entry: dict[str, Any] = {
            "time": (
                moment.date().isoformat()
                if getattr(record, DAY_ONLY, False)
                else moment.isoformat(timespec="milliseconds")
            ),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _RESERVED and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def configure_logging(level: str = "INFO") -> None:
    """Send NetSafe's logs (and its libraries') to stderr as JSON lines at `level`."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in (
        "alembic",
        "distributed",
        "asyncio",
        "PIL",
        "fontTools",
        "matplotlib",
        "weasyprint",
    ):
        quiet = max(logging.WARNING, logging.getLevelNamesMapping()[level])
        logging.getLogger(noisy).setLevel(quiet)
