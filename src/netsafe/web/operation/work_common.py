"""What the work API and pages share: the owner and action repositories and the user accounts
of the request's transaction, and the exhibit list's repository."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends

from netsafe.store.repositories.exhibit_list import SqlExhibitList
from netsafe.store.repositories.operation_queue import SqlFilteredQueue
from netsafe.store.repositories.users import SqlUserRepository
from netsafe.store.repositories.work import SqlWorkRepository
from netsafe.web.deps import SessionDep


@dataclass(frozen=True, slots=True)
class WorkRepositories:
    """Owners and actions, the user accounts they name, the exhibit list and the queue."""

    work: SqlWorkRepository
    people: SqlUserRepository
    exhibit_list: SqlExhibitList
    queue: SqlFilteredQueue


async def _work(session: SessionDep) -> WorkRepositories:
    return WorkRepositories(
        work=SqlWorkRepository(session),
        people=SqlUserRepository(session),
        exhibit_list=SqlExhibitList(session),
        queue=SqlFilteredQueue(session),
    )


WorkDep = Annotated[WorkRepositories, Depends(_work)]
