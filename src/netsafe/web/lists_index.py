"""The web process's index of the hash lists (`LookupIndex`, one per process on the app's
state): the lookup API matches against it, and so do the hashes typed in on a case (the
operation's repositories, `netsafe.web.operation.common`)."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from fastapi import Request
from sqlalchemy.orm import Session

from netsafe.hashlists.index_sync import ListIndex, apply_changes, sync_index
from netsafe.hashlists.matcher import ListMatcher
from netsafe.store.repositories.hashlists import SqlHashListRepository

T = TypeVar("T")


class LookupIndex:
    """The process's matching index, synced with the stored lists at most every `SYNC_SECONDS`
    (an imported or deleted list shows in lookups within that time).

    Given the saved index's folder (NETSAFE_HOME/index), a worker first brings the folder up to
    date (under its lock: one worker at a time, the others find nothing left to do) and reads
    it memory-mapped, so every worker of a server shares one copy of the PDQ tables in the
    page cache, and one copy of the exact (md5, sha1, sha256) indexes; later changes are
    applied in memory (the index's delta). Their pages are mapped when the index is opened
    (`PdqIndex.warm`, `ExactIndex.warm`), not one fault at a time by the first queries.
    Without a folder the index is built in memory from the stored lists."""

    SYNC_SECONDS = 1.0

    def __init__(self, folder: Path | None = None) -> None:
        self._folder = folder
        self._index: ListIndex | None = None
        self._synced_at = -math.inf
        self._lock = threading.Lock()

    def match(
        self, session: Session, query: Callable[[ListMatcher], T], *, fresh: bool = False
    ) -> T:
        """Run `query(matcher)` on an up-to-date matcher (serialised: the index is mutable).
        `fresh`: brought up to date with the stored lists now, however recently it was (a
        case's hand-typed hashes are matched against every list stored before)."""
        with self._lock:
            now = time.monotonic()
            repository = SqlHashListRepository(session)
            if self._index is None:
                self._index = self._open(repository)
                self._synced_at = now
            elif fresh or now - self._synced_at >= self.SYNC_SECONDS:
                apply_changes(self._index, repository)
                self._synced_at = now
            return query(self._index.matcher())

    def _open(self, repository: SqlHashListRepository) -> ListIndex:
        index = ListIndex()
        if self._folder is not None:
            sync_index(self._folder, repository)
            index = ListIndex.load(self._folder)
            index.pdq.warm()
            for exact in index.exact.values():
                exact.warm()
        apply_changes(index, repository)  # whatever changed since (or everything)
        return index


def lists_index(request: Request) -> LookupIndex:
    """The process's index of the hash lists (made on first use)."""
    index: LookupIndex | None = getattr(request.app.state, "lookup_index", None)
    if index is None:
        settings = getattr(request.app.state, "settings", None)
        folder = settings.index_folder if settings is not None else None
        index = request.app.state.lookup_index = LookupIndex(folder)
    return index
