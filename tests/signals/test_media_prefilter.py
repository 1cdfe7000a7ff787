"""`could_be_image`: one byte (or `ftyp` at offset 4) rules content out before Pillow's
signature checks run; it must never rule out content that a check accepts. `sniff_format` runs
only the checks of the formats whose own first bytes (`SIGNATURE_FIRST_BYTES`) match: no format's
check may accept content starting with any other byte."""

from __future__ import annotations

import io
import random

import pytest
from PIL import Image

from netsafe.media import (
    IMAGE_FORMATS,
    SIGNATURE_FIRST_BYTES,
    could_be_image,
    signature_check,
    sniff_format,
)
from tests.signals.images import heif_writer

#: Heads from published signatures, for formats a Pillow build may not write (PSD: none does).
HANDMADE = {
    "PSD": b"8BPS\x00\x01" + bytes(26),
    "JPEG2000": b"\x00\x00\x00\x0cjP  \r\n\x87\n" + bytes(20),
    "AVIF": b"\x00\x00\x00\x1cftypavif" + bytes(20),
    "SGI": b"\x01\xda\x00\x01" + bytes(28),
}


def _written(fmt: str) -> bytes | None:
    size = (16, 16) if fmt not in {"ICNS", "DDS"} else (32, 32)
    if fmt == "HEIF":
        heif_writer()
    buffer = io.BytesIO()
    try:
        Image.new("RGB" if fmt != "DDS" else "RGBA", size, (9, 120, 200)).save(buffer, fmt)
    except (KeyError, OSError, ValueError):
        return None
    return buffer.getvalue()


def _heads() -> dict[str, bytes]:
    heads = {}
    for fmt in IMAGE_FORMATS:
        data = _written(fmt) or HANDMADE.get(fmt)
        if data is not None:
            heads[fmt] = data[:32]
    return heads


HEADS = _heads()


def test_every_decoded_format_has_a_first_byte_rule() -> None:
    assert set(SIGNATURE_FIRST_BYTES) == set(IMAGE_FORMATS)
    assert len(HEADS) >= 15, sorted(set(IMAGE_FORMATS) - set(HEADS))


@pytest.mark.parametrize("fmt", sorted(HEADS))
def test_a_real_head_of_each_format_passes(fmt: str) -> None:
    head = HEADS[fmt]
    assert sniff_format(head) is not None
    assert could_be_image(head)


def _accepted_by(head: bytes) -> list[str]:
    """Every format whose Pillow signature check accepts `head`, whatever its first byte."""
    found = []
    for name in IMAGE_FORMATS:
        check = signature_check(name)
        try:
            if check is not None and check(head[:16]):
                found.append(name)
        except Exception:  # noqa: S112 - a check that trips over odd bytes is a "no"
            continue
    return found


def _rule_lets_through(name: str, head: bytes) -> bool:
    """The format's own first-byte rule: its first bytes, or `ftyp` at offset 4 for HEIF/AVIF."""
    first_bytes = SIGNATURE_FIRST_BYTES[name]
    return head[0] in first_bytes if first_bytes else head[4:8] == b"ftyp"


@pytest.mark.parametrize("fmt", sorted(HEADS))
def test_with_any_other_first_byte_no_signature_check_accepts(fmt: str) -> None:
    """Each format's real head, its first byte swapped for every other byte: no format's check
    accepts it unless that format's own rule lets it through (so `could_be_image` does too)."""
    head = HEADS[fmt]
    for first in range(256):
        changed = bytes([first]) + head[1:]
        for name in _accepted_by(changed):
            assert _rule_lets_through(name, changed), (fmt, name, hex(first))
            assert could_be_image(changed), (fmt, name, hex(first))
            assert sniff_format(changed) is not None, (fmt, name, hex(first))


def test_random_content_never_passes_a_check_the_rule_ruled_out() -> None:
    rng = random.Random(11)
    for _ in range(100_000):
        head = rng.randbytes(32)
        accepted = _accepted_by(head)
        assert (sniff_format(head) is not None) == bool(accepted), head
        for name in accepted:
            assert _rule_lets_through(name, head), (name, head)
            assert could_be_image(head), head
    assert not could_be_image(b"")
    assert not could_be_image(b"hello world, plain text here")
