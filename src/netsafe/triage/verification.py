"""Verifying a disk image: the whole media hashed and, for EWF, every chunk's checksum checked and
the stored MD5 compared (`openers.media.ewf_check`: ewfverify names failing sectors, which libewf
reads as zeros). A source with checksum errors or an MD5 mismatch is never "verified"."""

from __future__ import annotations

from pathlib import Path

from netsafe.triage.items import ItemError, SourceVerification
from netsafe.triage.openers.media.ewf_check import check_ewf
from netsafe.triage.sources.image_access import ImageError, OpenImage


def verify_image(source: str, path: str) -> SourceVerification:
    """Hash the whole media of a disk image; for EWF, check its chunks and stored MD5."""
    try:
        image = OpenImage(Path(path))
    except ImageError as error:
        return SourceVerification(source, "unknown", None, None, False, 0, str(error))
    try:
        size = image.disk.medium.data.size
        if image.format == "e01":
            return _verify_ewf(source, Path(image.segments[0]), image, size)
        computed, size = image.media_md5()
    except (OSError, RuntimeError) as error:
        return SourceVerification(
            source, image.format, None, None, False, 0, f"read error: {error}"
        )
    finally:
        image.close()
    detail = f"{image.format} image: no stored hash, MD5 of the media computed"
    return SourceVerification(source, image.format, None, computed, None, size, detail)


def _verify_ewf(source: str, first: Path, image: OpenImage, size: int) -> SourceVerification:
    check = check_ewf(first)
    if check.problem:  # no ewfverify: the stored MD5 against libewf's reading, chunks unchecked
        stored = image.stored_md5()
        computed, size = image.media_md5()
        matches = None if stored is None else stored == computed
        detail = (
            f"{_md5_detail(matches)}, but chunk checksums were not checked "
            f"({check.problem}): NOT verified"
        )
        # a failing chunk reads as zeros, which can hash like the original: only a mismatch
        # says something for sure
        verified = False if matches is False else None
        return SourceVerification(source, "e01", stored, computed, verified, size, detail)
    stored, computed = check.stored_md5, check.computed_md5 or ""
    verified = None if stored is None else stored == computed
    detail = _md5_detail(verified)
    if check.bad_sectors:
        ranges = ", ".join(f"{a}-{b}" for a, b in check.bad_sectors)
        count = sum(b - a + 1 for a, b in check.bad_sectors)
        detail = (
            f"CHECKSUM ERRORS in {count} sectors ({ranges}): read as zeros; NOT verified; {detail}"
        )
        verified = False
    return SourceVerification(
        source, "e01", stored, computed, verified, size, detail, check.bad_sectors
    )


def _md5_detail(verified: bool | None) -> str:
    if verified is None:
        return "no MD5 stored in the E01; MD5 computed"
    return "stored MD5 matches the media" if verified else "MD5 MISMATCH: media altered"


def verification_errors(verification: SourceVerification) -> list[ItemError]:
    """The errors.csv rows a verification adds: each failing sector range, a mismatch."""
    rows = [
        ItemError(
            verification.source,
            ".",
            "checksum-error",
            f"EWF chunk checksum error at sectors {first}-{last} ({last - first + 1} sectors): "
            "libewf reads them as zeros; files stored there may be wrong or missing",
        )
        for first, last in verification.bad_sectors
    ]
    if (
        verification.stored_md5
        and verification.computed_md5
        and (verification.stored_md5 != verification.computed_md5)
    ):
        rows.append(
            ItemError(
                verification.source,
                ".",
                "hash-mismatch",
                f"stored MD5 {verification.stored_md5} but the media hashes to "
                f"{verification.computed_md5}",
            )
        )
    return rows
