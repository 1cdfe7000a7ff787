"""What every signal type is: a name, the content it applies to, and how it is computed, parsed,
validated, serialised, compared and indexed.

One small class per signal (md5.py, sha1.py, sha256.py, pdq.py), as python-threatexchange's
`SignalType` does, and one registry of them (registry.py) that fingerprints, list entries, list
formats, the matcher, the index, triage, reports, the lookup API and the CLI loop over. A signal's
value travels as text: its canonical serialisation (lower-case hex for the hashes).

How a signal is computed depends on its content:
- `Content.BYTES`: every byte of a file, fed as it is read (`new()` gives a hasher with
  `update(data)`; `finish(hasher)` gives the value);
- `Content.IMAGE`: a decoded picture (`compute_image(luma)`);
- `Content.VIDEO`: a video, as its bytes or a stream that can seek (`compute_video(data,
  limits)`); an image's bytes too, for animations.
"""

from __future__ import annotations

import enum
import re
from typing import TYPE_CHECKING, Any, BinaryIO, ClassVar, Protocol

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from netsafe.matching.signal_index import SignalIndex


class Content(enum.StrEnum):
    """What a signal is computed from."""

    BYTES = "bytes"  # every byte of any file
    IMAGE = "image"  # a decoded still picture
    VIDEO = "video"  # a decoded video


class ByteHasher(Protocol):
    """What `SignalType.new()` returns for a bytes signal (hashlib objects are ones)."""

    def update(self, data: bytes | memoryview, /) -> None: ...

    def hexdigest(self) -> str: ...


class SignalType:
    """A kind of fingerprint. Subclasses set `name`, `content` and, for a hex value,
    `hex_length`; other values override `normalize`."""

    name: ClassVar[str]
    #: What the signal is computed from.
    content: ClassVar[Content] = Content.BYTES
    #: Length in hex digits of a hex value (0: not a fixed-length hex value).
    hex_length: ClassVar[int] = 0
    #: True for the four signals with their own column in the list store and in triage's
    #: records (md5, sha1, sha256, pdq: the lean triage path and the 10M import need them
    #: there); every other signal's values live in the side table (entry, signal, value).
    column: ClassVar[bool] = False
    #: Other spellings of the name in list files (CSV headers, `kind:` prefixes, VICS
    #: `HashName`), compared lower case without spaces, hyphens or underscores.
    aliases: ClassVar[tuple[str, ...]] = ()
    #: The `HashName` the VICS writer gives it in `AlternativeHashes` (default: name upper case).
    vics_name: ClassVar[str] = ""
    #: Distance at or under which two values match by default (0: exact signals).
    max_distance: ClassVar[int] = 0

    @classmethod
    def any_content(cls) -> bool:
        """True when every file has this signal (bytes signals)."""
        return cls.content is Content.BYTES

    @classmethod
    def normalize(cls, value: str) -> str:
        """The canonical form of `value` (lower-case hex); ValueError naming what is wrong."""
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
    def serialize(cls, value: str) -> str:
        """The value as list files and reports write it (its canonical text)."""
        return value

    @classmethod
    def raw_bytes(cls) -> int:
        """Size in bytes of a hex value stored raw (0 when the value is not fixed-length hex)."""
        return cls.hex_length // 2

    @classmethod
    def distance(cls, left: str, right: str) -> int:
        """0 when the two values are equal, else 1 (exact signals); PDQ returns Hamming bits."""
        return 0 if cls.normalize(left) == cls.normalize(right) else 1

    @classmethod
    def matches(cls, left: str, right: str, max_distance: int | None = None) -> bool:
        """True when the two values are within `max_distance` (default: the signal's own)."""
        limit = cls.max_distance if max_distance is None else max_distance
        return cls.distance(left, right) <= limit

    @classmethod
    def index_class(cls) -> type[SignalIndex]:
        """The index that holds list values of this signal for matching (default: exact)."""
        from netsafe.matching.signal_index import ExactValueIndex

        return ExactValueIndex

    @classmethod
    def heading(cls) -> str:
        """The name list writers and reports show (VICS `HashName`)."""
        return cls.vics_name or cls.name.upper()

    # Computing: a subclass implements the one that fits its `content`.

    @classmethod
    def new(cls) -> ByteHasher:
        """A fresh hasher for a bytes signal."""
        raise NotImplementedError(f"{cls.name} is not computed from bytes")

    @classmethod
    def finish(cls, hasher: Any) -> str:
        """The value of a bytes signal once every byte went through `hasher.update`."""
        value: str = hasher.hexdigest()
        return value

    @classmethod
    def compute_image(cls, luma: npt.NDArray[np.uint8]) -> str | None:
        """The value of an image signal for a decoded picture (None: no value for it)."""
        raise NotImplementedError(f"{cls.name} is not computed from pictures")

    @classmethod
    def compute_video(cls, data: bytes | BinaryIO, limits: Any) -> str | None:
        """The value of a video signal for a video's bytes or seekable stream, or an image's
        bytes (None: no value for it)."""
        raise NotImplementedError(f"{cls.name} is not computed from videos")


def label_key(label: str) -> str:
    """How a signal's name or alias is compared: lower case, no spaces, hyphens, underscores."""
    return "".join(ch for ch in label.strip().lower() if ch not in " _-")


_HEX = re.compile(r"[0-9a-f]+")
