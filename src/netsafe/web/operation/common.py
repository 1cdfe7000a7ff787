"""What the operation's API and pages share: the police-only policy, the repositories of the
request's transaction, and the mapping of service errors to answers (with the refusal audited)."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path as FilePath
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Path, Request
from sqlalchemy.orm import Session

from netsafe.hashlists.reported_files import ReportedFileAnswer, match_reported_files
from netsafe.operation.casefile import CaseRepositories
from netsafe.operation.casework import Casework
from netsafe.operation.exhibits import Exhibit
from netsafe.operation.record_history import CaseworkConflictError
from netsafe.operation.record_kinds import RecordKind
from netsafe.operation.records import RecordRepository, visible_record
from netsafe.operation.referrals import Referral, get_referral
from netsafe.operation.risk import QuestionSet, load_question_set
from netsafe.platform.access import AccessDeniedError, OperationInputError, RecordNotFoundError
from netsafe.platform.audit import Outcome
from netsafe.platform.roles import (
    CASEWORK_WRITERS,
    POLICE_ROLES,
    READ_ONLY_POLICE_ROLES,
    Viewer,
)
from netsafe.store.repositories.operation import case_repositories
from netsafe.store.repositories.triage import SqlTriageRepository
from netsafe.triage.stored import TriageRun
from netsafe.web.auditor import audit_event, record_now
from netsafe.web.deps import SessionDep
from netsafe.web.lists_index import lists_index
from netsafe.web.policy import allow

#: Police records: police roles only; records of another force (or a restricted case) are 404.
#: The analyst reads them and writes none (403 on any write).
POLICE_ONLY = allow(*sorted(POLICE_ROLES), force_scoped=True, read_only=READ_ONLY_POLICE_ROLES)
PoliceViewer = Annotated[Viewer, Depends(POLICE_ONLY)]
#: A page that is only a form to record casework (a new referral, the incident details): the
#: police roles that write casework (an analyst's request answers 403).
CASEWORK_FORM = allow(*sorted(CASEWORK_WRITERS), force_scoped=True)
CaseworkWriter = Annotated[Viewer, Depends(CASEWORK_FORM)]


async def _repositories(request: Request, session: SessionDep) -> CaseRepositories:
    """The request's repositories (no I/O: made in the event loop). The hashes typed in on a
    case are matched as they are written, against the process's index of the lists (the
    lookup API's), brought up to date with the stored lists first."""
    index = lists_index(request)

    def ask_lists(files: Sequence[Mapping[str, str]]) -> list[ReportedFileAnswer]:
        return index.match(session, lambda m: match_reported_files(m, files), fresh=True)

    return case_repositories(session, ask_lists)


ReposDep = Annotated[CaseRepositories, Depends(_repositories)]


@functools.lru_cache(maxsize=8)
def _question_set(path: str | None) -> QuestionSet:
    return load_question_set(FilePath(path) if path else None)


def question_set(request: Request) -> QuestionSet:
    """The configured risk question set (`NETSAFE_RISK_QUESTIONS`, or the shipped default)."""
    configured = request.app.state.settings.risk_questions
    return _question_set(None if configured is None else str(configured))


async def _casework(request: Request, repos: ReposDep, viewer: PoliceViewer) -> Casework:
    return Casework(repos, viewer, questions=question_set(request))


#: The casework facade of the request: its viewer and its transaction's repositories.
CaseworkDep = Annotated[Casework, Depends(_casework)]


@contextmanager
def answering(
    request: Request, action: str, resource_type: str, resource_id: object = None
) -> Iterator[None]:
    """Turn service errors into 403 / 404 / 409 (a closed case, a withdrawn record) / 422
    answers; refusals are audited at once."""
    try:
        yield
    except AccessDeniedError as error:
        refused(request, action, resource_type, resource_id, str(error))
        raise HTTPException(403, detail=str(error)) from None
    except RecordNotFoundError as error:
        refused(request, action, resource_type, resource_id, str(error))
        raise HTTPException(404, detail=str(error)) from None
    except OperationInputError as error:
        detail = [{"loc": ["body", *error.field.split(".")], "msg": error.message}]
        raise HTTPException(422, detail=detail) from None
    except CaseworkConflictError as error:
        refused(request, action, resource_type, resource_id, str(error))
        raise HTTPException(409, detail=str(error)) from None


def refused(
    request: Request, action: str, resource_type: str, resource_id: object, detail: str
) -> None:
    event = audit_event(
        request, action, resource_type, resource_id, outcome=Outcome.DENIED, detail=detail
    )
    record_now(request, event)


def visible(
    kind: str, repository: Callable[[CaseRepositories], RecordRepository[Any]]
) -> Callable[..., Any]:
    """A dependency giving the record named by the path parameter `{kind}_id`, or 404 when the
    caller may not see it (checked before the request body is read)."""

    def dependency(
        request: Request,
        viewer: PoliceViewer,
        repos: ReposDep,
        record_id: int = Path(alias=f"{kind}_id"),
    ) -> Any:
        with answering(request, f"{kind}.access", kind, record_id):
            record, _ = visible_record(repository(repos), repos.referrals, viewer, record_id, kind)
        return record

    return dependency


def visible_of(kind: RecordKind) -> Callable[..., Any]:
    """A dependency giving the record of `kind` named by the path parameter `{kind}_id`, or 404
    when the caller may not see it (checked before the request body is read)."""

    def dependency(
        request: Request, casework: CaseworkDep, record_id: int = Path(alias=f"{kind.name}_id")
    ) -> Any:
        with answering(request, f"{kind.name}.access", kind.name, record_id):
            record, _ = casework.record(kind, record_id)
        return record

    return dependency


def with_body(function: Callable[..., Any], model: type[Any]) -> inspect.Signature:
    """`function`'s signature with its `body` parameter typed as `model` (what FastAPI reads),
    for a route made for each kind of record."""
    signature = inspect.signature(function, eval_str=True)
    parameters = [
        p.replace(annotation=model) if p.name == "body" else p
        for p in signature.parameters.values()
    ]
    return signature.replace(parameters=parameters)


def visible_referral(
    request: Request,
    viewer: PoliceViewer,
    repos: ReposDep,
    referral_id: int = Path(),
) -> Referral:
    """A dependency giving the referral of the path, or 404 when the caller may not see it."""
    with answering(request, "referral.access", "referral", referral_id):
        return get_referral(repos.referrals, viewer, referral_id)


def exhibit_runs(session: Session, exhibit: Exhibit) -> list[TriageRun]:
    """The exhibit's triage runs, newest first: those `store.run_exhibits` links to it (when
    two forces use the reference, only runs naming this case, never another force's)."""
    return SqlTriageRepository(session).runs_of_exhibit_id(exhibit.id)
