"""The list matcher for triage workers: each worker process loads the on-disk index (kept in step
with the database by `netsafe.hashlists.index_sync.sync_index`, which the command runs first)
once, without touching the database — so Dask workers need only the shared NETSAFE_HOME."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from netsafe.hashlists.index_sync import ListIndex
from netsafe.hashlists.matcher import ListMatcher


@dataclass(frozen=True)
class IndexMatcherFactory:
    """Picklable: builds the `ListMatcher` over the index in `folder`."""

    folder: str

    def __call__(self) -> ListMatcher:
        return ListIndex.load(Path(self.folder)).matcher()


def index_matcher(folder: Path) -> tuple[IndexMatcherFactory, str]:
    """The factory for the index in `folder`, and a key that changes when the index does."""
    try:
        manifest = (folder / "lists.json").read_bytes()
    except OSError:
        manifest = b""
    key = f"{folder}:{hashlib.sha256(manifest).hexdigest()[:16]}"
    return IndexMatcherFactory(str(folder)), key
