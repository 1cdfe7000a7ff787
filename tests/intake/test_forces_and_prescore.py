"""Force assignment from the reported person's postcode or location, and the risk pre-score."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from netsafe.intake.forces import (
    TRIAGE_QUEUE,
    ForceTableError,
    assign_force,
    load_force_table,
    postcode_district,
)
from netsafe.intake.generator import generate_reports
from netsafe.intake.model import Address, EstimatedLocation
from netsafe.intake.prescore import PrescoreRulesError, load_prescore_rules, prescore
from netsafe.operation.risk import RiskBand
from netsafe.platform.agencies import FORCE_SLUGS

TABLE = load_force_table(None, FORCE_SLUGS)
REPORT = generate_reports(1, seed=5, unlocated_fraction=0.0)[0]


def _placed(postcode: str | None, town: str | None = None, country: str = "GB"):  # type: ignore[no-untyped-def]
    user = REPORT.reported
    assert user is not None
    assert user.person is not None
    addresses = () if postcode is None else (Address(postcode=postcode),)
    person = replace(user.person, addresses=addresses)
    where = None if town is None else EstimatedLocation(town, None, country)
    return replace(REPORT, reported=replace(user, person=person, estimated_location=where))


def test_postcode_districts() -> None:
    assert postcode_district("cf10 1aa") == "CF10"
    assert postcode_district("SA110XX") == "SA11"
    assert postcode_district("LL57") == "LL57"
    assert postcode_district("90210") is None


@pytest.mark.parametrize(
    ("postcode", "force"),
    [
        ("CF10 1AA", "south-wales"),
        ("NP20 1AA", "gwent"),
        ("CF83 1AA", "gwent"),
        ("SY23 1AA", "dyfed-powys"),
        ("LD3 7AA", "dyfed-powys"),
        ("LL57 1AA", "north-wales"),
        ("CH7 1AA", "north-wales"),
    ],
)
def test_the_shipped_table_places_each_force(postcode: str, force: str) -> None:
    assignment = assign_force(_placed(postcode), TABLE)
    assert (assignment.force, assignment.assigned) == (force, True)


def test_a_straddling_district_says_so() -> None:
    assignment = assign_force(_placed("CF46 9ZZ"), TABLE)
    assert assignment.force == "south-wales"
    assert "straddles" in assignment.reason
    assert "Gwent" in assignment.reason


def test_a_town_when_no_postcode_and_the_queue_otherwise() -> None:
    assert assign_force(_placed(None, "Wrexham"), TABLE).force == "north-wales"
    abroad = assign_force(_placed(None, "Wrexham", "US"), TABLE)
    assert (abroad.force, abroad.assigned) == (TRIAGE_QUEUE, False)
    english = assign_force(_placed("BS1 1AA"), TABLE)
    assert (english.force, english.assigned) == (TRIAGE_QUEUE, False)
    assert "BS1 1AA" in english.reason


def test_a_given_force_wins() -> None:
    assert assign_force(_placed("CF10 1AA"), TABLE, "gwent").force == "gwent"


def test_a_wrong_table_names_the_entry(tmp_path: Path) -> None:
    path = tmp_path / "forces.toml"
    path.write_text('[districts]\nCF10 = "cardiff-police"\n')
    with pytest.raises(ForceTableError, match=r"districts\.CF10: unknown force"):
        load_force_table(path, FORCE_SLUGS)
    path.write_text('[districts]\n"CF10 1" = "gwent"\n')
    with pytest.raises(ForceTableError, match="not a postcode district"):
        load_force_table(path, FORCE_SLUGS)


RULES = load_prescore_rules()


def test_a_category_a_match_or_an_escalation_is_at_least_high() -> None:
    plain = replace(REPORT, escalate_reason=None, annotations=())
    assert prescore(plain, [], RULES).band is None
    assert prescore(plain, ["C"], RULES).band is RiskBand.MEDIUM
    assert prescore(plain, ["B"], RULES).band is RiskBand.MEDIUM
    scored = prescore(plain, ["A", "C"], RULES)
    assert scored.band is RiskBand.HIGH
    assert any("category A" in reason for reason in scored.reasons)
    assert prescore(replace(plain, escalate_reason="now"), [], RULES).band is RiskBand.HIGH
    assert prescore(replace(plain, annotations=("sextortion",)), [], RULES).band is RiskBand.HIGH


def test_rules_are_configurable_and_checked(tmp_path: Path) -> None:
    path = tmp_path / "rules.toml"
    path.write_text('[[rules]]\nwhen = "file-annotation:viral"\nband = "very-high"\n')
    rules = load_prescore_rules(path)
    viral = replace(REPORT, files=(replace(REPORT.files[0], annotations=("viral",)),))
    assert prescore(viral, [], rules).band is RiskBand.VERY_HIGH
    path.write_text('[[rules]]\nwhen = "match:Z"\nband = "high"\n')
    with pytest.raises(PrescoreRulesError, match=r"rules\[0\]\.when"):
        load_prescore_rules(path)
