"""Encrypted volumes: BitLocker (libbde) and LUKS (libluksde) unlocked with a password or
recovery key given with `--key`; FileVault (Core Storage) recognised and reported. A key is
never logged, never in an error message."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from netsafe.triage.openers.byte_sources import LibyalBytes, SourceFile
from netsafe.triage.openers.interfaces import ByteSource


@dataclass(frozen=True, slots=True)
class UnlockResult:
    """The decrypted volume, or None: `tried` when keys were given and none worked."""

    source: ByteSource | None
    tried: bool = False
    reason: str = ""


def unlock(scheme: str, encrypted: ByteSource, keys: list[str]) -> UnlockResult:
    """The decrypted bytes of an encrypted volume, trying each key in turn."""
    if scheme == "FileVault":
        return UnlockResult(
            None, False, "FileVault volumes need their EncryptedRoot.plist; not opened yet"
        )
    if not keys:
        return UnlockResult(None)
    for key in keys:
        handle, file_object = _handle(scheme), SourceFile(encrypted)
        try:
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
