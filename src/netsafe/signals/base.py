"""What every signal type is: a name, the content it applies to, validation and comparison.

One small class per signal (md5.py, sha1.py, sha256.py, pdq.py), as in python-threatexchange.
Cryptographic signals match exactly; PDQ matches by Hamming distance.
"""

from __future__ import annotations

import re
from typing import ClassVar


class SignalType:
    """A kind of fingerprint. Subclasses set `name` and `hex_length` and may override compare."""

    name: ClassVar[str]
    hex_length: ClassVar[int]
    #: True when any file can be hashed; False when only decodable images can.
    any_content: ClassVar[bool] = True

    @classmethod
    def normalize(cls, value: str) -> str:
        """The canonical (lowercase hex) form of `value`; ValueError when it is not valid."""
        text = value.strip().lower()
        if len(text) != cls.hex_length or not _HEX.fullmatch(text):
            raise ValueError(
                f"not a valid {cls.name} hash: expected {cls.hex_length} hex characters, "
                f"got {value[:80]!r}"
            )
        return text

    @classmethod
    def is_valid(cls, value: str) -> bool:
        try:
            cls.normalize(value)
        except ValueError:
            return False
        return True

    @classmethod
    def distance(cls, left: str, right: str) -> int:
        """0 when the two values are equal, else 1 (exact signals); PDQ returns Hamming bits."""
        return 0 if cls.normalize(left) == cls.normalize(right) else 1


_HEX = re.compile(r"[0-9a-f]+")
