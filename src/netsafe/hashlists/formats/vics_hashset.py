"""The fast path for the VICS hash-set form: whole batches of `Media` objects decoded at once.

Almost every hash set is one `{"@odata.context": "...", "value": [ {...}, {...}, ... ]}` whose
objects have the usual value types (hex strings of the right length, integers, true/false or
"true"/"false"). For those, `hashset_batches` cuts the `value` array into chunks of complete
objects, decodes each chunk with msgspec into typed structs (C code checks the types and the hex
lengths) and converts it column by column (one `bytes.fromhex` per column for the whole chunk).

Anything else takes the general path, which reads exactly the same data with the same errors:
- a chunk whose types or values are not the usual ones (`ValidationError`, an unmapped category,
  bad hex, an entry without hashes, ...) is decoded with `json` and converted entry by entry by
  `convert_slowly` (which names the entry and field of an error, or skips it);
- a file laid out otherwise, or malformed JSON, raises `Unusual` with the number of array items
  already read: the caller reads the file again with the general streaming reader, from that item.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from operator import itemgetter
from typing import IO, Annotated, Any

import msgspec

from netsafe.hashlists.category_map import CategoryMap
from netsafe.hashlists.hashvalues import TEXT_LIMIT
from netsafe.hashlists.model import EntryRow
from netsafe.signals import registry

CHUNK_BYTES = 4 << 20
#: The usual start of a hash set: the OData context, then the `value` array.
_START = re.compile(
    rb'\A(?:\xef\xbb\xbf)?\s*\{\s*"(?:@odata\.context|odata\.metadata)"\s*:\s*"[^"\\]*"\s*,'
    rb'\s*"value"\s*:\s*\['
)
_END = re.compile(rb"\]\s*\}\s*\Z")
_SPACE = b" \t\r\n"
_VICTIM: dict[object, bool | None] = {
    True: True,
    False: False,
    None: None,
    "true": True,
    "false": False,
    "True": True,
    "False": False,
}
#: A cut that fails to decode is tried this many times further back before giving up.
_CUT_ATTEMPTS = 8


def _hex(length: int) -> Any:
    return Annotated[str, msgspec.Meta(min_length=length, max_length=length)]


class _Hash(msgspec.Struct, rename="pascal", gc=False):
    hash_name: str
    hash_value: str | None = None


class _Media(msgspec.Struct, gc=False, rename={"md5": "MD5", "sha1": "SHA1", "sha256": "SHA256",
                                               "pdq": "PDQ", "media_id": "MediaID",
                                               "source_id": "SourceID", "category": "Category",
                                               "media_size": "MediaSize", "series": "Series",
                                               "victim": "VictimIdentified",
                                               "comments": "Comments",
                                               "alternatives": "AlternativeHashes"}):  # fmt: skip
    md5: _hex(32) | None = None  # type: ignore[valid-type]
    sha1: _hex(40) | None = None  # type: ignore[valid-type]
    sha256: _hex(64) | None = None  # type: ignore[valid-type]
    pdq: _hex(64) | None = None  # type: ignore[valid-type]
    media_id: int | None = None
    source_id: str | None = None
    category: int | None = None
    media_size: Annotated[int, msgspec.Meta(ge=0)] | None = None
    series: str | None = None
    victim: bool | str | None = None
    comments: str | None = None
    alternatives: list[_Hash] | None = None


_DECODER = msgspec.json.Decoder(list[_Media])


class Unusual(Exception):  # noqa: N818 - a signal to the caller, not an error
    """The file is not laid out as the fast path expects; `items` array items were read."""

    def __init__(self, items: int) -> None:
        self.items = items
        super().__init__(f"general reader needed after {items} items")


def starts_plainly(head: bytes) -> bool:
    """True when the file starts like a usual hash set (context member, then `value`)."""
    return _START.match(head) is not None


SlowConverter = Callable[[list[Any], int], list[EntryRow]]


def hashset_batches(
    handle: IO[bytes], categories: CategoryMap, convert_slowly: SlowConverter
) -> Iterator[list[EntryRow]]:
    """Batches of entries of a hash set whose head `starts_plainly` (read from the start).

    `convert_slowly(items, first_number)` converts decoded JSON items one by one (numbering them
    from `first_number`). Raises `Unusual` when the general reader must take over.
    """
    head = handle.read(CHUNK_BYTES)
    start = _START.match(head)
    if start is None:
        raise Unusual(0)
    buffer = head[start.end() :]
    items = 0
    eof = not head
    while True:
        if not eof and len(buffer) < CHUNK_BYTES:
            data = handle.read(CHUNK_BYTES)
            eof = not data
            buffer += data
            continue
        if eof:
            end = _END.search(buffer)
            if end is None:
                raise Unusual(items)
            body = buffer[: end.start()]
            if not body.strip(_SPACE):
                return
            decoded = _decode(body)
            if decoded is None:
                raise Unusual(items)
            yield _convert(decoded, body, items, categories, convert_slowly)
            return
        body, decoded, buffer = _cut(buffer, items)
        yield _convert(decoded, body, items, categories, convert_slowly)
        items += len(decoded)


def _cut(buffer: bytes, items: int) -> tuple[bytes, list[Any], bytes]:
    """Split `buffer` after its last complete array item: (items, decoded, rest after comma)."""
    limit = len(buffer)
    for _ in range(_CUT_ATTEMPTS):
        brace = buffer.rfind(b"}", 0, limit)
        if brace < 0:
            break
        limit = brace
        comma = brace + 1
        while comma < len(buffer) and buffer[comma] in _SPACE:
            comma += 1
        if comma == len(buffer) or buffer[comma] != ord(","):
            continue
        body = buffer[: brace + 1]
        # A prefix that decodes as a sequence of values ends exactly after an item: the same
        # text read from the same start gives the same values.
        decoded = _decode(body)
        if decoded is not None:
            return body, decoded, buffer[comma + 1 :]
    raise Unusual(items)


def _decode(body: bytes) -> list[Any] | None:
    """`body` (items separated by commas) as a list: typed structs, or plain JSON values when
    some value is not of the usual type; None when it is no sequence of JSON values."""
    text = b"[" + body + b"]"
    try:
        return _DECODER.decode(text)
    except msgspec.ValidationError:
        pass
    except msgspec.DecodeError:
        return None
    try:
        return json.loads(text)  # type: ignore[no-any-return]
    except (ValueError, RecursionError):
        return None


def _convert(
    decoded: list[Any],
    body: bytes,
    items: int,
    categories: CategoryMap,
    convert_slowly: SlowConverter,
) -> list[EntryRow]:
    if decoded and decoded[0].__class__ is _Media:
        rows = _convert_structs(decoded, categories)
        if rows is not None:
            return rows
        decoded = json.loads(b"[" + body + b"]")
    return convert_slowly(decoded, items + 1)


def _convert_structs(media: list[_Media], categories: CategoryMap) -> list[EntryRow] | None:
    """Rows of `media`, column by column; None when any value needs the general path."""
    sha256 = [m.sha256 for m in media]
    pdq = [m.pdq for m in media]
    if not _take_alternatives(media, sha256, pdq):
        return None
    columns = (
        _hex_column([m.md5 for m in media], 16),
        _hex_column([m.sha1 for m in media], 20),
        _hex_column(sha256, 32),
        _hex_column(pdq, 32),
    )
    md5, sha1, sha256_raw, pdq_raw = columns
    if md5 is None or sha1 is None or sha256_raw is None or pdq_raw is None:
        return None
    if (
        None in md5
        and None in sha1
        and any(
            a is None and b is None and c is None and d is None
            for a, b, c, d in zip(md5, sha1, sha256_raw, pdq_raw, strict=True)
        )
    ):
        return None  # an entry without any hash: the general path reports it
    category_of: dict[object, str] = {**categories.values_by_number, None: categories.resolve(None)}
    try:
        category = list(map(category_of.__getitem__, [m.category for m in media]))
        victim = list(map(_VICTIM.__getitem__, [m.victim for m in media]))
    except KeyError:
        return None
    series = [m.series for m in media]
    comments = [m.comments for m in media]
    source = [m.source_id if m.source_id is not None else m.media_id for m in media]
    if not (_plain_texts(series) and _plain_texts(comments) and _plain_texts(source)):
        return None
    size = [m.media_size for m in media]
    source_text = [s if s.__class__ is not int else str(s) for s in source]
    others = [()] * len(media)  # values of other signals send a batch to the general path
    return list(zip(md5, sha1, sha256_raw, pdq_raw, category, size, series, victim, comments,
                    source_text, others, strict=True))  # fmt: skip


def _hex_column(column: list[str | None], size: int) -> list[bytes | None] | None:
    """Hex strings (of checked length) as raw bytes, one `fromhex` for all; None if bad hex."""
    present = [h for h in column if h is not None] if None in column else column
    try:
        blob = bytes.fromhex("".join(present))  # type: ignore[arg-type]
    except ValueError:
        return None
    if len(blob) != size * len(present):  # fromhex skips spaces: a value held some
        return None
    pieces = [blob[i : i + size] for i in range(0, len(blob), size)]
    if present is column:
        return pieces  # type: ignore[return-value]
    found = iter(pieces)
    return [None if h is None else next(found) for h in column]


#: Hash names of `AlternativeHashes` items as usually spelled, then as `_KIND_OF_NAME` reads any.
_KIND_OF_USUAL_NAME = {"PDQ": "pdq", "pdq": "pdq", "SHA256": "sha256", "sha256": "sha256"}
_KIND_OF_NAME = {"sha256": "sha256", "sha-256": "sha256", "pdq": "pdq"}


def _take_alternatives(
    media: list[_Media], sha256: list[str | None], pdq: list[str | None]
) -> bool:
    """Fill the gaps of the `sha256` and `pdq` columns from `AlternativeHashes` (the last item of
    a kind counts); False when an item of either kind has no 64-digit value."""
    usual = _KIND_OF_USUAL_NAME
    for index, alternatives in enumerate([m.alternatives for m in media]):
        if not alternatives:
            continue
        found_sha256 = found_pdq = None
        for item in alternatives:
            name = item.hash_name
            kind = usual.get(name) or _KIND_OF_NAME.get(name.strip().lower())
            if kind is None:
                signal = registry.find(name)
                if signal is not None and not signal.column:
                    return False  # a signal without a column: the general path reads it
                continue
            value = item.hash_value
            if value is None or len(value) != 64:
                return False
            if kind == "pdq":
                found_pdq = value
            else:
                found_sha256 = value
        if sha256[index] is None:
            sha256[index] = found_sha256
        if pdq[index] is None:
            pdq[index] = found_pdq
    return True


def _plain_texts(values: list[Any]) -> bool:
    """True when every text is kept as it is (non-blank, not starting with a space, short);
    other values (None, numbers) are left to the caller."""
    texts = [v for v in values if v.__class__ is str]
    return not texts or (
        min(map(len, texts)) > 0
        and max(map(len, texts)) <= TEXT_LIMIT
        and not any(map(str.isspace, map(_first, texts)))
    )


_first = itemgetter(0)
