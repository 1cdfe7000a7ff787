"""Names that are not valid UTF-8 (a file on a Linux disk written in Latin-1, a zip member
named in a DOS code page): shown with their undecodable bytes as `\\xe9` escapes, so the reports,
the journal and the process pool (all UTF-8) carry them, while the file is still opened by its
real name (`Locator.os_path`)."""

from __future__ import annotations

import os


def shown_name(name: str | bytes) -> str:
    """`name` as reports show it: a str as Python's file-system calls give it (undecodable
    bytes as lone surrogates) or raw bytes, each undecodable byte written `\\xNN`."""
    raw = name if isinstance(name, bytes) else os.fsencode(name)
    return raw.decode("utf-8", "backslashreplace")


def is_shown_as_is(name: str) -> bool:
    """True when `name` is valid UTF-8 text (no lone surrogates), so needs no escaping."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
