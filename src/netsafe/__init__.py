"""NetSafe: detection, device triage, the operation platform, prevention and statistics."""

from __future__ import annotations

__all__ = ["__version__"]


def __getattr__(name: str) -> str:
    """`netsafe.__version__`, read from the installed package's metadata when first asked
    (importing `importlib.metadata` costs more than the CLI's own start-up)."""
    if name != "__version__":
        raise AttributeError(f"module 'netsafe' has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        found = version("netsafe")
    except PackageNotFoundError:  # pragma: no cover - a source tree without install
        found = "0.0.0+unknown"
    globals()["__version__"] = found
    return found
