"""Normal forms of identifiers: one key however an address, number or IP is written."""

from __future__ import annotations

import pytest

from netsafe.operation.normal_forms import (
    normal_any,
    normal_email,
    normal_identifier,
    normal_ip,
    normal_phone,
    normal_text,
    query_keys,
)


@pytest.mark.parametrize(
    "written",
    ["07700 900123", "+44 7700 900123", "+44 (0)7700 900123", "0044 7700-900-123", "447700900123"],
)
def test_uk_phone_numbers_have_one_national_form(written: str) -> None:
    assert normal_phone(written) == "07700900123"


def test_other_phone_numbers_keep_their_digits() -> None:
    assert normal_phone("+1 (555) 010-0199") == "15550100199"


@pytest.mark.parametrize(
    ("written", "normal"),
    [
        ("192.0.2.44", "192.0.2.44"),
        (" 2001:DB8:0:0::44 ", "2001:db8::44"),
        ("[2001:db8::1]", "2001:db8::1"),
        ("::ffff:198.51.100.7", "198.51.100.7"),
    ],
)
def test_ip_addresses_take_their_canonical_form(written: str, normal: str) -> None:
    assert normal_ip(written) == normal


def test_not_an_ip_is_none() -> None:
    assert normal_ip("192.0.2.300") is None
    assert normal_ip("zebra") is None


def test_emails_names_and_other_kinds() -> None:
    assert normal_email(" Zebra.Test@Example.ORG ") == "zebra.test@example.org"
    assert normal_text("  Jordan   EXAMPLE ") == "jordan example"
    assert normal_identifier("email", "A@Example.org") == "a@example.org"
    assert normal_identifier("phone", "+44 29 2018 0000") == "02920180000"
    assert normal_identifier("ip-address", "2001:DB8::0:1") == "2001:db8::1"
    assert normal_identifier("account", " Zebra-Test ") == "zebra-test"


def test_an_identifier_of_no_given_kind_is_recognised() -> None:
    assert normal_any("JQ@example.com") == "jq@example.com"
    assert normal_any("203.0.113.9") == "203.0.113.9"
    assert normal_any("029 2018 0000") == "02920180000"
    assert normal_any("Some Handle") == "some handle"


def test_a_query_gives_every_form_it_could_be() -> None:
    assert query_keys("+44 7700 900123") == ("+44 7700 900123", "07700900123")
    assert query_keys("2001:DB8::1") == ("2001:db8::1",)
    assert query_keys("192.0.2.1") == ("192.0.2.1",)  # an IP, not a phone number
    assert query_keys("Jo@Example.org") == ("jo@example.org",)
    assert query_keys("GW/ZT/1") == ("gw/zt/1",)


def test_a_hash_is_matched_whole_or_by_prefix_never_by_word() -> None:
    from netsafe.operation.search import search_terms

    terms = search_terms("ABCDEF0123456789abcdef")
    assert terms.keys == ("abcdef0123456789abcdef",)
    assert terms.prefix == "abcdef0123456789abcdef"
    assert terms.words == ()
    assert search_terms("Jordan Quokka-Example").words == ("jordan", "quokka", "example")
