"""Which force a report belongs to, from where the reported person is: a postcode of theirs
(`personOrUserReportedPerson/address/zipCode`), else the report's estimated location (a town),
looked up in a configurable table (`wales-postcode-districts.toml` beside this module is the
shipped default; the `NETSAFE_INTAKE_FORCES` setting names another). A report that matches
nothing waits in the regional unit's queue for a person to assign it.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from netsafe.intake.model import CyberTipReport

DEFAULT_FORCE_TABLE = Path(__file__).with_name("wales-postcode-districts.toml")
#: Where a report whose force is not known waits for a person to assign it.
TRIAGE_QUEUE = "regional-unit"
_OUTWARD = re.compile(r"[A-Z]{1,2}[0-9][0-9A-Z]?")
_UK = {"GB", "UK", "UNITED KINGDOM", "GREAT BRITAIN", "WALES"}


class ForceTableError(ValueError):
    """A force table file is wrong; the message names the file and the entry."""


@dataclass(frozen=True, slots=True)
class ForceTable:
    """Postcode district → force slug, the districts shared with another force (district →
    words naming it), and towns (lower case) → force for estimated locations."""

    name: str
    source: str
    districts: Mapping[str, str]
    straddling: Mapping[str, str]
    towns: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class Assignment:
    """The force a report goes to (`TRIAGE_QUEUE` when not known) and why, in words."""

    force: str
    assigned: bool
    reason: str
    postcode_district: str | None = None


def postcode_district(postcode: str) -> str | None:
    """The outward code (district) of a UK postcode: `cf10 1aa` → `CF10`; a district alone
    is taken as it is; None when it is not a UK postcode's shape."""
    text = re.sub(r"\s+", "", postcode.upper())
    outward = text[:-3] if len(text) >= 5 and re.fullmatch(r"[0-9][A-Z]{2}", text[-3:]) else text
    return outward if _OUTWARD.fullmatch(outward) else None


def load_force_table(path: Path | None, forces: tuple[str, ...]) -> ForceTable:
    """Read a force table TOML file (the shipped one when `path` is None); every force named
    must be one of `forces`."""
    path = path or DEFAULT_FORCE_TABLE
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ForceTableError(f"{path}: {error}") from error
    districts: dict[str, str] = {}
    for key, force in data.get("districts", {}).items():
        district = postcode_district(str(key))
        if district is None or district != str(key).upper():
            raise ForceTableError(f"{path}: districts.{key}: not a postcode district")
        if force not in forces:
            raise ForceTableError(f"{path}: districts.{key}: unknown force {force!r}")
        districts[district] = str(force)
    straddling = {str(k).upper(): str(v) for k, v in data.get("straddling", {}).items()}
    for key in straddling:
        if key not in districts:
            raise ForceTableError(f"{path}: straddling.{key}: not in [districts]")
    towns: dict[str, str] = {}
    for town, force in data.get("towns", {}).items():
        if force not in forces:
            raise ForceTableError(f"{path}: towns.{town}: unknown force {force!r}")
        towns[str(town).strip().lower()] = str(force)
    if not districts and not towns:
        raise ForceTableError(f"{path}: neither [districts] nor [towns] given")
    return ForceTable(
        str(data.get("name", path.name)), str(data.get("source", "")), districts, straddling, towns
    )


def assign_force(report: CyberTipReport, table: ForceTable, given: str | None = None) -> Assignment:
    """The force `report` goes to: `given` (an operator's choice) first; then the first
    postcode of the reported person in the table; then the estimated location's town; else
    the regional unit's queue."""
    if given:
        return Assignment(given, True, f"chosen at import ({given})")
    for postcode in report.postcodes():
        district = postcode_district(postcode)
        if district is None or district not in table.districts:
            continue
        force = table.districts[district]
        reason = f"postcode district {district} is in {force}'s area ({table.name})"
        if district in table.straddling:
            reason += f"; the district straddles {table.straddling[district]}: check the address"
        return Assignment(force, True, reason, district)
    user = report.reported
    where = user.estimated_location if user else None
    if where is not None and where.city:
        country = (where.country_code or "GB").strip().upper()
        force_of_town = table.towns.get(where.city.strip().lower())
        if country in _UK and force_of_town:
            return Assignment(
                force_of_town,
                True,
                f"estimated location {where.city} is in {force_of_town}'s area ({table.name})",
            )
    given_places = list(report.postcodes()) + (
        [where.city] if where is not None and where.city else []
    )
    reason = (
        "no postcode or town of the report is in the table: "
        + (", ".join(p for p in given_places if p) if given_places else "the report gives none")
        + "; a person assigns it"
    )
    return Assignment(TRIAGE_QUEUE, False, reason)
