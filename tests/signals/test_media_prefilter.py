"""`could_be_image`: one byte (or `ftyp` at offset 4) rules content out before Pillow's
signature checks run; it must never rule out content that a check accepts."""

from __future__ import annotations

import io
import random

import pytest
from PIL import Image

from netsafe.media import (
    IMAGE_FIRST_BYTES,
    IMAGE_FORMATS,
    SIGNATURE_FIRST_BYTES,
    could_be_image,
    sniff_format,
)

#: Heads from published signatures, for formats a Pillow build may not write (PSD: none does).
HANDMADE = {
    "PSD": b"8BPS\x00\x01" + bytes(26),
    "JPEG2000": b"\x00\x00\x00\x0cjP  \r\n\x87\n" + bytes(20),
    "AVIF": b"\x00\x00\x00\x1cftypavif" + bytes(20),
    "SGI": b"\x01\xda\x00\x01" + bytes(28),
}


def _written(fmt: str) -> bytes | None:
    size = (16, 16) if fmt not in {"ICNS", "DDS"} else (32, 32)
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


@pytest.mark.parametrize("fmt", sorted(HEADS))
def test_with_any_other_first_byte_no_signature_check_accepts(fmt: str) -> None:
    """Each format's real head, its first byte swapped for every byte the rule leaves out: no
    check accepts it (unless `ftyp` sits at offset 4, which the rule lets through)."""
    head = HEADS[fmt]
    for first in set(range(256)) - IMAGE_FIRST_BYTES:
        changed = bytes([first]) + head[1:]
        if sniff_format(changed) is not None:
            assert could_be_image(changed), (fmt, hex(first))


def test_random_content_never_passes_a_check_the_rule_ruled_out() -> None:
    rng = random.Random(11)
    for _ in range(100_000):
        head = rng.randbytes(32)
        if sniff_format(head) is not None:
            assert could_be_image(head), head
    assert not could_be_image(b"")
    assert not could_be_image(b"hello world, plain text here")
