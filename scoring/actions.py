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
from scoring.engine import assessments, scoring_connection, to_date
from scoring.evidence import Evidence

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
    """One company at one date under one version: its items as arrays, and the sums."""

    m: params.Methodology
    as_of: pd.Timestamp
    requests: pd.DataFrame
    cases: pd.DataFrame
    findings: pd.DataFrame

    # SCT sums over requests: P = sum(w * c * s), W = sum(w * s).
    # FI sums over scorable cases: Q = sum(v * k), V = sum(v).
    @property
    def sct_sums(self) -> tuple[float, float]:
        r = self.requests
        s = r["scorable"].to_numpy(dtype=float)
        w = r["weight"].to_numpy(dtype=float)
        return float((w * s * r["credit"].to_numpy(dtype=float)).sum()), float((w * s).sum())

    @property
    def fi_sums(self) -> tuple[float, float]:
        c = self.cases
        v = c["case_weight"].to_numpy(dtype=float)
        return float((v * c["case_score"].to_numpy(dtype=float)).sum()), float(v.sum())


def _state(evidence: Evidence, company_id: str, as_of: date, methodology: str) -> _State:
    """The company's requests, scorable cases and their findings at `as_of`, from the rule
    views (the same numbers `explain` shows)."""
    m = params.resolve(methodology, as_of)
    own = evidence.restrict([company_id])
    grid = assessments([as_of], methodology)
    with scoring_connection(own, grid) as con:
        requests = con.execute(
            """
            SELECT request_id, scope, product_model_id, due_on, weight, in_window, scorable,
                   level_by_deadline, level_now, coalesce(credit, 0.0) AS credit
            FROM request_assessments
            ORDER BY request_id
            """
        ).df()
        cases = con.execute(
            """
            SELECT a.case_id, a.factory_id, a.opened_on, a.case_weight, a.case_score, a.severity_total,
                   a.ack_points, a.access_points, a.plan_points, a.retaliation,
                   f.first_acknowledged_on IS NOT NULL AND f.first_acknowledged_on <= a.as_of AS acknowledged,
                   f.first_access_on IS NOT NULL AND f.first_access_on <= a.as_of AS access,
                   f.first_plan_on IS NOT NULL AND f.first_plan_on <= a.as_of AS plan
            FROM case_assessments a
            JOIN case_facts f USING (case_id)
            WHERE a.scorable
            ORDER BY a.case_id
            """
        ).df()
        findings = con.execute(
            """
            SELECT ff.finding_id, ff.case_id, ff.severity, w.weight AS severity_weight,
                   coalesce(ff.evidenced_on <= a.as_of, false) AS evidenced,
                   coalesce(ff.verified_on <= a.as_of, false) AS verified
            FROM finding_facts ff
            JOIN case_assessments a ON a.case_id = ff.case_id AND a.scorable
            JOIN severity_weights w ON w.methodology = a.methodology AND w.severity = ff.severity
            ORDER BY ff.finding_id
            """
        ).df()
    areas = own.findings.set_index("finding_id")["code_area"] if "code_area" in own.findings else None
    findings["code_area"] = findings["finding_id"].map(areas) if areas is not None else None
    for col in ("in_window", "scorable"):
        requests[col] = requests[col].fillna(False).astype(bool)
    for col in ("acknowledged", "access", "plan", "retaliation"):
        cases[col] = cases[col].fillna(False).astype(bool)
    for col in ("evidenced", "verified"):
        findings[col] = findings[col].astype(bool)
    return _State(m=m, as_of=pd.Timestamp(as_of), requests=requests, cases=cases, findings=findings)


# --- the rules, on arrays ----------------------------------------------------------------


def _credit_if_disclosed(m: params.Methodology, as_of: pd.Timestamp, requests: pd.DataFrame) -> np.ndarray:
    """A request's credit at D once every factory's state is complete (rows dated D):
    FULL now; up to the deadline that is the credit, after it the late factor applies to
    it unless what was in place by the deadline was better."""
    by_deadline = requests["level_by_deadline"].map(m.credits).to_numpy(dtype=float)
    full = m.credits["FULL"]
    past_due = (as_of > requests["due_on"]).to_numpy(dtype=bool)
    return np.where(past_due, np.maximum(by_deadline, m.late_factor * full), full)


def _ack_points_if_now(m: params.Methodology, as_of: pd.Timestamp, cases: pd.DataFrame) -> np.ndarray:
    """Points of a first acknowledgement dated D."""
    days = (as_of - cases["opened_on"]).dt.days.to_numpy()
    return np.where(days <= m.ack_window_days, m.ack_on_time_points, m.ack_late_points).astype(float)


def _case_score(
    m: params.Methodology,
    ack: np.ndarray,
    access: np.ndarray,
    plan: np.ndarray,
    evidenced: np.ndarray,
    verified: np.ndarray,
    total: np.ndarray,
    retaliation: np.ndarray,
) -> np.ndarray:
    """Case scores from their components (METHODOLOGY.md section 2), vectorised."""
    points = (
        ack
        + np.where(access, m.access_points, 0.0)
        + np.where(plan, m.plan_points, 0.0)
        + m.evidence_points * evidenced / total
        + m.verified_points * verified / total
    )
    if m.retaliation_penalty is None:
        return np.where(retaliation, 0.0, points)
    return np.where(retaliation, np.maximum(0.0, points - m.retaliation_penalty), points)


def _case_parts(state: _State) -> dict[str, np.ndarray]:
    """Each scorable case's components as arrays (severity sums from its findings)."""
    cases, findings, m = state.cases, state.findings, state.m
    position = pd.Series(np.arange(len(cases)), index=cases["case_id"])
    case_of = position.reindex(findings["case_id"]).to_numpy(dtype=np.int64)
    sev = findings["severity_weight"].to_numpy(dtype=float)
    evid = findings["evidenced"].to_numpy(dtype=bool)
    ver = findings["verified"].to_numpy(dtype=bool)
    return {
        "ack": cases["ack_points"].to_numpy(dtype=float),
        "access": cases["access"].to_numpy(dtype=bool),
        "plan": cases["plan"].to_numpy(dtype=bool),
        "evidenced": np.bincount(case_of, weights=sev * evid, minlength=len(cases)),
        "verified": np.bincount(case_of, weights=sev * ver, minlength=len(cases)),
        "total": cases["severity_total"].to_numpy(dtype=float),
        "retaliation": cases["retaliation"].to_numpy(dtype=bool),
        "weight": cases["case_weight"].to_numpy(dtype=float),
        "ack_if_now": _ack_points_if_now(m, state.as_of, cases),
        "case_of": case_of,
    }


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
    if company_id not in set(evidence.companies["company_id"]):
        raise KeyError(f"unknown company {company_id!r}")
    as_of = to_date(as_of)
    state = _state(evidence, company_id, as_of, methodology)
    return _action_list(state, company_id)


def _action_list(state: _State, company_id: str) -> pd.DataFrame:
    m, ts = state.m, state.as_of
    p, w = state.sct_sums
    q, v = state.fi_sums
    sct0, fi0, overall0 = (float(x) for x in _scores(m, (p, w), (q, v)))
    frames = []

    # disclose: every request with a weight, in the window, not FULL at D.
    r = state.requests
    open_r = (r["weight"] > 0) & r["in_window"] & (r["level_now"] != "FULL")
    ro = r[open_r.to_numpy()]
    if len(ro):
        weight = ro["weight"].to_numpy(dtype=float)
        counted = ro["scorable"].to_numpy(dtype=float)
        credit = ro["credit"].to_numpy(dtype=float)
        new_credit = _credit_if_disclosed(m, ts, ro)
        # once FULL at D the request counts (due, or early FULL)
        sct_sums = (p + weight * (new_credit - credit * counted), w + weight * (1 - counted))
        frames.append(
            _frame(
                "disclose",
                ro["request_id"],
                "request",
                _scores(m, sct_sums, (np.full(len(ro), q), np.full(len(ro), v))),
                (sct0, fi0, overall0),
                scope=ro["scope"],
                product_model_id=ro["product_model_id"],
                request_id=ro["request_id"],
                due_on=ro["due_on"],
                level_now=ro["level_now"],
            )
        )

    # case actions and finding actions: a new score of one case.
    parts = _case_parts(state)
    cases, findings = state.cases, state.findings
    k0 = cases["case_score"].to_numpy(dtype=float)

    def case_frame(action: str, rows: np.ndarray, **change: np.ndarray) -> None:
        if not len(rows):
            return
        comp = {key: parts[key][rows] for key in ("ack", "access", "plan", "evidenced", "verified")}
        comp.update(change)
        k1 = _case_score(m, **comp, total=parts["total"][rows], retaliation=parts["retaliation"][rows])
        weight = parts["weight"][rows]
        c = cases.iloc[rows]
        frames.append(
            _frame(
                action,
                c["case_id"],
                "case",
                _scores(m, (np.full(len(rows), p), np.full(len(rows), w)), (q + weight * (k1 - k0[rows]), v)),
                (sct0, fi0, overall0),
                case_id=c["case_id"],
                factory_id=c["factory_id"],
                opened_on=c["opened_on"],
            )
        )

    rows = np.flatnonzero(~cases["acknowledged"].to_numpy(dtype=bool))
    case_frame("acknowledge", rows, ack=parts["ack_if_now"][rows])
    rows = np.flatnonzero(~parts["access"])
    case_frame("grant_access", rows, access=np.ones(len(rows), dtype=bool))
    rows = np.flatnonzero(~parts["plan"])
    case_frame("submit_plan", rows, plan=np.ones(len(rows), dtype=bool))

    def finding_frame(action: str, open_f: np.ndarray, verify: bool) -> None:
        fo = findings[open_f]
        if not len(fo):
            return
        rows = parts["case_of"][open_f]
        sev = fo["severity_weight"].to_numpy(dtype=float)
        not_evidenced = ~fo["evidenced"].to_numpy(dtype=bool)
        evidenced = parts["evidenced"][rows] + sev * not_evidenced  # a verified finding counts as evidenced
        verified = parts["verified"][rows] + (sev if verify else 0.0)
        k1 = _case_score(
            m,
            parts["ack"][rows],
            parts["access"][rows],
            parts["plan"][rows],
            evidenced,
            verified,
            parts["total"][rows],
            parts["retaliation"][rows],
        )
        weight = parts["weight"][rows]
        c = cases.iloc[rows]
        frames.append(
            _frame(
                action,
                fo["finding_id"],
                "finding",
                _scores(m, (np.full(len(rows), p), np.full(len(rows), w)), (q + weight * (k1 - k0[rows]), v)),
                (sct0, fi0, overall0),
                case_id=fo["case_id"],
                factory_id=c["factory_id"],
                opened_on=c["opened_on"],
                finding_id=fo["finding_id"],
                severity=fo["severity"],
                code_area=fo["code_area"],
            )
        )

    evidenced = findings["evidenced"].to_numpy(dtype=bool)
    verified = findings["verified"].to_numpy(dtype=bool)
    finding_frame("submit_evidence", ~evidenced & ~verified, verify=False)
    finding_frame("verify", ~verified, verify=True)

    out = pd.concat(frames, ignore_index=True) if frames else _empty()
    out = out[out["overall_gain"].abs() >= _EPS]
    out = out.assign(company_id=company_id, as_of=ts, methodology=m.version)
    key = out["overall_gain"].round(_ORDER_DECIMALS)
    out = (
        out.assign(_key=-key)
        .sort_values(["_key", "action", "target_id"], kind="stable")
        .drop(columns="_key")
        .reset_index(drop=True)
    )
    return _typed(out)[COLUMNS]


def _frame(
    action: str,
    target_ids: pd.Series,
    kind: str,
    after: tuple[np.ndarray, np.ndarray, np.ndarray],
    before: tuple[float, float, float],
    **details: pd.Series,
) -> pd.DataFrame:
    sct, fi, overall = (np.broadcast_to(x, (len(target_ids),)) for x in after)
    frame = pd.DataFrame(
        {
            "action": action,
            "target_id": target_ids.to_numpy(dtype=object),
            "sct_gain": _gain(sct, before[0]),
            "fi_gain": _gain(fi, before[1]),
            "overall_gain": _gain(overall, before[2]),
            "target_kind": kind,
            "sct_after": sct,
            "fi_after": fi,
            "overall_after": overall,
        }
    )
    for name, values in details.items():
        frame[name] = values.to_numpy()
    return frame


def _empty() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series([], dtype=object) for c in COLUMNS})


def _typed(out: pd.DataFrame) -> pd.DataFrame:
    """Every COLUMNS column, with stable dtypes whatever actions are present."""
    for col in COLUMNS:
        if col not in out:
            out[col] = None
    for col in ("sct_gain", "fi_gain", "overall_gain", "sct_after", "fi_after", "overall_after"):
        out[col] = out[col].astype(float)
    for col in ("as_of", "due_on", "opened_on"):
        out[col] = pd.to_datetime(out[col]).astype("datetime64[us]")
    for col in set(COLUMNS) - {
        "sct_gain",
        "fi_gain",
        "overall_gain",
        "sct_after",
        "fi_after",
        "overall_after",
        "as_of",
        "due_on",
        "opened_on",
    }:
        out[col] = out[col].astype(object).where(out[col].notna(), None)
    return out


# --- the next band -----------------------------------------------------------------------


@dataclass(frozen=True)
class NextBand:
    """The next band above the current overall score and the shortest prefix of the
    action list that, applied together, reaches its lower bound.

    `actions` holds those prefix rows (the list's columns) plus `overall_together`: the
    overall score after the actions up to and including that row applied together
    (`overall_after` lists the same numbers).
    """

    band: str
    lower: float
    actions: pd.DataFrame
    overall_after: list[float]


def next_band(actions_df: pd.DataFrame, current_overall: float, evidence: Evidence) -> NextBand | None:
    """The next band above `current_overall` and the shortest prefix of `actions_df` (the
    list `actions()` returned for one company, date and version, in its order) whose
    actions applied together lift the overall score to that band's lower bound.

    None when there is no next band (Leading, or the overall is not applicable), or no
    prefix reaches it. `evidence` is the evidence the list was computed from: the prefix
    is applied to the company's state at the date (actions on the same case combine).
    """
    if current_overall is None or np.isnan(current_overall) or actions_df.empty:
        return None
    current = params.band(current_overall)
    names = [b.name for b in params.BANDS]
    if current is None or current == names[-1]:
        return None
    target = params.BANDS[names.index(current) + 1]
    applied = _Together(_list_state(actions_df, evidence))
    overalls: list[float] = []
    for i, row in enumerate(actions_df.itertuples(index=False)):
        applied.apply(row.action, row.target_id)
        overall = applied.overall()
        overalls.append(overall)
        if round(overall, params.BAND_DECIMALS) >= target.lower:
            steps = actions_df.iloc[: i + 1].copy()
            steps["overall_together"] = overalls
            return NextBand(
                band=target.name, lower=float(target.lower), actions=steps, overall_after=overalls
            )
    return None


def together(actions_df: pd.DataFrame, evidence: Evidence) -> list[float]:
    """The overall score after each prefix of `actions_df` (one company's list from
    `actions()`, in its order) applied together: element i is the overall with the
    actions of rows 0..i all done."""
    if actions_df.empty:
        return []
    state = _list_state(actions_df, evidence)
    t = _Together(state)
    out = []
    for row in actions_df.itertuples(index=False):
        t.apply(row.action, row.target_id)
        out.append(t.overall())
    return out


def _list_state(actions_df: pd.DataFrame, evidence: Evidence) -> _State:
    if actions_df["company_id"].nunique() != 1 or actions_df["as_of"].nunique() != 1:
        raise ValueError("the actions of one company at one date are needed")
    first = actions_df.iloc[0]
    return _state(evidence, str(first["company_id"]), to_date(first["as_of"]), str(first["methodology"]))


class _Together:
    """A company's state with actions applied one after another (together): each action
    changes one request's credit or one case's components; the sums follow."""

    def __init__(self, state: _State) -> None:
        self.m = state.m
        r = state.requests
        self.request_at = {rid: i for i, rid in enumerate(r["request_id"])}
        self.weight = r["weight"].to_numpy(dtype=float)
        self.counted = r["scorable"].to_numpy(dtype=bool).copy()
        self.credit = r["credit"].to_numpy(dtype=float).copy()
        self.credit_if_disclosed = _credit_if_disclosed(state.m, state.as_of, r)
        self.p, self.w = state.sct_sums
        self.q, self.v = state.fi_sums
        parts = _case_parts(state)
        self.parts = {k: np.array(v, copy=True) for k, v in parts.items()}
        self.case_at = {cid: i for i, cid in enumerate(state.cases["case_id"])}
        self.score = state.cases["case_score"].to_numpy(dtype=float).copy()
        f = state.findings
        self.finding_at = {fid: i for i, fid in enumerate(f["finding_id"])}
        self.severity = f["severity_weight"].to_numpy(dtype=float)
        self.evidenced = f["evidenced"].to_numpy(dtype=bool).copy()
        self.verified = f["verified"].to_numpy(dtype=bool).copy()

    def apply(self, action: str, target_id: str) -> None:
        parts = self.parts
        if action == "disclose":
            i = self.request_at[target_id]
            old = self.weight[i] * self.credit[i] * self.counted[i], self.weight[i] * self.counted[i]
            self.credit[i], self.counted[i] = self.credit_if_disclosed[i], True
            self.p += self.weight[i] * self.credit[i] - old[0]
            self.w += self.weight[i] - old[1]
            return
        if action in ("submit_evidence", "verify"):
            j = self.finding_at[target_id]
            c = int(parts["case_of"][j])
            if not self.evidenced[j]:  # a verified finding counts as evidenced too
                self.evidenced[j] = True
                parts["evidenced"][c] += self.severity[j]
            if action == "verify" and not self.verified[j]:
                self.verified[j] = True
                parts["verified"][c] += self.severity[j]
        else:
            c = self.case_at[target_id]
            if action == "acknowledge":
                if parts["ack"][c] == 0:
                    parts["ack"][c] = parts["ack_if_now"][c]
            elif action == "grant_access":
                parts["access"][c] = True
            elif action == "submit_plan":
                parts["plan"][c] = True
            else:
                raise ValueError(f"unknown action {action!r}")
        new = _case_score(
            self.m,
            *(
                parts[k][c : c + 1]
                for k in ("ack", "access", "plan", "evidenced", "verified", "total", "retaliation")
            ),
        )[0]
        self.q += parts["weight"][c] * (new - self.score[c])
        self.score[c] = new

    def overall(self) -> float:
        return float(_scores(self.m, (self.p, self.w), (self.q, self.v))[2])
