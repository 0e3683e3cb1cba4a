"""A naive reference implementation of METHODOLOGY.md, for tests and the benchmark only.

Written straight from the text, one company and one date at a time in plain Python,
with no shared code with the set-based engine except the parameter values
(`scoring.params`). The set-based `scoring.score` must agree with it.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from scoring import params
from scoring.evidence import Evidence

NA = math.nan


def _d(x: object) -> date:
    if isinstance(x, pd.Timestamp):
        return x.date()
    assert isinstance(x, date)
    return x


@dataclass
class _Request:
    request_id: str
    scope: str
    due_on: date
    disclosures: list[tuple[date, bool, str]]  # (disclosed_on, complete, factory_id)
    due_diligence: list[date]


@dataclass
class _Case:
    case_id: str
    opened_on: date
    severities: dict[str, str]  # finding_id -> severity
    events: list[tuple[str, date, str | None]]  # (event_type, event_date, finding_id)


class ReferenceWorld:
    """The evidence indexed per company as plain Python objects."""

    def __init__(self, evidence: Evidence) -> None:
        self.company_ids = list(evidence.companies["company_id"])
        self.requests: dict[str, list[_Request]] = defaultdict(list)
        self.cases: dict[str, list[_Case]] = defaultdict(list)
        by_id: dict[str, _Request] = {}
        for r in evidence.disclosure_requests.itertuples():
            req = _Request(r.request_id, r.scope, _d(r.due_on), [], [])
            by_id[r.request_id] = req
            self.requests[r.company_id].append(req)
        for r in evidence.disclosures.itertuples():
            by_id[r.request_id].disclosures.append((_d(r.disclosed_on), bool(r.complete), r.factory_id))
        for r in evidence.due_diligence.itertuples():
            by_id[r.request_id].due_diligence.append(_d(r.recorded_on))
        cases: dict[str, _Case] = {}
        for r in evidence.cases.itertuples():
            case = _Case(r.case_id, _d(r.opened_on), {}, [])
            cases[r.case_id] = case
            self.cases[r.company_id].append(case)
        for r in evidence.findings.itertuples():
            cases[r.case_id].severities[r.finding_id] = r.severity
        for r in evidence.events.itertuples():
            finding = r.finding_id if isinstance(r.finding_id, str) else None
            cases[r.case_id].events.append((r.event_type, _d(r.event_date), finding))


def level_at(req: _Request, t: date) -> str:
    """FULL / PARTIAL / DUE_DILIGENCE / NONE using only rows dated on or before t; a
    factory's state is its latest disclosure row for the request."""
    state: dict[str, bool] = {}
    for on, complete, factory in sorted(req.disclosures):
        if on <= t:
            state[factory] = complete  # later rows replace earlier ones
    if state:
        return "FULL" if all(state.values()) else "PARTIAL"
    if any(on <= t for on in req.due_diligence):
        return "DUE_DILIGENCE"
    return "NONE"


def request_credit(req: _Request, as_of: date, m: params.Methodology) -> float | None:
    """The request's credit at as_of, or None when it is not scorable."""
    if m.scope_weight(req.scope) == 0:
        return None
    # Before its deadline a request counts only when it is already FULL.
    if not (req.due_on <= as_of or level_at(req, as_of) == "FULL"):
        return None
    if m.sct_window_days is not None and not req.due_on > as_of - timedelta(days=m.sct_window_days):
        return None
    if as_of <= req.due_on:
        return m.credits[level_at(req, as_of)]
    return max(m.credits[level_at(req, req.due_on)], m.late_factor * m.credits[level_at(req, as_of)])


def sct(requests: list[_Request], as_of: date, m: params.Methodology) -> float:
    num = den = 0.0
    for req in requests:
        credit = request_credit(req, as_of, m)
        if credit is None:
            continue
        w = m.scope_weight(req.scope)
        num += w * credit
        den += w
    return 100 * num / den if den else NA


def case_score(case: _Case, as_of: date, m: params.Methodology) -> float:
    events = [(kind, on, f) for kind, on, f in case.events if on <= as_of]
    points = 0.0
    acks = sorted(on for kind, on, _ in events if kind == "acknowledged")
    if acks:
        on_time = (acks[0] - case.opened_on).days <= m.ack_window_days
        points += m.ack_on_time_points if on_time else m.ack_late_points
    if any(kind == "access_granted" for kind, _, _ in events):
        points += m.access_points
    if any(kind == "plan_submitted" for kind, _, _ in events):
        points += m.plan_points
    sev = {f: m.severity_weights[s] for f, s in case.severities.items()}
    total = sum(sev.values())
    verified = {f for kind, _, f in events if kind == "verified"}
    evidenced = {f for kind, _, f in events if kind == "evidence_submitted"} | verified
    points += m.evidence_points * sum(sev[f] for f in evidenced) / total
    points += m.verified_points * sum(sev[f] for f in verified) / total
    if any(kind == "retaliation_confirmed" for kind, _, _ in events):
        points = m.apply_retaliation(points)
    return points


def fi(cases: list[_Case], as_of: date, m: params.Methodology) -> float:
    num = den = 0.0
    for case in cases:
        if case.opened_on > as_of or not case.severities:
            continue
        w = max(m.severity_weights[s] for s in case.severities.values())
        num += w * case_score(case, as_of, m)
        den += w
    return num / den if den else NA


def overall(s: float, f: float, m: params.Methodology) -> float:
    if math.isnan(s) and math.isnan(f):
        return NA
    if math.isnan(s):
        return f
    if math.isnan(f):
        return s
    return m.overall_sct_weight * s + m.overall_fi_weight * f


def reference_score(
    evidence: Evidence,
    dates: Iterable[date],
    methodology: str = "in-force",
    company_ids: list[str] | None = None,
) -> pd.DataFrame:
    """The same frame as `scoring.score`, computed company by company, date by date."""
    world = ReferenceWorld(evidence)
    ids = (
        world.company_ids if company_ids is None else [c for c in world.company_ids if c in set(company_ids)]
    )
    rows = []
    for company_id in sorted(ids):
        for as_of in sorted(set(dates)):
            m = params.resolve(methodology, as_of)
            s = sct(world.requests[company_id], as_of, m)
            f = fi(world.cases[company_id], as_of, m)
            o = overall(s, f, m)
            rows.append(
                {
                    "company_id": company_id,
                    "as_of": pd.Timestamp(as_of),
                    "methodology": m.version,
                    "sct": s,
                    "fi": f,
                    "overall": o,
                    "band": params.band(o),
                }
            )
    return pd.DataFrame(rows, columns=["company_id", "as_of", "methodology", "sct", "fi", "overall", "band"])
