"""A file of an opened file system as a binary stream: a pytsk3 file (by inode) or a libfsapfs
file entry (by identifier), read with `read_random` / `read_buffer_at_offset`."""

from __future__ import annotations

import io
from typing import Any


class _RandomAccessFile(io.RawIOBase):
    """Common seek/readinto over a `_read_at(offset, size)`."""

    size = 0

    def __init__(self) -> None:
        super().__init__()
        self._position = 0

    def _read_at(self, offset: int, size: int) -> bytes:
        raise NotImplementedError

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
            data = self._read_at(self._position, wanted)
        except (OSError, RuntimeError) as error:
            raise OSError(f"read error at offset {self._position}: {error}") from error
        if not data:
            raise OSError(f"read error at offset {self._position}: no data (unrecoverable)")
        count = len(data)
        buffer[:count] = data
        self._position += count
        return count


class ApfsFileStream(_RandomAccessFile):
    """A libfsapfs file entry read as a binary stream."""

    def __init__(self, entry: Any) -> None:
        super().__init__()
        self._entry = entry
        self.size = int(entry.get_size())

    def _read_at(self, offset: int, size: int) -> bytes:
        data: bytes = self._entry.read_buffer_at_offset(size, offset)
        return data


class TskFileStream(_RandomAccessFile):
    """A pytsk3 file (or one of its attributes: a data stream, a resource fork) read as a binary
    stream."""

    def __init__(self, entry: Any, attr_type: int = 0, attr_id: int = -1) -> None:
        super().__init__()
        self._entry = entry
        meta = entry.info.meta
        self.size = int(meta.size) if meta is not None else 0
        self._attribute: tuple[int, int] | None = None
        if attr_type:
            self._attribute = (attr_type, attr_id)
            self.size = _attribute_size(entry, attr_type, attr_id)

    def _read_at(self, offset: int, size: int) -> bytes:
        if self._attribute is None:
            data: bytes = self._entry.read_random(offset, size)
        else:
            kind, ident = self._attribute
            data = self._entry.read_random(offset, size, kind, ident)
        return data


def _attribute_size(entry: Any, attr_type: int, attr_id: int) -> int:
    for attribute in entry:
        info = attribute.info
        if int(info.type) == attr_type and int(info.id) == attr_id:
            return int(info.size)
    raise OSError(f"no attribute {attr_type}-{attr_id}")
