"""SHA-1: the exact hash used by NSRL and older VICS lists."""

from __future__ import annotations

import hashlib
from typing import ClassVar

from netsafe.signals.base import SignalType


class Sha1Signal(SignalType):
    """SHA-1 of every byte of a file (see crypto.py for the one-pass reader)."""

    name: ClassVar[str] = "sha1"
    hex_length: ClassVar[int] = 40
    column: ClassVar[bool] = True

    @classmethod
    def new(cls) -> hashlib._Hash:
        """A fresh hashlib object for this signal."""
        return hashlib.new("sha1", usedforsecurity=False)
