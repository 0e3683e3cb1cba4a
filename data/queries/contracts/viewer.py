"""Who is asking (`Viewer`: the signed-in account's role and organisation) and running a
contract query for them: the viewer's values bound as parameters, rows shaped for the pages."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from scoring import facts


@dataclass(frozen=True)
class Viewer:
    """Who is asking: role 'admin' | 'affiliate' | 'company' | None (signed out)."""

    role: str | None = None
    affiliate_id: str | None = None
    company_id: str | None = None

    def params(self) -> dict[str, object]:
        return {
            "role": self.role,
            "aff": self.affiliate_id if self.role == "affiliate" else None,
            "comp": self.company_id if self.role == "company" else None,
        }


def viewer_of(user: object | None) -> Viewer:
    """The viewer of a signed-in account (data.access.accounts.User), or the signed-out viewer."""
    if user is None:
        return Viewer()
    return Viewer(
        getattr(user, "role", None), getattr(user, "affiliate_id", None), getattr(user, "company_id", None)
    )


def _run(cur: duckdb.DuckDBPyConnection, sql: str, viewer: Viewer, **params: object) -> pd.DataFrame:
    values = {"only_aff": None, "only_contract": None, **viewer.params(), **params}
    used = {k: v for k, v in values.items() if f"${k}" in sql}
    return cur.execute(sql, used).df()


def _with_company_names(cur: duckdb.DuckDBPyConnection, frame: pd.DataFrame) -> pd.DataFrame:
    """`company_ids` (lists) sorted by company name, and `companies`: the names, element by
    element (presentation mode pairs each name with its id)."""
    names = dict(cur.execute("SELECT company_id, name FROM companies").fetchall())
    ids = [sorted(v, key=lambda i: (names.get(i, ""), i)) if isinstance(v, (list, tuple, np.ndarray)) else None for v in frame["company_ids"]]  # fmt: skip
    frame["company_ids"] = ids
    frame["companies"] = [None if v is None else [names.get(i, i) for i in v] for v in ids]
    return frame


def _case_status(cases: pd.DataFrame) -> pd.DataFrame:
    """`cases` with `status` (scoring.facts: open, remediation in progress, verified, retaliation)
    in the place of the `engaged` input."""
    verified = cases["findings"] - cases["open_findings"]
    named = facts.with_case_status(cases.assign(findings_verified=verified))
    return named.drop(columns=["engaged", "findings_verified"])[
        [c if c != "engaged" else "status" for c in cases.columns]
    ]
