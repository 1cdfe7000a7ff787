"""Normal forms of identifiers, for exact matching: two ways of writing the same e-mail address,
phone number or IP address give the same key.

- e-mail, account, device, URL: trimmed, inner whitespace dropped for e-mail, lower-cased
  (`casefold`);
- phone: its digits, a UK number in its national form (`+44 29 2018 0000`, `0044 …` and
  `029 2018 0000` are all `02920180000`);
- IP address: the canonical text of `ipaddress` (`2001:DB8:0::1` is `2001:db8::1`; an IPv4 address
  mapped into IPv6 is the IPv4 address);
- a hash (hex): lower-case hex;
- any other text (names, references, seal numbers): trimmed, runs of whitespace made one space,
  lower-cased.

Pure functions, no I/O: the search index and the deconfliction of shared identifiers use the
same keys. `query_keys` gives every key a typed search term could be, so the user need not say
what it is.
"""

from __future__ import annotations

import ipaddress
import re

#: Identifier kinds with a normal form of their own (the rest are normalised as text).
EMAIL = "email"
PHONE = "phone"
IP_ADDRESS = "ip-address"

_SPACES = re.compile(r"\s+")
_PHONE_CHARACTERS = re.compile(r"\+?[\d\s().\-/]+")
_HEX = re.compile(r"[0-9a-f]+")
#: A phone number has at least this many digits (shorter digit strings are not phone numbers).
PHONE_MIN_DIGITS = 6


def normal_text(value: str) -> str:
    """Trimmed, whitespace runs made one space, case-folded."""
    return _SPACES.sub(" ", value).strip().casefold()


def normal_email(value: str) -> str:
    """An e-mail address without any whitespace, case-folded (the local part too: providers
    treat it case-insensitively in practice)."""
    return _SPACES.sub("", value).casefold()


def normal_phone(value: str) -> str:
    """The digits of a phone number, a UK international form (`44…`, `0044…`) in its national
    form (`0…`)."""
    digits = "".join(ch for ch in value if ch.isdigit() and ch.isascii())
    if digits.startswith("00"):
        digits = digits[2:]
    elif not value.strip().startswith("+") and digits.startswith("0"):
        return digits
    if digits.startswith("44") and len(digits) > 2:
        digits = digits[2:]
        return digits if digits.startswith("0") else "0" + digits
    return digits


def normal_ip(value: str) -> str | None:
    """The canonical text of an IP address (IPv4-mapped IPv6 as IPv4), or None if `value` is
    not one."""
    text = value.strip().removeprefix("[").removesuffix("]")
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return str(address.ipv4_mapped)
    return address.compressed


def normal_identifier(kind: str, value: str) -> str:
    """The key of an identifier of `kind` (an `IdentifierKind` value) for exact matching."""
    if kind == EMAIL:
        return normal_email(value)
    if kind == PHONE:
        return normal_phone(value) or normal_text(value)
    if kind == IP_ADDRESS:
        return normal_ip(value) or normal_text(value)
    return normal_text(value)


def looks_like_phone(value: str) -> bool:
    """Digits with phone punctuation only, and enough digits to be a number."""
    text = value.strip()
    digits = sum(ch.isdigit() for ch in text)
    return bool(_PHONE_CHARACTERS.fullmatch(text)) and digits >= PHONE_MIN_DIGITS


def is_hex(value: str) -> bool:
    """Lower-case hex digits only (call on a normal form)."""
    return bool(_HEX.fullmatch(value))


def query_keys(query: str) -> tuple[str, ...]:
    """Every key `query` could be the normal form of (text; e-mail; phone; IP), without repeats,
    the text form first."""
    keys = [normal_text(query)]
    if "@" in query:
        keys.append(normal_email(query))
    address = normal_ip(query)
    if address is not None:
        keys.append(address)
    elif looks_like_phone(query):
        keys.append(normal_phone(query))
    return tuple(dict.fromkeys(key for key in keys if key))


def normal_any(value: str) -> str:
    """The key of an identifier whose kind is not given (a subject's free-text identifiers): an
    e-mail if it has an `@`, an IP address if it is one, a phone if it looks like one, else
    text."""
    if "@" in value:
        return normal_email(value)
    address = normal_ip(value)
    if address is not None:
        return address
    if looks_like_phone(value):
        return normal_phone(value)
    return normal_text(value)


_WORD = re.compile(r"[^\W_]+")


def words_of(value: str) -> tuple[str, ...]:
    """The words of `value` for the text match: runs of letters and digits, case-folded
    (`Jordan Quokka-Example <jq@example.com>` → jordan, quokka, example, jq, example, com)."""
    return tuple(_WORD.findall(value.casefold()))
