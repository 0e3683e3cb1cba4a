"""Expectations: what an affiliate expects of a contracted company, by when (issue 14).

A score (`sct`, `fi`, `overall`: target 0-100) or a band (target: a band name) to reach by
`due_on`, or a specific improvement action (`action`: target `action:target_id`, from
METHODOLOGY.md section 4). Written through the one-writer publish path (`add`), exported
and imported like the evidence tables.

Who sees which (the same rule as contracts): staff every expectation; an affiliate its own;
a company the expectations about itself.

Status at a quarter end `as_of` (`assess`), for scores and bands, reading the quarterly
series under the methodology in force:

* met: the target is reached at the last quarter end on or before the due date (or at
  `as_of`, if that is earlier);
* missed: the due date has passed (on or before `as_of`) and the target was not reached;
* on track: not due yet, not reached yet, and the score has risen since the quarter end
  before the expectation was set;
* behind: not due yet, not reached, and the score has not risen (or is n/a);
* not assessed: an action expectation (assessed once the improvement actions are available).
"""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

from data import store
from data.contract_queries import Viewer
from data.tables import BANDS, EXPECTATION_KINDS

SCORES = ("sct", "fi", "overall")
STATUSES = ("met", "on track", "behind", "missed", "not assessed")


class ExpectationError(ValueError):
    """A bad expectation (the message says what to change)."""


def check(what: str, target: str, due_on: date | None) -> str:
    """The target as stored, or ExpectationError naming the problem."""
    if what not in EXPECTATION_KINDS:
        raise ExpectationError(f"what must be one of: {', '.join(EXPECTATION_KINDS)}")
    target = str(target).strip()
    if what in SCORES:
        try:
            value = float(target)
        except ValueError:
            raise ExpectationError("the target score must be a number from 0 to 100") from None
        if not 0 <= value <= 100:
            raise ExpectationError("the target score must be a number from 0 to 100")
        target = f"{value:g}"
    elif what == "band" and target not in BANDS:
        raise ExpectationError(f"the target band must be one of: {', '.join(BANDS)}")
    elif what == "action" and not target:
        raise ExpectationError("name the action expected (e.g. verify:FN000123)")
    if due_on is None:
        raise ExpectationError("a due date is required")
    return target


def add(
    path: Path,
    *,
    affiliate_id: str,
    company_id: str,
    what: str,
    target: str,
    due_on: date,
    note: str | None,
    who: str,
    today: date | None = None,
) -> str:
    """Record one expectation (published atomically, with an audit log entry); its id."""
    target = check(what, target, due_on)
    expectation_id = f"EX{uuid.uuid4().hex[:12].upper()}"
    set_on = today or date.today()

    def change(con: duckdb.DuckDBPyConnection) -> None:
        con.execute(
            "INSERT INTO expectations VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [expectation_id, affiliate_id, company_id, what, target, due_on, note or None, who, set_on],
        )
        con.execute(
            "INSERT INTO audit_log (who, action, detail) VALUES (?, 'expectation', ?)",
            [who, f"{expectation_id}: {affiliate_id} expects {what} {target} of {company_id} by {due_on}"],
        )

    store.publish(path, change)
    return expectation_id


def visible(cur: duckdb.DuckDBPyConnection, viewer: Viewer, company_id: str | None = None) -> pd.DataFrame:
    """The expectations the viewer may see (of one company, or all), with names."""
    params = {**viewer.params(), "company": company_id}
    return cur.execute(
        """
        SELECT x.expectation_id, x.affiliate_id, a.name AS affiliate, x.company_id, c.name AS company,
               x.what, x.target, x.due_on, x.note, x.set_by, x.set_on
        FROM expectations x JOIN affiliates a USING (affiliate_id) JOIN companies c USING (company_id)
        WHERE ($company IS NULL OR x.company_id = $company)
          AND ($role = 'admin' OR ($role = 'affiliate' AND x.affiliate_id = $aff)
               OR ($role = 'company' AND x.company_id = $comp))
        ORDER BY x.due_on, x.expectation_id
        """,
        params,
    ).df()


def _value(row: pd.Series, what: str) -> float | None:
    if what == "band":
        band = row.get("band")
        return float(BANDS.index(band)) if isinstance(band, str) and band in BANDS else None
    value = row.get(what)
    return None if value is None or pd.isna(value) else float(value)


def _shown(value: object) -> str:
    """A score with one decimal, a band by name, n/a for a score that does not apply."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "n/a"
    return value if isinstance(value, str) else f"{float(value):.1f}"


def _goal(what: str, target: str) -> float:
    return float(BANDS.index(target)) if what == "band" else float(target)


def assess(expectations: pd.DataFrame, series: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """`expectations` with `status` and `value` (the score or band at the quarter end judged,
    as text: one decimal, a band name, or n/a)."""
    out = expectations.copy()
    statuses, values = [], []
    scores = series.assign(as_of=pd.to_datetime(series["as_of"]).dt.date)
    for row in out.itertuples(index=False):
        if row.what not in (*SCORES, "band"):
            statuses.append("not assessed")
            values.append("")
            continue
        history = scores[scores["company_id"] == row.company_id].sort_values("as_of")
        due = pd.Timestamp(row.due_on).date()
        cutoff = min(due, as_of)
        upto = history[history["as_of"] <= cutoff]
        now = _value(upto.iloc[-1], row.what) if len(upto) else None
        values.append(_shown(upto.iloc[-1][row.what]) if len(upto) else "n/a")
        goal = _goal(row.what, row.target)
        if now is not None and now >= goal:
            statuses.append("met")
        elif due <= as_of:
            statuses.append("missed")
        else:
            before = history[history["as_of"] < pd.Timestamp(row.set_on).date()]
            base = _value(before.iloc[-1], row.what) if len(before) else None
            statuses.append("on track" if now is not None and base is not None and now > base else "behind")
    out["status"] = statuses
    out["value"] = values
    return out
