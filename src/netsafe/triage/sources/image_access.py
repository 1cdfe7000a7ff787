"""Opening disk images (raw or E01) with pytsk3 and pyewf, finding their file systems, reading a
file back by inode, and verifying an E01's stored MD5. Shared by the source (in the main process)
and the workers (each keeps its images open between batches)."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path
from typing import Any

import pyewf
import pytsk3

EWF_MAGIC = b"EVF\x09\x0d\x0a\xff\x00"
VERIFY_CHUNK = 4 * 1024 * 1024


class ImageError(Exception):
    """The image cannot be opened: corrupt, truncated or not an image."""


class EwfImage(pytsk3.Img_Info):  # type: ignore[misc]
    """An E01 (all its segments) seen by pytsk3 as one image, through libewf."""

    def __init__(self, handle: Any) -> None:
        self._handle = handle
        super().__init__(url="", type=pytsk3.TSK_IMG_TYPE_EXTERNAL)

    def close(self) -> None:
        self._handle.close()

    def read(self, offset: int, size: int) -> bytes:
        self._handle.seek(offset)
        data: bytes = self._handle.read(size)
        return data

    def get_size(self) -> int:
        return int(self._handle.get_media_size())


class OpenImage:
    """An open disk image: its pytsk3 image, its format and, for E01, the libewf handle."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.volume_errors: list[str] = []
        self._fs: dict[int, Any] = {}
        self.ewf: Any = None
        try:
            with path.open("rb") as handle:
                is_ewf = handle.read(len(EWF_MAGIC)) == EWF_MAGIC
            if is_ewf:
                self.format = "e01"
                ewf = pyewf.handle()
                ewf.open(pyewf.glob(str(path)))
                self.ewf = ewf
                self.img: Any = EwfImage(ewf)
            else:
                self.format = "raw"
                self.img = pytsk3.Img_Info(str(path))
        except (OSError, RuntimeError, TypeError) as error:
            raise ImageError(f"cannot open {self.format_guess(path)} image: {error}") from error

    @staticmethod
    def format_guess(path: Path) -> str:
        return "E01" if path.suffix.lower().startswith(".e0") else "disk"

    def filesystems(self) -> list[tuple[int, Any, str]]:
        """(byte offset, pytsk3.FS_Info, path prefix) of every readable file system."""
        found: list[tuple[int, Any, str]] = []
        try:
            volumes = pytsk3.Volume_Info(self.img)
        except (OSError, RuntimeError):
            volumes = None
        if volumes is not None:
            block = int(volumes.info.block_size)
            for part in volumes:
                if not int(part.flags) & int(pytsk3.TSK_VS_PART_FLAG_ALLOC):
                    continue
                offset = int(part.start) * block
                fs = self.filesystem(offset, quiet=True)
                label = f"/partition-{int(part.table_num) + 1}.{int(part.slot_num) + 1}"
                if fs is None:
                    desc = part.desc.decode("utf-8", "replace")
                    self.volume_errors.append(f"{label} ({desc}): no readable file system")
                    continue
                found.append((offset, fs, label))
        if not found:
            fs = self.filesystem(0, quiet=True)
            if fs is not None:
                found.append((0, fs, ""))
        return found

    def filesystem(self, offset: int, *, quiet: bool = False) -> Any:
        """The file system at `offset` (cached), or None when `quiet` and there is none."""
        if offset not in self._fs:
            try:
                self._fs[offset] = pytsk3.FS_Info(self.img, offset=offset)
            except (OSError, RuntimeError) as error:
                if quiet:
                    return None
                raise ImageError(f"no file system at offset {offset}: {error}") from error
        return self._fs[offset]

    def open_file(self, offset: int, inode: int) -> TskFileStream:
        """A readable stream over the file with `inode` in the file system at `offset`."""
        try:
            entry = self.filesystem(offset).open_meta(inode=inode)
        except (OSError, RuntimeError) as error:
            raise ImageError(f"cannot open inode {inode}: {error}") from error
        return TskFileStream(entry)

    def stored_md5(self) -> str | None:
        if self.ewf is None:
            return None
        value = self.ewf.get_hash_value("MD5")
        return str(value).lower() if value else None

    def media_md5(self) -> tuple[str, int]:
        """MD5 over the whole media (every byte of the acquired device) and its size."""
        digest = hashlib.md5()  # noqa: S324 - forensic integrity hash, compared to the stored one
        size = 0
        if self.ewf is not None:
            total = int(self.ewf.get_media_size())
            self.ewf.seek(0)
            while size < total:
                chunk = self.ewf.read(min(VERIFY_CHUNK, total - size))
                if not chunk:
                    break
                digest.update(chunk)
                size += len(chunk)
            return digest.hexdigest(), size
        with self.path.open("rb") as handle:
            while chunk := handle.read(VERIFY_CHUNK):
                digest.update(chunk)
                size += len(chunk)
        return digest.hexdigest(), size

    def close(self) -> None:
        self._fs.clear()
        if self.ewf is not None:
            self.ewf.close()
            self.ewf = None


def open_image(path: Path) -> OpenImage:
    return OpenImage(path)


class TskFileStream(io.RawIOBase):
    """A pytsk3 file read sequentially as a binary stream."""

    def __init__(self, entry: Any) -> None:
        super().__init__()
        self._entry = entry
        meta = entry.info.meta
        self.size = int(meta.size) if meta is not None else 0
        self._position = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: self.size}[whence]
        self._position = max(0, base + offset)
        return self._position

    def readinto(self, buffer: Any) -> int:
        wanted = min(len(buffer), self.size - self._position)
        if wanted <= 0:
            return 0
        try:
            data = self._entry.read_random(self._position, wanted)
        except (OSError, RuntimeError) as error:
            raise OSError(f"read error at offset {self._position}: {error}") from error
        if not data:
            raise OSError(f"read error at offset {self._position}: no data (unrecoverable)")
        count = len(data)
        buffer[:count] = data
        self._position += count
        return count
