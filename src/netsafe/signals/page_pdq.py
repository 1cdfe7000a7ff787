"""PDQ of the pages of a multi-page picture and the frames of an animated one, after the first
(`media.pages` decodes them, bounded and distinct only): each is matched against picture PDQ
lists as a picture of its own (triage makes it a child item, `scan.tif!/page-0003`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from netsafe.media.decoding import DecodeLimits
from netsafe.media.pages import PageLimits, later_pages
from netsafe.signals.pdq import PdqSignal

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt


@dataclass(frozen=True)
class PagePdq:
    """A page or frame after the first: its name (`page-0003`, `frame-0005`, numbered from 1),
    its PDQ and quality, or why it could not be decoded."""

    name: str
    pdq: str | None
    quality: int | None
    error: str | None = None
    dihedral: tuple[str, ...] = ()


@dataclass(frozen=True)
class PagedPdq:
    """Every later page's PDQ, and why pages were left unread ("" when none was)."""

    pages: tuple[PagePdq, ...]
    capped: str = ""


def page_pdqs(
    data: bytes,
    first: npt.NDArray[np.uint8],
    limits: DecodeLimits,
    *,
    dihedral: bool = False,
    page_limits: PageLimits | None = None,
) -> PagedPdq:
    """The PDQ of every distinct page or frame of `data` after the first (decoded: `first`)."""
    read = later_pages(data, first, limits, page_limits or PageLimits())
    pages: list[PagePdq] = []
    for page in read.pages:
        name = f"{read.unit}-{page.number:04d}"
        if page.luma is None:
            pages.append(PagePdq(name, None, None, f"{read.unit} {page.number}: {page.error}"))
        elif dihedral:
            hashes, quality = PdqSignal.compute_dihedral(page.luma)
            pages.append(PagePdq(name, hashes[0], quality, dihedral=hashes))
        else:
            result = PdqSignal.compute(page.luma)
            pages.append(PagePdq(name, result.hex, result.quality))
    return PagedPdq(tuple(pages), read.capped)
