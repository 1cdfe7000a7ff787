"""Stream the items of one array member of a top-level JSON object, with the C `json` scanner.

`array_items(handle, "value")` walks the top-level object of a file (any size) and yields each
item of its `value` array, decoded by `json.JSONDecoder.raw_decode` (CPython's C scanner) from a
sliding text buffer: memory holds one chunk plus one item. VICS hash sets are one huge array of
small objects; decoding each object in C is several times cheaper than building it from ijson's
event stream (benchmarks/bench_hashlist_import.py measures ijson as the reference), and parsing
is half the CPU of an import. Other members of the top-level object are decoded and dropped.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterator
from typing import IO

CHUNK_CHARS = 1 << 20
#: An item may be at most this large (a guard against reading a broken file whole).
MAX_ITEM_CHARS = 64 << 20
_SPACE = re.compile(r"[ \t\n\r]*")


class JsonStreamError(ValueError):
    """Malformed JSON: `items` items were read before it."""

    def __init__(self, message: str, items: int) -> None:
        self.items = items
        super().__init__(message)


class _Text:
    """A sliding window over the decoded file."""

    def __init__(self, handle: IO[bytes]) -> None:
        self._handle = handle
        self._decoder = codecs.getincrementaldecoder("utf-8-sig")()
        self.buffer = ""
        self.pos = 0
        self.eof = False

    def more(self) -> bool:
        """Append the next chunk (dropping what was consumed); False at the end of the file."""
        if self.eof:
            return False
        data = self._handle.read(CHUNK_CHARS)
        text = self._decoder.decode(data, final=not data)
        self.eof = not data
        self.buffer = self.buffer[self.pos :] + text
        self.pos = 0
        return True

    def peek(self) -> str:
        """The next non-space character ('' at the end of the file), not consumed."""
        while True:
            self.pos = _SPACE.match(self.buffer, self.pos).end()  # type: ignore[union-attr]
            if self.pos < len(self.buffer):
                return self.buffer[self.pos]
            if not self.more():
                return ""


def array_items(handle: IO[bytes], key: str) -> Iterator[object]:
    """Yield the items of array member `key` of the top-level object; JsonStreamError if bad.

    Raises JsonStreamError (with items=0) too when the top level is no object or has no such
    array member.
    """
    text = _Text(handle)
    decoder = json.JSONDecoder()
    count = 0

    def value() -> object:
        first = text.peek()
        # A number (or true/false/null) cut by the end of a chunk would decode as a shorter one.
        while first not in '{["' and len(text.buffer) - text.pos < 64 and text.more():
            pass
        while True:
            try:
                item, end = decoder.raw_decode(text.buffer, text.pos)
            except json.JSONDecodeError as error:
                if len(text.buffer) - text.pos < MAX_ITEM_CHARS and text.more():
                    continue
                raise JsonStreamError(f"{error.msg}", count) from None
            text.pos = end
            return item

    def expect(characters: str, what: str) -> str:
        found = text.peek()
        if not found or found not in characters:
            raise JsonStreamError(
                f"expected {what}, found {found or 'the end of the file'!r}", count
            )
        text.pos += 1
        return found

    found_key = False
    expect("{", "a JSON object")
    if text.peek() == "}":
        text.pos += 1
    else:
        while True:
            name = value() if text.peek() == '"' else expect('"', "a member name")
            expect(":", "':'")
            if name == key and text.peek() == "[":
                found_key = True
                text.pos += 1
                if text.peek() == "]":
                    text.pos += 1
                else:
                    while True:
                        yield value()
                        count += 1
                        if expect(",]", "',' or ']' after an item") == "]":
                            break
            else:
                value()
            if expect(",}", "',' or '}'") == "}":
                break
    if text.peek():
        raise JsonStreamError("data after the end of the top-level object", count)
    if not found_key:
        raise JsonStreamError(f"no {key!r} array in the top-level object", 0)
