"""The registry of signal types: what fingerprints, lists, matching, triage and the API loop over.

The built-in signals are listed in `BUILTIN`; adding a signal is writing its module (a
`SignalType` subclass) and naming it there. Code that needs a signal by a name found in a file
(a CSV header, a `kind:` prefix, a VICS `HashName`) asks `find`. Tests (and plug-ins) may
`register` more at run time; everything reads the registry when it runs, never a copy taken at
import time, so a signal registered later flows through like a built-in one.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from netsafe.signals.base import Content, SignalType, label_key
from netsafe.signals.md5 import Md5Signal
from netsafe.signals.pdq import PdqSignal
from netsafe.signals.sha1 import Sha1Signal
from netsafe.signals.sha256 import Sha256Signal
from netsafe.signals.vpdq import VpdqSignal

#: The signals NetSafe ships, in the order they are reported.
BUILTIN: tuple[type[SignalType], ...] = (
    Md5Signal,
    Sha1Signal,
    Sha256Signal,
    PdqSignal,
    VpdqSignal,
)

#: The four signals with their own columns (list store, triage records), in report order.
COLUMN_SIGNALS: tuple[str, ...] = ("md5", "sha1", "sha256", "pdq")

_SIGNALS: dict[str, type[SignalType]] = {}
_LABELS: dict[str, type[SignalType]] = {}


class UnknownSignalError(ValueError):
    """A signal name that no registered signal has."""


def register(signal: type[SignalType]) -> type[SignalType]:
    """Add `signal` to the registry (usable as a class decorator); ValueError on a name clash."""
    name = signal.name
    if not name or name != name.lower() or not name.replace("_", "").isalnum():
        raise ValueError(f"signal name {name!r}: lower-case letters, digits and _ only")
    labels = {label_key(label) for label in (name, *signal.aliases, signal.heading())}
    for label in labels:
        taken = _LABELS.get(label)
        if taken is not None and taken is not signal:
            raise ValueError(f"signal {name!r}: {label!r} already names signal {taken.name!r}")
    if signal.column and name not in COLUMN_SIGNALS:
        raise ValueError(f"signal {name!r}: only {', '.join(COLUMN_SIGNALS)} have columns")
    _SIGNALS[name] = signal
    for label in labels:
        _LABELS[label] = signal
    return signal


def unregister(name: str) -> None:
    """Remove a signal registered with `register` (built-in signals stay)."""
    signal = _SIGNALS.get(name)
    if signal is None or signal in BUILTIN:
        raise ValueError(f"signal {name!r} is not a registered extra signal")
    del _SIGNALS[name]
    for label in [label for label, held in _LABELS.items() if held is signal]:
        del _LABELS[label]


@contextmanager
def registered(signal: type[SignalType]) -> Iterator[type[SignalType]]:
    """`signal` registered for the duration of a `with` block (tests, one-off tools)."""
    register(signal)
    try:
        yield signal
    finally:
        unregister(signal.name)


def signal_types() -> tuple[type[SignalType], ...]:
    """Every registered signal, built-in ones first, in report order."""
    return tuple(_SIGNALS.values())


def signal_names() -> tuple[str, ...]:
    """The name of every registered signal, in report order."""
    return tuple(_SIGNALS)


def extra_signals() -> tuple[type[SignalType], ...]:
    """The signals without a column of their own (their values live in side tables)."""
    return tuple(s for s in _SIGNALS.values() if not s.column)


def signals_for(content: Content) -> tuple[type[SignalType], ...]:
    """The registered signals computed from `content`."""
    return tuple(s for s in _SIGNALS.values() if s.content is content)


def get(name: str) -> type[SignalType]:
    """The signal named `name` exactly; UnknownSignalError naming the known ones."""
    signal = _SIGNALS.get(name)
    if signal is None:
        raise UnknownSignalError(f"unknown signal {name!r}: use one of {', '.join(_SIGNALS)}")
    return signal


def find(label: str) -> type[SignalType] | None:
    """The signal a list file means by `label` (name or alias, any case), or None."""
    return _LABELS.get(label_key(label))


for _builtin in BUILTIN:
    register(_builtin)
