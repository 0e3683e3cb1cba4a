"""The evidence pages' named queries on small worlds built from rows (exact numbers), and
their company scoping on the demo database."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from data.queries import evidence as q
from tests.worlds import evidence_world, worked_example_world

UNTIL = date(2022, 3, 31)


@pytest.fixture(scope="module")
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    c = evidence_world().connect()
    yield c
    c.close()


def _levels(df: pd.DataFrame, quarter: str) -> dict[str, tuple[int, float]]:
    part = df[df["quarter_end"] == pd.Timestamp(quarter)]
    return {r.level: (r.requests, round(r.share_pct, 2)) for r in part.itertuples()}


@pytest.mark.parametrize(
    ("quarter", "expected"),
    [
        # R1 FULL by its deadline; nothing else due.
        (
            "2021-03-31",
            {"FULL": (1, 100.0), "PARTIAL": (0, 0.0), "DUE_DILIGENCE": (0, 0.0), "NONE": (0, 0.0)},
        ),
        # R5 summary (PARTIAL) on 05-20; R2 due 06-30 but disclosed only 08-10: NONE at the quarter end.
        (
            "2021-06-30",
            {"FULL": (1, 33.33), "PARTIAL": (1, 33.33), "DUE_DILIGENCE": (0, 0.0), "NONE": (1, 33.33)},
        ),
        # R2 now PARTIAL (F4 incomplete), R3 due diligence 09-01.
        (
            "2021-09-30",
            {"FULL": (1, 25.0), "PARTIAL": (2, 50.0), "DUE_DILIGENCE": (1, 25.0), "NONE": (0, 0.0)},
        ),
        # R4 due 2022-03-31 without any response.
        (
            "2022-03-31",
            {"FULL": (1, 20.0), "PARTIAL": (2, 40.0), "DUE_DILIGENCE": (1, 20.0), "NONE": (1, 20.0)},
        ),
    ],
)
def test_level_shares_per_quarter(con: duckdb.DuckDBPyConnection, quarter: str, expected: dict) -> None:
    df = q.request_levels_by_quarter(con.cursor(), ["EX"], UNTIL)
    assert _levels(df, quarter) == expected


def test_a_completed_partial_disclosure_counts_as_full_from_its_completion() -> None:
    """A factory's state is its latest row (METHODOLOGY.md section 1): R2's F4 was disclosed
    incomplete on 2021-08-10 and completed on 2021-11-15, so R2 is PARTIAL at 2021-09-30 and
    FULL from 2021-12-31 on; the shares follow."""
    w = worked_example_world()
    w.disclosure("R2", "F4", "2021-11-15", True)
    c = w.connect()
    try:
        df = q.request_levels_by_quarter(c.cursor(), ["EX"], UNTIL)
    finally:
        c.close()
    assert _levels(df, "2021-09-30")["PARTIAL"] == (2, 50.0)
    assert _levels(df, "2021-12-31") == {
        "FULL": (2, 50.0), "PARTIAL": (1, 25.0), "DUE_DILIGENCE": (1, 25.0), "NONE": (0, 0.0)
    }  # fmt: skip


def test_level_series_starts_at_first_due_quarter_and_shares_add_up(con: duckdb.DuckDBPyConnection) -> None:
    df = q.request_levels_by_quarter(con.cursor(), ["EX"], UNTIL)
    quarters = sorted(df["quarter_end"].dt.date.unique())
    assert quarters == [date(2021, 3, 31), date(2021, 6, 30), date(2021, 9, 30), date(2021, 12, 31), UNTIL]
    assert df.groupby("quarter_end")["share_pct"].sum().round(6).eq(100).all()
    assert list(df["level"].unique()) == list(q.LEVELS)


def test_on_time_rate(con: duckdb.DuckDBPyConnection) -> None:
    df = q.on_time_by_quarter(con.cursor(), ["EX"], UNTIL)
    # R1 (03-15 <= 03-31) and R5 (05-20 <= 05-31) were on time; R2 late, R3 only due diligence, R4 none.
    got = {
        r.quarter_end.date(): (r.due_requests, r.on_time_requests, round(r.on_time_pct, 2))
        for r in df.itertuples()
    }
    assert got == {
        date(2021, 3, 31): (1, 1, 100.0),
        date(2021, 6, 30): (3, 2, 66.67),
        date(2021, 9, 30): (4, 2, 50.0),
        date(2021, 12, 31): (4, 2, 50.0),
        date(2022, 3, 31): (5, 2, 40.0),
    }


def test_cumulative_factories_per_tier(con: duckdb.DuckDBPyConnection) -> None:
    df = q.factories_disclosed_by_quarter(con.cursor(), ["EX"], UNTIL)
    got = {(r.quarter_end.date(), r.tier): r.factories for r in df.itertuples()}
    # F1, F2 (final assembly) in 2021 Q1; F3, F4 (components) in Q3. R5's compliance
    # findings about F1 do not disclose a factory again.
    assert got[(date(2021, 3, 31), "final_assembly")] == 2
    assert got[(date(2021, 6, 30), "components")] == 0
    assert got[(date(2021, 9, 30), "components")] == 2
    assert got[(UNTIL, "final_assembly")] == 2
    # Across both companies F1 counts once; OT adds F9 (components) in Q2.
    both = q.factories_disclosed_by_quarter(con.cursor(), None, UNTIL)
    total = both[both["quarter_end"] == pd.Timestamp(UNTIL)].set_index("tier")["factories"].to_dict()
    assert total == {"final_assembly": 2, "components": 3}


def test_transparency_summary(con: duckdb.DuckDBPyConnection) -> None:
    ex = q.transparency_summary(con.cursor(), ["EX"], UNTIL).to_dict("records")[0]
    assert (ex["requests"], ex["due_requests"], ex["on_time_requests"]) == (5, 5, 2)
    assert ex["on_time_pct"] == pytest.approx(40.0)
    # Factory scopes only: R1 F1, R1 F2, R2 F3 complete; R2 F4 incomplete.
    assert (ex["disclosure_rows"], ex["complete_rows"], ex["complete_pct"]) == (4, 3, 75.0)
    assert (ex["factories"], ex["factories_missing_address"]) == (4, 0)
    ot = q.transparency_summary(con.cursor(), ["OT"], UNTIL).to_dict("records")[0]
    assert (ot["factories"], ot["factories_missing_address"], ot["complete_pct"]) == (2, 1, 50.0)
    none = q.transparency_summary(con.cursor(), ["NOBODY"], UNTIL).to_dict("records")[0]
    assert none["requests"] == 0 and pd.isna(none["on_time_pct"]) and pd.isna(none["complete_pct"])


def test_factories_by_country_and_missing_address(con: duckdb.DuckDBPyConnection) -> None:
    df = q.factories_by_country(con.cursor(), None, UNTIL)
    assert {(r.country, r.tier): r.factories for r in df.itertuples()} == {
        ("CN", "final_assembly"): 2,
        ("CN", "components"): 2,
        ("MY", "components"): 1,
    }
    assert df["country"].iloc[0] == "CN"  # most factories first
    missing = q.factories_missing_address(con.cursor(), None)
    assert [(r.factory_id, list(r.companies)) for r in missing.itertuples()] == [("F9", ["Company OT"])]


def test_product_factory_links(con: duckdb.DuckDBPyConnection) -> None:
    df = q.product_factory_links(con.cursor(), ["EX"])
    assert len(df) == 5
    r2 = df[df["request_id"] == "R2"].set_index("factory_id")
    assert r2.loc["F3", "complete"] and not r2.loc["F4", "complete"]
    assert set(df["product_model"]) == {"Model PM1"}


def test_case_progress_and_medians(con: duckdb.DuckDBPyConnection) -> None:
    cases = q.case_progress(con.cursor(), ["EX"]).set_index("case_id")
    c1 = cases.loc["C1"]
    assert c1["acknowledged_on"].date() == date(2021, 2, 20)
    assert c1["evidence_on"].date() == date(2021, 7, 1)
    assert c1["verified_on"].date() == date(2021, 10, 1)
    assert (c1["findings"], c1["findings_evidenced"], c1["findings_verified"], c1["most_severe"]) == (
        3, 2, 1, "critical",
    )  # fmt: skip
    assert c1["days_to_acknowledge"] == 19
    assert pd.isna(cases.loc["C3", "acknowledged_on"])
    s = q.improvement_summary(con.cursor(), ["EX"]).to_dict("records")[0]
    # Acknowledged after 19 (C1) and 44 days (C2); f1 verified 242 days after C1 opened.
    assert (s["cases"], s["findings"], s["findings_verified"], s["cases_acknowledged"]) == (3, 5, 1, 2)
    assert s["median_days_to_acknowledge"] == 31.5
    assert s["median_days_to_verify"] == 242
    assert s["retaliation_cases"] == 0


def test_open_vs_verified_findings(con: duckdb.DuckDBPyConnection) -> None:
    df = q.findings_status_by_quarter(con.cursor(), ["EX"], UNTIL)
    got = {(r.quarter_end.date(), r.status): r.findings for r in df.itertuples()}
    assert got[(date(2021, 3, 31), "open")] == 3  # C1's three findings
    assert got[(date(2021, 9, 30), "open")] == 4  # + C2 (opened 09-01)
    assert got[(date(2021, 12, 31), "verified")] == 1  # f1 verified 10-01
    assert got[(date(2021, 12, 31), "open")] == 3
    assert got[(UNTIL, "open")] == 4  # + C3 (opened 2022-01-15)


def test_findings_by_area_and_retaliation(con: duckdb.DuckDBPyConnection) -> None:
    areas = q.findings_by_area(con.cursor(), None)
    assert {(r.code_area, r.severity): r.findings for r in areas.itertuples()} == {
        ("wages", "critical"): 1,
        ("wages", "major"): 2,
        ("wages", "minor"): 2,
        ("freedom_of_association", "critical"): 1,
    }
    assert q.retaliation_cases(con.cursor(), ["EX"]).empty
    ret = q.retaliation_cases(con.cursor(), None)
    assert ret[["case_id", "company"]].to_dict("records") == [{"case_id": "OC1", "company": "Company OT"}]
    assert ret["confirmed_on"].iloc[0].date() == date(2021, 4, 10)
    s = q.improvement_summary(con.cursor(), ["OT"]).to_dict("records")[0]
    assert (s["retaliation_cases"], s["median_days_to_acknowledge"], s["median_days_to_verify"]) == (1, 4, 90)


def test_no_evidence_gives_empty_frames(con: duckdb.DuckDBPyConnection) -> None:
    for fn in (
        q.request_levels_by_quarter,
        q.on_time_by_quarter,
        q.factories_disclosed_by_quarter,
        q.factories_by_country,
        q.findings_status_by_quarter,
    ):
        assert fn(con.cursor(), ["NOBODY"], UNTIL).empty, fn.__name__
    for fn in (q.product_factory_links, q.case_progress, q.findings_by_area, q.retaliation_cases):
        assert fn(con.cursor(), ["NOBODY"]).empty, fn.__name__
    s = q.improvement_summary(con.cursor(), ["NOBODY"]).to_dict("records")[0]
    assert s["cases"] == 0 and pd.isna(s["median_days_to_acknowledge"])


# ---------------------------------------------------------------- scoping on the demo world


@pytest.fixture(scope="module")
def demo(demo_db: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    c = duckdb.connect(str(demo_db), read_only=True)
    yield c
    c.close()


def test_scoping_returns_only_the_chosen_company(demo: duckdb.DuckDBPyConnection) -> None:
    name = demo.execute("SELECT name FROM companies WHERE company_id = 'CO0004'").fetchall()[0][0]
    assert set(q.product_factory_links(demo.cursor(), ["CO0004"])["company"]) == {name}
    assert set(q.case_progress(demo.cursor(), ["CO0004"])["company_id"]) == {"CO0004"}
    # The retaliation case belongs to CO0011 and to nobody else.
    assert set(q.retaliation_cases(demo.cursor(), None)["company"]) == {"Kelvaro Networks"}
    assert q.retaliation_cases(demo.cursor(), ["CO0004"]).empty
    missing = q.factories_missing_address(demo.cursor(), ["CO0004"])
    assert all(name in list(companies) for companies in missing["companies"])


def test_scoped_counts_add_up_to_the_whole(demo: duckdb.DuckDBPyConnection) -> None:
    """Per-company requests and findings sum to the unscoped totals: nothing leaks, nothing is lost."""
    ids = [r[0] for r in demo.execute("SELECT company_id FROM companies ORDER BY 1").fetchall()]
    until = date(2025, 12, 31)
    whole = q.on_time_by_quarter(demo.cursor(), None, until).set_index("quarter_end")
    parts = pd.concat([q.on_time_by_quarter(demo.cursor(), [c], until) for c in ids])
    summed = parts.groupby("quarter_end")[["due_requests", "on_time_requests"]].sum()
    pd.testing.assert_frame_equal(summed, whole[["due_requests", "on_time_requests"]], check_dtype=False)
    findings = q.improvement_summary(demo.cursor(), None)["findings"].iloc[0]
    per_company = sum(q.improvement_summary(demo.cursor(), [c])["findings"].iloc[0] for c in ids)
    assert findings == per_company > 0


@pytest.mark.parametrize(("company", "requests", "disclosure_rows", "cases"), [("CO0012", 0, 0, 0)])
def test_demo_company_without_evidence(
    demo: duckdb.DuckDBPyConnection, company: str, requests: int, disclosure_rows: int, cases: int
) -> None:
    t = q.transparency_summary(demo.cursor(), [company]).to_dict("records")[0]
    i = q.improvement_summary(demo.cursor(), [company]).to_dict("records")[0]
    assert (t["requests"], t["disclosure_rows"], i["cases"]) == (requests, disclosure_rows, cases)


def test_demo_due_diligence_only_company(demo: duckdb.DuckDBPyConnection) -> None:
    """CO0008 shows due diligence and never discloses a factory."""
    assert q.factories_disclosed_by_quarter(demo.cursor(), ["CO0008"]).empty
    levels = q.request_levels_by_quarter(demo.cursor(), ["CO0008"])
    assert set(levels.loc[levels["requests"] > 0, "level"]) <= {"DUE_DILIGENCE", "NONE"}
