"""Improvement actions (METHODOLOGY.md section 4): what each open action would add to a
company's SCT, FI and overall score at a date, and the shortest set that reaches the
next band.

Set-based for one company: the company's requests, cases and findings are assessed once
at the date (the SQL rule views that `scoring.explain` reads, scoring/queries/), and
every action's effect follows arithmetically. The SCT is a weighted mean of request
credits and the FI a weighted mean of case scores, so a change of one request's credit
(or of whether it counts) or of one case's score gives the new score from the sums:

    SCT' = 100 * (P + w * (c' - c)) / (W + w * (s' - s))     (s: the request counts)
    FI'  = (Q + v * (k' - k)) / V                              (k: case score, v: weight)

No action rescoring of the world is needed. `next_band` applies a prefix of the list
together: actions on the same case combine (their points are added before the
retaliation rule), a disclosure and a verification of one finding count once.

tests/test_scoring_actions.py checks both against the naive way (add the rows dated D
to a copy of the evidence and rescore with tests/scoring_reference.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from scoring import params
from scoring.engine import assessments, to_date
from scoring.evidence import Evidence
from scoring.rules import _case_items, _case_score, _request_items, _Series

ACTIONS = ("disclose", "acknowledge", "grant_access", "submit_plan", "submit_evidence", "verify")
"""Every action of METHODOLOGY.md section 4, in its table's order."""

ACTION_COLUMNS = [
    "company_id",
    "as_of",
    "methodology",
    "action",
    "target_id",
    "sct_gain",
    "fi_gain",
    "overall_gain",
]
"""The contract columns (DATA_FORMAT.md, `python -m scoring --actions`), in order."""

DETAIL_COLUMNS = [
    "target_kind",
    "scope",
    "product_model_id",
    "request_id",
    "due_on",
    "level_now",
    "case_id",
    "factory_id",
    "opened_on",
    "finding_id",
    "severity",
    "code_area",
    "sct_after",
    "fi_after",
    "overall_after",
]
"""Descriptive columns after the contract ones, for the pages: what the target is
(target_kind: request, case or finding), the request's scope, product model, due date
and level now; the case, its factory and opening date; the finding's severity and code
area; and the scores after the action alone. Missing where they do not apply."""

COLUMNS = ACTION_COLUMNS + DETAIL_COLUMNS

_EPS = 1e-9
"""Gains smaller than this are float noise: 0 (such actions are not listed)."""

_ORDER_DECIMALS = 9
"""Gains are rounded to this many decimals to order the list, so that two equal gains
computed in different orders (3 × 5 / 4 and 15 / 4) tie and fall back to action, target."""


# --- the company at the date -------------------------------------------------------------


@dataclass
class _State:
    """One company at one date under one version, as the engine assesses it: its
    requests, scorable cases and their findings as arrays, and the sums of the scores.

    SCT sums over requests: P = sum(w * c * s), W = sum(w * s) (s: the request counts);
    FI sums over scorable cases: Q = sum(v * k), V = sum(v)."""

    m: params.Methodology
    as_of: pd.Timestamp
    requests: pd.DataFrame
    """request_id, scope, product_model_id, due_on, weight, in_window, scorable,
    level_by_deadline, level_now, credit."""
    cases: dict[str, np.ndarray]
    """Scorable cases: case_id, factory_id, opened_on, weight, score and the components
    (ack, access, plan, evidenced, verified, total, retaliated, ack_if_now)."""
    findings: dict[str, np.ndarray]
    """Findings of the scorable cases: finding_id, case (position in `cases`), weight,
    evidenced, verified, severity, code_area."""
    p: float
    w: float
    q: float
    v: float


def _state(evidence: Evidence, company_id: str, as_of: date, methodology: str) -> _State:
    """The company's items at `as_of`, from the engine's own rules (`score()`'s numbers:
    scoring.engine `_request_items` and `_case_items` at one date)."""
    own = evidence.restrict([company_id])
    grid = assessments([as_of], methodology)
    series = _Series(grid, pd.Series([company_id], dtype=object))
    m, ts = series.versions[0], pd.Timestamp(as_of)
    levels = np.array(params.LEVELS, dtype=object)

    ri = _request_items(own, series)
    (rb,) = ri.blocks
    req = own.disclosure_requests.iloc[ri.groups.order]
    credit = np.where(rb.scorable[0], rb.credit[0], 0.0)
    requests = pd.DataFrame(
        {
            "request_id": req["request_id"].to_numpy(dtype=object),
            "scope": req["scope"].to_numpy(dtype=object),
            "product_model_id": req["product_model_id"].to_numpy(dtype=object),
            "due_on": req["due_on"].to_numpy(),
            "weight": rb.weights,
            "in_window": rb.in_window[0],
            "scorable": rb.scorable[0],
            "level_by_deadline": levels[ri.level_by_deadline],
            "level_now": levels[rb.level_now()[0]],
            "credit": credit,
        }
    )
    p = float((rb.weights * credit * rb.scorable[0]).sum())
    w = float((rb.weights * rb.scorable[0]).sum())

    ci = _case_items(own, series)
    (cb,) = ci.blocks
    scorable = cb.scorable[0]
    keep = np.flatnonzero(scorable)  # positions in ci.groups.order
    rows = ci.groups.order[keep]
    c = own.cases.iloc[rows]
    opened = ci.opened[keep]
    cases = {
        "case_id": c["case_id"].to_numpy(dtype=object),
        "factory_id": c["factory_id"].to_numpy(dtype=object),
        "opened_on": c["opened_on"].to_numpy(),
        "weight": cb.case_weight[keep],
        "score": cb.case_score[0, keep],
        "ack": cb.ack[0, keep].astype(float),
        "access": cb.access[0, keep],
        "plan": cb.plan[0, keep],
        "evidenced": cb.severity_evidenced[0, keep],
        "verified": cb.severity_verified[0, keep],
        "total": cb.total[keep],
        "retaliated": cb.retaliated[0, keep],
        "acknowledged": cb.ack[0, keep] > 0,
        # points of a first acknowledgement dated D
        "ack_if_now": np.where(
            (ts.to_datetime64().astype("datetime64[D]").astype(np.int64) - opened) <= m.ack_window_days,
            m.ack_on_time_points,
            m.ack_late_points,
        ).astype(float),
    }
    q = float((cases["weight"] * cases["score"]).sum())
    v = float(cases["weight"].sum())

    # findings of the scorable cases (severity known), case as a position in `cases`
    at = np.full(len(scorable), -1, dtype=np.int64)
    at[keep] = np.arange(len(keep))
    fc = ci.finding_case
    f_keep = np.flatnonzero((fc >= 0) & (cb.finding_weights > 0))
    f_keep = f_keep[at[fc[f_keep]] >= 0]
    f = own.findings.iloc[f_keep]
    findings = {
        "finding_id": f["finding_id"].to_numpy(dtype=object),
        "case": at[fc[f_keep]],
        "weight": cb.finding_weights[f_keep],
        "evidenced": ci.evidenced_at[f_keep] <= 0,  # date position 0: on or before D
        "verified": ci.verified_at[f_keep] <= 0,
        "severity": f["severity"].to_numpy(dtype=object),
        "code_area": f["code_area"].to_numpy(dtype=object)
        if "code_area" in f
        else np.full(len(f), None, dtype=object),
    }
    return _State(m=m, as_of=ts, requests=requests, cases=cases, findings=findings, p=p, w=w, q=q, v=v)


# --- the rules, on arrays ----------------------------------------------------------------


def _credit_if_disclosed(m: params.Methodology, as_of: pd.Timestamp, requests: pd.DataFrame) -> np.ndarray:
    """A request's credit at D once every factory's state is complete (rows dated D):
    FULL now; up to the deadline that is the credit, after it the late factor applies to
    it unless what was in place by the deadline was better."""
    by_deadline = requests["level_by_deadline"].map(m.credits).to_numpy(dtype=float)
    full = m.credits["FULL"]
    past_due = (as_of > requests["due_on"]).to_numpy(dtype=bool)
    return np.where(past_due, np.maximum(by_deadline, m.late_factor * full), full)


def _new_case_score(
    m: params.Methodology, cases: dict[str, np.ndarray], rows: np.ndarray, **change
) -> np.ndarray:
    """The scores of the cases `rows` with some components changed (engine rule)."""
    parts = {k: cases[k][rows] for k in ("ack", "access", "plan", "evidenced", "verified")}
    parts.update(change)
    return _case_score(
        m,
        parts["ack"],
        parts["access"],
        parts["plan"],
        parts["evidenced"],
        parts["verified"],
        cases["total"][rows],
        cases["retaliated"][rows],
    )


def _scores(m: params.Methodology, sct_sums, fi_sums) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """SCT, FI and overall from (arrays of) sums; NaN where not applicable."""
    p, w = (np.asarray(x, dtype=float) for x in sct_sums)
    q, v = (np.asarray(x, dtype=float) for x in fi_sums)
    with np.errstate(invalid="ignore", divide="ignore"):
        sct = np.clip(np.where(w > 0, 100 * p / np.where(w > 0, w, 1), np.nan), 0, 100)
        fi = np.clip(np.where(v > 0, q / np.where(v > 0, v, 1), np.nan), 0, 100)
    a, b = m.overall_sct_weight, m.overall_fi_weight
    overall = np.where(np.isnan(sct), fi, np.where(np.isnan(fi), sct, a * sct + b * fi))
    return sct, fi, overall


def _gain(after: np.ndarray, before: float) -> np.ndarray:
    """after - before; a score that becomes applicable gains its whole value; NaN when
    the score is not applicable before and after."""
    base = 0.0 if np.isnan(before) else before
    gain = after - base
    return np.where(np.abs(gain) < _EPS, 0.0, gain)


# --- the list ----------------------------------------------------------------------------


def actions(
    evidence: Evidence, company_id: str, as_of: date, methodology: str = params.IN_FORCE
) -> pd.DataFrame:
    """The open improvement actions of `company_id` at `as_of` (METHODOLOGY.md section 4).

    One row per action whose overall gain is not 0, ordered by overall gain (largest
    first), then action, then target id. Columns: COLUMNS (ACTION_COLUMNS, the CLI's
    contract, then DETAIL_COLUMNS). `methodology` is the version actually applied (v1 or
    v2); gains are floats at full precision, NaN for a score that is not applicable
    before and after the action (a score that becomes applicable gains its value).

    Raises KeyError for a company not in the evidence, ValueError for an unknown
    methodology.
    """
    if not (evidence.companies["company_id"] == company_id).any():
        raise KeyError(f"unknown company {company_id!r}")
    state = _state(evidence, company_id, to_date(as_of), methodology)
    return _action_list(state, company_id)


def _action_list(state: _State, company_id: str) -> pd.DataFrame:
    m, ts = state.m, state.as_of
    p, w, q, v = state.p, state.w, state.q, state.v
    before = tuple(float(x) for x in _scores(m, (p, w), (q, v)))
    parts: list[dict[str, object]] = []

    # disclose: every request with a weight, in the window, not FULL at D.
    r = state.requests
    ro = r[((r["weight"] > 0) & r["in_window"] & (r["level_now"] != "FULL")).to_numpy()]
    if len(ro):
        weight = ro["weight"].to_numpy(dtype=float)
        counted = ro["scorable"].to_numpy(dtype=float)
        credit = ro["credit"].to_numpy(dtype=float)
        new_credit = _credit_if_disclosed(m, ts, ro)
        # once FULL at D the request counts (due, or an early FULL)
        sct_sums = (p + weight * (new_credit - credit * counted), w + weight * (1 - counted))
        parts.append(
            _part(
                "disclose",
                ro["request_id"].to_numpy(dtype=object),
                "request",
                _scores(m, sct_sums, (q, v)),
                before,
                scope=ro["scope"].to_numpy(dtype=object),
                product_model_id=ro["product_model_id"].to_numpy(dtype=object),
                request_id=ro["request_id"].to_numpy(dtype=object),
                due_on=ro["due_on"].to_numpy(),
                level_now=ro["level_now"].to_numpy(dtype=object),
            )
        )

    # case and finding actions: a new score of one case.
    cases, findings = state.cases, state.findings

    def case_part(
        action: str, kind: str, targets: np.ndarray, rows: np.ndarray, new: np.ndarray, **details
    ) -> None:
        if not len(rows):
            return
        q1 = q + cases["weight"][rows] * (new - cases["score"][rows])
        parts.append(
            _part(
                action,
                targets,
                kind,
                _scores(m, (p, w), (q1, v)),
                before,
                case_id=cases["case_id"][rows],
                factory_id=cases["factory_id"][rows],
                opened_on=cases["opened_on"][rows],
                **details,
            )
        )

    rows = np.flatnonzero(~cases["acknowledged"])
    case_part(
        "acknowledge",
        "case",
        cases["case_id"][rows],
        rows,
        _new_case_score(m, cases, rows, ack=cases["ack_if_now"][rows]),
    )
    rows = np.flatnonzero(~cases["access"])
    case_part(
        "grant_access",
        "case",
        cases["case_id"][rows],
        rows,
        _new_case_score(m, cases, rows, access=np.ones(len(rows), bool)),
    )
    rows = np.flatnonzero(~cases["plan"])
    case_part(
        "submit_plan",
        "case",
        cases["case_id"][rows],
        rows,
        _new_case_score(m, cases, rows, plan=np.ones(len(rows), bool)),
    )

    for action, open_f in (
        ("submit_evidence", ~findings["evidenced"] & ~findings["verified"]),
        ("verify", ~findings["verified"]),
    ):
        j = np.flatnonzero(open_f)
        rows = findings["case"][j]
        sev = findings["weight"][j]
        # a verified finding counts as evidenced too
        evidenced = cases["evidenced"][rows] + sev * ~findings["evidenced"][j]
        verified = cases["verified"][rows] + (sev if action == "verify" else 0.0)
        case_part(
            action,
            "finding",
            findings["finding_id"][j],
            rows,
            _new_case_score(m, cases, rows, evidenced=evidenced, verified=verified),
            finding_id=findings["finding_id"][j],
            severity=findings["severity"][j],
            code_area=findings["code_area"][j],
        )

    n = sum(len(part["action"]) for part in parts)
    columns: dict[str, np.ndarray] = {}
    for col in COLUMNS[3:]:
        chunks = [part.get(col, np.full(len(part["action"]), None, dtype=object)) for part in parts]
        columns[col] = np.concatenate(chunks) if chunks else np.empty(0, dtype=object)
    # listed: a non-zero overall gain; ordered by gain (rounded), action, target id
    gain = columns["overall_gain"].astype(float)
    keep = np.flatnonzero(np.abs(gain) >= _EPS)
    order = keep[
        np.lexsort(
            (
                columns["target_id"][keep].astype(str),
                columns["action"][keep].astype(str),
                -np.round(gain[keep], _ORDER_DECIMALS),
            )
        )
    ]
    n = len(order)
    data: dict[str, pd.Series] = {
        "company_id": pd.Series(np.full(n, company_id, dtype=object), dtype=object),
        "as_of": pd.Series(np.full(n, ts.to_datetime64()), dtype="datetime64[us]"),
        "methodology": pd.Series(np.full(n, m.version, dtype=object), dtype=object),
    }
    for col in COLUMNS[3:]:
        values = columns[col][order]
        if col in _FLOATS:
            data[col] = pd.Series(values.astype(float), dtype=float)
        elif col in ("due_on", "opened_on"):
            data[col] = pd.Series(pd.to_datetime(values), dtype="datetime64[us]")
        else:  # plain objects, None where missing (whatever pandas' default string type)
            values = values.astype(object)
            values[pd.isna(values)] = None
            data[col] = pd.Series(values, dtype=object)
    return pd.DataFrame(data)


_TEXTS = tuple(
    c
    for c in COLUMNS
    if c
    not in (
        "as_of",
        "due_on",
        "opened_on",
        "sct_gain",
        "fi_gain",
        "overall_gain",
        "sct_after",
        "fi_after",
        "overall_after",
    )
)
_FLOATS = ("sct_gain", "fi_gain", "overall_gain", "sct_after", "fi_after", "overall_after")


def _part(
    action: str,
    targets: np.ndarray,
    kind: str,
    after: tuple[np.ndarray, np.ndarray, np.ndarray],
    before: tuple[float, float, float],
    **details: np.ndarray,
) -> dict[str, np.ndarray]:
    n = len(targets)
    sct, fi, overall = (np.broadcast_to(np.asarray(x, dtype=float), (n,)) for x in after)
    return {
        "action": np.full(n, action, dtype=object),
        "target_id": np.asarray(targets, dtype=object),
        "sct_gain": _gain(sct, before[0]),
        "fi_gain": _gain(fi, before[1]),
        "overall_gain": _gain(overall, before[2]),
        "target_kind": np.full(n, kind, dtype=object),
        "sct_after": sct,
        "fi_after": fi,
        "overall_after": overall,
        **details,
    }
