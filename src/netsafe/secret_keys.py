"""How strong a production secret key must be (NETSAFE_SECRET_KEY, NETSAFE_AUDIT_KEY).

A key is refused unless it is long (at least `MIN_KEY_LENGTH` characters), has no whitespace, and
its characters carry real entropy: the Shannon estimate of the key's own characters (bits per
character times length) must reach `MIN_KEY_BITS`. `aaaa…`, sixteen spaces, `passwordpassword…`
and a short hex string fail; `secrets.token_urlsafe(32)` (43 characters, ~200 bits by this
estimate) and `secrets.token_hex(32)` pass. The estimate is only an upper bound on a key's real
strength: it stops the obvious mistakes, it cannot prove a key random.
"""

from __future__ import annotations

import math
from collections import Counter

#: `secrets.token_urlsafe(32)` is 43 characters; 32 bytes is the strength asked for.
MIN_KEY_LENGTH = 32
#: 32 random bytes are 256 bits; a URL-safe token of them estimates at ~200 by character counts.
MIN_KEY_BITS = 160.0
HOW_TO_MAKE_ONE = "make one with `python3 -c 'import secrets; print(secrets.token_urlsafe(32))'`"


class WeakKeyError(ValueError):
    """A key is too weak for production; the message says why and how to make one."""


def estimated_bits(key: str) -> float:
    """Length times the Shannon entropy of the key's character frequencies (bits)."""
    if not key:
        return 0.0
    counts = Counter(key)
    per_char = -sum((n / len(key)) * math.log2(n / len(key)) for n in counts.values())
    return per_char * len(key)


def check_key_strength(name: str, key: str) -> None:
    """Refuse (`WeakKeyError`, naming the variable and how to make a key) a weak key."""
    if any(ch.isspace() for ch in key):
        reason = "contains whitespace"
    elif len(key) < MIN_KEY_LENGTH:
        reason = f"is {len(key)} characters; at least {MIN_KEY_LENGTH} are needed"
    elif (bits := estimated_bits(key)) < MIN_KEY_BITS:
        reason = f"has too little entropy (~{bits:.0f} bits; at least {MIN_KEY_BITS:.0f} needed)"
    else:
        return
    raise WeakKeyError(f"{name} {reason}: {HOW_TO_MAKE_ONE}")
