"""What changed, for an affiliate, since a quarter end (issue 14, item 5).

It concerns the affiliate's contracted companies (contracts running at some time between
`since` and `until`) and the factories behind the product models it buys (disclosed for a
request about one of them). Kinds of change, one row each:

* band change and score change of 5 points or more (SCT, FI, overall): the company's scores
  at `since` against those at the last quarter end `scores_until` (methodology in force);
* new case (with its findings): a monitoring case opened after `since`, of a contracted
  company or at a factory behind the affiliate's products;
* newly overdue: a request about a contracted product model whose deadline fell after
  `since` and that had no response (no disclosure, no due diligence) by its deadline;
* remediation verified and retaliation confirmed: events after `since` in those cases;
* dispute resolved: a contracted company's dispute of a data point (issue 23, right of reply)
  resolved after `since`, upheld or rejected, with the point in words and staff's reason.
  Presentation mode drops these rows (ui/contract_cache.py).

Dates are after `since` and on or before `until` (today). The viewer rule is the contracts
rule: an affiliate its own, staff the affiliate they choose; a company nothing here.
"""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

from data.queries import disputes
from data.queries.contracts import Viewer
from data.queries.named import query
from wording import disputes as dispute_words
from wording import labels

SCORE_STEP = 5.0
KINDS = (
    "band change",
    "score change",
    "new case",
    "newly overdue",
    "remediation verified",
    "retaliation confirmed",
    "dispute resolved",
)
DISPUTE_KIND = "dispute resolved"
COLUMNS = ["date", "kind", "company", "factory", "product_model", "change", "company_id", "factory_id",
           "product_model_id", "item_id"]  # fmt: skip
_SCORE_NAMES = labels.SCORE_NAMES

_SCOPE = query("changes_scope")


_EVIDENCE = query("changes_evidence")


def contracted_companies(
    cur: duckdb.DuckDBPyConnection, viewer: Viewer, affiliate_id: str, since: date, until: date
) -> list[str]:
    sql = _SCOPE + "\nSELECT company_id FROM my_companies ORDER BY company_id"
    return [r[0] for r in cur.execute(sql, _params(viewer, affiliate_id, since, until)).fetchall()]


def _params(viewer: Viewer, affiliate_id: str, since: date, until: date) -> dict[str, object]:
    p = viewer.params()
    return {"role": p["role"], "aff": p["aff"], "affiliate": affiliate_id, "since": since, "until": until}


def evidence_changes(
    cur: duckdb.DuckDBPyConnection, viewer: Viewer, affiliate_id: str, since: date, until: date
) -> pd.DataFrame:
    """New cases, newly overdue requests, verified remediation and retaliation (see module doc)."""
    sql = _SCOPE + _EVIDENCE
    return cur.execute(sql, _params(viewer, affiliate_id, since, until)).df()


def score_changes(
    series: pd.DataFrame, companies: list[str], names: dict[str, str], since: date, until: date
) -> pd.DataFrame:
    """Band changes and score changes of SCORE_STEP points or more between the quarter ends
    `since` and `until` (rows of scoring's quarterly series)."""
    frame = series[series["company_id"].isin(companies)].copy()
    frame["as_of"] = pd.to_datetime(frame["as_of"]).dt.date
    before = frame[frame["as_of"] == since].set_index("company_id")
    after = frame[frame["as_of"] == until].set_index("company_id")
    rows = []
    for company in companies:
        if company not in after.index:
            continue
        now = after.loc[company]
        then = before.loc[company] if company in before.index else None
        old_band = then["band"] if then is not None and isinstance(then["band"], str) else "n/a"
        new_band = now["band"] if isinstance(now["band"], str) else "n/a"
        if old_band != new_band:
            rows.append(
                (
                    until,
                    "band change",
                    names.get(company, company),
                    None,
                    None,
                    f"Band: {old_band} → {new_band}",
                    company,
                    None,
                    None,
                    None,
                )
            )
        for key, label in _SCORE_NAMES.items():
            a = None if then is None or pd.isna(then[key]) else float(then[key])
            b = None if pd.isna(now[key]) else float(now[key])
            if a is not None and b is not None and abs(b - a) >= SCORE_STEP:
                rows.append((until, "score change", names.get(company, company), None, None,
                             f"{label}: {a:.1f} → {b:.1f} ({b - a:+.1f})", company, None, None, None))  # fmt: skip
    return pd.DataFrame(rows, columns=COLUMNS)


def dispute_changes(
    cur: duckdb.DuckDBPyConnection, companies: list[str], since: date, until: date
) -> pd.DataFrame:
    """Disputes of these (contracted) companies resolved after `since`, on or before `until`."""
    found = disputes.resolved_between(cur, companies, since, until)
    rows = [
        (pd.Timestamp(r["resolved_at"]).date(), DISPUTE_KIND, r["company"], None if pd.isna(r["factory"]) else r["factory"],
         None if pd.isna(r["product_model"]) else r["product_model"], dispute_words.change_sentence(r), r["company_id"],
         None if pd.isna(r["factory_id"]) else r["factory_id"], None, r["point_key"])
        for r in found.to_dict("records")
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=COLUMNS)


def what_changed(
    cur: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    affiliate_id: str,
    series: pd.DataFrame,
    since: date,
    scores_until: date,
    until: date,
) -> pd.DataFrame:
    """Every change (COLUMNS), newest first; scores compared at `since` and `scores_until`."""
    companies = contracted_companies(cur, viewer, affiliate_id, since, until)
    names = dict(cur.execute("SELECT company_id, name FROM companies").fetchall())
    scores = score_changes(series, companies, names, since, scores_until) if scores_until > since else None
    events = evidence_changes(cur, viewer, affiliate_id, since, until)
    events["date"] = pd.to_datetime(events["date"]).dt.date
    resolved = dispute_changes(cur, companies, since, until)
    frames = [f for f in (scores, events[COLUMNS], resolved) if f is not None and len(f)]
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=COLUMNS)
    out["order"] = out["kind"].map({k: i for i, k in enumerate(KINDS)})
    return (
        out.sort_values(["date", "order"], ascending=[False, True])
        .drop(columns="order")
        .reset_index(drop=True)
    )
