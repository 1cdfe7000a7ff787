"""MD5: the legacy exact hash still used by most list formats (VICS, CAID, NSRL)."""

from __future__ import annotations

import hashlib
from typing import ClassVar

from netsafe.signals.base import SignalType


class Md5Signal(SignalType):
    """MD5 of every byte of a file (see crypto.py for the one-pass reader)."""

    name: ClassVar[str] = "md5"
    hex_length: ClassVar[int] = 32
    column: ClassVar[bool] = True

    @classmethod
    def new(cls) -> hashlib._Hash:
        """A fresh hashlib object for this signal."""
        return hashlib.new("md5", usedforsecurity=False)
