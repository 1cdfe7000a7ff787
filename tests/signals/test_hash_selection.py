"""crypto.py: computing only some hashes, and choosing the cheapest set that the lists need."""

from __future__ import annotations

import hashlib
import io
import random

import pytest

from netsafe.signals.crypto import (
    CRYPTO_SIGNALS,
    cheapest_cover,
    choose_hashes,
    digest_stream,
    parse_signals,
)
from netsafe.signals.fingerprint import Fingerprinter
from tests.signals.images import encoded, photo_like

DATA = random.Random(3).randbytes(3 * 1024 * 1024 + 17)


def test_only_the_chosen_hashes_are_computed_and_they_are_right() -> None:
    digests = digest_stream(io.BytesIO(DATA), signals=("sha1",))
    assert digests.size == len(DATA)
    assert digests.sha1 == hashlib.sha1(DATA).hexdigest()
    assert digests.md5 == ""
    assert digests.sha256 == ""


@pytest.mark.parametrize(
    ("patterns", "cover"),
    [
        ([["md5"]], ("md5",)),
        ([["md5", "sha1"]], ("sha1",)),  # VICS/CAID entries: SHA-1 alone finds them all
        ([["md5", "sha1", "sha256"]], ("sha1",)),  # NSRL RDSv3
        ([["md5", "sha256"]], ("sha256",)),
        ([["md5"], ["sha1", "sha256"]], ("md5", "sha1")),
        ([["md5", "sha1"], ["sha256"]], ("sha1", "sha256")),
        ([["md5"], ["sha1"], ["sha256"]], CRYPTO_SIGNALS),
        ([], ("sha1",)),  # no list, or PDQ-only lists: one identifying hash
        ([[]], ("sha1",)),
    ],
)
def test_the_cheapest_cover_meets_every_pattern(
    patterns: list[list[str]], cover: tuple[str, ...]
) -> None:
    assert cheapest_cover(patterns) == cover
    for pattern in patterns:
        assert not pattern or set(pattern) & set(cover)


def test_choices_auto_all_and_explicit() -> None:
    patterns = [["md5", "sha1"]]
    assert choose_hashes("auto", patterns) == ("sha1",)
    assert choose_hashes("ALL", patterns) == CRYPTO_SIGNALS
    assert choose_hashes("sha256, md5", patterns) == ("md5", "sha256")


def test_an_explicit_choice_that_would_miss_entries_is_refused() -> None:
    with pytest.raises(ValueError, match="would miss list entries that carry only md5"):
        choose_hashes("sha256", [["md5", "sha1"], ["md5"]])


@pytest.mark.parametrize("text", ["crc32", "", "md5,whirlpool"])
def test_unknown_hash_names_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="choose from md5, sha1, sha256"):
        parse_signals(text)


def test_a_fingerprinter_hashes_images_in_full_and_other_content_as_chosen() -> None:
    fingerprinter = Fingerprinter(hashes=("sha1",))
    jpeg = encoded(photo_like(160, 120, seed=4), "JPEG", quality=90)
    image, head = fingerprinter.fingerprint(io.BytesIO(jpeg), path="photo.jpg")
    assert head == jpeg[: len(head)]
    assert (image.md5, image.sha1, image.sha256) == (
        hashlib.md5(jpeg).hexdigest(),
        hashlib.sha1(jpeg).hexdigest(),
        hashlib.sha256(jpeg).hexdigest(),
    )
    assert image.pdq is not None
    other, _ = fingerprinter.fingerprint(io.BytesIO(DATA), path="data.bin")
    assert (other.md5, other.sha1, other.sha256) == ("", hashlib.sha1(DATA).hexdigest(), "")
    forced, _ = fingerprinter.fingerprint(io.BytesIO(DATA), path="member", all_hashes=True)
    assert forced.md5 == hashlib.md5(DATA).hexdigest()
    assert forced.sha256 == hashlib.sha256(DATA).hexdigest()


def test_the_reused_buffer_never_leaks_one_file_into_the_next() -> None:
    fingerprinter = Fingerprinter()
    big, small = DATA, b"short file"
    fingerprinter.fingerprint(io.BytesIO(big), path="big")
    again, head = fingerprinter.fingerprint(io.BytesIO(small), path="small")
    assert head == small
    assert again.size == len(small)
    assert again.sha256 == hashlib.sha256(small).hexdigest()
