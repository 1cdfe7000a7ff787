"""The pages of a multi-page picture and the frames of an animated one, after the first, as
child items of their file (`scan.tif!/page-0003`, `anim.gif!/frame-0005`).

The fingerprinter hashes them with PDQ (`signals.page_pdq`: distinct ones only, capped); each
becomes a `Fingerprinted` of its own, matched with the batch against the picture PDQ lists like
any picture, so a finding names the page or frame that matched. A page has no bytes of its own:
its record carries the file's size and MD5/SHA-1/SHA-256 (the content an examiner seizes and a
VICS export names) with the page's PDQ, and keeps only its PDQ matches (the file's own record
has the hash matches and the vPDQ). A page that could not be decoded is an error row naming it;
a cap that stopped the reading is a warning row on the file.
"""

from __future__ import annotations

import dataclasses

from netsafe.signals.fingerprint import FileFingerprint
from netsafe.triage.error_kinds import content_error_kind
from netsafe.triage.items import FRAME_FLAG, ItemResult, Severity
from netsafe.triage.recording import Fingerprinted, ItemContext

#: The errors.csv kind of the warning that pages were left unhashed (a cap).
PAGES_CAPPED = "frames-not-all-hashed"


def page_reads(
    fp: FileFingerprint, context: ItemContext, result: ItemResult
) -> list[Fingerprinted]:
    """The file's later pages or frames as items to match (errors and the cap in `result`)."""
    paged = fp.pages
    if paged is None:
        return []
    if paged.capped:
        result.errors.append(context.error(PAGES_CAPPED, paged.capped, Severity.WARNING))
    reads: list[Fingerprinted] = []
    for page in paged.pages:
        inner = dataclasses.replace(
            context,
            path=f"{context.path}!/{page.name}",
            depth=context.depth + 1,
            flags=context.flags | {FRAME_FLAG},
        )
        if page.error is not None or page.pdq is None:
            reason = page.error or f"{page.name}: not decoded"
            result.errors.append(inner.error(content_error_kind(reason), reason))
            continue
        frame = dataclasses.replace(
            fp,
            path=inner.path,
            pdq=page.pdq,
            pdq_quality=page.quality,
            dihedral=page.dihedral,
            error=None,
            signals={},
            pages=None,
        )
        reads.append(Fingerprinted(result, inner, frame))
    return reads
