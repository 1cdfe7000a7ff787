"""The risk pre-score at intake: a configurable set of rules over a report and its files'
matches, giving the least risk band the referral starts at (an assessor confirms or changes
it). `intake-rules.toml` beside this module is the shipped default; the `NETSAFE_INTAKE_RULES`
setting names another.

A rule's `when` is one of: `escalated` (the service set `escalateToHighPriority`), `any-match`
(a file matched an alert list), `match:<category>` (a file matched an entry of that category:
A, B, C, non-indecent, ungraded), `annotation:<name>` (a `reportAnnotations` tag, e.g.
`sextortion`) or `file-annotation:<name>` (a `fileAnnotations` tag on any file).
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from netsafe.categories import Category
from netsafe.intake.enumerations import FILE_ANNOTATIONS, REPORT_ANNOTATIONS
from netsafe.intake.model import CyberTipReport
from netsafe.operation.risk import RiskBand

DEFAULT_RULES = Path(__file__).with_name("intake-rules.toml")


class PrescoreRulesError(ValueError):
    """A rules file is wrong; the message names the file and the rule."""


@dataclass(frozen=True, slots=True)
class PrescoreRule:
    """When `when` holds, the referral starts at `band` at least; `reason` says why."""

    when: str
    band: RiskBand
    reason: str


@dataclass(frozen=True, slots=True)
class PrescoreRules:
    name: str
    version: int
    rules: tuple[PrescoreRule, ...]


@dataclass(frozen=True, slots=True)
class Prescore:
    """The band the rules give (None: no rule held) and the reasons of the rules that held."""

    band: RiskBand | None
    reasons: tuple[str, ...]
    rules: str


def _valid_condition(when: str) -> bool:
    kind, _, name = when.partition(":")
    if kind in ("escalated", "any-match") and not name:
        return True
    if kind == "match":
        return name in {c.value for c in Category}
    if kind == "annotation":
        return name in REPORT_ANNOTATIONS
    if kind == "file-annotation":
        return name in FILE_ANNOTATIONS
    return False


def load_prescore_rules(path: Path | None = None) -> PrescoreRules:
    """Read a rules TOML file (the shipped one when `path` is None)."""
    path = path or DEFAULT_RULES
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise PrescoreRulesError(f"{path}: {error}") from error
    rules = []
    for index, item in enumerate(data.get("rules", [])):
        where = f"{path}: rules[{index}]"
        when = str(item.get("when", ""))
        if not _valid_condition(when):
            raise PrescoreRulesError(f"{where}.when: unknown condition {when!r}")
        try:
            band = RiskBand(str(item.get("band", "")))
        except ValueError:
            choices = ", ".join(b.value for b in RiskBand)
            raise PrescoreRulesError(f"{where}.band: one of {choices}") from None
        rules.append(PrescoreRule(when, band, str(item.get("reason") or when)))
    if not rules:
        raise PrescoreRulesError(f"{path}: rules: none given")
    return PrescoreRules(
        str(data.get("name", path.name)), int(data.get("version", 1)), tuple(rules)
    )


def _holds(rule: PrescoreRule, report: CyberTipReport, categories: set[str]) -> bool:
    kind, _, name = rule.when.partition(":")
    if kind == "escalated":
        return report.escalated
    if kind == "any-match":
        return bool(categories)
    if kind == "match":
        return name in categories
    if kind == "annotation":
        return name in report.annotations
    return any(name in f.annotations for f in report.files)


def prescore(
    report: CyberTipReport, matched_categories: Iterable[str], rules: PrescoreRules
) -> Prescore:
    """The least band `report` starts at, given the categories its files matched."""
    categories = set(matched_categories)
    held = [rule for rule in rules.rules if _holds(rule, report, categories)]
    band = max((rule.band for rule in held), key=lambda b: b.rank, default=None)
    reasons = tuple(dict.fromkeys(rule.reason for rule in held))
    return Prescore(band, reasons, f"{rules.name} v{rules.version}")
