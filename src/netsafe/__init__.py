"""NetSafe: detection, device triage, the operation platform, prevention and statistics."""

from __future__ import annotations

__all__ = ["__version__"]

#: The one place the version is written: pyproject.toml reads it from here (setuptools' `attr:`,
#: without importing the package), and `netsafe --version` prints it without `importlib.metadata`
#: (whose import cost more than the rest of `--version`).
__version__ = "0.1.0"
