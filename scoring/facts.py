"""Derived facts with one definition each, read by every page, download, report and CLI.

A monitoring case's status on a date (METHODOLOGY.md section 2, in words):

* **retaliation**: retaliation against workers was confirmed at the factory (this outranks
  everything else);
* **verified**: the case has findings and *every* finding has a `verified` event, i.e. its
  remediation was checked by the monitor (one verified finding of six is not a verified case);
* **remediation in progress**: the company has engaged beyond acknowledging (a remediation plan,
  evidence of remediation or a verified finding) but some finding is not yet verified;
* **open**: nothing beyond a report, an acknowledgement or access yet.

Only events dated on or before the date count. The SQL of the pages returns the inputs
(findings, verified findings, engaged, retaliation) and `with_case_status` names the status;
the explanations in words (wording/narrative.py) call `case_status` on the same inputs.
"""

from __future__ import annotations

import pandas as pd

CASE_STATUSES = ("open", "remediation in progress", "verified", "retaliation")
ENGAGEMENT_EVENTS = ("plan_submitted", "evidence_submitted", "verified")
"""Events that put a case in "remediation in progress" (with a finding still unverified)."""


def case_status(*, findings: int, verified: int, engaged: bool, retaliation: bool) -> str:
    """The status of one case from its number of findings, of verified findings, whether the
    company engaged (an ENGAGEMENT_EVENTS event) and whether retaliation was confirmed."""
    if retaliation:
        return "retaliation"
    if findings > 0 and verified >= findings:
        return "verified"
    if engaged or verified > 0:
        return "remediation in progress"
    return "open"


def with_case_status(
    frame: pd.DataFrame,
    *,
    findings: str = "findings",
    verified: str = "findings_verified",
    engaged: str = "engaged",
    retaliation: str = "retaliation",
) -> pd.DataFrame:
    """`frame` with a `status` column (`case_status` of each row's columns)."""
    out = frame.copy()
    out["status"] = pd.Series(
        [
            case_status(findings=int(f), verified=int(v), engaged=bool(e), retaliation=bool(r))
            for f, v, e, r in zip(out[findings], out[verified], out[engaged].fillna(False),
                                  out[retaliation].fillna(False), strict=True)
        ],
        index=out.index,
        dtype=object,
    )  # fmt: skip
    return out


def overall_rank(overall: pd.Series) -> pd.Series:
    """A company's rank by overall score among every company scored at the same date: 1 + the
    number of companies with a strictly higher overall (ties share a rank); missing (n/a) for a
    company without an overall score. The leaderboard's Rank column, the Company page's rank
    sentence and the reports read this (over all companies, whatever the leaderboard's filters)."""
    values = pd.to_numeric(overall, errors="coerce")
    ranks = values.rank(method="min", ascending=False)
    return ranks.astype("Int64")
