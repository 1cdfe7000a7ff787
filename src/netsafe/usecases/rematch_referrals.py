"""Match every referral's files (imported, and typed in by hand on a case) against the hash
lists again (a list arrived or changed), keep the new matches, and raise the pre-score of
imported referrals not yet assessed when it rises (`rematch_after_list_import`, the hook the
hash-list import calls)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.orm import Session

from netsafe.hashlists.index_sync import load_matcher
from netsafe.hashlists.matcher import ListMatcher
from netsafe.hashlists.reported_files import match_reported_files
from netsafe.intake.prescore import prescore
from netsafe.operation import referrals as casework
from netsafe.operation.risk import RiskBand
from netsafe.settings import Settings, load_settings
from netsafe.store.repositories.hashlists import SqlHashListRepository
from netsafe.store.repositories.intake import SqlIntakeRepository
from netsafe.store.repositories.operation_referrals import SqlReferralRepository
from netsafe.store.repositories.referral_file_matches import SqlReferralFileMatches
from netsafe.usecases.intake_batch import prescored_deadline
from netsafe.usecases.intake_outcome import Rematch
from netsafe.usecases.intake_setup import IntakeConfig, intake_config


def _match_files(
    repository: SqlIntakeRepository,
    matcher: ListMatcher | None,
    referral_ids: Sequence[int] | None,
    at: datetime,
    *,
    fresh: bool = False,
) -> tuple[int, int]:
    """Match the stored files (of `referral_ids`, or all) and keep their matches; returns how
    many files there are and how many have a match. `fresh`: the files were just stored (no
    matches to drop)."""
    if matcher is None:
        return 0, 0
    rows = list(repository.hashes(referral_ids))
    answers = match_reported_files(matcher, [values for _, _, values in rows])
    matched = [(row_id, a.matches) for (row_id, _, _), a in zip(rows, answers, strict=True)]
    repository.replace_matches(matched, at, fresh=fresh)
    return len(matched), sum(1 for a in answers if a.matches)


def rematch_referrals(
    session: Session, matcher: ListMatcher, config: IntakeConfig, now: datetime | None = None
) -> Rematch:
    """Match every imported file and every file typed in by hand on a case against the lists
    again (a list arrived or changed), keep the matches, and raise the pre-score of imported
    referrals not yet assessed when it rises. Set based: the files are read once, the
    pre-score inputs of every report in four queries; only a referral whose pre-score rises
    is read and written on its own."""
    now = now or datetime.now(UTC)
    intake = SqlIntakeRepository(session)
    files, known = _match_files(intake, matcher, None, now)
    ask = functools.partial(match_reported_files, matcher)
    case_files = SqlReferralFileMatches(session).match(ask, None, now)
    raised = raise_prescores(session, config)
    return Rematch(files, known, tuple(raised), *case_files)


def raise_prescores(session: Session, config: IntakeConfig, only: int | None = None) -> list[int]:
    """Pre-score the imported referrals (or one alone: `only`) again from what their files
    now match, their report's and those typed in by hand on the case, and keep a band that
    rose; a referral still new takes it, and its deadline, when it is above the band it has.
    The referrals whose band was raised."""
    intake = SqlIntakeRepository(session)
    referrals = SqlReferralRepository(session)
    raised = []
    for referral_id, inputs in sorted(intake.prescore_inputs(only).items()):
        score = prescore(inputs.report, inputs.categories, config.rules)
        old = None if inputs.prescore_band is None else RiskBand(inputs.prescore_band)
        if score.band is None or (old is not None and score.band.rank <= old.rank):
            continue
        referral = referrals.get(referral_id)
        if referral is None:
            continue
        intake.set_prescore(referral_id, score.band.value, score.reasons)
        current = None if referral.risk_band is None else RiskBand(referral.risk_band)
        new_status = referral.status is casework.ReferralStatus.NEW
        if new_status and (current is None or score.band.rank > current.rank):
            referrals.update(
                replace(
                    referral,
                    risk_band=score.band.value,
                    deadline_at=prescored_deadline(referral, score.band, config.questions),
                )
            )
            raised.append(referral_id)
    return raised


def rematch_after_list_import(
    transaction: Callable[[], AbstractContextManager[Session]],
    index_folder: Path,
    settings: Settings | None = None,
) -> Rematch:
    """The hook the hash-list import calls once a list is stored and indexed: every imported
    referral's files are matched against the lists again, in a transaction of its own, with
    the pre-score rules of `settings` (default: the environment's)."""
    config = intake_config(settings or load_settings())
    with transaction() as session:
        matcher = load_matcher(index_folder, SqlHashListRepository(session))
        return rematch_referrals(session, matcher, config)
