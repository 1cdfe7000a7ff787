"""The demo's engine-triaged devices: generated benign files through the real triage pipeline,
matched against the demo's list of some of those same files, dated at the demo's time."""

from __future__ import annotations

from datetime import UTC, datetime

from netsafe.demo.draws import Draws
from netsafe.demo.engine_triage import (
    DEMO_LIST,
    FILES_PER_DEVICE,
    GENERATED_SOURCE,
    KNOWN_PER_DEVICE,
    triage_generated_device,
)

FINISHED = datetime(2017, 3, 26, 0, 30, tzinfo=UTC)


def test_a_generated_device_through_the_engine() -> None:
    run, findings = triage_generated_device(
        Draws(3), exhibit="EX-1", case="C-1", finished_at=FINISHED
    )
    assert run.files_scanned == FILES_PER_DEVICE
    assert run.finished_at == FINISHED
    assert run.started_at < FINISHED
    assert run.files_matched == KNOWN_PER_DEVICE == len(findings)
    assert sum(run.category_counts.values()) == KNOWN_PER_DEVICE
    assert {f.list_name for f in findings} == {DEMO_LIST}
    assert {f.source for f in findings} == {GENERATED_SOURCE}
    assert all(f.path.endswith(".png") for f in findings)
    assert run.summary["runner"] == "in process"
    again, same = triage_generated_device(
        Draws(3), exhibit="EX-1", case="C-1", finished_at=FINISHED
    )
    assert [f.sha1 for f in same] == [f.sha1 for f in findings]
    assert again.category_counts == run.category_counts
