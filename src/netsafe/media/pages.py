"""The pages of a multi-page picture (TIFF) and the frames of an animated one (GIF, WebP, APNG),
after the first, decoded one at a time for PDQ (an MPO's later pictures are carved from its
bytes instead: `decoding._more_pages`).

Which pictures have pages is read from the content (Pillow's `n_frames`, `decoding.
decode_luma_paged`), never from the name. Each page is decoded as the first is (`decoding.
decode_page`: the same pixel limit, downscaling and orientation). The work is bounded: a page
whose downscaled luminance is the same as an earlier one's is not hashed again (an animation
repeats frames), at most `PageLimits.max_hashed` distinct pages are hashed, at most
`max_decoded` decoded and `max_total_pixels` pixels decoded in all; when a cap stops the
reading, `PagedLumas.capped` says where, and triage reports it as a warning. A page that
cannot be decoded is a `Page` with an error naming it; reading goes on to the next page unless
Pillow cannot even move to it (a broken page chain).
"""

from __future__ import annotations

import hashlib
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PIL import Image, ImageFile

from netsafe.media.decoding import (
    DecodeLimits,
    MediaError,
    decode_page,
    describe_error,
    open_header,
)

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

#: Formats whose parts are pages (a scanned document); the others' are frames (an animation).
PAGED_FORMATS = frozenset({"TIFF"})


@dataclass(frozen=True)
class PageLimits:
    """How many pages or frames of one picture are read beyond the first."""

    max_hashed: int = 100
    max_decoded: int = 1000
    #: Pixels of all the later pages together (header sizes), so that many large pages cannot
    #: cost what many pictures would (each page also keeps `DecodeLimits.max_pixels`).
    max_total_pixels: int = 1_000_000_000


DEFAULT_PAGE_LIMITS = PageLimits()


@dataclass(frozen=True)
class Page:
    """A page or frame after the first: its number (the first is 1) and its luminance, or why
    it could not be decoded."""

    number: int
    luma: npt.NDArray[np.uint8] | None
    error: str | None = None


@dataclass
class PagedLumas:
    """The later pages of one picture as they are read, and what stopped the reading early."""

    unit: str  # "page" (TIFF) or "frame"
    pages: list[Page]
    #: Why pages were left unread ("" when every page was read): a cap, or a broken chain.
    capped: str = ""


def later_pages(
    data: bytes,
    first: npt.NDArray[np.uint8],
    limits: DecodeLimits,
    page_limits: PageLimits = DEFAULT_PAGE_LIMITS,
) -> PagedLumas:
    """Every distinct page or frame of the picture in `data` after the first (whose decoded
    luminance is `first`), within the limits. Never raises for bad content."""
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            image = open_header(data)
        except Exception as error:  # the first page decoded, so this is unexpected
            return PagedLumas("page", [Page(2, None, describe_error(error))])
        unit = "page" if image.format in PAGED_FORMATS else "frame"
        found = PagedLumas(unit, [])
        seen = {_digest(first)}
        hashed = 0
        for number, page in _pages(image, limits, page_limits, found):
            if page is not None and page.luma is not None:
                digest = _digest(page.luma)
                if digest in seen:
                    continue  # the same picture as an earlier page: hashed once
                seen.add(digest)
                if hashed == page_limits.max_hashed:
                    found.capped = _cap_reason(unit, number, hashed, "distinct")
                    break
                hashed += 1
            if page is not None:
                found.pages.append(page)
        return found


def _pages(
    image: Image.Image, limits: DecodeLimits, page_limits: PageLimits, found: PagedLumas
) -> Iterator[tuple[int, Page | None]]:
    """(number, page) for every page after the first, until the last, a cap or a chain that
    breaks (`found.capped` says which)."""
    number = 1
    pixels = 0
    while True:
        number += 1
        if number - 1 > page_limits.max_decoded:
            found.capped = _cap_reason(found.unit, number, page_limits.max_decoded, "decoded")
            return
        try:
            image.seek(number - 1)
        except EOFError:
            return  # the last page was read
        except Exception as error:
            reason = f"cannot reach {found.unit} {number}: {describe_error(error)}"
            yield number, Page(number, None, f"{reason}; it and any after it not read")
            return
        pixels += image.size[0] * image.size[1]
        if pixels > page_limits.max_total_pixels:
            total = page_limits.max_total_pixels
            found.capped = _cap_reason(found.unit, number, total, "pixels of decoded")
            return
        try:
            luma = decode_page(image, limits, luma=True)
        except MemoryError:
            yield number, Page(number, None, "refused: not enough memory to decode")
            continue
        except MediaError as error:
            yield number, Page(number, None, str(error))
            continue
        except Exception as error:
            yield number, Page(number, None, describe_error(error))
            continue
        yield number, Page(number, luma)


def _cap_reason(unit: str, number: int, count: int, what: str) -> str:
    return (
        f"{unit}s from {unit} {number} on not hashed with PDQ: the cap of {count:,} {what} "
        f"{unit}s a file was reached"
    )


def _digest(luma: npt.NDArray[np.uint8]) -> bytes:
    return hashlib.blake2b(luma.tobytes(), digest_size=16).digest() + repr(luma.shape).encode()
