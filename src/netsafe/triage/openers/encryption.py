"""Encrypted volumes: BitLocker (libbde) and LUKS (libluksde) unlocked with a password or
recovery key given with `--key`, BitLocker also with a startup key file (`.BEK`); FileVault (Core
Storage) recognised and reported. A key is never logged, never in an error message."""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from netsafe.triage.openers.byte_sources import LibyalBytes, SourceFile
from netsafe.triage.openers.interfaces import ByteSource

#: Why a FileVault 2 (Core Storage) volume is not opened, even with a key: libfvde could, but no
#: published Core Storage volume with files in it could be had to test it (dfvfs's
#: `fvdetest.qcow2` cannot be fetched; cryptsetup's test volume holds only the sectors cryptsetup
#: reads, which libfvde cannot open) and no free tool writes one, so NetSafe does not claim to.
FILEVAULT_NOT_OPENED = (
    "NetSafe does not open FileVault 2 (Core Storage) volumes, with or without a key: decrypt it "
    "with another tool (e.g. libfvde's fvdemount) and triage the decrypted volume"
)


@dataclass(frozen=True, slots=True)
class UnlockResult:
    """The decrypted volume, or None: `tried` when keys were given and none worked."""

    source: ByteSource | None
    tried: bool = False
    reason: str = ""


def unlock(
    scheme: str, encrypted: ByteSource, keys: list[str], startup_keys: list[Path] | None = None
) -> UnlockResult:
    """The decrypted bytes of an encrypted volume, trying each key, then (BitLocker) each
    startup key file, in turn."""
    if scheme == "FileVault":
        return UnlockResult(None, False, FILEVAULT_NOT_OPENED)
    attempts: list[str | Path] = [*keys]
    if scheme == "BitLocker":
        attempts += startup_keys or []
    if not attempts:
        return UnlockResult(None)
    for key in attempts:
        handle, file_object = _handle(scheme), SourceFile(encrypted)
        try:
            if isinstance(key, Path):
                handle.read_startup_key(str(key))
            else:
                _set_key(scheme, handle, key)
            handle.open_file_object(file_object)
            if handle.is_locked() and not handle.unlock():
                handle.close()
                continue
            return UnlockResult(LibyalBytes(handle, int(handle.get_size()), (file_object,)))
        except (OSError, RuntimeError, ValueError):
            continue
    return UnlockResult(None, True)


def _handle(scheme: str) -> Any:
    if scheme == "BitLocker":
        import pybde

        return pybde.volume()
    import pyluksde

    return pyluksde.volume()


def _set_key(scheme: str, handle: Any, key: str) -> None:
    if scheme == "BitLocker" and _is_recovery_password(key):
        handle.set_recovery_password(key)
    else:
        handle.set_password(key)


def _is_recovery_password(key: str) -> bool:
    """A BitLocker recovery password: eight groups of six digits."""
    groups = key.strip().split("-")
    return len(groups) == 8 and all(len(g) == 6 and g.isdigit() for g in groups)


def is_startup_key_file(data: bytes) -> bool:
    """True when `data` is a BitLocker external key (`.BEK`) file: a version-1 FVE metadata
    header (48 bytes, its size stated twice) whose size is the file's."""
    if len(data) < 48:
        return False
    size, version, header_size, size_copy = struct.unpack_from("<IIII", data, 0)
    return bool(version == 1 and header_size == 48 and size == size_copy == len(data))
