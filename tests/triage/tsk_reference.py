"""The Sleuth Kit's own tools as the reference of the conformance tests: `mmls` for a medium's
volumes, `fls -r -p` for every name of each file system, `icat` for each file's content.

NetSafe reads file systems through pytsk3 (the same library), so this checks NetSafe's walk,
its reading of each file, its naming and flagging, not TSK itself; the published images'
own answer sheets (where their makers give one) are checked beside it.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

#: `r/r * 32-128-6(realloc):\tpath`: name type / metadata type, deleted, address, path
_FLS_LINE = re.compile(
    r"^(?P<name_type>\S)/(?P<meta_type>\S) (?P<deleted>\* )?(?P<address>[^:(]+)"
    r"(?P<realloc>\(realloc\))?:\t(?P<path>.*)$"
)
#: `002:  000:001   0000000128   0000055423   0000055296   NTFS / exFAT (0x07)`; a GPT's
#: entries have no table: `004:  000       0000002048   0000018431   0000016384   DATA`
_MMLS_LINE = re.compile(r"^\d+:\s+(?:(?P<table>\d+):)?(?P<slot>\d+)\s+(?P<start>\d+)\s+")
NTFS_RESERVED_RECORDS = 24  # MFT records 0-23: the file system's own (0-15 used, 16-23 spare)


@dataclass(frozen=True, slots=True)
class TskName:
    """One name `fls` lists, with what `icat` reads for it (None: `icat` failed)."""

    path: str  # as NetSafe names it: "/partition-1.2/dir/file", or "/dir/file" without a table
    address: str  # TSK's inode[-type-id]
    meta_type: str  # 'r' regular, 'd' folder, 'l' link, 'v' virtual, '-' unknown
    deleted: bool
    reallocated: bool  # a deleted name whose inode belongs to another file now
    content: bytes | None

    @property
    def inode(self) -> int:
        return int(self.address.split("-")[0])

    @property
    def md5(self) -> str:
        assert self.content is not None
        return hashlib.md5(self.content).hexdigest()

    @property
    def sha1(self) -> str:
        assert self.content is not None
        return hashlib.sha1(self.content).hexdigest()


def volumes(segments: list[Path]) -> list[tuple[str, int]]:
    """(NetSafe's label, start sector) of each partition `mmls` lists; [("", 0)] for a medium
    without a partition table (the file system starts at its first byte)."""
    done = subprocess.run(["mmls", *map(str, segments)], capture_output=True, text=True)
    if done.returncode != 0:
        return [("", 0)]
    found = []
    for line in done.stdout.splitlines():
        match = _MMLS_LINE.match(line)
        if match:
            table = int(match["table"] or 0)
            label = f"/partition-{table + 1}.{int(match['slot']) + 1}"
            found.append((label, int(match["start"])))
    return found


def names(segments: list[Path]) -> list[TskName]:
    """Every name of every file system on the medium (`segments`: its files, in order), with
    the content of each regular file."""
    listed: list[TskName] = []
    for label, start in volumes(segments):
        where = ["-o", str(start), *map(str, segments)]
        done = subprocess.run(["fls", "-r", "-p", *where], capture_output=True)
        if done.returncode != 0:
            continue  # no file system TSK reads in this partition
        for raw in done.stdout.decode("utf-8", "replace").splitlines():
            match = _FLS_LINE.match(raw)
            assert match, f"fls line not understood: {raw!r}"
            content = None
            if match["meta_type"] == "r" and not match["realloc"]:
                read = subprocess.run(["icat", *where, match["address"]], capture_output=True)
                content = read.stdout if read.returncode == 0 else None
            listed.append(
                TskName(
                    path=f"{label}/{match['path']}",
                    address=match["address"],
                    meta_type=match["meta_type"],
                    deleted=bool(match["deleted"]),
                    reallocated=bool(match["realloc"]),
                    content=content,
                )
            )
    return listed
