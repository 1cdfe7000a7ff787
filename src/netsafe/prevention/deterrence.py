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
from dataclasses import dataclass, field
from datetime import date
from typing import Any

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


#: Marks the end of a whole term in the trie (not a word: words never contain a space).
_END = " "
_GLOB_CHARS = re.compile(r"[*?\[\]]")


def _glob_host_key(glob: str) -> str | None:
    """The literal host name a URL glob is filed under, or None when it must always be tried."""
    host = glob.split("/", 1)[0].removeprefix("*.")
    return None if not host or _GLOB_CHARS.search(host) else host


def _host_suffixes(url: str) -> list[str]:
    """A normalised URL's host and each of its parent domains."""
    labels = url.split("/", 1)[0].split(".")
    return [".".join(labels[i:]) for i in range(len(labels))]


def _words(text: str) -> tuple[str, ...]:
    return tuple(normalise_words(text).split())


@dataclass(frozen=True, slots=True)
class DeterrencePatterns:
    """The operator's patterns, indexed for the check. Build with `DeterrencePatterns.build`.

    Terms are kept as a word trie (nested dicts, `_END` marking a whole term), so a check walks
    from each word of the query only as far as some term continues, instead of scanning every
    term. URL globs whose host is a
    literal name or `*.` + a literal name are indexed by that name, so a check tries only the
    globs filed under the URL host's own suffixes (`a.example.test`, `example.test`, `test`);
    other globs are tried on every URL."""

    terms: frozenset[tuple[str, ...]] = frozenset()
    term_trie: dict[str, Any] = field(default_factory=dict)
    url_patterns: tuple[str, ...] = ()
    hashes: frozenset[str] = frozenset()
    url_index: dict[str, tuple[re.Pattern[str], ...]] = field(default_factory=dict)
    url_scan: tuple[re.Pattern[str], ...] = ()

    @classmethod
    def build(
        cls, *, terms: tuple[str, ...], url_patterns: tuple[str, ...], hashes: tuple[str, ...]
    ) -> DeterrencePatterns:
        term_words = []
        for term in terms:
            words = _words(term)
            if not words:
                raise ValueError(f"deterrence.terms: {term!r} has no letters or digits")
            term_words.append(words)
        for hash_ in hashes:
            if not _HEX_HASH.fullmatch(hash_.casefold()):
                raise ValueError(f"deterrence.hashes: {hash_!r} is not an MD5/SHA-1/SHA-256 hex")
        globs = tuple(normalise_url(p) for p in url_patterns)
        index: dict[str, list[re.Pattern[str]]] = {}
        scan: list[re.Pattern[str]] = []
        for glob in globs:
            compiled = re.compile(fnmatch.translate(glob))
            host = _glob_host_key(glob)
            if host is None:
                scan.append(compiled)
            else:
                index.setdefault(host, []).append(compiled)
        trie: dict[str, Any] = {}
        for words in term_words:
            node = trie
            for word in words:
                node = node.setdefault(word, {})
            node[_END] = True
        return cls(
            terms=frozenset(term_words),
            term_trie=trie,
            url_patterns=globs,
            hashes=frozenset(h.casefold() for h in hashes),
            url_index={host: tuple(found) for host, found in index.items()},
            url_scan=tuple(scan),
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
    """True when the query (a run of whole words), the URL or any hash meets a pattern."""
    if request.query and patterns.term_trie:
        words = _words(request.query)
        for start in range(len(words)):
            node = patterns.term_trie
            for word in words[start:]:
                found = node.get(word)
                if found is None:
                    break
                if _END in found:
                    return True
                node = found
    if request.url and patterns.url_patterns:
        url = normalise_url(request.url)
        candidates = [*patterns.url_scan]
        for host in _host_suffixes(url):
            candidates += patterns.url_index.get(host, ())
        if any(glob.match(url) for glob in candidates):
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
