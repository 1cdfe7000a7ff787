"""Entered fields become a validated contact, or every bad field is named."""

from __future__ import annotations

from datetime import date

import pytest

from netsafe.platform.agencies import FORCE_SLUGS
from netsafe.prevention.code_words import CodeWordHasher
from netsafe.prevention.contact_fields import ContactFieldsError, parse_contact
from netsafe.prevention.contacts import Area, Channel, Concern, HeardVia, Who

TODAY = date(2026, 11, 23)
HASHER = CodeWordHasher.from_secret("test-secret-key-0123456789abcdef")
VALID: dict[str, object] = {
    "contact_date": "2026-11-20",
    "channel": "call",
    "who": "own-behaviour",
    "concerns": ["online-images", "online-contact"],
    "area": "gwent",
    "heard_via": "deterrence-message",
    "protective_actions": "Install blocking software; call back in a week.",
    "notes": "Worried about late-night browsing.",
    "follow_ups": 1,
}


def errors(fields: dict[str, object]) -> dict[str, str]:
    with pytest.raises(ContactFieldsError) as caught:
        parse_contact(fields, hasher=HASHER, today=TODAY)
    return {p.field: p.message for p in caught.value.problems}


def test_valid_fields_make_a_draft() -> None:
    draft = parse_contact(VALID, hasher=HASHER, today=TODAY)
    assert draft.contact_date == date(2026, 11, 20)
    assert draft.channel is Channel.CALL
    assert draft.who is Who.OWN_BEHAVIOUR
    assert draft.concerns == {Concern.ONLINE_IMAGES, Concern.ONLINE_CONTACT}
    assert draft.area is Area.GWENT
    assert draft.heard_via is HeardVia.DETERRENCE_MESSAGE
    assert draft.follow_ups == 1
    assert draft.code_word_hash is None


def test_the_enums_are_exactly_the_issues_values() -> None:
    assert [c.value for c in Channel] == ["call", "chat", "email", "self-help", "other"]
    assert [w.value for w in Who] == ["own-behaviour", "family-friend", "professional", "other"]
    assert [c.value for c in Concern] == ["online-images", "online-contact", "offline"]
    assert [a.value for a in Area] == [*FORCE_SLUGS, "elsewhere", "unknown"]
    assert [h.value for h in HeardVia] == [
        "police-operation",
        "deterrence-message",
        "search-engine",
        "other",
    ]


def test_csv_style_strings_are_accepted() -> None:
    fields = {**VALID, "concerns": "online-images; offline", "follow_ups": "2", "contact_date": ""}
    draft = parse_contact(fields, hasher=HASHER, today=TODAY)
    assert draft.concerns == {Concern.ONLINE_IMAGES, Concern.OFFLINE}
    assert draft.follow_ups == 2
    assert draft.contact_date == TODAY


def test_the_code_word_is_kept_only_as_its_keyed_hash() -> None:
    draft = parse_contact({**VALID, "code_word": "Blue Kettle"}, hasher=HASHER, today=TODAY)
    assert draft.code_word_hash == HASHER.hash("blue kettle")
    assert "kettle" not in repr(draft).lower()


def test_every_bad_field_is_named_at_once() -> None:
    problems = errors(
        {
            "channel": "fax",
            "who": "",
            "concerns": ["online-images", "weather"],
            "area": "mars",
            "heard_via": "radio",
            "follow_ups": "-1",
            "contact_date": "2099-01-01",
            "code_word": "ab",
        }
    )
    assert set(problems) == {
        "channel",
        "who",
        "concerns",
        "area",
        "heard_via",
        "follow_ups",
        "contact_date",
        "code_word",
    }
    assert "call, chat, email, self-help, other" in problems["channel"]
    assert problems["who"] == "required"
    assert "future" in problems["contact_date"]


@pytest.mark.parametrize("field", ["name", "phone", "email", "ip_address", "postcode"])
def test_identifying_fields_are_refused(field: str) -> None:
    assert "not a contact field" in errors({**VALID, field: "anything"})[field]


@pytest.mark.parametrize(
    ("field", "text", "kind"),
    [
        ("notes", "Said to call 07700 900123", "phone number"),
        ("notes", "Mail him at someone@example.org", "e-mail address"),
        ("protective_actions", "Visit the centre at CF10 1AA", "UK postcode"),
        ("protective_actions", "Ring +44 7700 900123 back", "phone number"),
    ],
)
def test_identifiers_in_free_text_are_refused_naming_the_field(
    field: str, text: str, kind: str
) -> None:
    problems = errors({**VALID, field: text})
    assert list(problems) == [field]
    assert kind in problems[field]
