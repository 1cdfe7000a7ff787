"""Code words: a returning person counted once without being identified.

A caller may choose a code word and give it again on later contacts. NetSafe stores only a keyed
hash of it — HMAC-SHA256 under a key derived from the deployment's secret key — so equal code
words can be counted once, while the stored value can't be reversed, guessed offline without the
key, or matched against another deployment. The key is passed in by the adapters (from
`NETSAFE_SECRET_KEY`); this module never reads settings.
"""

from __future__ import annotations

import hashlib
import hmac
import unicodedata

#: Domain separation: the code-word key is used for nothing else.
_KEY_PURPOSE = b"netsafe/prevention/code-word/v1"
MIN_CODE_WORD_LENGTH = 3
MAX_CODE_WORD_LENGTH = 200


class CodeWordError(ValueError):
    """A code word that can't be used (empty, too short or too long)."""


def normalise_code_word(code_word: str) -> str:
    """The form that is hashed: Unicode NFKC, case-folded, inner whitespace collapsed."""
    return " ".join(unicodedata.normalize("NFKC", code_word).casefold().split())


class CodeWordHasher:
    """Keyed hashing of code words. Build it with `CodeWordHasher.from_secret(secret_key)`."""

    def __init__(self, key: bytes) -> None:
        if len(key) < 16:
            raise ValueError("the code-word key must be at least 16 bytes")
        self._key = key

    @classmethod
    def from_secret(cls, secret_key: str) -> CodeWordHasher:
        """Derive the code-word key from the deployment's secret key (HMAC-SHA256, own purpose)."""
        key = hmac.new(secret_key.encode("utf-8"), _KEY_PURPOSE, hashlib.sha256).digest()
        return cls(key)

    def hash(self, code_word: str) -> str:
        """The hex HMAC-SHA256 of the normalised code word; equal words give equal hashes."""
        normalised = normalise_code_word(code_word)
        if len(normalised) < MIN_CODE_WORD_LENGTH:
            raise CodeWordError(
                f"code_word: at least {MIN_CODE_WORD_LENGTH} characters, so it is not guessable"
            )
        if len(normalised) > MAX_CODE_WORD_LENGTH:
            raise CodeWordError(f"code_word: at most {MAX_CODE_WORD_LENGTH} characters")
        return hmac.new(self._key, normalised.encode("utf-8"), hashlib.sha256).hexdigest()

    def __repr__(self) -> str:  # never show the key
        return "CodeWordHasher(key=<hidden>)"
