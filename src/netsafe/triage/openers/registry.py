"""The opener registry: every kind of container NetSafe opens, in one table per layer.

A kind is one module that defines `OPENERS` (instances of `interfaces.MediaFormat` or
`interfaces.ContentOpener`) and one line in `MEDIA_MODULES` or `CONTENT_MODULES` below. Modules
are imported on first use (the CLI starts without loading libewf, libvmdk, ...). Order matters:
the first opener that recognises the bytes opens them, so the raw format, which takes anything,
comes last.
"""

from __future__ import annotations

import importlib
from typing import Any

from netsafe.triage.openers.interfaces import ContentOpener, MediaFormat, Probe

MEDIA_MODULES = (
    "netsafe.triage.openers.media.ewf",
    "netsafe.triage.openers.media.libyal_images",
    "netsafe.triage.openers.media.split_raw",
    "netsafe.triage.openers.media.raw",
)
CONTENT_MODULES = (
    "netsafe.triage.openers.content.archive",
    "netsafe.triage.openers.content.disk_image",
    "netsafe.triage.openers.content.thumbnail_cache",
    "netsafe.triage.openers.content.embedded_pictures",
)


class Registry:
    """The media formats and content openers, loaded from their modules on first use."""

    def __init__(self, media_modules: tuple[str, ...], content_modules: tuple[str, ...]) -> None:
        self._media_modules = media_modules
        self._content_modules = content_modules
        self._media: list[MediaFormat] | None = None
        self._content: list[ContentOpener] | None = None

    def media_formats(self) -> list[MediaFormat]:
        if self._media is None:
            self._media = [o for name in self._media_modules for o in _openers(name)]
        return self._media

    def content_openers(self) -> list[ContentOpener]:
        if self._content is None:
            self._content = [o for name in self._content_modules for o in _openers(name)]
        return self._content

    def register_content(self, opener: ContentOpener, *, first: bool = False) -> None:
        """Add a content opener (before the others with `first`)."""
        openers = self.content_openers()
        openers.insert(0, opener) if first else openers.append(opener)

    def register_media(self, media_format: MediaFormat) -> None:
        """Add a media format, tried before the raw format."""
        formats = self.media_formats()
        formats.insert(max(0, len(formats) - 1), media_format)

    def media_for(self, probe: Probe) -> MediaFormat:
        """The format of a storage-media image (the raw format when no other recognises it)."""
        for media_format in self.media_formats():
            if media_format.recognise(probe):
                return media_format
        raise LookupError("no media format recognises the bytes")  # the raw format takes all

    def content_for(self, head: bytes, name: str) -> ContentOpener | None:
        """The opener of a file whose first bytes are `head`, or None for a plain file."""
        for opener in self.content_openers():
            if opener.recognise(head, name):
                return opener
        return None

    def suggested_kind(self, name: str) -> str | None:
        """The media kind a file name suggests (`usb.E01` -> "e01"), by its ending."""
        lower = name.lower()
        for media_format in self.media_formats():
            if lower.endswith(media_format.suffixes):
                return media_format.kind
        return None


def _openers(module_name: str) -> list[Any]:
    return list(importlib.import_module(module_name).OPENERS)


REGISTRY = Registry(MEDIA_MODULES, CONTENT_MODULES)
