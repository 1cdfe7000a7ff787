"""Every table NetSafe has. Importing this module registers all models on `Base.metadata`.

Each area keeps its models in a module of its own; add the import of a new one here.
"""

from netsafe.store.base import Base
from netsafe.store.models import (
    agency,
    deconfliction,
    demo,
    hashlists,
    intake,
    operation,
    platform,
    prevention,
    search,
    triage,
    work,
)

__all__ = [
    "Base",
    "agency",
    "deconfliction",
    "demo",
    "hashlists",
    "intake",
    "operation",
    "platform",
    "prevention",
    "search",
    "triage",
    "work",
]
