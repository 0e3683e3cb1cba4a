"""Each score split into its components: the points each component adds and its maximum.

SCT = 100 * sum(weight * credit) / sum(weight) over the counted requests (METHODOLOGY.md
section 1), so a request scope's part is 100 * sum(weight * credit) / sum(weight) over the
scope's requests with the sum of weights of *all* counted requests below: the parts add up
to the SCT, and a scope's maximum is its share of the weight (scope weights of the version,
`params.Methodology.scope_weights`), the maxima adding up to 100.

FI = sum(case weight * case score) / sum(case weight) (section 2), and a case score is
acknowledgement + access + plan + evidence + verified points, then the retaliation rule: a
component's part is its case points averaged with the case weights, its maximum the
version's points for it (`ack_on_time_points` ... `verified_points`); what confirmed
retaliation took off is a part of its own (maximum 0), so the parts add up to the FI.

`of_explanation` reads one company's `scoring.explain()` frames; `every_company` assesses
every company at one date with the same rule views (for medians). No Streamlit.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from scoring import params
from scoring.engine import assessments, scoring_connection, to_date
from scoring.evidence import Evidence

SCOPES = ("final_assembly", "components", "compliance_findings")
"""SCT components: the request scopes."""
CASE_PARTS = ("ack", "access", "plan", "evidence", "verified", "retaliation")
"""FI components: the case score's parts, then what confirmed retaliation took off."""
COLUMNS = ["company_id", "score", "component", "points", "maximum"]


def case_maximum(m: params.Methodology, part: str) -> float:
    """The most points a case can earn for `part` under `m` (0 for retaliation: it only takes off)."""
    if part == "retaliation":
        return 0.0
    return float(getattr(m, "ack_on_time_points" if part == "ack" else f"{part}_points"))


def _sct(company_id: str, requests: pd.DataFrame) -> list[dict[str, object]]:
    scored = requests[requests["status"] == "scored"]
    total = float(scored["weight"].sum()) if len(scored) else 0.0
    if total <= 0:
        return []
    rows = []
    for scope in SCOPES:
        part = scored[scored["scope"] == scope]
        if len(part):
            points = (part["weight"] * part["credit"]).sum()
            rows.append({"company_id": company_id, "score": "sct", "component": scope,
                         "points": 100 * float(points) / total, "maximum": 100 * float(part["weight"].sum()) / total})  # fmt: skip
    return rows


def _fi(company_id: str, cases: pd.DataFrame, m: params.Methodology) -> list[dict[str, object]]:
    scored = cases[cases["status"] == "scored"]
    if not len(scored):
        return []
    weight = scored["case_weight"].astype(float).to_numpy()
    total = weight.sum()
    parts = {p: scored[f"{p}_points"].astype(float).to_numpy() for p in CASE_PARTS[:-1]}
    earned = sum(parts.values())
    parts["retaliation"] = scored["case_score"].astype(float).to_numpy() - earned
    return [{"company_id": company_id, "score": "fi", "component": p,
             "points": float(np.dot(weight, parts[p]) / total), "maximum": case_maximum(m, p)}
            for p in CASE_PARTS]  # fmt: skip


def of_explanation(why) -> pd.DataFrame:
    """One company's components (a `scoring.Explanation`): columns COLUMNS, SCT scopes that
    count and, when the FI applies, every FI part; empty when neither score applies."""
    m = params.VERSIONS[why.methodology]
    rows = _sct(why.company_id, why.requests) + _fi(why.company_id, why.cases, m)
    return pd.DataFrame(rows, columns=COLUMNS)


def every_company(evidence: Evidence, as_of: date, methodology: str = params.IN_FORCE) -> pd.DataFrame:
    """Every company's components at `as_of` (columns COLUMNS), from the rule views that
    `explain()` reads, for all companies at once."""
    as_of = to_date(as_of)
    m = params.resolve(methodology, as_of)
    with scoring_connection(evidence, assessments([as_of], methodology)) as con:
        requests = con.execute(
            "SELECT company_id, scope, status, weight, credit FROM request_assessments"
        ).df()
        cases = con.execute(
            "SELECT company_id, status, case_weight, ack_points, access_points, plan_points, evidence_points, "
            "verified_points, case_score FROM case_assessments"
        ).df()
    rows: list[dict[str, object]] = []
    by_company = dict(tuple(cases.groupby("company_id", sort=True))) if len(cases) else {}
    for company_id, own in requests.groupby("company_id", sort=True) if len(requests) else []:
        rows += _sct(str(company_id), own)
    for company_id, own in by_company.items():
        rows += _fi(str(company_id), own, m)
    return pd.DataFrame(rows, columns=COLUMNS)
