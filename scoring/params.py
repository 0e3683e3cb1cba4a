"""The versioned scoring parameters of METHODOLOGY.md, as typed data.

This module is the only place where the methodology's numbers live. The scoring
engine, the Methodology page and the README read them from here; nothing else
repeats them. A new methodology version is a new `Methodology` value in
`VERSIONS` with the date it comes into force.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from types import MappingProxyType

import pandas as pd

LEVELS = ("FULL", "PARTIAL", "DUE_DILIGENCE", "NONE")
"""Response levels of a disclosure request, best first (METHODOLOGY.md section 1)."""


@dataclass(frozen=True)
class Methodology:
    """One version of the methodology: every number of METHODOLOGY.md's version table.

    Units: weights are relative (only their ratios matter), credits are fractions of a
    request's weight (0..1), windows are calendar days, case points are 0..100.
    """

    version: str
    in_force_from: date
    """First assessment date this version applies to (the version in force for D is the
    latest version with `in_force_from <= D`)."""

    scope_weights: MappingProxyType[str, float]
    """SCT weight of a disclosure request by scope; 0 means the scope is not scored."""
    credits: MappingProxyType[str, float]
    """Credit of a request by response level (FULL, PARTIAL, DUE_DILIGENCE, NONE)."""
    late_factor: float
    """Multiplier on the credit of what was in place at D but not by the deadline."""
    sct_window_days: int | None
    """Requests due on or before D minus this many days are dropped; None = no window."""
    ack_window_days: int
    """An acknowledgement at most this many days after the case opened is on time."""
    severity_weights: MappingProxyType[str, float]
    """Weight of a finding by severity (minor, major, critical)."""
    retaliation_penalty: float | None
    """Points taken off a case with confirmed retaliation (floor 0); None: the case scores 0."""
    overall_sct_weight: float
    """`a` in overall = a*SCT + b*FI."""
    overall_fi_weight: float
    """`b` in overall = a*SCT + b*FI."""

    # Case score components (METHODOLOGY.md section 2); the same in every version so far.
    ack_on_time_points: float = 10
    """First acknowledgement within the acknowledgement window."""
    ack_late_points: float = 5
    """First acknowledgement later than the window."""
    access_points: float = 15
    """Monitors got into the factory (`access_granted`)."""
    plan_points: float = 20
    """A remediation plan was submitted (`plan_submitted`)."""
    evidence_points: float = 25
    """Times the severity share of findings with remediation evidence (verified counts too)."""
    verified_points: float = 30
    """Times the severity share of findings with verified remediation."""

    def scope_weight(self, scope: str) -> float:
        return self.scope_weights.get(scope, 0.0)

    def retaliation_rule(self) -> str:
        """The retaliation rule in words, as METHODOLOGY.md states it."""
        if self.retaliation_penalty is None:
            return "case score = 0"
        return f"case score − {self.retaliation_penalty:g}, floor 0"

    def apply_retaliation(self, case_score: float) -> float:
        """The case score after a confirmed retaliation."""
        if self.retaliation_penalty is None:
            return 0.0
        return max(0.0, case_score - self.retaliation_penalty)


def _frozen(mapping: dict[str, float]) -> MappingProxyType[str, float]:
    return MappingProxyType(dict(mapping))


V1 = Methodology(
    version="v1",
    in_force_from=date.min,
    scope_weights=_frozen({"final_assembly": 3, "components": 2, "compliance_findings": 0}),
    credits=_frozen({"FULL": 1.0, "PARTIAL": 0.5, "DUE_DILIGENCE": 0.25, "NONE": 0.0}),
    late_factor=0.8,
    sct_window_days=None,
    ack_window_days=30,
    severity_weights=_frozen({"minor": 1, "major": 2, "critical": 3}),
    retaliation_penalty=50,
    overall_sct_weight=0.5,
    overall_fi_weight=0.5,
)

V2 = Methodology(
    version="v2",
    in_force_from=date(2022, 7, 1),
    scope_weights=_frozen({"final_assembly": 3, "components": 3, "compliance_findings": 1}),
    credits=_frozen({"FULL": 1.0, "PARTIAL": 0.5, "DUE_DILIGENCE": 0.2, "NONE": 0.0}),
    late_factor=0.7,
    sct_window_days=730,
    ack_window_days=14,
    severity_weights=_frozen({"minor": 1, "major": 2, "critical": 4}),
    retaliation_penalty=None,
    overall_sct_weight=0.4,
    overall_fi_weight=0.6,
)

VERSIONS: dict[str, Methodology] = {m.version: m for m in (V1, V2)}
"""Every methodology version by name, oldest first."""

IN_FORCE = "in-force"
"""Pseudo-version: apply, for each assessment date, the version in force on that date."""


def in_force(d: date) -> Methodology:
    """The version in force for assessment date `d` (v1 before 2022-07-01, v2 from then on)."""
    current = None
    for m in sorted(VERSIONS.values(), key=lambda m: m.in_force_from):
        if m.in_force_from <= d:
            current = m
    if current is None:  # pragma: no cover - v1 is in force from date.min
        raise ValueError(f"no methodology in force on {d}")
    return current


def resolve(methodology: str, d: date) -> Methodology:
    """The version to apply at `d` for a methodology choice ("in-force", "v1", "v2", ...)."""
    if methodology == IN_FORCE:
        return in_force(d)
    try:
        return VERSIONS[methodology]
    except KeyError:
        choices = ", ".join([IN_FORCE, *VERSIONS])
        raise ValueError(f"unknown methodology {methodology!r} (choose one of {choices})") from None


@dataclass(frozen=True)
class Band:
    """A band of the overall score: `lower <= s < upper` (the top band includes its upper edge)."""

    name: str
    lower: float
    upper: float


BANDS: tuple[Band, ...] = (
    Band("Insufficient", 0, 25),
    Band("Developing", 25, 50),
    Band("Good", 50, 75),
    Band("Leading", 75, 100),
)

BAND_DECIMALS = 9
"""A score is rounded to this many decimals before its band is looked up, so that float
rounding cannot move a score that is exactly on a band edge (25 computed as
24.999999999999996) into the band below, whichever order the sums were added in."""


def band(score: float | None) -> str | None:
    """The band of an overall score; None when the score is not applicable (None or NaN).

    The score is first rounded to BAND_DECIMALS decimals (see there)."""
    if score is None or score != score:  # NaN
        return None
    score = round(score, BAND_DECIMALS)
    for b in BANDS:
        if b.lower <= score < b.upper:
            return b.name
    if score == BANDS[-1].upper:  # the top band includes its upper edge
        return BANDS[-1].name
    raise ValueError(f"overall score {score} is outside 0..100")


def _num(x: float | None) -> str:
    return "none" if x is None else f"{x:g}"


def parameter_table() -> pd.DataFrame:
    """One row per parameter and columns parameter, one per version, and a human-readable
    description: what the Methodology page shows (METHODOLOGY.md's version table)."""
    rows: list[dict[str, object]] = []

    def add(parameter: str, human: str, values: dict[str, str]) -> None:
        rows.append({"parameter": parameter, **values, "human": human})

    vs = list(VERSIONS.values())
    add(
        "in_force_from",
        "in force for assessment dates from",
        {m.version: ("always" if m.in_force_from == date.min else m.in_force_from.isoformat()) for m in vs},
    )
    for scope in ("final_assembly", "components", "compliance_findings"):
        add(
            f"scope_weight.{scope}",
            f"SCT request weight: {scope}",
            {
                m.version: (_num(m.scope_weight(scope)) if m.scope_weight(scope) else "not scored (0)")
                for m in vs
            },
        )
    add(
        "credits",
        "credit: FULL / PARTIAL / DUE_DILIGENCE / NONE",
        {m.version: " / ".join(f"{m.credits[lvl]:g}" for lvl in LEVELS) for m in vs},
    )
    add("late_factor", "late factor", {m.version: _num(m.late_factor) for m in vs})
    add(
        "sct_window_days",
        "SCT window (requests due more than this long before the assessment date are dropped)",
        {m.version: ("none" if m.sct_window_days is None else f"{m.sct_window_days} days") for m in vs},
    )
    add("ack_window_days", "FI acknowledgement window", {m.version: f"{m.ack_window_days} days" for m in vs})
    add(
        "severity_weights",
        "finding severity weight: minor / major / critical",
        {
            m.version: " / ".join(_num(m.severity_weights[s]) for s in ("minor", "major", "critical"))
            for m in vs
        },
    )
    for name, human in (
        ("ack_on_time_points", "case points: acknowledged within the window"),
        ("ack_late_points", "case points: acknowledged later than the window"),
        ("access_points", "case points: access granted to monitors"),
        ("plan_points", "case points: remediation plan submitted"),
        ("evidence_points", "case points: remediation evidence (× severity share evidenced)"),
        ("verified_points", "case points: verified remediation (× severity share verified)"),
    ):
        add(name, human, {m.version: _num(getattr(m, name)) for m in vs})
    add("retaliation", "confirmed retaliation", {m.version: m.retaliation_rule() for m in vs})
    add(
        "overall",
        "overall = a·SCT + b·FI",
        {m.version: f"a = {m.overall_sct_weight:g}, b = {m.overall_fi_weight:g}" for m in vs},
    )
    return pd.DataFrame(rows, columns=["parameter", *VERSIONS, "human"])
