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


# --- improvement actions (METHODOLOGY.md section 4), the naive way ------------------------

ACTION_ORDER_DECIMALS = 9


def _rows_for_action(evidence: Evidence, company_id: str, as_of: date, m: params.Methodology) -> list[tuple]:
    """Every open action of the company at as_of as (action, target_id, rows): the rows
    (table, dict) it adds, dated as_of, read straight from METHODOLOGY.md's table."""
    world = ReferenceWorld(evidence)
    out: list[tuple] = []
    for req in world.requests[company_id]:
        if m.scope_weight(req.scope) == 0:
            continue
        if m.sct_window_days is not None and not req.due_on > as_of - timedelta(days=m.sct_window_days):
            continue
        if level_at(req, as_of) == "FULL":
            continue
        state: dict[str, bool] = {}
        for on, complete, factory in sorted(req.disclosures):
            if on <= as_of:
                state[factory] = complete
        factories = [f for f, complete in state.items() if not complete] or ["FNEW-" + req.request_id]
        rows = [
            (
                "disclosures",
                {"request_id": req.request_id, "factory_id": f, "disclosed_on": as_of, "complete": True},
            )
            for f in factories
        ]
        out.append(("disclose", req.request_id, rows))
    for case in world.cases[company_id]:
        if case.opened_on > as_of or not case.severities:
            continue
        events = [(kind, f) for kind, on, f in case.events if on <= as_of]
        for action, kind in (
            ("acknowledge", "acknowledged"),
            ("grant_access", "access_granted"),
            ("submit_plan", "plan_submitted"),
        ):
            if not any(k == kind for k, _ in events):
                out.append(
                    (action, case.case_id, [("events", {"case_id": case.case_id, "event_type": kind})])
                )
        for finding in case.severities:
            verified = any(k == "verified" and f == finding for k, f in events)
            evidenced = verified or any(k == "evidence_submitted" and f == finding for k, f in events)
            row = {"case_id": case.case_id, "finding_id": finding}
            if not evidenced:
                out.append(
                    ("submit_evidence", finding, [("events", {**row, "event_type": "evidence_submitted"})])
                )
            if not verified:
                out.append(("verify", finding, [("events", {**row, "event_type": "verified"})]))
    return out


def with_rows(evidence: Evidence, company_id: str, as_of: date, rows: list[tuple]) -> Evidence:
    """A copy of the evidence with the rows added (dated as_of); a disclosure row with the
    key of an existing one replaces it (as an import would)."""
    tables = {name: df.copy() for name, df in evidence.tables().items()}
    ts = pd.Timestamp(as_of)
    for n, (table, row) in enumerate(rows):
        row = {**row, "company_id": company_id}
        if table == "disclosures":
            row["disclosed_on"] = ts
            d = tables["disclosures"]
            same = (
                (d["request_id"] == row["request_id"])
                & (d["factory_id"] == row["factory_id"])
                & (d["disclosed_on"] == ts)
            )
            d = d[~same]
            tables["disclosures"] = pd.concat([d, pd.DataFrame([row])], ignore_index=True)
        else:
            row = {"event_id": f"ACTION-{n}", "finding_id": None, **row, "event_date": ts}
            tables["events"] = pd.concat([tables["events"], pd.DataFrame([row])], ignore_index=True)
    return Evidence(**tables)


def _score_one(
    evidence: Evidence, company_id: str, as_of: date, methodology: str
) -> tuple[float, float, float]:
    row = reference_score(evidence, [as_of], methodology, [company_id]).iloc[0]
    return float(row["sct"]), float(row["fi"]), float(row["overall"])


def _gain(after: float, before: float) -> float:
    if math.isnan(after) and math.isnan(before):
        return NA
    return after - (0.0 if math.isnan(before) else before)


def reference_actions(
    evidence: Evidence, company_id: str, as_of: date, methodology: str = "in-force"
) -> pd.DataFrame:
    """The action list of METHODOLOGY.md section 4 by brute force: for each open action,
    add its rows dated as_of to a copy of the evidence and rescore with the reference.
    Columns: action, target_id, sct_gain, fi_gain, overall_gain, rows (the rows added)."""
    m = params.resolve(methodology, as_of)
    before = _score_one(evidence, company_id, as_of, methodology)
    out = []
    for action, target, rows in _rows_for_action(evidence, company_id, as_of, m):
        after = _score_one(with_rows(evidence, company_id, as_of, rows), company_id, as_of, methodology)
        gains = [_gain(a, b) for a, b in zip(after, before, strict=True)]
        if abs(gains[2]) < 1e-9:
            continue
        out.append(
            {
                "action": action,
                "target_id": target,
                "sct_gain": gains[0],
                "fi_gain": gains[1],
                "overall_gain": gains[2],
                "rows": rows,
            }
        )
    out.sort(key=lambda a: (-round(a["overall_gain"], ACTION_ORDER_DECIMALS), a["action"], a["target_id"]))
    return pd.DataFrame(out, columns=["action", "target_id", "sct_gain", "fi_gain", "overall_gain", "rows"])


def reference_together(
    evidence: Evidence, company_id: str, as_of: date, methodology: str, actions: pd.DataFrame
) -> list[float]:
    """The overall score after each prefix of `actions` (reference_actions' rows) applied
    together: all their rows added at once, then rescored."""
    out, rows = [], []
    for action_rows in actions["rows"]:
        rows += action_rows
        # events get fresh ids across actions
        numbered = [
            (t, {**r, "event_id": f"ACTION-{i}"} if t == "events" else r) for i, (t, r) in enumerate(rows)
        ]
        out.append(
            _score_one(with_rows(evidence, company_id, as_of, numbered), company_id, as_of, methodology)[2]
        )
    return out
