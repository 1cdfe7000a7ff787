"""Deterrence patterns from the operator's file: warn on terms, URLs and hashes; count warnings."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from netsafe.prevention.counters import DailyCount, FunnelStep, SelfHelpEvent
from netsafe.prevention.deterrence import DeterrenceRequest, check_and_count, decide
from netsafe.prevention.help_contacts import EXAMPLE_FILE
from netsafe.prevention.settings_file import (
    PreventionFileError,
    load_prevention_config,
    parse_prevention_config,
)

CONFIG = parse_prevention_config(
    """
[helpline]
name = "Test helpline"
phone = "0800 000 0000"
chat_url = "https://help.example.test/chat"

[deterrence]
terms = ["zebra-test-term", "placeholder phrase"]
url_patterns = ["*.example.test/zebra-*"]
hashes = ["69C459DD76C6198F72F0C20DDD3C9447"]
"""
)


def warns(**request: object) -> bool:
    return decide(CONFIG.patterns, CONFIG.helpline, DeterrenceRequest(**request)).warn  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "query",
    ["zebra-test-term", "ZEBRA test TERM!", "find zebra_test_term now", "a placeholder phrase"],
)
def test_terms_match_as_whole_words_in_any_case(query: str) -> None:
    assert warns(query=query)


@pytest.mark.parametrize(
    "query", ["zebra test terminal", "zebras", "placeholder", "", "phrase placeholder"]
)
def test_other_queries_do_not_warn(query: str) -> None:
    assert not warns(query=query)


def test_url_patterns_are_globs_without_the_scheme() -> None:
    assert warns(url="https://www.example.test/zebra-page")
    assert warns(url="HTTP://cdn.example.test/zebra-1?x=2")
    assert not warns(url="https://www.example.test/giraffe")
    assert not warns(url="https://example.test.evil/zebra-x")


def test_indexed_and_scanned_url_globs_both_match() -> None:
    config = parse_prevention_config(
        "[deterrence]\nurl_patterns = ['example.invalid/placeholder/*', '*/zebra-path-*',"
        " 'cdn?.example.test/x']"
    )
    assert len(config.patterns.url_scan) == 2  # no literal host: tried on every URL
    for url, expected in [
        ("https://example.invalid/placeholder/1", True),
        ("https://sub.example.invalid/placeholder/1", False),
        ("http://anything.test/zebra-path-2", True),
        ("http://cdn1.example.test/x", True),
        ("http://example.test/x", False),
    ]:
        answer = decide(config.patterns, config.helpline, DeterrenceRequest(url=url))
        assert answer.warn is expected, url


def test_hashes_match_in_any_case() -> None:
    assert warns(hashes=("69c459dd76c6198f72f0c20ddd3c9447",))
    assert not warns(hashes=("0" * 32,))


def test_a_warning_carries_the_message_and_helpline_but_not_the_pattern() -> None:
    answer = decide(CONFIG.patterns, CONFIG.helpline, DeterrenceRequest(query="zebra-test-term"))
    data = answer.as_json()
    assert data["warn"] is True
    assert data["helpline"] == {
        "name": "Test helpline",
        "phone": "0800 000 0000",
        "chat_url": "https://help.example.test/chat",
        "web_url": None,
        "hours": None,
    }
    assert "zebra" not in str(data)
    assert decide(CONFIG.patterns, CONFIG.helpline, DeterrenceRequest(query="hello")).as_json() == {
        "warn": False,
        "message": None,
        "helpline": None,
    }


class MemoryCounters:
    def __init__(self) -> None:
        self.funnel: list[tuple[date, FunnelStep]] = []

    def add_self_help(self, day: date, module: str, event: SelfHelpEvent) -> None:
        raise AssertionError("not used")

    def add_funnel(self, day: date, step: FunnelStep) -> None:
        self.funnel.append((day, step))

    def self_help_counts(self, date_from: date, date_to: date) -> list[DailyCount]:
        return []

    def funnel_counts(self, date_from: date, date_to: date) -> list[DailyCount]:
        return []


def test_only_warnings_answered_are_counted_as_shown() -> None:
    counters = MemoryCounters()
    day = date(2026, 11, 23)
    check_and_count(
        CONFIG.patterns, CONFIG.helpline, counters, DeterrenceRequest(query="zebra-test-term"), day
    )
    check_and_count(
        CONFIG.patterns, CONFIG.helpline, counters, DeterrenceRequest(query="hello"), day
    )
    assert counters.funnel == [(day, FunnelStep.WARNING_SHOWN)]


def test_the_example_file_parses_and_holds_only_placeholders() -> None:
    config = load_prevention_config(EXAMPLE_FILE)
    assert len(config.patterns) == 5
    assert decide(config.patterns, config.helpline, DeterrenceRequest(query="zebra-test-term")).warn
    assert "understanding-the-harm" in config.self_help_modules


def test_a_missing_file_means_no_patterns(tmp_path: Path) -> None:
    config = load_prevention_config(tmp_path / "absent.toml")
    assert len(config.patterns) == 0
    assert not decide(
        config.patterns, config.helpline, DeterrenceRequest(query="zebra-test-term")
    ).warn


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("[deterrence]\nterms = 'zebra'", "deterrence.terms"),
        ("[deterrence]\nhashes = ['xyz']", "deterrence.hashes"),
        ("[deterrence]\nterms = ['!!!']", "deterrence.terms"),
        ("[self_help]\nmodules = ['Bad Module']", "self-help module"),
        ("[helpline]\nphone = 5", "helpline.phone"),
        ("[surprise]\nx = 1", "unknown section"),
        ("helpline = 'x'", "[helpline] must be a table"),
        ("not toml [", "not valid TOML"),
    ],
)
def test_bad_files_are_refused_naming_the_key(text: str, names: str) -> None:
    with pytest.raises(PreventionFileError, match=r"my\.toml") as caught:
        parse_prevention_config(text, "my.toml")
    assert names in str(caught.value)
