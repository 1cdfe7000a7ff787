"""Which errors.csv kind and reason a scanning failure gets."""

from __future__ import annotations


def unreadable_reason(error: BaseException) -> str:
    """Why an item could not be opened or read, as errors.csv says it."""
    if isinstance(error, FileNotFoundError):
        return "file vanished before it could be read"
    if isinstance(error, OSError) and error.strerror:
        return f"cannot read: {error.strerror}"
    return f"cannot read: {error}"


def content_error_kind(error: str) -> str:
    """The errors.csv kind of an image or video that could not be decoded (from the decoder's
    reason; a video signal's reasons start with its name, e.g. `vpdq: corrupt video: ...`)."""
    text = error.lower()
    if text.startswith(("vpdq:", "video")):
        if "refused" in text or "exceeds the limit" in text:
            return "video-refused"
        if "larger than" in text:
            return "video-too-large"
        return "corrupt-video"
    if "bomb" in text or "exceeds the limit" in text or text.startswith("refused"):
        return "decompression-bomb"
    if "larger than" in text:
        return "image-too-large"
    return "corrupt-image"


def archive_failure_kind(failure: str) -> str:
    """The errors.csv kind of an archive member's stream failure."""
    if failure.startswith("archive bomb"):
        return "archive-bomb"
    if failure.startswith("nested archive larger"):
        return "nested-archive-too-large"
    if failure.startswith("unreadable"):
        return "unreadable"
    return "corrupt-archive"
