"""Why a company has the score it has at a date: every request and case, with its points.

`explain` reads the rule views scoring/queries/request_assessments.sql and
case_assessments.sql for one company and one date, and adds the evidence and a reason
in words. `score` applies the same rules with numpy arrays (scoring/engine.py; the tests
check the two agree); the totals are `score`'s own numbers for that company and date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from scoring import params
from scoring.engine import assessments, score, scoring_connection, to_date
from scoring.evidence import Evidence

REQUEST_COLUMNS = [
    "request_id",
    "scope",
    "product_model_id",
    "due_on",
    "status",
    "level_by_deadline",
    "level_now",
    "late_factor_applied",
    "credit",
    "weight",
    "points",
    "evidence",
    "reason",
]
CASE_COLUMNS = [
    "case_id",
    "factory_id",
    "opened_on",
    "status",
    "ack_points",
    "access_points",
    "plan_points",
    "evidence_points",
    "verified_points",
    "retaliation",
    "retaliation_rule",
    "case_score",
    "case_weight",
    "severity",
    "finding_ids",
    "event_ids",
    "reason",
]


@dataclass(frozen=True)
class Explanation:
    """A company's scores at one date, with the requests and cases behind them.

    `requests` has one row per disclosure request of the company (columns
    REQUEST_COLUMNS; points = weight × credit for scored requests, NaN otherwise);
    `cases` one row per case (CASE_COLUMNS). sct, fi and overall are NaN and band is
    None when not applicable; they equal `score()` for the same company and date.
    """

    company_id: str
    as_of: date
    methodology: str
    sct: float
    fi: float
    overall: float
    band: str | None
    requests: pd.DataFrame
    cases: pd.DataFrame


def _g(x: float) -> str:
    return f"{x:.4g}"


def _day(ts: pd.Timestamp) -> str:
    return ts.date().isoformat()


def _request_reason(row: pd.Series, m: params.Methodology) -> str:
    if row["status"] != "scored":
        if row["weight"] == 0:
            return f"{row['scope']} requests have weight 0 in {m.version}"
        if row["status"] == "outside window":
            return f"due more than {m.sct_window_days} days before the assessment date: dropped"
        if row["level_now"] == "NONE":
            return "not due yet and no response yet"
        return f"not due yet and {row['level_now']} so far: only a FULL response counts before the deadline"
    now, deadline = row["level_now"], row["level_by_deadline"]
    if row["as_of"] <= row["due_on"]:
        return f"not past its deadline: the level now, {now}, counts → {_g(row['credit'])}"
    return (
        f"{deadline} by the deadline, {now} now → max({_g(m.credits[deadline])}, "
        f"{_g(m.late_factor)} × {_g(m.credits[now])}) = {_g(row['credit'])}"
    )


def _request_evidence(evidence: Evidence, as_of: pd.Timestamp) -> dict[str, str]:
    """What each request of `evidence` had received by `as_of`, in words (one pass per table)."""
    parts: dict[str, list[str]] = {}
    disclosures = evidence.disclosures
    rows = disclosures[disclosures["disclosed_on"] <= as_of].sort_values(
        ["disclosed_on", "factory_id"], kind="stable"
    )
    for r in rows.itertuples():
        parts.setdefault(r.request_id, []).append(
            f"{r.factory_id} {'complete' if r.complete else 'incomplete'} {_day(r.disclosed_on)}"
        )
    dd = evidence.due_diligence
    for r in dd[dd["recorded_on"] <= as_of].sort_values("recorded_on", kind="stable").itertuples():
        parts.setdefault(r.request_id, []).append(f"due diligence {_day(r.recorded_on)}")
    return {request: "; ".join(texts) for request, texts in parts.items()}


def _case_reason(row: pd.Series, m: params.Methodology) -> str:
    if row["status"] == "opened after date":
        return "opened after the assessment date"
    if row["status"] == "no findings":
        return "the report has no findings: not scored"
    text = (
        f"ack {_g(row['ack_points'])} + access {_g(row['access_points'])} + plan {_g(row['plan_points'])}"
        f" + evidence {_g(row['evidence_points'])} + verified {_g(row['verified_points'])}"
    )
    if row["retaliation"]:
        text += f"; retaliation confirmed: {m.retaliation_rule()}"
    return text + f" = {_g(row['case_score'])}"


def explain(
    evidence: Evidence, company_id: str, as_of: date, methodology: str = params.IN_FORCE
) -> Explanation:
    """Explain `company_id`'s scores as of `as_of` under `methodology`.

    Raises KeyError when the company is not in the evidence, ValueError for an
    unknown methodology.
    """
    if company_id not in set(evidence.companies["company_id"]):
        raise KeyError(f"unknown company {company_id!r}")
    as_of = to_date(as_of)
    m = params.resolve(methodology, as_of)
    own = evidence.restrict([company_id])
    grid = assessments([as_of], methodology)
    with scoring_connection(own, grid) as con:
        requests = con.execute("SELECT * FROM request_assessments ORDER BY due_on, request_id").df()
        cases = con.execute("SELECT * FROM case_assessments ORDER BY opened_on, case_id").df()
    totals = score(own, [as_of], methodology).iloc[0]
    ts = pd.Timestamp(as_of)

    # Requests: points only for the scored ones.
    scored = requests["status"] == "scored"
    requests["credit"] = requests["credit"].where(scored, np.nan)
    requests["points"] = requests["weight"] * requests["credit"]
    requests["late_factor_applied"] = requests["late_factor_applied"].fillna(False).astype(bool) & scored
    said = _request_evidence(own, ts)
    requests["evidence"] = [said.get(r, "no response") for r in requests["request_id"]]
    requests["reason"] = [_request_reason(r, m) for _, r in requests.iterrows()]

    # Cases: severity summary, findings and events dated on or before as_of.
    findings, events = own.findings, own.events
    weights = m.severity_weights
    severity, finding_ids, event_ids = [], [], []
    for case_id in cases["case_id"]:
        f = findings[findings["case_id"] == case_id].sort_values("finding_id")
        parts = [f"{r.finding_id} {r.severity} ({_g(weights[r.severity])})" for r in f.itertuples()]
        total = sum(weights[s] for s in f["severity"])
        severity.append(f"{', '.join(parts)} = {_g(total)}" if parts else "")
        finding_ids.append(", ".join(f["finding_id"]))
        e = events[(events["case_id"] == case_id) & (events["event_date"] <= ts)]
        event_ids.append(
            ", ".join(
                f"{r.event_id} {r.event_type}{' ' + r.finding_id if isinstance(r.finding_id, str) else ''}"
                f" {_day(r.event_date)}"
                for r in e.sort_values(["event_date", "event_id"]).itertuples()
            )
        )
    cases["severity"] = severity
    cases["finding_ids"] = finding_ids
    cases["event_ids"] = event_ids
    cases["case_score"] = cases["case_score"].where(cases["scorable"], np.nan)
    cases["case_weight"] = cases["case_weight"].where(cases["scorable"], np.nan)
    cases["retaliation_rule"] = [m.retaliation_rule() if r else "" for r in cases["retaliation"]]
    cases["reason"] = [_case_reason(r, m) for _, r in cases.iterrows()]

    return Explanation(
        company_id=company_id,
        as_of=as_of,
        methodology=m.version,
        sct=float(totals["sct"]),
        fi=float(totals["fi"]),
        overall=float(totals["overall"]),
        band=totals["band"],
        requests=requests[REQUEST_COLUMNS].reset_index(drop=True),
        cases=cases[CASE_COLUMNS].reset_index(drop=True),
    )
