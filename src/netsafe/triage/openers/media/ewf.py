"""Expert Witness Format (EnCase E01/Ex01, and their split sets E01, E02, ... EAA ...): E01 sets
read by `ewf_chunks` (several times faster than libewf's binding), anything else by libewf.

Every segment is found beside the first; a gap in the numbering, or a set libewf finds
incomplete, is an `OpenError` naming the missing segment.
"""

from __future__ import annotations

import re
from pathlib import Path

from netsafe.triage.openers.byte_sources import LibyalBytes, SourceFile
from netsafe.triage.openers.interfaces import ByteSource, OpenedMedium, OpenError, Probe
from netsafe.triage.openers.media.ewf_chunks import open_chunks

EWF_MAGIC = b"EVF\x09\x0d\x0a\xff\x00"
EWF2_MAGIC = b"EVF2\x0d\x0a\x81\x00"
_SEGMENT = re.compile(
    r"^(?P<prefix>[Ee]x?)(?P<number>[0-9]{2,})$|^(?P<letters>[E-Ze-z][A-Za-z]{2})$"
)


class EwfFormat:
    """E01 / Ex01 images and their segment sets."""

    kind = "e01"
    suffixes = (".e01", ".ex01", ".s01")

    def recognise(self, probe: Probe) -> bool:
        return probe.head.startswith((EWF_MAGIC, EWF2_MAGIC))

    def open(self, probe: Probe, data: ByteSource | None) -> OpenedMedium:
        import pyewf

        handle = pyewf.handle()
        owned: tuple[SourceFile, ...] = ()
        segments: tuple[str, ...] = ()
        try:
            if data is not None or probe.path is None:
                assert data is not None
                owned = (SourceFile(data),)
                handle.open_file_objects(list(owned))
                segments = (probe.name,)
            else:
                found = [str(p) for p in pyewf.glob(str(probe.path))]
                missing = missing_segments(probe.path)
                if missing:
                    raise OpenError("missing-segment", f"EWF segment missing: {', '.join(missing)}")
                after = _missing_after(Path(found[-1]), probe.path)
                if after is not None:
                    raise OpenError("missing-segment", f"EWF segment missing: {after}")
                segments = tuple(found)
                if probe.head.startswith(EWF_MAGIC):
                    chunks = open_chunks(found)
                    if chunks is not None:  # the fast reader (`ewf_chunks`)
                        return OpenedMedium("e01", chunks, segments, chunks.stored_md5)
                handle.open(found)
        except (OSError, RuntimeError, TypeError) as error:
            raise _open_error(probe, error) from error
        size = int(handle.get_media_size())
        stored = handle.get_hash_value("MD5")
        medium = OpenedMedium(
            "e01", LibyalBytes(handle, size, owned), segments, str(stored).lower() or None
        )
        if not stored:
            medium.stored_md5 = None
        return medium


def segment_number(suffix: str) -> int | None:
    """The segment number of an EWF file-name ending ("E01" -> 1, "EAA" -> 100), else None."""
    match = _SEGMENT.match(suffix)
    if match is None:
        return None
    if match["number"]:
        return int(match["number"])
    letters = match["letters"].upper()
    return (
        100
        + (ord(letters[0]) - ord("E")) * 676
        + (ord(letters[1]) - 65) * 26
        + ord(letters[2])
        - 65
    )


def first_segment(path: Path) -> Path | None:
    """The first segment (`x.E01`, `x.e01`, `x.Ex01`) of the EWF set `path` is a later segment
    of, when it lies beside it; else None. Letter endings (`x.EAA`) count only when `x.E99`
    is there too, so that `x.img` beside `x.E01` is never taken for a segment."""
    number = segment_number(path.suffix[1:])
    if number is None or number < 2:
        return None
    if number >= 100 and not any(
        path.with_suffix(f".{ending}").is_file() for ending in ("E99", "e99", "Ex99", "ex99")
    ):
        return None
    for ending in ("E01", "e01", "Ex01", "ex01"):
        first = path.with_suffix(f".{ending}")
        if first.is_file():
            return first
    return None


def missing_segments(first: Path) -> list[str]:
    """Names of the segments of `first`'s set that are absent while a later one exists.
    (Letter endings count only past E99, so `x.img` or `x.txt` beside `x.E01` are not
    taken for segments.)"""
    numbered: set[int] = set()
    for sibling in first.parent.glob(f"{first.stem}.*"):
        number = segment_number(sibling.suffix[1:])
        if number is not None:
            numbered.add(number)
    run = 0
    while run + 1 in numbered:
        run += 1
    later = [n for n in numbered if n > run and (n < 100 or run >= 99)]
    template = first.suffix[1:]
    return [
        f"{first.stem}.{_segment_suffix(template, n)}"
        for n in range(run + 1, max(later, default=0))
        if n not in numbered
    ]


def _missing_after(last: Path, first: Path) -> str | None:
    """The name of the segment that should follow `last` when `last` says more follow."""
    from netsafe.triage.openers.media.ewf_check import last_section_type

    if last_section_type(last) != "next":
        return None
    number = segment_number(last.suffix[1:])
    if number is None:
        return f"the segment after {last.name}"
    return f"{first.stem}.{_segment_suffix(first.suffix[1:], number + 1)}"


def _segment_suffix(template: str, number: int) -> str:
    """The ending of segment `number` in the style of `template` ("E01", "Ex01", "e01")."""
    lower = template[:1].islower()
    if template[:2].lower() == "ex":
        return f"{template[:2]}{number:02d}"
    if number < 100:
        text = f"E{number:02d}"
    else:
        k = number - 100
        text = chr(ord("E") + k // 676) + chr(65 + (k // 26) % 26) + chr(65 + k % 26)
    return text.lower() if lower else text


def _open_error(probe: Probe, error: BaseException) -> OpenError:
    text = str(error)
    if "segment" in text.lower() and ("missing" in text.lower() or "last" in text.lower()):
        return OpenError("missing-segment", f"EWF segment set incomplete: {text}")
    return OpenError("corrupt-image", f"cannot open the EWF image {probe.name}: {text}")


OPENERS = (EwfFormat(),)
