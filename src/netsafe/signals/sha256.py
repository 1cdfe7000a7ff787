"""SHA-256: the exact hash preferred for new lists."""

from __future__ import annotations

import hashlib
from typing import ClassVar

from netsafe.signals.base import SignalType


class Sha256Signal(SignalType):
    """SHA-256 of every byte of a file (see crypto.py for the one-pass reader)."""

    name: ClassVar[str] = "sha256"
    hex_length: ClassVar[int] = 64
    column: ClassVar[bool] = True

    @classmethod
    def new(cls) -> hashlib._Hash:
        """A fresh hashlib object for this signal."""
        return hashlib.new("sha256", usedforsecurity=False)
