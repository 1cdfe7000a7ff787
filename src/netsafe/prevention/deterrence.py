"""Deterrence: does a search, a URL or a file hash call for a warning, and what does it say?

The operator's patterns (`settings_file.py`) are of three kinds: terms (words or phrases, matched
as whole words in any case), URL patterns (shell-style globs matched against the URL without its
scheme) and content hashes (MD5, SHA-1 or SHA-256 hex). The answer says whether to warn and gives
the message with the helpline's details; it never says which pattern matched, so the check can't
be used to read the list back. A warning answered counts as "warning shown" in the funnel.
"""

from __future__ import annotations

import fnmatch
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from netsafe.prevention.counters import CounterRepository, FunnelStep, count_funnel_step
from netsafe.prevention.helpline import HelplineDetails

_NON_WORD = re.compile(r"[\W_]+")
_HEX_HASH = re.compile(r"[0-9a-f]{32}|[0-9a-f]{40}|[0-9a-f]{64}")
MAX_QUERY_LENGTH = 2000
MAX_HASHES = 100


def normalise_words(text: str) -> str:
    """Text as a run of lower-case words separated by single spaces, padded with one space each
    side, so a term matches only whole words: " zebra test term "."""
    words = _NON_WORD.sub(" ", unicodedata.normalize("NFKC", text).casefold()).split()
    return f" {' '.join(words)} " if words else ""


def normalise_url(url: str) -> str:
    """A URL lower-cased and without its scheme, as URL patterns see it."""
    return re.sub(r"^[a-z][a-z0-9+.-]*://", "", url.strip().casefold())


@dataclass(frozen=True, slots=True)
class DeterrencePatterns:
    """The operator's patterns, normalised. Build with `DeterrencePatterns.build(...)`."""

    terms: tuple[str, ...] = ()
    url_patterns: tuple[str, ...] = ()
    hashes: frozenset[str] = frozenset()

    @classmethod
    def build(
        cls, *, terms: tuple[str, ...], url_patterns: tuple[str, ...], hashes: tuple[str, ...]
    ) -> DeterrencePatterns:
        normalised_terms = []
        for term in terms:
            words = normalise_words(term)
            if not words:
                raise ValueError(f"deterrence.terms: {term!r} has no letters or digits")
            normalised_terms.append(words)
        for hash_ in hashes:
            if not _HEX_HASH.fullmatch(hash_.casefold()):
                raise ValueError(f"deterrence.hashes: {hash_!r} is not an MD5/SHA-1/SHA-256 hex")
        return cls(
            terms=tuple(normalised_terms),
            url_patterns=tuple(normalise_url(p) for p in url_patterns),
            hashes=frozenset(h.casefold() for h in hashes),
        )

    def __len__(self) -> int:
        return len(self.terms) + len(self.url_patterns) + len(self.hashes)


@dataclass(frozen=True, slots=True)
class DeterrenceRequest:
    """What a platform asks about: a search query, a URL, content hashes (any of them)."""

    query: str = ""
    url: str = ""
    hashes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if len(self.query) > MAX_QUERY_LENGTH or len(self.url) > MAX_QUERY_LENGTH:
            raise ValueError(f"query and url: at most {MAX_QUERY_LENGTH} characters each")
        if len(self.hashes) > MAX_HASHES:
            raise ValueError(f"hashes: at most {MAX_HASHES}")


@dataclass(frozen=True, slots=True)
class DeterrenceAnswer:
    """Whether to warn, and what to say."""

    warn: bool
    message: str | None
    helpline: HelplineDetails | None

    def as_json(self) -> dict[str, object]:
        return {
            "warn": self.warn,
            "message": self.message,
            "helpline": None if self.helpline is None else self.helpline.as_json(),
        }


def matches(patterns: DeterrencePatterns, request: DeterrenceRequest) -> bool:
    """True when the query, URL or any hash meets one of the patterns."""
    if request.query:
        words = normalise_words(request.query)
        if any(term in words for term in patterns.terms):
            return True
    if request.url:
        url = normalise_url(request.url)
        if any(fnmatch.fnmatchcase(url, pattern) for pattern in patterns.url_patterns):
            return True
    return any(h.strip().casefold() in patterns.hashes for h in request.hashes)


def decide(
    patterns: DeterrencePatterns, helpline: HelplineDetails, request: DeterrenceRequest
) -> DeterrenceAnswer:
    """The answer to a check: warn with the helpline's message and details, or don't."""
    if matches(patterns, request):
        return DeterrenceAnswer(True, helpline.message, helpline)
    return DeterrenceAnswer(False, None, None)


def check_and_count(
    patterns: DeterrencePatterns,
    helpline: HelplineDetails,
    counters: CounterRepository,
    request: DeterrenceRequest,
    today: date,
) -> DeterrenceAnswer:
    """Answer a check; a warning answered is counted as "warning shown" for the day."""
    answer = decide(patterns, helpline, request)
    if answer.warn:
        count_funnel_step(counters, FunnelStep.WARNING_SHOWN, today)
    return answer
