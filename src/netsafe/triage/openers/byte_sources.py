"""`ByteSource`s: a file (pread), bytes in memory, a slice of another source, a libyal handle
(EWF, VMDK, QCOW, VHD, split raw, decrypted volumes), a seekable stream; and the adapters the
libraries need (a file object for libyal, an `Img_Info` for pytsk3)."""

from __future__ import annotations

import io
import os
import threading
from typing import Any, BinaryIO

import pytsk3

from netsafe.triage.openers.interfaces import ByteSource


class FileBytes:
    """A file of the examiner's file system, read with pread."""

    def __init__(self, path: str) -> None:
        self._fd = os.open(path, os.O_RDONLY)
        self.size = os.fstat(self._fd).st_size

    def read_at(self, offset: int, size: int) -> bytes:
        return os.pread(self._fd, max(0, min(size, self.size - offset)), offset)

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1


class MemoryBytes:
    """Bytes already in memory (a nested member, bounded by the archive limits)."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        self.size = len(data)

    def read_at(self, offset: int, size: int) -> bytes:
        return self._data[offset : offset + size]

    def close(self) -> None:
        return None


class StreamBytes:
    """A seekable binary stream (a file read back from a disk image)."""

    def __init__(self, stream: BinaryIO, size: int) -> None:
        self._stream = stream
        self.size = size
        self._lock = threading.Lock()

    def read_at(self, offset: int, size: int) -> bytes:
        with self._lock:
            self._stream.seek(offset)
            return self._stream.read(max(0, min(size, self.size - offset)))

    def close(self) -> None:
        self._stream.close()


class SliceBytes:
    """`size` bytes of another source from `offset` (a partition)."""

    def __init__(self, base: ByteSource, offset: int, size: int) -> None:
        self._base = base
        self._offset = offset
        self.size = size

    def read_at(self, offset: int, size: int) -> bytes:
        return self._base.read_at(self._offset + offset, max(0, min(size, self.size - offset)))

    def close(self) -> None:
        return None


class LibyalBytes:
    """A libyal handle (pyewf, pyvmdk, pyqcow, pyvhdi, pysmraw, pybde, pyluksde, ...) with its
    `read_buffer_at_offset`; `size` is the media size. Owns the handle (and the file objects it
    reads, when opened from them)."""

    def __init__(self, handle: Any, size: int, owned: tuple[Any, ...] = ()) -> None:
        self.handle = handle
        self.size = size
        self._owned = owned

    def read_at(self, offset: int, size: int) -> bytes:
        size = max(0, min(size, self.size - offset))
        if not size:
            return b""
        try:
            data: bytes = self.handle.read_buffer_at_offset(size, offset)
        except (OSError, OverflowError) as error:
            raise OSError(f"read error at media offset {offset}: {error}") from error
        return data

    def close(self) -> None:
        self.handle.close()
        for owned in self._owned:
            owned.close()


class SourceFile(io.RawIOBase):
    """A `ByteSource` as a seekable read-only file object (what libyal's open_file_object and
    libarchive's stream reader take)."""

    def __init__(self, source: ByteSource) -> None:
        super().__init__()
        self._source = source
        self._position = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: self._source.size}
        self._position = max(0, base[whence] + offset)
        return self._position

    def get_size(self) -> int:
        return self._source.size

    def readinto(self, buffer: Any) -> int:
        data = self._source.read_at(self._position, len(buffer))
        buffer[: len(data)] = data
        self._position += len(data)
        return len(data)


class SourceImage(pytsk3.Img_Info):  # type: ignore[misc]
    """A `ByteSource` seen by The Sleuth Kit as a disk image."""

    def __init__(self, source: ByteSource) -> None:
        self._source = source
        super().__init__(url="", type=pytsk3.TSK_IMG_TYPE_EXTERNAL)

    def close(self) -> None:
        return None  # the source is closed by its owner

    def read(self, offset: int, size: int) -> bytes:
        return self._source.read_at(offset, size)

    def get_size(self) -> int:
        return self._source.size
