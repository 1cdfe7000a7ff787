"""Integrity of an EWF image beyond what libewf's Python binding says.

libewf reads a chunk whose checksum fails as zeros and its binding does not say which: `ewfverify`
(Debian's ewf-tools, the reference tool) checks every chunk and names the failing sectors, and it
computes the media MD5 in the same pass, so verification reads the image once.

A set whose last segment is missing opens without complaint in libewf; an EWF (v1) segment ends
with a `done` section when it is the last and a `next` section when more follow, which names the
missing one.
"""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
from dataclasses import dataclass
from pathlib import Path

SECTION_DESCRIPTOR = 76
FILE_HEADER = 13
_HASH_STORED = re.compile(r"MD5 hash stored in file:\s+([0-9a-fA-F]{32}|N/A)")
_HASH_COMPUTED = re.compile(r"MD5 hash calculated over data:\s+([0-9a-fA-F]{32})")
_BAD_SECTORS = re.compile(r"at sector\(s\): (\d+) - (\d+) \(number: (\d+)\)")


@dataclass(frozen=True, slots=True)
class EwfCheck:
    """What `ewfverify` found: the stored and computed MD5, and every failing sector range."""

    stored_md5: str | None
    computed_md5: str | None
    bad_sectors: tuple[tuple[int, int], ...] = ()  # (first, last) sector, inclusive
    problem: str = ""  # why the check could not run, if it could not


def ewfverify_available() -> bool:
    return shutil.which("ewfverify") is not None


def _is_ewf2(first_segment: Path) -> bool:
    """True when the segment starts with an EWF2 file header (`EVF2`/`LEF2`, libewf's EWF2
    format description)."""
    try:
        with first_segment.open("rb") as handle:
            return handle.read(8) in (b"EVF2\r\n\x81\x00", b"LEF2\r\n\x81\x00")
    except OSError:
        return False


def _tool_version(tool: str) -> str:
    """`ewfverify 20140813`, as the tool names itself, or `ewfverify`."""
    done = subprocess.run([tool, "-V"], capture_output=True, text=True, check=False)
    first = (done.stdout.strip().splitlines() or [""])[0].strip()
    return first if first.startswith("ewfverify") else "ewfverify"


def check_ewf(first_segment: Path) -> EwfCheck:
    """Run `ewfverify` over the set that `first_segment` starts."""
    tool = shutil.which("ewfverify")
    if tool is None:
        return EwfCheck(None, None, problem="ewfverify (ewf-tools) is not installed")
    done = subprocess.run(
        [tool, "-q", str(first_segment)], capture_output=True, text=True, check=False
    )
    text = done.stdout
    computed = _HASH_COMPUTED.search(text)
    if computed is None:
        reason = (done.stderr.strip().splitlines() or ["no output"])[0]
        if _is_ewf2(first_segment):  # Debian's ewf-tools 20140813 reads EWF1 only
            version = _tool_version(tool)
            return EwfCheck(
                None, None, problem=f"{version} could not read this Ex01 (EWF2) image: {reason}"
            )
        return EwfCheck(None, None, problem=f"ewfverify could not read the image: {reason}")
    stored = _HASH_STORED.search(text)
    stored_md5 = stored[1].lower() if stored is not None and stored[1] != "N/A" else None
    bad = tuple((int(m[1]), int(m[2])) for m in _BAD_SECTORS.finditer(text))
    return EwfCheck(stored_md5, computed[1].lower(), bad)


def last_section_type(segment: Path) -> str | None:
    """The type of the last section of an EWF (v1) segment file: `done` for the last segment
    of a set, `next` when another follows; None when it cannot be walked (EWF2, corrupt)."""
    try:
        with segment.open("rb") as handle:
            size = handle.seek(0, 2)
            offset, kind = FILE_HEADER, None
            for _ in range(100_000):
                handle.seek(offset)
                descriptor = handle.read(SECTION_DESCRIPTOR)
                if len(descriptor) < SECTION_DESCRIPTOR:
                    return None
                kind = descriptor[:16].rstrip(b"\0").decode("ascii", "replace")
                (following,) = struct.unpack_from("<Q", descriptor, 16)
                if kind in ("done", "next") or following <= offset or following >= size:
                    return kind
                offset = following
    except OSError:
        return None
    return None
