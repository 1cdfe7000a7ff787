"""Deconfliction keys: two referrals share an identifier when their keys are equal.

A key is the identifier's normal form (`netsafe.operation.normal_forms`, the same forms the
search index uses) with what makes it an identity in the world:

- e-mail: case-folded; at gmail.com and googlemail.com (one mailbox, Google's documented rule)
  the dots of the local part and a `+tag` are dropped and the domain is `gmail.com`. Other
  providers are left alone: whether dots or tags matter there is theirs to say;
- phone: E.164 (`+44 29 2018 0000`, `029 2018 0000` and `0044 …` are `+442920180000`); a
  number without a country code is taken as a UK one;
- IP address: the canonical text (`2001:DB8:0::1` is `2001:db8::1`, IPv4-mapped IPv6 is IPv4);
  two referrals share one only when their captures fall within `IP_WINDOW` of each other (an
  address without a capture time is never linked: carrier-grade NAT makes a bare address weak);
- screen name and ESP identifier: the service's name and the value (`service:value`): a screen
  name identifies a user of one service only;
- profile URL: host without `www.` and path without its trailing `/`, scheme and fragment
  dropped, case-folded;
- device id and file hash: case-folded.

`value_key` is the key without the service (what `GET /api/v1/identifiers?value=` looks up,
since a caller types a value, not a service). Pure functions, no I/O.
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from netsafe.operation.normal_forms import (
    normal_email,
    normal_ip,
    normal_phone,
    normal_text,
)

#: Captures of one IP address this close in time are taken as the same user.
IP_WINDOW = timedelta(hours=24)
#: A key carried by this many referrals or more is common (a carrier's gateway address, a
#: shared family phone): it is looked up and counted, no longer linked pairwise.
COMMON_KEY_REFERRALS = 20
#: A file hash is common sooner: a file that circulates is not a sign that one person is behind
#: the referrals carrying it (docs/decisions/deconfliction-links.md). A file the lists know is
#: never linked on at all (`SqlDeconflictionKeys.index`'s `known`).
COMMON_FILE_REFERRALS = 5
FILE_HASH = "file-hash"

GMAIL_DOMAINS = frozenset({"gmail.com", "googlemail.com"})
#: Kinds whose key carries the service they belong to.
SERVICE_KINDS = frozenset({"screen-name", "esp-identifier"})
KINDS = (
    "ip-address",
    "email",
    "phone",
    "screen-name",
    "esp-identifier",
    "profile-url",
    "device-id",
    "file-hash",
)
#: How each kind is named to a person.
KIND_WORDS = {
    "ip-address": "IP address",
    "email": "e-mail address",
    "phone": "phone number",
    "screen-name": "screen name",
    "esp-identifier": "service account id",
    "profile-url": "profile URL",
    "device-id": "device id",
    "file-hash": "file hash",
}


def common_at(kind: str) -> int:
    """How many referrals carrying a key of `kind` make it common."""
    return COMMON_FILE_REFERRALS if kind == FILE_HASH else COMMON_KEY_REFERRALS


def email_key(value: str) -> str:
    """The mailbox an address delivers to, as far as its provider documents it."""
    address = normal_email(value)
    local, at, domain = address.rpartition("@")
    if not at or domain not in GMAIL_DOMAINS:
        return address
    local = local.split("+", 1)[0].replace(".", "")
    return f"{local}@gmail.com"


def phone_key(value: str) -> str:
    """The number in E.164 (`+` and digits); a national number is taken as a UK one."""
    digits = normal_phone(value)
    if not digits:
        return normal_text(value)
    if digits.startswith("0"):
        return "+44" + digits[1:]
    return "+" + digits


def url_key(value: str) -> str:
    """Host (without `www.`) and path (without a trailing `/`), with the query; case-folded."""
    text = value.strip()
    parts = urlsplit(text if "//" in text else "//" + text)
    host = (parts.hostname or "").casefold().removeprefix("www.")
    path = parts.path.rstrip("/")
    query = f"?{parts.query}" if parts.query else ""
    return normal_text(f"{host}{path}{query}")


def value_key(kind: str, value: str) -> str:
    """The normal form of `value` as an identifier of `kind`, without its service."""
    if kind == "email":
        return email_key(value)
    if kind == "phone":
        return phone_key(value)
    if kind == "ip-address":
        return normal_ip(value) or normal_text(value)
    if kind == "profile-url":
        return url_key(value)
    return normal_text(value)


def identifier_key(kind: str, value: str, qualifier: str | None = None) -> str:
    """The deconfliction key of an identifier (`qualifier`: the service of a screen name or
    ESP identifier; ignored for other kinds)."""
    key = value_key(kind, value)
    if kind in SERVICE_KINDS:
        return f"{normal_text(qualifier or '')}:{key}"
    return key


def lookup_keys(value: str) -> tuple[str, ...]:
    """Every `value_key` a typed value could have, whatever its kind, without repeats."""
    return tuple(dict.fromkeys(k for kind in KINDS if (k := value_key(kind, value))))
