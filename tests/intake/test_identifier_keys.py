"""Deconfliction keys: the written forms of one identifier give one key; different ones don't."""

from __future__ import annotations

from netsafe.intake.identifier_keys import identifier_key, lookup_keys, value_key


def test_gmail_dots_and_tags_are_one_mailbox_elsewhere_not() -> None:
    key = identifier_key("email", "Jo.Quokka+zebra@GoogleMail.com")
    assert key == identifier_key("email", " joquokka@gmail.com ") == "joquokka@gmail.com"
    assert identifier_key("email", "jo.quokka@example.org") != identifier_key(
        "email", "joquokka@example.org"
    )


def test_phones_in_e164() -> None:
    national = identifier_key("phone", "029 2018 0000")
    assert national == "+442920180000"
    assert identifier_key("phone", "+44 (0)29 2018-0000".replace("(0)", "")) == national
    assert identifier_key("phone", "0044 29 2018 0000") == national
    assert identifier_key("phone", "+1 555 0100 123") == "+15550100123"


def test_ip_addresses_in_canonical_form() -> None:
    assert identifier_key("ip-address", "2001:DB8:0:0::1") == "2001:db8::1"
    assert identifier_key("ip-address", "::ffff:192.0.2.7") == "192.0.2.7"


def test_a_screen_name_belongs_to_its_service() -> None:
    one = identifier_key("screen-name", "Zebra_User", "ExampleChat")
    assert one == identifier_key("screen-name", "zebra_user", "examplechat")
    assert one != identifier_key("screen-name", "zebra_user", "OtherApp")
    assert value_key("screen-name", "Zebra_User") == "zebra_user"


def test_profile_urls_without_scheme_www_or_trailing_slash() -> None:
    key = identifier_key("profile-url", "https://WWW.Example.org/u/Zebra/")
    assert (
        key == identifier_key("profile-url", "http://example.org/u/zebra") == "example.org/u/zebra"
    )


def test_lookup_keys_cover_every_kind_a_value_could_be() -> None:
    keys = lookup_keys("J.Quokka@gmail.com")
    assert "jquokka@gmail.com" in keys
    assert "j.quokka@gmail.com" in keys
    assert "+442920180000" in lookup_keys("029 2018 0000")
