"""Code words are kept only as a keyed hash: equal words count once, the word never shows."""

from __future__ import annotations

import pytest

from netsafe.prevention.code_words import CodeWordError, CodeWordHasher, normalise_code_word

SECRET = "test-secret-key-0123456789abcdef"


def test_the_same_word_gives_the_same_hash_whatever_its_case_and_spacing() -> None:
    hasher = CodeWordHasher.from_secret(SECRET)
    assert hasher.hash("Blue Kettle") == hasher.hash("  blue   KETTLE ")
    assert normalise_code_word(" Blue\tKettle ") == "blue kettle"


def test_different_words_give_different_hashes() -> None:
    hasher = CodeWordHasher.from_secret(SECRET)
    assert hasher.hash("blue kettle") != hasher.hash("red kettle")


def test_the_hash_is_keyed_by_the_secret() -> None:
    one = CodeWordHasher.from_secret(SECRET).hash("blue kettle")
    other = CodeWordHasher.from_secret(SECRET + "-other").hash("blue kettle")
    assert one != other


def test_the_hash_is_hmac_sha256_hex_and_hides_the_word() -> None:
    value = CodeWordHasher.from_secret(SECRET).hash("blue kettle")
    assert len(value) == 64
    assert int(value, 16) >= 0
    assert "kettle" not in value
    assert SECRET not in repr(CodeWordHasher.from_secret(SECRET))


@pytest.mark.parametrize("word", ["", "ab", "  a  ", "x" * 201])
def test_unusable_code_words_are_refused(word: str) -> None:
    with pytest.raises(CodeWordError, match="code_word"):
        CodeWordHasher.from_secret(SECRET).hash(word)


def test_a_short_key_is_refused() -> None:
    with pytest.raises(ValueError, match="16 bytes"):
        CodeWordHasher(b"short")
