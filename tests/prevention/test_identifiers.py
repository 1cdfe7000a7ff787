"""Free text is refused when it holds a phone number, an e-mail address or a UK postcode."""

from __future__ import annotations

import pytest

from netsafe.prevention.identifiers import (
    IdentifierKind,
    IdentifyingTextError,
    check_free_text,
    find_identifiers,
)

PHONES = [
    "07700 900123",
    "07700900123",
    "07700-900-123",
    "029 2018 0000",
    "(029) 2018 0000",
    "01632 960123",
    "+44 7700 900123",
    "+44 (0)7700 900 123",
    "+447700900123",
    "0044 7700 900123",
    "+1 202-555-0143",
    "+33 1 23 45 67 89",
    "+49 30 123456",
    "+353 1 555 0100",
    "7700900123",
]
EMAILS = [
    "someone@example.org",
    "first.last+tag@mail.example.co.uk",
    "someone [at] example [dot] org",
    "someone(at)example.org",
    "someone at example dot org",
]
POSTCODES = ["CF10 1AA", "cf101aa", "SW1A 1AA", "LL57 2DG", "SA1 1AA", "NP20 4AA", "M1 1AE"]
HARMLESS = [
    "Called on 12.03.2026 14:30 and agreed 3 actions",
    "follow-up in 2 weeks; 1 in 5 chance",
    "age 34, talked for 45 minutes",
    "called 12/03/26 at 9:15, again on 2026-03-19",
    "takes B12 vitamins, prints on A4, drives the M4",
    "Agreed to install blocking software and to call back within 7 days.",
    "rated urges 7/10 down from 9/10",
]


@pytest.mark.parametrize("text", PHONES)
def test_phone_numbers_are_found(text: str) -> None:
    found = find_identifiers(f"said to ring {text} later")
    assert [f.kind for f in found] == [IdentifierKind.PHONE_NUMBER]


@pytest.mark.parametrize("text", EMAILS)
def test_email_addresses_are_found(text: str) -> None:
    found = find_identifiers(f"wrote from {text} yesterday")
    assert [f.kind for f in found] == [IdentifierKind.EMAIL_ADDRESS]


@pytest.mark.parametrize("text", POSTCODES)
def test_uk_postcodes_are_found(text: str) -> None:
    found = find_identifiers(f"lives near {text}.")
    assert [f.kind for f in found] == [IdentifierKind.POSTCODE]


@pytest.mark.parametrize("text", HARMLESS)
def test_ordinary_notes_pass(text: str) -> None:
    assert find_identifiers(text) == []
    assert check_free_text("notes", text) == text


def test_the_error_names_the_field_and_kinds_but_never_the_value() -> None:
    with pytest.raises(IdentifyingTextError) as caught:
        check_free_text("protective_actions", "ring 07700 900123 or mail a@example.org")
    message = str(caught.value)
    assert message.startswith("protective_actions:")
    assert "phone number" in message
    assert "e-mail address" in message
    assert "07700" not in message
    assert "example.org" not in message
    assert caught.value.field == "protective_actions"


def test_the_span_points_at_the_identifier() -> None:
    text = "call back on 07700 900123 please"
    (found,) = find_identifiers(text)
    assert text[found.start : found.end] == "07700 900123"
