"""From fingerprints to records: the files a scanner read in one batch are matched together (one
call for files, one for embedded thumbnails at their own distance and quality floor) and each
becomes a `FileRecord`; a matched file read with fewer than the three hashes is read again to
complete them, since the findings and the case export carry all three.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO

from netsafe.signals.crypto import CRYPTO_SIGNALS, digest_stream
from netsafe.signals.fingerprint import FileFingerprint
from netsafe.triage.error_kinds import unreadable_reason
from netsafe.triage.items import (
    FRAME_FLAG,
    FileItem,
    FileRecord,
    ItemError,
    ItemResult,
    Severity,
)
from netsafe.triage.limits import ExpansionBudget
from netsafe.triage.matcher import Matcher, MatchOutcomeLike, match_records
from netsafe.triage.sources.image_access import ImageError
from netsafe.triage.thumbnails import THUMBNAIL_FLAG


@dataclass
class ItemContext:
    """Where an item (or archive member) sits: its source, path, deleted flag and nesting."""

    item: FileItem
    path: str
    depth: int
    budget: ExpansionBudget
    deleted: bool = False
    flags: frozenset[str] = frozenset()  # "thumbnail", "carved", ... of the embedded item

    def error(self, kind: str, reason: str, severity: Severity = Severity.ERROR) -> ItemError:
        return ItemError(self.item.source, self.path, kind, reason, severity)


@dataclass(frozen=True, slots=True)
class Fingerprinted:
    """A file read to its end, waiting for the batch's matching to become a `FileRecord`."""

    result: ItemResult
    context: ItemContext
    fp: FileFingerprint


@dataclass(frozen=True, slots=True)
class ThumbnailThresholds:
    """The PDQ distance and quality floor embedded thumbnails are matched with."""

    max_distance: int
    quality_floor: int


def record_batch(
    done: list[Fingerprinted],
    matcher: Matcher | None,
    thumbnails: ThumbnailThresholds,
    reopen: Callable[[FileItem], BinaryIO],
) -> None:
    """Match every file of the batch and append its record to its result, in read order.
    `reopen` opens an item again (to complete a matched file's hashes)."""
    outcomes = _outcomes(done, matcher, thumbnails)
    for read, outcome in zip(done, outcomes, strict=True):
        fp, item = read.fp, read.context.item
        if outcome is not None and outcome.matches and not outcome.ignored:
            fp = _completed(read, reopen)
        matches = () if outcome is None or outcome.ignored else match_records(outcome)
        if FRAME_FLAG in read.context.flags:
            # a page or frame (`triage.pages`) shares its file's hashes: it keeps its PDQ matches
            matches = tuple(m for m in matches if m.signal == "pdq")
        read.result.records.append(
            FileRecord(
                source=item.source,
                path=read.context.path,
                size=int(fp.size),
                md5=fp.md5,
                sha1=fp.sha1,
                sha256=fp.sha256,
                media_type=fp.media_type,
                pdq=fp.pdq,
                pdq_quality=fp.pdq_quality,
                deleted=item.deleted or read.context.deleted,
                ignored=bool(outcome is not None and outcome.ignored),
                matches=matches,
                pdq_not_tried="" if outcome is None else outcome.pdq_not_tried,
                carved=item.carved or "carved" in read.context.flags,
                signals=tuple(sorted(fp.signals.items())),
                flags=tuple(sorted(read.context.flags - {"carved"})),
            )
        )


def _outcomes(
    done: list[Fingerprinted], matcher: Matcher | None, thumbnails: ThumbnailThresholds
) -> list[MatchOutcomeLike | None]:
    """The match of each file, in order: files in one call, embedded thumbnails in another
    at the thumbnail distance and quality floor (`triage.thumbnails`)."""
    outcomes: list[MatchOutcomeLike | None] = [None] * len(done)
    if matcher is None or not done:
        return outcomes
    thumbs = [i for i, d in enumerate(done) if THUMBNAIL_FLAG in d.context.flags]
    files = [i for i, d in enumerate(done) if THUMBNAIL_FLAG not in d.context.flags]
    if files:
        found = matcher.match_many([done[i].fp for i in files])
        for i, outcome in zip(files, found, strict=True):
            outcomes[i] = outcome
    if thumbs:
        found = matcher.match_many(
            [done[i].fp for i in thumbs],
            max_distance=thumbnails.max_distance,
            quality_floor=thumbnails.quality_floor,
        )
        for i, outcome in zip(thumbs, found, strict=True):
            outcomes[i] = outcome
    return outcomes


def _completed(read: Fingerprinted, reopen: Callable[[FileItem], BinaryIO]) -> FileFingerprint:
    """A matched file's fingerprint with all three hashes. A file read with fewer hashes
    (`ScanConfig.hashes`) is read again; if it cannot be, or its bytes changed, the match
    stands on the hashes it has and an error says why the others are missing."""
    fp, context = read.fp, read.context
    if fp.md5 and fp.sha1 and fp.sha256:
        return fp
    try:
        with reopen(context.item) as stream:
            again = digest_stream(stream)
    except (OSError, ImageError) as error:
        read.result.errors.append(
            context.error("unreadable", f"matched, but {unreadable_reason(error)}")
        )
        return fp
    changed = again.size != fp.size or any(
        getattr(fp, name) and getattr(fp, name) != getattr(again, name) for name in CRYPTO_SIGNALS
    )
    if changed:
        read.result.errors.append(
            context.error(
                "changed-while-read",
                "the file's bytes changed between the read that matched it and the read "
                "that completed its hashes; the match stands on the first read",
            )
        )
        return fp
    return dataclasses.replace(fp, md5=again.md5, sha1=again.sha1, sha256=again.sha256)
