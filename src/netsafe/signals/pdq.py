"""PDQ: Meta's 256-bit perceptual hash, through the `pdqhash` binding of the reference C++.

A hash survives resizing, recompression and small edits; two images are "the same picture" when
their hashes differ in at most a few dozen bits (Meta suggests 31). Quality (0–100) says how much
detail the picture has: flat or tiny images hash unreliably, so matches below MIN_QUALITY are
reported but not matched by default.

numpy and pdqhash are imported when a hash is first computed: the registry imports every
signal's module, and a list reader or a CLI command that only parses values need neither.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from netsafe.signals.base import Content, SignalType

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

#: The distance at or under which two PDQ hashes are taken as the same picture by default.
DEFAULT_MAX_DISTANCE = 31
#: Hashes of lower quality are reported but not matched by default.
MIN_QUALITY = 50
#: The order of the dihedral hashes (Meta's order): the picture as the transform made it.
DIHEDRAL_NAMES: tuple[str, ...] = (
    "original",
    "rotate-90",
    "rotate-180",
    "rotate-270",
    "flip-x",
    "flip-y",
    "flip-plus-1",
    "flip-minus-1",
)


@dataclass(frozen=True)
class PdqHash:
    """A PDQ hash (64 lowercase hex characters) and its quality (0–100)."""

    hex: str
    quality: int


class PdqSignal(SignalType):
    """PDQ of a decoded image; compared by Hamming distance."""

    name: ClassVar[str] = "pdq"
    hex_length: ClassVar[int] = 64
    content: ClassVar[Content] = Content.IMAGE
    column: ClassVar[bool] = True
    aliases: ClassVar[tuple[str, ...]] = ("pdqhash",)
    max_distance: ClassVar[int] = DEFAULT_MAX_DISTANCE

    @staticmethod
    def compute(rgb: npt.NDArray[np.uint8]) -> PdqHash:
        """PDQ of an RGB (height × width × 3) or luminance (height × width) uint8 array."""
        import pdqhash

        bits, quality = pdqhash.compute(_contiguous(rgb))
        return PdqHash(bits_to_hex(bits), int(quality))

    @staticmethod
    def compute_dihedral(rgb: npt.NDArray[np.uint8]) -> tuple[tuple[str, ...], int]:
        """The 8 hashes of the picture rotated and flipped (DIHEDRAL_NAMES order), and quality."""
        import pdqhash

        hashes, quality = pdqhash.compute_dihedral(_contiguous(rgb))
        return tuple(bits_to_hex(bits) for bits in hashes), int(quality)

    @classmethod
    def compute_image(cls, luma: npt.NDArray[np.uint8]) -> str | None:
        """The hex PDQ of a decoded picture (fingerprints keep its quality too: `compute`)."""
        return cls.compute(luma).hex

    @classmethod
    def distance(cls, left: str, right: str) -> int:
        """The Hamming distance in bits between two hashes."""
        return (int(cls.normalize(left), 16) ^ int(cls.normalize(right), 16)).bit_count()


def bits_to_hex(bits: npt.NDArray[np.integer]) -> str:
    """256 bits (most significant first, as pdqhash returns them) to 64 hex characters."""
    import numpy as np

    return np.packbits(np.asarray(bits, dtype=np.uint8)).tobytes().hex()


def _contiguous(rgb: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint8]:
    import numpy as np

    if rgb.ndim == 2:
        rgb = np.repeat(rgb[:, :, None], 3, axis=2)
    return np.ascontiguousarray(rgb, dtype=np.uint8)
