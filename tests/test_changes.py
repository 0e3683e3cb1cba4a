"""What changed (for an affiliate since a quarter end): the page's numbers equal SQL written
here and the quarterly scores; the Overview shows a short list with a link; the CSV holds it."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest

import scoring
from tests import apptest
from wording import labels

SINCE = date(2024, 12, 31)
TODAY = date.today()

SCOPE = """
WITH mine AS (SELECT * FROM contracts WHERE affiliate_id = $a AND start_date <= $today
              AND (end_date IS NULL OR end_date > $since)),
companies AS (SELECT DISTINCT company_id FROM mine),
models AS (SELECT DISTINCT product_model_id FROM mine JOIN contract_products USING (contract_id)),
factories AS (SELECT DISTINCT d.factory_id FROM disclosures d JOIN disclosure_requests r USING (request_id)
              WHERE r.product_model_id IN (SELECT * FROM models) AND d.disclosed_on <= $today),
my_cases AS (SELECT * FROM cases WHERE company_id IN (SELECT * FROM companies)
             OR factory_id IN (SELECT * FROM factories))
"""
COUNTS = {
    "new case": "SELECT count(*) FROM my_cases WHERE opened_on > $since AND opened_on <= $today",
    "remediation verified": "SELECT count(*) FROM events JOIN my_cases USING (case_id) WHERE event_type = 'verified' AND event_date > $since AND event_date <= $today",
    "retaliation confirmed": "SELECT count(*) FROM events JOIN my_cases USING (case_id) WHERE event_type = 'retaliation_confirmed' AND event_date > $since AND event_date <= $today",
    "newly overdue": """SELECT count(*) FROM disclosure_requests r WHERE r.product_model_id IN (SELECT * FROM models)
        AND r.due_on > $since AND r.due_on < $today
        AND NOT EXISTS (SELECT 1 FROM disclosures d WHERE d.request_id = r.request_id AND d.disclosed_on <= r.due_on)
        AND NOT EXISTS (SELECT 1 FROM due_diligence g WHERE g.request_id = r.request_id AND g.recorded_on <= r.due_on)""",
    "dispute resolved": """SELECT count(*) FROM disputes WHERE company_id IN (SELECT * FROM companies)
        AND status <> 'open' AND CAST(resolved_at AS DATE) > $since AND CAST(resolved_at AS DATE) <= $today""",
}  # fmt: skip


def expected(db: Path, affiliate: str) -> dict[str, int]:
    params = {"a": affiliate, "since": SINCE, "today": TODAY}
    with duckdb.connect(str(db), read_only=True) as con:
        out = {kind: con.execute(SCOPE + sql, params).fetchone()[0] for kind, sql in COUNTS.items()}
        companies = [r[0] for r in con.execute(SCOPE + "SELECT * FROM companies", params).fetchall()]
        evidence = scoring.load_evidence(con.cursor())
    series = scoring.score(evidence, [SINCE, scoring.last_quarter_end()], "in-force")
    series["as_of"] = pd.to_datetime(series["as_of"]).dt.date
    before = series[series["as_of"] == SINCE].set_index("company_id")
    after = series[series["as_of"] == scoring.last_quarter_end()].set_index("company_id")
    bands = scores = 0
    for c in companies:
        bands += (before.at[c, "band"] if isinstance(before.at[c, "band"], str) else "n/a") != (
            after.at[c, "band"] if isinstance(after.at[c, "band"], str) else "n/a"
        )
        for key in ("sct", "fi", "overall"):
            a, b = before.at[c, key], after.at[c, key]
            scores += bool(pd.notna(a) and pd.notna(b) and abs(b - a) >= 5)
    out["band change"], out["score change"] = bands, scores
    return out


def test_changes_page_numbers_equal_sql(demo_app: Path) -> None:
    me = apptest.demo_user(demo_app, "affiliate")
    want = expected(demo_app, me.affiliate_id)
    at = apptest.open_page("changes", role="affiliate", since=SINCE.isoformat())
    assert not at.exception
    shown = {m.label.lower(): int(m.value) for m in at.metric}
    assert shown == want
    assert sum(want.values()) >= 5 and want["new case"] and want["band change"] + want["score change"]
    csv = apptest.download(at, "changes_csv").decode("utf-8")
    assert csv.startswith(f"# CPT what changed since {SINCE:%Y-%m-%d}")
    rows = pd.read_csv(io.StringIO(csv), comment="#")
    assert rows[labels.download_header("kind")].value_counts().to_dict() == {
        k: v for k, v in want.items() if v
    }


def test_default_is_the_quarter_end_before_the_last(demo_app: Path) -> None:
    at = apptest.open_page("changes", role="affiliate")
    previous = (pd.Timestamp(scoring.last_quarter_end()) - pd.offsets.QuarterEnd(1)).date()
    assert at.selectbox(key="changes_since").value == previous


def test_overview_shows_a_short_list_with_a_link(demo_app: Path) -> None:
    at = apptest.open_page("overview", role="affiliate")
    assert not at.exception
    assert any(s.value.startswith("What changed for your contracts since") for s in at.header)
    links = [e.proto for e in at.main if type(e).__name__ == "PageLink"]
    assert any(p.page.endswith("changes") for p in links)
    admin = apptest.open_page("overview", role="admin")
    assert not any(s.value.startswith("What changed") for s in admin.header)


@pytest.mark.parametrize("role", ["company", None])
def test_changes_page_is_not_for_companies_or_visitors(demo_app: Path, role) -> None:
    at = apptest.open_page("changes", role=role)
    assert not at.exception
    assert not at.metric
