"""The next band (METHODOLOGY.md section 4): the shortest prefix of a company's improvement
actions (`scoring.actions.actions`) that, applied together, reaches the next band; actions on
the same case combine (their points are added before the retaliation rule), a disclosure and a
verification of one finding count once. Moved out of actions.py (issue 24) without change;
tests/test_scoring_actions.py checks it against the naive way.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from scoring import params
from scoring.actions import _credit_if_disclosed, _new_case_score, _scores, _State, _state
from scoring.engine import to_date
from scoring.evidence import Evidence

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
        self.p, self.w, self.q, self.v = state.p, state.w, state.q, state.v
        self.cases = {k: np.array(x, copy=True) for k, x in state.cases.items()}
        self.case_at = {cid: i for i, cid in enumerate(self.cases["case_id"])}
        f = state.findings
        self.finding_at = {fid: i for i, fid in enumerate(f["finding_id"])}
        self.finding_case = f["case"]
        self.severity = f["weight"]
        self.evidenced = f["evidenced"].copy()
        self.verified = f["verified"].copy()

    def apply(self, action: str, target_id: str) -> None:
        cases = self.cases
        if action == "disclose":
            i = self.request_at[target_id]
            old = self.weight[i] * self.credit[i] * self.counted[i], self.weight[i] * self.counted[i]
            self.credit[i], self.counted[i] = self.credit_if_disclosed[i], True
            self.p += self.weight[i] * self.credit[i] - old[0]
            self.w += self.weight[i] - old[1]
            return
        if action in ("submit_evidence", "verify"):
            j = self.finding_at[target_id]
            c = int(self.finding_case[j])
            if not self.evidenced[j]:  # a verified finding counts as evidenced too
                self.evidenced[j] = True
                cases["evidenced"][c] += self.severity[j]
            if action == "verify" and not self.verified[j]:
                self.verified[j] = True
                cases["verified"][c] += self.severity[j]
        else:
            c = self.case_at[target_id]
            if action == "acknowledge":
                if not cases["acknowledged"][c]:
                    cases["acknowledged"][c] = True
                    cases["ack"][c] = cases["ack_if_now"][c]
            elif action == "grant_access":
                cases["access"][c] = True
            elif action == "submit_plan":
                cases["plan"][c] = True
            else:
                raise ValueError(f"unknown action {action!r}")
        new = _new_case_score(self.m, cases, np.array([c]))[0]
        self.q += cases["weight"][c] * (new - cases["score"][c])
        cases["score"][c] = new

    def overall(self) -> float:
        return float(_scores(self.m, (self.p, self.w), (self.q, self.v))[2])
