"""Risk assessment after KIRAT: a configurable set of yes/no questions whose weights give a
score and a band (Low / Medium / High / Very High), and the band a response deadline (by default
30 / 14 / 7 / 1 days after the referral was received).

The question set is a TOML file: `risk_questions.toml` beside this module is the documented
default; the `NETSAFE_RISK_QUESTIONS` setting points at another.
"""

from __future__ import annotations

import enum
import itertools
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

from annotated_types import MaxLen

from netsafe.operation.dates import check_case_time
from netsafe.operation.records import FROM_CASEWORK, Checklist, same_case_id
from netsafe.operation.referrals import (
    Referral,
    ReferralStatus,
    get_referral,
)
from netsafe.platform.access import OperationInputError
from netsafe.platform.roles import Viewer

if TYPE_CHECKING:
    from netsafe.operation.casefile import CaseRepositories

DEFAULT_QUESTION_SET = Path(__file__).with_name("risk_questions.toml")


class RiskBand(enum.StrEnum):
    """Risk bands, lowest first."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    VERY_HIGH = "very-high"

    @property
    def label(self) -> str:
        return self.value.replace("-", " ").title()

    @property
    def rank(self) -> int:
        return list(RiskBand).index(self)


@dataclass(frozen=True, slots=True)
class RiskQuestion:
    """One yes/no risk factor: a yes adds `weight` and lifts the band to `minimum_band`."""

    key: str
    text: str
    weight: int
    minimum_band: RiskBand | None = None


@dataclass(frozen=True, slots=True)
class BandRule:
    """A band applies from `min_score`; its response is due `deadline_days` after receipt."""

    band: RiskBand
    min_score: int
    deadline_days: int


@dataclass(frozen=True, slots=True)
class QuestionSet:
    """A named, versioned question set and its band rules."""

    name: str
    version: int
    questions: tuple[RiskQuestion, ...]
    bands: tuple[BandRule, ...]

    @property
    def label(self) -> str:
        """How an assessment names the set it was made with ("KIRAT-style v1")."""
        return f"{self.name} v{self.version}"

    def rule(self, band: RiskBand) -> BandRule:
        return next(rule for rule in self.bands if rule.band is band)

    def yes_answers(self, answers: Mapping[str, bool]) -> tuple[str, ...]:
        """The keys answered yes, sorted, as an assessment keeps them (unknown keys refused)."""
        self.score(answers)
        return tuple(sorted(key for key, value in answers.items() if value))

    def score(self, answers: Mapping[str, bool]) -> tuple[int, RiskBand]:
        """The score and band for `answers` (unknown keys refused; unanswered means no)."""
        known = {q.key for q in self.questions}
        for key in answers:
            if key not in known:
                raise OperationInputError(f"answers.{key}", "not a question of this set")
        yes = [q for q in self.questions if answers.get(q.key)]
        score = sum(q.weight for q in yes)
        band = max(
            (rule.band for rule in self.bands if score >= rule.min_score),
            key=lambda b: b.rank,
        )
        for question in yes:
            if question.minimum_band is not None and question.minimum_band.rank > band.rank:
                band = question.minimum_band
        return score, band


class QuestionSetError(ValueError):
    """A question set file is wrong; the message names the file and the field."""


def load_question_set(path: Path | None = None) -> QuestionSet:
    """Read a question set TOML file (the shipped default when `path` is None)."""
    path = path or DEFAULT_QUESTION_SET
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise QuestionSetError(f"{path}: {error}") from error
    try:
        bands = tuple(
            BandRule(
                band=band,
                min_score=int(data["bands"][band.value]["min_score"]),
                deadline_days=int(data["bands"][band.value]["deadline_days"]),
            )
            for band in RiskBand
        )
        questions = tuple(
            RiskQuestion(
                key=str(item["key"]),
                text=str(item["text"]),
                weight=int(item["weight"]),
                minimum_band=RiskBand(item["minimum_band"]) if "minimum_band" in item else None,
            )
            for item in data["questions"]
        )
        question_set = QuestionSet(
            name=str(data["name"]), version=int(data["version"]), questions=questions, bands=bands
        )
    except KeyError as error:
        raise QuestionSetError(f"{path}: missing field {error}") from error
    except (TypeError, ValueError) as error:
        raise QuestionSetError(f"{path}: {error}") from error
    if not questions:
        raise QuestionSetError(f"{path}: questions: none given")
    if len({q.key for q in questions}) != len(questions):
        raise QuestionSetError(f"{path}: questions: duplicate key")
    rising = all(a.min_score < b.min_score for a, b in itertools.pairwise(bands))
    if bands[0].min_score != 0 or not rising:
        raise QuestionSetError(f"{path}: bands: min_score must start at 0 and rise with the band")
    if any(rule.deadline_days < 0 for rule in bands):
        raise QuestionSetError(f"{path}: bands: deadline_days must not be negative")
    return question_set


@dataclass(frozen=True, slots=True)
class RiskAssessment:
    """One assessment of a referral (and optionally its subject). The latest one counts."""

    id: int
    referral_id: int
    subject_id: int | None
    question_set: str
    answers: tuple[str, ...]
    score: int
    band: RiskBand
    deadline_at: datetime
    assessed_at: datetime
    assessed_by: str
    rationale: str = ""
    withdrawn_at: datetime | None = None


#: The answers, question key → yes or no (unanswered: no); a form's check boxes `q_<key>`.
Answers = Annotated[Mapping[str, bool], Checklist("q_")]


def assess_risk(
    repos: CaseRepositories,
    viewer: Viewer,
    referral_id: int,
    *,
    questions: Annotated[QuestionSet, FROM_CASEWORK],
    answers: Answers,
    subject_id: int | None = None,
    rationale: Annotated[str, MaxLen(4000)] = "",
    assessed_at: datetime | None = None,
) -> RiskAssessment:
    """Assess a referral: band and deadline from `answers`, scored with `questions` (the
    configured set, which the casework facade gives); the referral takes the new band and
    deadline (counted from its receipt) and, when new, becomes `assessed`. The record-kinds
    table's `add` for risk assessments: its other keyword arguments are the input model of the
    API and the case page's form."""
    referral = get_referral(repos.referrals, viewer, referral_id)
    subject_id = same_case_id(repos.subjects, subject_id, referral, "subject_id", "subject")
    score, band = questions.score(answers)
    deadline = referral.received_at + timedelta(days=questions.rule(band).deadline_days)
    at = check_case_time(assessed_at or datetime.now(UTC), "assessed_at", referral)
    assessment = repos.assessments.add(
        RiskAssessment(
            id=0,
            referral_id=referral.id,
            subject_id=subject_id,
            question_set=questions.label,
            answers=questions.yes_answers(answers),
            score=score,
            band=band,
            deadline_at=deadline,
            assessed_at=at,
            assessed_by=viewer.username,
            rationale=rationale.strip(),
        )
    )
    status = ReferralStatus.ASSESSED if referral.status is ReferralStatus.NEW else referral.status
    repos.referrals.update(
        replace(referral, risk_band=band.value, deadline_at=deadline, status=status)
    )
    return assessment


def rescore(
    assessment: RiskAssessment, referral: Referral, questions: QuestionSet
) -> RiskAssessment:
    """`assessment` with its score, band and deadline worked out again from its answers (after a
    correction of the answers). Only with the question set it was made with: answers to another
    set (or another version) are a new assessment, not a correction of this one."""
    if assessment.question_set != questions.label:
        raise OperationInputError(
            "answers",
            f"assessed with {assessment.question_set}, not the configured {questions.label}: "
            "record a new assessment instead",
        )
    score, band = questions.score(dict.fromkeys(assessment.answers, True))
    deadline = referral.received_at + timedelta(days=questions.rule(band).deadline_days)
    return replace(assessment, score=score, band=band, deadline_at=deadline)
