"""What every intake use case shares: the configured tables (forces, pre-score rules, risk
bands), who may import, the lists' matcher, and the audit hook's shape."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy.orm import Session

from netsafe.hashlists.index_sync import load_matcher
from netsafe.hashlists.matcher import ListMatcher
from netsafe.intake.forces import ForceTable, load_force_table
from netsafe.intake.prescore import PrescoreRules, load_prescore_rules
from netsafe.operation.risk import QuestionSet, load_question_set
from netsafe.platform.access import AccessDeniedError, OperationInputError
from netsafe.platform.agencies import FORCE_SLUGS
from netsafe.platform.roles import Role, Viewer
from netsafe.settings import Settings
from netsafe.store.repositories.hashlists import SqlHashListRepository

#: Records an audit event in the session: (session, action, resource type, id, detail).
Audit = Callable[[Session, str, str, object, str | None], None]


@dataclass(frozen=True, slots=True)
class IntakeConfig:
    """The force table, the pre-score rules and the risk bands' deadlines."""

    forces: ForceTable
    rules: PrescoreRules
    questions: QuestionSet


@functools.lru_cache(maxsize=8)
def _config(forces: str | None, rules: str | None, questions: str | None) -> IntakeConfig:
    return IntakeConfig(
        load_force_table(Path(forces) if forces else None, FORCE_SLUGS),
        load_prescore_rules(Path(rules) if rules else None),
        load_question_set(Path(questions) if questions else None),
    )


def intake_config(settings: Settings) -> IntakeConfig:
    """The configured tables (`NETSAFE_INTAKE_FORCES`, `NETSAFE_INTAKE_RULES`,
    `NETSAFE_RISK_QUESTIONS`, each defaulting to the shipped file). Raises ValueError naming
    the file and entry when one is wrong."""

    def text(path: Path | None) -> str | None:
        return None if path is None else str(path)

    return _config(
        text(settings.intake_forces), text(settings.intake_rules), text(settings.risk_questions)
    )


def may_import(viewer: Viewer) -> bool:
    """The operation lead and the regional unit's police roles import and assign reports."""
    return not viewer.is_charity and (
        viewer.role is Role.OPERATION_LEAD or viewer.agency == "regional-unit"
    )


def require_intake_role(viewer: Viewer) -> None:
    if not may_import(viewer):
        raise AccessDeniedError("only the operation lead and the regional unit import reports")


def require_force(force: str) -> None:
    if force not in FORCE_SLUGS:
        raise OperationInputError(
            "force", f"unknown force {force!r}; one of {', '.join(FORCE_SLUGS)}"
        )


def filer(viewer: Viewer) -> Viewer:
    """Who files an imported referral: the importing user, allowed to file for every force
    (the regional unit files for all four, though its staff see only their own unit's
    records). `created_by` stays the user's name; `may_import` was checked first."""
    return replace(viewer, role=Role.OPERATION_LEAD)


def intake_matcher(session: Session, settings: Settings) -> ListMatcher:
    """The hash lists' matcher (the same as `netsafe match` and the lookup API use), its
    on-disk index brought up to date first."""
    return load_matcher(settings.index_folder, SqlHashListRepository(session))
