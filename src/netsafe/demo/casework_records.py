"""The demo's case stories as the operation's records, written kind by kind in bulk: referrals,
then subjects and assessments, warrants, arrests, safeguarding, outcomes, exhibits with their
custody hand-over, and the exhibits' triage runs."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import replace

from netsafe.demo.casework import DEMO_USER, CaseStory
from netsafe.demo.writer import DemoWriter
from netsafe.operation.arrests import Arrest
from netsafe.operation.exhibits import CustodyEvent, DeviceType, Exhibit
from netsafe.operation.outcomes import Outcome
from netsafe.operation.risk import RiskAssessment, RiskBand
from netsafe.operation.safeguarding import SafeguardingRecord
from netsafe.operation.subjects import HelplineRecipient, Subject
from netsafe.operation.warrants import Warrant, WarrantStatus
from netsafe.triage.result import Finding
from netsafe.triage.stored import TriageRun

BAND_SCORES = {"low": 1, "medium": 3, "high": 6, "very-high": 9}


def write_casework(writer: DemoWriter, stories: Sequence[CaseStory]) -> Counter[str]:
    """Store every story's records; what was added, by kind."""
    added: Counter[str] = Counter()
    referral_ids = writer.add_referrals([s.referral for s in stories if s.referral])
    subject_ids = writer.add_records(
        [
            Subject(
                id=0,
                referral_id=rid,
                display_name=f"Demo subject {s.number:06d}",
                created_at=s.assessed,
                created_by=DEMO_USER,
                helpline_details_given_at=s.helpline_details_at,
                helpline_details_given_to=HelplineRecipient.SUBJECT
                if s.helpline_details_at
                else None,
            )
            for s, rid in zip(stories, referral_ids, strict=True)
        ]
    )
    writer.add_records(
        [
            RiskAssessment(
                id=0,
                referral_id=rid,
                subject_id=sid,
                question_set="demo question set v1",
                answers=(),
                score=BAND_SCORES[s.band],
                band=RiskBand(s.band),
                deadline_at=s.deadline,
                assessed_at=s.assessed,
                assessed_by=DEMO_USER,
            )
            for s, rid, sid in zip(stories, referral_ids, subject_ids, strict=True)
        ]
    )
    added.update(referrals=len(stories), subjects=len(stories), risk_assessments=len(stories))
    cases = list(zip(stories, referral_ids, subject_ids, strict=True))
    with_warrant = [(s, rid, sid) for s, rid, sid in cases if s.warrant is not None]
    warrant_ids = writer.add_records([_warrant(s, rid, sid) for s, rid, sid in with_warrant])
    added["warrants"] = len(warrant_ids)
    arrests = [
        Arrest(
            id=0,
            referral_id=rid,
            subject_id=sid,
            arrested_at=s.arrest,
            location="Synthetic address",
            arresting_officer=DEMO_USER,
            grounds="Synthetic demo arrest",
        )
        for s, rid, sid in cases
        if s.arrest is not None
    ]
    added["arrests"] = len(writer.add_records(arrests))
    safeguarding = [
        SafeguardingRecord(
            id=0,
            referral_id=rid,
            recorded_at=s.safeguarding[0],
            recorded_by=DEMO_USER,
            children_identified=s.safeguarding[1],
            children_safeguarded=s.safeguarding[2],
            referred_to_childrens_services=True,
            local_authority=f"Demo children's services ({s.force})",
        )
        for s, rid, _ in cases
        if s.safeguarding is not None
    ]
    added["safeguarding_records"] = len(writer.add_records(safeguarding))
    outcomes = [
        Outcome(
            id=0, referral_id=rid, kind=kind, decided_at=at, recorded_by=DEMO_USER, subject_id=sid
        )
        for s, rid, sid in cases
        for kind, at in s.outcomes
    ]
    added["outcomes"] = len(writer.add_records(outcomes))
    added.update(_write_devices(writer, with_warrant, warrant_ids))
    return added


def _warrant(story: CaseStory, referral_id: int, subject_id: int) -> Warrant:
    assert story.warrant is not None
    executed = story.warrant.executed
    return Warrant(
        id=0,
        referral_id=referral_id,
        status=WarrantStatus.EXECUTED if executed else WarrantStatus.GRANTED,
        premises=f"Synthetic address {story.number:06d}, {story.force}",
        applied_at=story.warrant.applied,
        applied_by=DEMO_USER,
        subject_id=subject_id,
        court="Demo magistrates' court",
        granted_at=story.warrant.granted,
        executed_at=executed,
        result=story.warrant.result,
    )


def _write_devices(
    writer: DemoWriter,
    with_warrant: list[tuple[CaseStory, int, int]],
    warrant_ids: list[int],
) -> Counter[str]:
    exhibits: list[Exhibit] = []
    handovers: list[tuple[Exhibit, CaseStory, int]] = []
    runs: list[tuple[TriageRun, Sequence[Finding]]] = []
    for (story, rid, sid), wid in zip(with_warrant, warrant_ids, strict=True):
        assert story.warrant is not None
        for index, device in enumerate(story.devices):
            assert story.warrant.executed is not None
            exhibit = Exhibit(
                id=0,
                referral_id=rid,
                reference=f"DEMO/{story.force.upper()}/{rid:06d}/{index + 1}",
                device_type=DeviceType(device.device_type),
                seal_number=f"SEAL-{rid:06d}-{index + 1}",
                seized_at=story.warrant.executed,
                seized_by=DEMO_USER,
                seized_from="Synthetic address",
                subject_id=sid,
                warrant_id=wid,
            )
            exhibits.append(exhibit)
            handovers.append((exhibit, story, index))
            if device.triage is not None:
                run, findings = device.triage
                case = f"NS-{story.received.year}-{rid:06d}"
                summary = {**run.summary, "exhibit": exhibit.reference, "case": case}
                stored = replace(run, exhibit=exhibit.reference, case=case, summary=summary)
                runs.append((stored, findings))
    exhibit_ids = writer.add_records(exhibits)
    custody = [
        CustodyEvent(
            id=0,
            referral_id=exhibit.referral_id,
            exhibit_id=eid,
            handed_from=DEMO_USER,
            handed_to=f"dfu.{story.force}",
            at=story.devices[index].handed_over,
            location=f"Digital forensic unit, {story.force}",
            purpose="examination",
        )
        for (exhibit, story, index), eid in zip(handovers, exhibit_ids, strict=True)
    ]
    writer.add_records(custody)
    writer.add_triage_runs(runs)
    added: Counter[str] = Counter()
    added.update(exhibits=len(exhibits), custody_events=len(custody), triage_runs=len(runs))
    return added
