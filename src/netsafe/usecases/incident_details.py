"""Replacing a case's incident details by hand (`PUT /api/v1/referrals/{id}/incident` and the
incident page): the casework service writes them, the files' hashes matched against the lists
as they are written (the repositories' `AskLists`); then an imported referral is pre-scored
again from what its files now match, as when a list arrives (`raise_prescores`), so a listed
hash typed in on it counts as one its report gave."""

from __future__ import annotations

from sqlalchemy.orm import Session

from netsafe.operation.casefile import CaseRepositories
from netsafe.operation.casework import Casework
from netsafe.operation.referrals import IncidentDetails, Referral
from netsafe.platform.roles import Viewer
from netsafe.usecases.intake_setup import IntakeConfig
from netsafe.usecases.rematch_referrals import raise_prescores


def update_incident_details(
    session: Session,
    repos: CaseRepositories,
    viewer: Viewer,
    referral_id: int,
    incident: IncidentDetails,
    config: IntakeConfig,
) -> Referral:
    """Replace a visible referral's incident details (checked as on creation); the referral as
    stored, its band and deadline raised when its pre-score rose."""
    referral = Casework(repos, viewer).update_incident(referral_id, incident)
    if raise_prescores(session, config, only=referral.id):
        return repos.referrals.get(referral.id) or referral
    return referral
