"""Parse and format hash values: hex (any case) to raw bytes, with the field named on error;
values of signals without a column (any registered signal) to their canonical text."""

from __future__ import annotations

from collections.abc import Iterable

from netsafe.hashlists.errors import EntryError
from netsafe.hashlists.model import SignalValues
from netsafe.signals import registry
from netsafe.signals.base import SignalType

#: Raw length in bytes of each signal with a column (md5, sha1, sha256, pdq).
HASH_BYTES: dict[str, int] = {
    signal.name: signal.raw_bytes() for signal in registry.signal_types() if signal.column
}
#: Hash kind by hex length, for lists that do not say (plain text). 64 hex digits are SHA-256.
KIND_BY_HEX_LENGTH: dict[int, str] = {32: "md5", 40: "sha1", 64: "sha256"}


def parse_hex(value: object, kind: str, field_name: str) -> bytes | None:
    """Hex text (upper or lower case, surrounding spaces ignored) as bytes; empty means absent."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise EntryError(field_name, f"expected a hex string, got {type(value).__name__}")
    text = value.strip()
    if not text:
        return None
    if len(text) == HASH_BYTES[kind] * 2:
        try:
            raw = bytes.fromhex(text)
        except ValueError:
            raw = b""
        if len(raw) == HASH_BYTES[kind]:
            return raw
        raise EntryError(field_name, f"invalid hex {text[:80]!r}")
    raise EntryError(
        field_name,
        f"{kind} must be {HASH_BYTES[kind] * 2} hex digits, got {len(text)} ({text[:80]!r})",
    )


def signal_value(signal: type[SignalType], value: object, field_name: str) -> str | None:
    """A signal's value as its canonical text (None when empty); EntryError naming the field."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise EntryError(field_name, f"expected a {signal.name} value as text")
    if not value.strip():
        return None
    try:
        return signal.normalize(value)
    except ValueError as error:
        raise EntryError(field_name, str(error)) from None


def signal_values(values: Iterable[tuple[str, str]]) -> SignalValues:
    """(signal name, canonical value) pairs as an entry keeps them: sorted by name."""
    return tuple(sorted(values))


def to_hex(value: bytes | None) -> str | None:
    """Lower-case hex, or None."""
    return None if value is None else value.hex()


def parse_bool(value: object, field_name: str) -> bool | None:
    """A boolean given as JSON true/false, the strings "true"/"false" (any case), 1/0 or empty."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        if value in (0, 1):
            return bool(value)
    elif isinstance(value, str):
        text = value.strip().lower()
        if text in ("true", "1", "yes", "y"):
            return True
        if text in ("false", "0", "no", "n"):
            return False
        if not text:
            return None
    raise EntryError(field_name, f"expected true or false, got {value!r}")


def parse_size(value: object, field_name: str) -> int | None:
    """A non-negative integer (a number or its digits as text), or None when empty."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise EntryError(field_name, f"expected a size in bytes, got {value!r}")
    if isinstance(value, int):
        size = value
    elif isinstance(value, float) and value.is_integer():
        size = int(value)
    elif isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        if not text.isdigit():
            raise EntryError(field_name, f"expected a size in bytes, got {value!r}")
        size = int(text)
    else:
        raise EntryError(field_name, f"expected a size in bytes, got {value!r}")
    if size < 0:
        raise EntryError(field_name, f"size must not be negative, got {size}")
    return size


#: The longest text field (series, comments, source id) NetSafe keeps.
TEXT_LIMIT = 4000


def optional_text(value: object, field_name: str) -> str | None:
    """Text as given (numbers are written as text), or None when empty."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise EntryError(field_name, f"expected text, got {type(value).__name__}")
    text = value if isinstance(value, str) else str(value)
    if len(text) > TEXT_LIMIT:
        raise EntryError(field_name, f"longer than {TEXT_LIMIT} characters")
    return text if text.strip() else None


def hex_or_none(value: object, kind: str, field_name: str) -> bytes | None:
    """`parse_hex` with a fast path for the common case (a string of the right length)."""
    if value.__class__ is str and len(value) == HASH_BYTES[kind] * 2:
        try:
            raw = bytes.fromhex(value)
        except ValueError:
            pass
        else:
            if len(raw) == HASH_BYTES[kind]:
                return raw
    return parse_hex(value, kind, field_name)


def text_or_none(value: object, field_name: str) -> str | None:
    """`optional_text` with a fast path for ordinary strings."""
    if value.__class__ is str and 0 < len(value) <= TEXT_LIMIT and not value[0].isspace():
        return value
    return optional_text(value, field_name)
