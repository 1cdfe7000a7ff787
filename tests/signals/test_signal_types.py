"""Signal types: validation, normalisation and comparison of hex values."""

from __future__ import annotations

import pytest

from netsafe.signals.md5 import Md5Signal
from netsafe.signals.pdq import PdqSignal
from netsafe.signals.sha1 import Sha1Signal
from netsafe.signals.sha256 import Sha256Signal


@pytest.mark.parametrize(
    ("signal", "length"), [(Md5Signal, 32), (Sha1Signal, 40), (Sha256Signal, 64), (PdqSignal, 64)]
)
def test_validation(signal: type[Md5Signal], length: int) -> None:
    good = "A" * length
    assert signal.normalize(f" {good} ") == "a" * length
    assert signal.is_valid(good)
    assert not signal.is_valid("a" * (length - 1))
    assert not signal.is_valid("g" * length)
    with pytest.raises(ValueError, match=signal.name):
        signal.normalize("xyz")


def test_exact_signals_compare_equal_or_not() -> None:
    assert Md5Signal.distance("ab" * 16, "AB" * 16) == 0
    assert Md5Signal.distance("ab" * 16, "ac" * 16) == 1


def test_pdq_distance_is_hamming() -> None:
    zero = "0" * 64
    assert PdqSignal.distance(zero, zero) == 0
    assert PdqSignal.distance(zero, "f" * 64) == 256
    assert PdqSignal.distance(zero, "1" + "0" * 62 + "3") == 3
