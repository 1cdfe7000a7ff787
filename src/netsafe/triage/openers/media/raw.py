"""Plain raw images (dd): the bytes are the medium. The last format tried: it opens any file, and
the disk layer then decides by content whether a volume or file system is there."""

from __future__ import annotations

from netsafe.triage.openers.byte_sources import FileBytes
from netsafe.triage.openers.interfaces import ByteSource, OpenedMedium, OpenError, Probe


class RawFormat:
    """Any bytes, read as they are."""

    kind = "raw"
    #: (not .bin: firmware and data files are named so as often as disk images)
    suffixes = (".dd", ".raw", ".img", ".iso", ".dmg", ".image", ".001")

    def recognise(self, probe: Probe) -> bool:
        return True

    def open(self, probe: Probe, data: ByteSource | None) -> OpenedMedium:
        if data is not None:
            return OpenedMedium("raw", data, (probe.name,))
        assert probe.path is not None
        try:
            return OpenedMedium("raw", FileBytes(str(probe.path)), (str(probe.path),))
        except OSError as error:
            raise OpenError("unreadable", f"cannot open {probe.name}: {error.strerror}") from error


OPENERS = (RawFormat(),)
