"""Scanning one item: read it once for its fingerprints, match them, and open it as an archive
when its content says it is one (members scanned in turn, nested to the configured depth).

Runs inside worker processes; every failure becomes an `ItemError`, never an exception.
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import IO, BinaryIO, cast

from netsafe.signals import registry
from netsafe.signals.base import Content as SignalContent
from netsafe.signals.fingerprint import Fingerprinter
from netsafe.triage.archive import (
    HEAD_BYTES,
    ZIP_TAIL_BYTES,
    MemberStream,
    ZipEnd,
    unsafe_member_name,
    zip_end,
    zip_end_problem,
)
from netsafe.triage.carving.regions import carved_files
from netsafe.triage.error_kinds import (
    archive_failure_kind,
    content_error_kind,
    unreadable_reason,
)
from netsafe.triage.extensions import extension_warning
from netsafe.triage.items import (
    EncryptedVolume,
    FileItem,
    ItemError,
    ItemResult,
    LocatorKind,
    Severity,
)
from netsafe.triage.limits import ContainerCount, ExpansionBudget
from netsafe.triage.matcher import Matcher
from netsafe.triage.openers.content.archive import ArchiveOpener
from netsafe.triage.openers.content.embedded_pictures import (
    EmbeddedPicturesOpener,
    ends_like_embedding,
)
from netsafe.triage.openers.interfaces import (
    Content,
    ContentOpener,
    EmbeddedProblem,
    EmbeddedVolume,
    OpenContext,
    OpenError,
)
from netsafe.triage.openers.registry import REGISTRY
from netsafe.triage.pages import page_reads
from netsafe.triage.plain import PlainBatchBuilder, PlainFileReader, PlainFiles, open_regular
from netsafe.triage.recording import (
    Fingerprinted,
    ItemContext,
    ThumbnailThresholds,
    record_batch,
)
from netsafe.triage.scan_config import ScanConfig
from netsafe.triage.sources.image_access import ImageError, OpenImage
from netsafe.triage.thumbnails import THUMBNAIL_FLAG

READ_BUFFER = 1 << 20
CARVED = frozenset({"carved"})
#: Opens a zip appended to other content (its head is the other content's)
APPENDED_ZIP = ArchiveOpener()
#: Carves the pictures of a file that ends like one (appended, concatenated) or like a PDF
EMBEDDED_PICTURES = EmbeddedPicturesOpener()


class Scanner:
    """Scans items with one matcher; keeps disk images open between items.

    A batch is fingerprinted first and then matched in one call (`Matcher.match_many`): the list
    lookups cost per batch, not per file.
    """

    def __init__(self, config: ScanConfig, matcher: Matcher | None) -> None:
        self.config = config
        self.matcher = matcher
        self._images: dict[str, OpenImage] = {}
        self._unmatched: list[Fingerprinted] = []
        self._fingerprinter = Fingerprinter(
            hashes=config.hashes, dihedral=config.dihedral, head_bytes=HEAD_BYTES, pages=True
        )
        # the lean path computes the column digests only: with a bytes signal registered
        # beyond them, every file takes the full scan (which computes every signal)
        lean = config.plain_files and not any(
            signal.content is SignalContent.BYTES for signal in registry.extra_signals()
        )
        videos = bool(registry.signals_for(SignalContent.VIDEO))
        self._plain_reader = PlainFileReader(config.hashes, videos=videos) if lean else None
        self._open_context = OpenContext(config.keys, carve=config.carve)
        self._nests = config.limits.max_depth > 0  # (a picture file is no container at 0)
        self._thumbnails = ThumbnailThresholds(
            config.thumbnail_max_distance, config.thumbnail_quality_floor
        )

    def close(self) -> None:
        for image in self._images.values():
            image.close()
        self._images.clear()

    def scan(self, item: FileItem) -> ItemResult:
        """Scan one item in full."""
        self._unmatched = []
        result = self._read(item)
        self._match_all()
        return result

    def scan_batch(self, items: list[FileItem]) -> tuple[list[ItemResult], PlainFiles]:
        """Scan every item: the plain files (`triage.plain`) as columns, the others in full
        (per-item failures are in each result's errors, never raised)."""
        self._unmatched = []
        plain = PlainBatchBuilder(self.config.hashes)
        results: list[ItemResult] = []
        lean = self._plain_reader.read if self._plain_reader is not None else None
        add, regular, in_image = plain.add, LocatorKind.FILE, LocatorKind.IMAGE
        for item in items:
            if lean is not None:
                kind = item.locator.kind
                if kind is regular:
                    read = lean(item.locator.file_path(), item.path)
                elif kind is in_image and not item.deleted:  # (deleted: flagged, full scan)
                    read = self._lean_image_file(item)
                else:
                    read = None
                if read is not None:
                    add(item, *read)
                    continue
            results.append(self._read(item))
        files = plain.build()
        known = self._known(files)
        results.extend(self._read(plain.items[i]) for i in sorted(known))
        self._match_all()
        if known:
            files = files.select(i for i in range(len(files)) if i not in known)
        return results, files

    def _lean_image_file(self, item: FileItem) -> tuple[int, tuple[bytes, ...]] | None:
        """A disk image's file on the lean path (`PlainFileReader.read_stream`), or None for
        the full scan (which also reports why it could not be opened or read)."""
        assert self._plain_reader is not None
        try:
            stream = self._open(item)
        except (OSError, ImageError):
            return None
        with stream:
            return self._plain_reader.read_stream(cast(io.RawIOBase, stream), item.path)

    def _known(self, files: PlainFiles) -> set[int]:
        """Positions of the plain files some list may know (they are scanned again in full)."""
        if self.matcher is None or not len(files):
            return set()
        known: set[int] = set()
        for name in self.config.hashes:
            answers = self.matcher.known_digests(name, files.digests(name))
            known.update(i for i, hit in enumerate(answers) if hit)
        return known

    def _read(self, item: FileItem) -> ItemResult:
        result = ItemResult(key=item.key, bytes_read=item.size or 0)
        context = ItemContext(item, item.path, 0, ExpansionBudget(self.config.limits))
        if item.locator.kind is LocatorKind.CARVE:
            self._carve(item, context, result)
            return result
        try:
            stream = self._open(item)
            if item.size is None:  # a folder's file, listed without a stat
                result.bytes_read = os.fstat(stream.fileno()).st_size
        except (OSError, ImageError) as error:
            result.errors.append(context.error("unreadable", unreadable_reason(error)))
            return result
        with stream:
            head = self._fingerprint(stream, context, result)
        opener = REGISTRY.content_for(head, item.path) if head is not None else None
        if opener is None and head is not None:
            tail = self._tail(item, result.bytes_read)
            end = zip_end(tail, len(tail), result.bytes_read) if tail is not None else None
            problem = zip_end_problem(end, member=False)
            if end is ZipEnd.APPENDED:
                opener = APPENDED_ZIP
            elif problem is not None:
                result.errors.append(context.error(*problem))
            elif tail is not None and ends_like_embedding(tail, len(tail)) and self._nests:
                opener = EMBEDDED_PICTURES  # pictures appended to other content, a PDF
        if opener is not None and head is not None:
            if self.config.limits.max_depth > 0:
                self._scan_top_container(item, opener, head, result.bytes_read, context, result)
            else:
                result.errors.append(context.error("too-deeply-nested", _too_deep(0)))
        return result

    def _tail(self, item: FileItem, size: int) -> bytes | None:
        """The item's last bytes, for what closes it: a zip end record (`archive.zip_end`: a
        zip appended to other content, the last segment of a split zip), or the end of a
        picture (`embedded_pictures.ends_like_embedding`)."""
        try:
            with self._open(item) as stream:
                stream.seek(max(0, size - ZIP_TAIL_BYTES))
                return stream.read(ZIP_TAIL_BYTES)
        except (OSError, ImageError):
            return None  # the read that fingerprinted it said what went wrong, if anything

    # -- opening -------------------------------------------------------------------------
    def _open(self, item: FileItem, *, buffered: bool = False) -> BinaryIO:
        """The item's bytes: unbuffered for one sequential pass through the fingerprinter's own
        buffer, `buffered` for libarchive's small reads and seeks."""
        locator = item.locator
        raw: io.RawIOBase
        if locator.kind is LocatorKind.FILE:
            raw = open_regular(locator.file_path())
        else:
            image = self._image(locator.path)
            raw = image.open_file(
                locator.fs_offset, locator.inode, locator.attr_type, locator.attr_id, locator.volume
            )
        return cast(BinaryIO, io.BufferedReader(raw, READ_BUFFER) if buffered else raw)

    def _image(self, path: str) -> OpenImage:
        image = self._images.get(path)
        if image is None:
            image = self._images[path] = OpenImage(Path(path), self.config.keys)
        return image

    def _carve(self, item: FileItem, context: ItemContext, result: ItemResult) -> None:
        """Carve a CARVE item's runs: each file found is fingerprinted (all three hashes) and
        matched like a file, its path giving its volume and byte offset."""
        try:
            read, base = self._image(item.locator.path).carving_space(item.locator)
            for path, stream in carved_files(read, item.locator, item.path, base):
                inner = ItemContext(item, path, 1, context.budget, flags=CARVED)
                self._fingerprint(cast(IO[bytes], stream), inner, result)
        except (OSError, RuntimeError, ImageError) as error:
            result.errors.append(context.error("unreadable", unreadable_reason(error)))

    # -- fingerprints and matches ----------------------------------------------------------
    def _fingerprint(
        self, stream: IO[bytes] | MemberStream, context: ItemContext, result: ItemResult
    ) -> bytes | None:
        """Fingerprint one stream (matched with its batch): its first HEAD_BYTES bytes, or None
        when it could not be read to its end. An archive member gets all three hashes at once:
        it cannot be read again to complete them if it matches."""
        fp, head = self._fingerprinter.fingerprint(
            cast(BinaryIO, stream), path=context.path, all_hashes=context.depth > 0
        )
        failure = stream.failure if isinstance(stream, MemberStream) else None
        if failure is not None:
            result.errors.append(context.error(archive_failure_kind(failure), failure))
            return None
        if fp.error and fp.error.startswith("read error"):
            # the stream failed part-way (a vanished file, an unreadable sector): no hashes
            result.errors.append(context.error("unreadable", fp.error))
            return None
        if fp.error and not fp.error.startswith("empty file"):
            result.errors.append(context.error(content_error_kind(fp.error), fp.error))
        if fp.size == 0:
            result.errors.append(context.error("empty-file", "0-byte file", Severity.WARNING))
        # a thumbnail is named by its cache entry, not a file name: no extension to mislead
        thumbnail = THUMBNAIL_FLAG in context.flags
        warning = None if thumbnail else extension_warning(context.path, fp.media_type)
        if warning:
            result.errors.append(context.error("misleading-extension", warning, Severity.WARNING))
        self._unmatched.append(Fingerprinted(result, context, fp))
        self._unmatched.extend(page_reads(fp, context, result))  # a TIFF's pages, a GIF's frames
        return head

    def _match_all(self) -> None:
        """Match every file fingerprinted since the batch began and record it, in read order."""
        done, self._unmatched = self._unmatched, []
        record_batch(done, self.matcher, self._thumbnails, self._open)

    # -- containers (archives, disk images, thumbnail caches: `openers.registry`) ---------------
    def _scan_top_container(
        self,
        item: FileItem,
        opener: ContentOpener,
        head: bytes,
        size: int,
        context: ItemContext,
        result: ItemResult,
    ) -> None:
        if item.locator.kind is LocatorKind.FILE:
            content = Content(context.path, head, size, path=item.locator.file_path())
            self._scan_container(opener, content, context, result)
            return
        try:
            with self._open(item, buffered=True) as stream:
                content = Content(context.path, head, size, stream=stream)
                self._scan_container(opener, content, context, result)
        except (OSError, ImageError) as error:
            result.errors.append(context.error("unreadable", unreadable_reason(error)))

    def _scan_container(
        self, opener: ContentOpener, content: Content, context: ItemContext, result: ItemResult
    ) -> None:
        """Scan every item the opener finds in `content` (each opened in turn if it is a
        container), under the limits: member count, bytes expanded, nesting depth."""
        container = ContainerCount(content.size)
        limits = self.config.limits
        count = 0
        try:
            for found in opener.open(content, self._open_context):
                if isinstance(found, EmbeddedVolume):
                    path = f"{context.path}!/{found.name}" if found.name else context.path
                    result.encrypted.append(EncryptedVolume(path, found.scheme, found.opened))
                    continue
                if isinstance(found, EmbeddedProblem):
                    path = f"{context.path}!/{found.name}" if found.name else context.path
                    severity = Severity.WARNING if found.warning else Severity.ERROR
                    result.errors.append(
                        ItemError(context.item.source, path, found.kind, found.reason, severity)
                    )
                    continue
                count += 1
                if count > limits.max_entries:
                    result.errors.append(
                        context.error("archive-bomb", f"more than {limits.max_entries} members")
                    )
                    return
                inner = ItemContext(
                    context.item,
                    f"{context.path}!/{found.name}",
                    context.depth + 1,
                    context.budget,
                    context.deleted or found.deleted,
                    context.flags | found.flags,
                )
                if unsafe_member_name(found.name):
                    result.errors.append(
                        inner.error(
                            "unsafe-member-name",
                            "member name is absolute or climbs out with '..'; nothing is "
                            "extracted, the member is scanned in place",
                            Severity.WARNING,
                        )
                    )
                stream = MemberStream(found.blocks, context.budget, container)
                if not self._scan_member(stream, inner, result) and context.budget.tripped:
                    return  # a bomb ends this container (errors.csv says so)
                # a member that failed (corrupt, encrypted, an unsupported method) is its own
                # errors.csv row; the next ones are still read, or the archive's error says why not
        except OpenError as error:
            result.errors.append(context.error(error.kind, error.reason))
        except (OSError, RuntimeError) as error:
            result.errors.append(context.error("unreadable", unreadable_reason(error)))

    def _scan_member(self, stream: MemberStream, context: ItemContext, result: ItemResult) -> bool:
        """Scan one member (opening it in turn if it is a container); False ends the container."""
        head = stream.peek_head()
        limits = self.config.limits
        opener = REGISTRY.content_for(head, context.path) if stream.failure is None else None
        if opener is not None and context.depth >= limits.max_depth:
            result.errors.append(context.error("too-deeply-nested", _too_deep(limits.max_depth)))
            opener = None
        if opener is None:
            if self._fingerprint(stream, context, result) is None:
                return False
            end = zip_end(stream.tail, len(stream.tail), stream.size)
            problem = zip_end_problem(end, member=True)
            if problem is not None:
                result.errors.append(context.error(*problem))
            return True
        data = stream.read_all(limits.max_nested_bytes)
        if data is None or stream.failure is not None:
            failure = stream.failure or "unreadable member"
            kind = archive_failure_kind(failure)
            result.errors.append(context.error(kind, failure))
            return kind == "nested-archive-too-large"
        self._fingerprint(io.BytesIO(data), context, result)
        self._scan_container(
            opener, Content(context.path, head, len(data), data=data), context, result
        )
        return context.budget.tripped is None


def _too_deep(depth: int) -> str:
    """Why a container was hashed and matched as a file but not opened: nested too deep."""
    return (
        f"a container nested more than {depth} levels deep: hashed and matched as a file, "
        "what it holds was not read"
    )


__all__ = ["Scanner"]
