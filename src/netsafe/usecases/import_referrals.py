"""Import CyberTipline reports as referrals: read each file safely, skip reports already
imported (by report number), and import the new ones in batches (`intake_batch`: force, matching
against the hash lists, pre-score, storing, deconfliction, search index, audit).

A file is read a report at a time and imported a batch at a time, whole or not at all (one
transaction per file, however many batches: a wrong report late in a file rolls back the
batches stored before it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from netsafe.hashlists.matcher import ListMatcher
from netsafe.intake.reading import (
    ReportFileError,
    ReportStream,
    open_report_file,
    report_stream,
)
from netsafe.platform.access import OperationInputError
from netsafe.platform.roles import Viewer
from netsafe.settings import Settings
from netsafe.store.engine import unit_of_work
from netsafe.store.repositories.intake import SqlIntakeRepository
from netsafe.usecases.intake_batch import import_batch
from netsafe.usecases.intake_outcome import KnownReport, ReferralImport, RefusedFile
from netsafe.usecases.intake_setup import (
    Audit,
    IntakeConfig,
    intake_config,
    intake_matcher,
    require_force,
    require_intake_role,
)

#: How many new reports of a file are stored together (the file is still one transaction).
BATCH = 500


def import_content(
    session: Session,
    stream: ReportStream,
    result: ReferralImport,
    *,
    viewer: Viewer,
    config: IntakeConfig,
    matcher: ListMatcher | None,
    force: str | None = None,
    audit: Audit,
    now: datetime | None = None,
) -> None:
    """Import the reports of one file as they are read from `stream`, `BATCH` at a time, in
    the caller's transaction; adds to `result`. The stream raises `ReportFileError` at a wrong
    report, maybe after batches were stored: the caller rolls its transaction back then (the
    all-or-nothing rule), as on any other error."""
    require_intake_role(viewer)
    if force is not None:
        require_force(force)
    now = now or datetime.now(UTC)
    repository = SqlIntakeRepository(session)
    reports = iter(stream)
    common_keys: set[tuple[str, str]] = set()  # deconfliction keys found common: this file's
    while batch := list(islice(reports, BATCH)):
        known = repository.known_reports([r.report_id for r in batch])
        new = []
        for report in batch:
            if report.report_id in known:
                result.already_known.append(
                    KnownReport(report.report_id, known[report.report_id], stream.file)
                )
            else:
                new.append(report)
        result.added += import_batch(
            session,
            new,
            file=stream.file,
            file_format=stream.format,
            viewer=viewer,
            config=config,
            matcher=matcher,
            force=force,
            audit=audit,
            now=now,
            common_keys=common_keys,
        )
    result.files_read += 1


def import_report_bytes(
    session: Session,
    data: bytes,
    name: str,
    *,
    viewer: Viewer,
    config: IntakeConfig,
    matcher: ListMatcher | None,
    force: str | None = None,
    audit: Audit,
    now: datetime | None = None,
) -> ReferralImport:
    """Import one uploaded file in the caller's transaction, received `now` (default: now). A
    wrong file is refused whole (`result.refused`) before anything is written; a report stored
    by another import at the same moment refuses it too (its savepoint rolled back)."""
    result = ReferralImport()
    try:
        with session.begin_nested():  # a savepoint: a clash leaves the caller's transaction usable
            import_content(
                session,
                report_stream(data, name),
                result,
                viewer=viewer,
                config=config,
                matcher=matcher,
                force=force,
                audit=audit,
                now=now,
            )
    except ReportFileError as error:
        result = ReferralImport()
        result.refused.append(RefusedFile(error.file, error.path, error.reason))
    except IntegrityError:
        result = ReferralImport()
        reason = "another import stored one of its reports at the same time: import it again"
        result.refused.append(RefusedFile(name, "", reason))
    return result


def import_report_files(
    sessions: sessionmaker[Session],
    paths: Iterable[Path],
    *,
    viewer: Viewer,
    settings: Settings,
    force: str | None = None,
    audit: Audit,
    on_file: Callable[[Path], None] | None = None,
) -> ReferralImport:
    """Import each file in a transaction of its own: a file is imported whole or refused
    whole (named with the element path and the reason), and the others go on."""
    require_intake_role(viewer)
    config = intake_config(settings)
    result = ReferralImport()
    with unit_of_work(sessions) as session:  # the lists' matcher, loaded once for every file
        matcher = intake_matcher(session, settings)
    for path in paths:
        if on_file is not None:
            on_file(path)
        attempt = ReferralImport()
        try:
            with unit_of_work(sessions) as session, open_report_file(path) as stream:
                import_content(
                    session,
                    stream,
                    attempt,
                    viewer=viewer,
                    config=config,
                    matcher=matcher,
                    force=force,
                    audit=audit,
                )
        except ReportFileError as error:
            result.refused.append(RefusedFile(error.file, error.path, error.reason))
            continue
        except IntegrityError:
            reason = "another import stored one of its reports at the same time: import it again"
            result.refused.append(RefusedFile(str(path), "", reason))
            continue
        except OperationInputError as error:
            result.refused.append(RefusedFile(str(path), error.field, error.message))
            continue
        result.added += attempt.added
        result.already_known += attempt.already_known
        result.files_read += attempt.files_read
    return result


#: The demo's CyberTipline reports: how many, and the seed and first number that make them.
DEMO_REPORTS = 8
DEMO_SEED = 2026
DEMO_FIRST_REPORT = 880_000_001
#: The share of the demo's reports that reuse an earlier report's identifier (3 of 8).
DEMO_SHARED = 0.4


def import_demo_reports(
    sessions: sessionmaker[Session],
    settings: Settings,
    *,
    viewer: Viewer,
    audit: Audit,
    received_at: datetime | None = None,
) -> ReferralImport:
    """A few synthetic reports (`netsafe.intake.generator`, a fixed seed: two without a
    location, so the queue awaiting a force has some; three sharing a screen name, an e-mail
    address or an IP address with an earlier one, so `/deconfliction` and the case pages'
    "Other forces" show links) imported as the demo's intake. Again, they are already known
    and nothing changes. `received_at` dates them (and their incidents before it): `netsafe demo`
    gives the demo's last day; default now."""
    from netsafe.intake.generator import generate_reports, reports_xml

    reports = generate_reports(
        DEMO_REPORTS,
        seed=DEMO_SEED,
        first_report_id=DEMO_FIRST_REPORT,
        unlocated_fraction=0.25,
        escalated_fraction=0.15,
        shared_fraction=DEMO_SHARED,
        now=received_at,
    )
    with unit_of_work(sessions) as session:
        return import_report_bytes(
            session,
            reports_xml(reports),
            "demo-cybertipline-reports.xml",
            viewer=viewer,
            config=intake_config(settings),
            matcher=intake_matcher(session, settings),
            audit=audit,
            now=received_at,
        )
