"""The carved formats: what each looks like at its start and how its true length is measured.

Adding a format is one module that defines `FORMATS` (a tuple of `CarvedFormat`) plus its name in
`FORMAT_MODULES`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from netsafe.triage.carving.candidate import CandidateBytes

MIB = 1024 * 1024

#: The modules that define carved formats, in the order their candidates are tried at one offset.
FORMAT_MODULES: tuple[str, ...] = ("jpeg", "png", "gif", "bmp", "riff", "isobmff")


@dataclass(frozen=True, slots=True)
class Measured:
    """A candidate's structure walked to its end: its length, and the extension and media type
    of what it turned out to be (an ISO-BMFF file is a HEIC picture or an MP4/MOV/3GP video)."""

    length: int
    extension: str
    media_type: str
    picture: bool  # decoded before it is accepted


@dataclass(frozen=True, slots=True)
class CarvedFormat:
    """One carved format.

    `signatures` are searched for in the scanned space; a candidate starts `signature_offset`
    bytes before a hit (ISO-BMFF's `ftyp` sits 4 bytes in). `measure` walks the candidate's
    structure (never reading more than `max_size` bytes) and gives its length, or None when
    the bytes are not one whole file of this format.
    """

    name: str
    signatures: tuple[bytes, ...]
    signature_offset: int
    max_size: int
    measure: Callable[[CandidateBytes], Measured | None]


@cache
def registered_formats() -> tuple[CarvedFormat, ...]:
    """Every registered format, in `FORMAT_MODULES` order."""
    found: list[CarvedFormat] = []
    for name in FORMAT_MODULES:
        module = importlib.import_module(f"netsafe.triage.carving.{name}")
        found.extend(module.FORMATS)
    return tuple(found)
