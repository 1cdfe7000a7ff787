"""Signed credentials: API bearer tokens and the pages' session cookie value.

Both are `itsdangerous` timed signatures (HMAC-SHA256 with NETSAFE_SECRET_KEY) of the user's id
and security stamp; they are checked against the database on every request, so a disabled user
or a reset password ends every token and session at once. A session cookie also carries the
user's session generation, which logout raises: a copied cookie is dead once its user logs out.
"""

from __future__ import annotations

from dataclasses import dataclass

from itsdangerous import BadSignature, URLSafeTimedSerializer

from netsafe.settings import Settings

BEARER_LIFETIME_SECONDS = 3600
SESSION_LIFETIME_SECONDS = 8 * 3600
SESSION_COOKIE = "netsafe_session"

_BEARER_SALT = "netsafe.bearer-token"
_SESSION_SALT = "netsafe.session-cookie"


@dataclass(frozen=True, slots=True)
class TokenClaims:
    """What a valid token says: the user and the security stamp it was issued under."""

    user_id: int
    stamp: str
    #: Session cookies only: the user's session generation when it was issued.
    generation: int | None = None


def _serializer(settings: Settings, salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(settings.secret_key, salt=salt)


def issue_bearer_token(settings: Settings, user_id: int, stamp: str) -> str:
    return _serializer(settings, _BEARER_SALT).dumps({"u": user_id, "s": stamp})


def issue_session_value(settings: Settings, user_id: int, stamp: str, generation: int) -> str:
    return _serializer(settings, _SESSION_SALT).dumps({"u": user_id, "s": stamp, "g": generation})


def _read(settings: Settings, salt: str, value: str, max_age: int) -> TokenClaims | None:
    try:
        data = _serializer(settings, salt).loads(value, max_age=max_age)
    except BadSignature:  # also covers SignatureExpired
        return None
    if not isinstance(data, dict):
        return None
    user_id, stamp, generation = data.get("u"), data.get("s"), data.get("g")
    if not isinstance(user_id, int) or not isinstance(stamp, str):
        return None
    return TokenClaims(user_id, stamp, generation if isinstance(generation, int) else None)


def read_bearer_token(settings: Settings, value: str) -> TokenClaims | None:
    """The claims of a valid, unexpired bearer token; None otherwise."""
    return _read(settings, _BEARER_SALT, value, BEARER_LIFETIME_SECONDS)


def read_session_value(settings: Settings, value: str) -> TokenClaims | None:
    """The claims of a valid, unexpired session cookie; None otherwise (or without a generation)."""
    claims = _read(settings, _SESSION_SALT, value, SESSION_LIFETIME_SECONDS)
    return None if claims is None or claims.generation is None else claims
