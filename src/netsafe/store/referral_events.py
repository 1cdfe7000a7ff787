"""Session events about referrals: call back after a commit that wrote a referral or its access
list. The web app's dashboard counts (`web/operation/summary_cache.py`) are cleared this way."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker

from netsafe.store.models.operation import ReferralAccessRow, ReferralRow

_WROTE_REFERRALS = "netsafe.dashboard.wrote-referrals"
_REFERRAL_TABLES = (ReferralRow, ReferralAccessRow)


def on_referral_commits(sessions: sessionmaker[Session], callback: Callable[[], None]) -> None:
    """Call `callback()` when a session of `sessions` commits a change to a referral or its
    access list."""

    def after_commit(session: Session) -> None:
        if session.info.pop(_WROTE_REFERRALS, False):
            callback()

    event.listen(sessions, "before_flush", _note_referral_writes)
    event.listen(sessions, "after_commit", after_commit)


def note_referral_writes(session: Session) -> None:
    """Tell the callbacks that `session` wrote referrals by statements of its own (a bulk
    INSERT), which the unit of work does not see."""
    session.info[_WROTE_REFERRALS] = True


def _note_referral_writes(session: Session, _context: object, _instances: object) -> None:
    changed = (*session.new, *session.dirty, *session.deleted)
    if any(isinstance(item, _REFERRAL_TABLES) for item in changed):
        note_referral_writes(session)
