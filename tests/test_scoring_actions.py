"""Improvement actions (METHODOLOGY.md section 4): the worked example, the rules of the
table, and the set-based list == the naive one (rows dated D added to a copy of the
evidence, rescored with tests/scoring_reference.py) on random worlds."""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import scoring
from scoring.actions import COLUMNS
from scoring.next_band import together
from tests.random_world import DATES, FAST, dedupe, worlds
from tests.scoring_reference import reference_actions, reference_score, reference_together
from tests.worlds import World, worked_example_world

D = date.fromisoformat


@pytest.fixture(scope="module")
def example() -> scoring.Evidence:
    return worked_example_world().evidence()


# METHODOLOGY.md: "Improvement actions as of 2021-12-31 under v1 (overall gain)".
WORKED = [
    ("verify", "f3", 10.31),
    ("disclose", "R3", 7.86),
    ("verify", "f4", 6.88),
    ("disclose", "R4", 5.79),
    ("disclose", "R2", 5.71),
    ("submit_evidence", "f3", 4.69),
    ("submit_evidence", "f4", 3.13),
    ("submit_plan", "C2", 2.5),
    ("grant_access", "C2", 1.88),
    ("verify", "f2", 1.88),
]


def cents(x: float) -> float:
    """Half up to two decimals, as METHODOLOGY.md prints (6.875 -> 6.88)."""
    return math.floor(x * 100 + 0.5 + 1e-9) / 100


def test_worked_example_actions(example: scoring.Evidence) -> None:
    got = scoring.actions(example, "EX", D("2021-12-31"))
    assert list(got.columns) == COLUMNS
    assert (
        list(got.columns[:8])
        == scoring.ACTION_COLUMNS
        == [
            "company_id",
            "as_of",
            "methodology",
            "action",
            "target_id",
            "sct_gain",
            "fi_gain",
            "overall_gain",
        ]
    )
    assert set(got["company_id"]) == {"EX"} and set(got["methodology"]) == {"v1"}
    assert set(got["as_of"]) == {pd.Timestamp("2021-12-31")}
    listed = [
        (a, t, cents(g)) for a, t, g in got[["action", "target_id", "overall_gain"]].itertuples(index=False)
    ]
    assert listed[: len(WORKED)] == WORKED
    rows = got.set_index(["action", "target_id"])
    # the gains in SCT and FI behind them
    assert rows.loc[("verify", "f3"), "fi_gain"] == pytest.approx(3 * 27.5 / 4)
    assert rows.loc[("verify", "f3"), "sct_gain"] == 0
    assert rows.loc[("disclose", "R3"), "sct_gain"] == pytest.approx(100 * 2 * (0.8 - 0.25) / 7)
    assert rows.loc[("disclose", "R3"), "fi_gain"] == 0
    # R4 is not due: disclosing it in full counts at once
    assert rows.loc[("disclose", "R4"), "sct_gain"] == pytest.approx(100 * 7.3 / 10 - 100 * 4.3 / 7)
    # descriptive columns for the pages
    assert rows.loc[("disclose", "R3"), "scope"] == "components"
    assert rows.loc[("disclose", "R3"), "due_on"] == pd.Timestamp("2021-09-30")
    assert (
        rows.loc[("verify", "f3"), "case_id"] == "C1" and rows.loc[("verify", "f3"), "severity"] == "critical"
    )
    assert rows.loc[("verify", "f3"), "overall_after"] == pytest.approx(66.964, abs=1e-3)
    # nothing is listed for what is done already or not open (R1 FULL, R5 weight 0 in v1, C3 not opened)
    assert ("disclose", "R1") not in rows.index and ("disclose", "R5") not in rows.index
    assert "C3" not in set(got["case_id"].dropna())


def test_worked_example_next_band(example: scoring.Evidence) -> None:
    got = scoring.actions(example, "EX", D("2021-12-31"))
    nb = scoring.next_band(got, 0.5 * 100 * 4.3 / 7 + 0.5 * 51.875, example)
    assert nb is not None and (nb.band, nb.lower) == ("Leading", 75)
    assert [cents(x) for x in nb.overall_after] == [66.96, 74.82, 81.7]
    assert list(nb.actions["target_id"]) == ["f3", "R3", "f4"]
    assert nb.actions["overall_together"].tolist() == nb.overall_after


def test_worked_example_matches_naive(example: scoring.Evidence) -> None:
    for as_of in ("2021-06-30", "2021-12-31", "2022-03-31", "2022-09-30"):
        for methodology in ("in-force", "v1", "v2"):
            assert_same_actions(example, "EX", D(as_of), methodology)


def test_worked_example_v2_list(example: scoring.Evidence) -> None:
    got = scoring.actions(example, "EX", D("2021-12-31"), "v2")
    assert set(got["methodology"]) == {"v2"}
    rows = got.set_index(["action", "target_id"])
    # R5 (compliance_findings) is scored in v2: PARTIAL by its deadline, 0.5 -> max(0.5, 0.7)
    assert rows.loc[("disclose", "R5"), "sct_gain"] == pytest.approx(100 * (5.15 + 0.2) / 10 - 51.5)
    # f3 critical weighs 4 of 7 in v2
    assert rows.loc[("verify", "f3"), "fi_gain"] == pytest.approx(4 * (25 * 4 / 7 + 30 * 4 / 7) / 5)


def test_next_band_none_when_leading_or_unreachable(example: scoring.Evidence) -> None:
    got = scoring.actions(example, "EX", D("2021-12-31"))
    assert scoring.next_band(got, 80.0, example) is None  # already Leading
    assert scoring.next_band(got.iloc[:1], 56.65, example) is None  # one action does not reach 75
    assert scoring.next_band(got.iloc[:0], 56.65, example) is None
    assert scoring.next_band(got, math.nan, example) is None


# --- the rules of the table -------------------------------------------------------------


def one_case_world(events=(), severities=("major",), retaliation: bool = False) -> World:
    w = World()
    w.company("X")
    w.request("R", "X", "final_assembly", "2021-03-31")
    w.disclosure("R", "F1", "2021-03-01", True)  # SCT 100: case actions move FI only
    w.case("C", "X", "2021-01-01")
    for i, s in enumerate(severities):
        w.finding(f"f{i}", "C", s)
    for kind, on, *finding in events:
        w.event("C", kind, on, finding[0] if finding else None)
    if retaliation:
        w.event("C", "retaliation_confirmed", "2021-02-01")
    return w


def listed(evidence: scoring.Evidence, as_of: str, methodology: str = "in-force") -> dict:
    got = scoring.actions(evidence, "X", D(as_of), methodology)
    assert_same_actions(evidence, "X", D(as_of), methodology)
    return {(a, t): (s, f, o) for a, t, s, f, o in got[scoring.ACTION_COLUMNS[3:]].itertuples(index=False)}


def test_verify_without_evidence_counts_as_evidenced() -> None:
    got = listed(one_case_world(severities=("major", "minor")).evidence(), "2021-06-30", "v1")
    # f1 (minor, 1 of 3): verifying it adds the evidence share and the verified share
    assert got[("verify", "f1")][1] == pytest.approx(25 / 3 + 30 / 3)
    assert got[("submit_evidence", "f1")][1] == pytest.approx(25 / 3)


def test_evidenced_finding_offers_verify_not_evidence() -> None:
    got = listed(one_case_world([("evidence_submitted", "2021-02-01", "f0")]).evidence(), "2021-06-30", "v1")
    assert ("submit_evidence", "f0") not in got
    assert got[("verify", "f0")][1] == pytest.approx(30)


def test_acknowledge_late_and_on_time() -> None:
    evidence = one_case_world().evidence()
    assert listed(evidence, "2021-01-31", "v1")[("acknowledge", "C")][1] == pytest.approx(10)  # day 30
    assert listed(evidence, "2021-02-01", "v1")[("acknowledge", "C")][1] == pytest.approx(5)  # day 31
    assert listed(evidence, "2021-01-15", "v2")[("acknowledge", "C")][1] == pytest.approx(10)  # day 14


def test_retaliation_v2_lists_no_case_action() -> None:
    evidence = one_case_world(retaliation=True).evidence()
    assert not [k for k in listed(evidence, "2022-09-30") if k[0] != "disclose"]
    # v1: -50, floor 0: only what lifts the case above 50 gains
    got = listed(evidence, "2021-06-30", "v1")
    assert got[("verify", "f0")][1] == pytest.approx(5)  # 55 - 50
    assert ("grant_access", "C") not in got  # 15 - 50 -> 0


def test_no_sct_gain_when_sct_not_applicable() -> None:
    w = World()
    w.case("C", "X", "2021-01-01")
    w.finding("f0", "C", "minor")
    got = scoring.actions(w.evidence(), "X", D("2021-06-30"))
    assert got["sct_gain"].isna().all() and got["fi_gain"].notna().all()
    assert (got["overall_gain"] == got["fi_gain"]).all()
    assert_same_actions(w.evidence(), "X", D("2021-06-30"), "in-force")


def test_disclose_makes_sct_applicable() -> None:
    w = World()
    w.request("R", "X", "final_assembly", "2021-09-30")  # not due, no response: SCT n/a
    w.case("C", "X", "2021-01-01")
    w.finding("f0", "C", "minor")
    got = listed(w.evidence(), "2021-06-30", "v1")
    sct, fi, overall = got[("disclose", "R")]
    assert (sct, fi, overall) == (pytest.approx(100), 0, pytest.approx(50))


@pytest.mark.parametrize(
    ("disclosures", "diligence", "as_of", "credit_after"),
    [
        ([], ["2021-02-01"], "2021-06-30", 0.8),  # due, DD by the deadline: max(0.25, 0.8)
        ([("2021-02-01", False, "FA")], [], "2021-06-30", 0.8),  # PARTIAL by the deadline, completed late
        (
            [("2021-02-01", False, "FA"), ("2021-02-02", True, "FB")],
            [],
            "2021-03-31",
            1.0,
        ),  # completed on the due day
        (
            [("2021-02-01", True, "FA"), ("2021-04-01", False, "FA")],
            [],
            "2021-06-30",
            None,
        ),  # FULL by the deadline
    ],
)
def test_disclose_completes_the_incomplete_factories(disclosures, diligence, as_of, credit_after) -> None:
    w = World()
    w.request("R", "X", "final_assembly", "2021-03-31")
    w.request("BASE", "X", "components", "2021-01-31")  # SCT stays applicable, credit 0
    for on, complete, factory in disclosures:
        w.disclosure("R", factory, on, complete)
    for on in diligence:
        w.due_diligence("R", on)
    got = listed(w.evidence(), as_of, "v1")
    if credit_after is None:
        assert ("disclose", "R") not in got  # nothing to gain: FULL by the deadline counts 1.0
    else:
        before = reference_score(w.evidence(), [D(as_of)], "v1", ["X"])["sct"].iloc[0]
        assert got[("disclose", "R")][0] == pytest.approx(100 * 3 * credit_after / 5 - before)


def test_window_closes_disclose() -> None:
    w = World()
    w.request("OLD", "X", "final_assembly", "2020-10-31")
    w.request("NEW", "X", "final_assembly", "2022-06-30")
    got = listed(w.evidence(), "2022-09-30", "v2")  # OLD due 699 days before: in the window
    assert ("disclose", "NEW") in got and ("disclose", "OLD") in got
    got = listed(w.evidence(), "2022-10-31", "v2")  # OLD due 730 days before: out of the window
    assert ("disclose", "NEW") in got and ("disclose", "OLD") not in got
    assert ("disclose", "OLD") in listed(w.evidence(), "2022-10-31", "v1")  # no window in v1


def test_unknown_company(example: scoring.Evidence) -> None:
    with pytest.raises(KeyError):
        scoring.actions(example, "NOPE", D("2021-12-31"))


def test_company_without_evidence_has_no_actions() -> None:
    w = World()
    w.company("X")
    got = scoring.actions(w.evidence(), "X", D("2021-12-31"))
    assert got.empty and list(got.columns) == COLUMNS


# --- set-based == naive -----------------------------------------------------------------


def assert_same_actions(evidence: scoring.Evidence, company: str, as_of: date, methodology: str) -> None:
    got = scoring.actions(evidence, company, as_of, methodology)
    ref = reference_actions(evidence, company, as_of, methodology)
    assert got["action"].tolist() == ref["action"].tolist()
    assert got["target_id"].tolist() == ref["target_id"].tolist()
    for col in ("sct_gain", "fi_gain", "overall_gain"):
        x, y = got[col].to_numpy(dtype=float), ref[col].to_numpy(dtype=float)
        assert (np.isnan(x) == np.isnan(y)).all(), col
        assert np.allclose(x[~np.isnan(x)], y[~np.isnan(y)], rtol=0, atol=1e-9), col
    # every prefix applied together
    n = min(len(got), 8)
    if n:
        want = reference_together(evidence, company, as_of, methodology, ref.iloc[:n])
        assert np.allclose(together(got.iloc[:n], evidence), want, rtol=0, atol=1e-9)


@FAST
@given(worlds(), st.sampled_from(DATES[4:]), st.sampled_from(["in-force", "v1", "v2"]), st.data())
def test_set_based_actions_equal_naive(world, as_of, methodology, data) -> None:
    evidence = dedupe(world).evidence()
    company = data.draw(st.sampled_from(sorted(evidence.companies["company_id"])))
    assert_same_actions(evidence, company, as_of, methodology)


def test_together_combines_actions_on_one_case() -> None:
    """Evidence then verification of one finding count its evidence once; retaliation
    applies to the combined points."""
    events = [
        ("acknowledged", "2021-01-10"),
        ("access_granted", "2021-01-20"),
        ("plan_submitted", "2021-01-25"),
    ]
    w = one_case_world(events, severities=("major", "minor"), retaliation=True)
    evidence = w.evidence()
    got = scoring.actions(evidence, "X", D("2021-06-30"), "v1")
    assert_same_actions(evidence, "X", D("2021-06-30"), "v1")
    assert {(a, t) for a, t in got[["action", "target_id"]].itertuples(index=False)} == {
        ("verify", "f0"),
        ("verify", "f1"),
        ("submit_evidence", "f0"),
        ("submit_evidence", "f1"),
    }
    # all of them together: 10 + 15 + 20 + 25 + 30 = 100 - 50 (f0's evidence counted once)
    steps = together(got, evidence)
    assert steps[-1] == pytest.approx(0.5 * 100 + 0.5 * 50)


def test_actions_start_from_the_scores(example: scoring.Evidence) -> None:
    """Each row's score after minus its gain is the company's score()."""
    for methodology in ("in-force", "v2"):
        got = scoring.actions(example, "EX", D("2021-12-31"), methodology)
        row = scoring.score(example, [D("2021-12-31")], methodology, ["EX"]).iloc[0]
        for col in ("sct", "fi", "overall"):
            assert np.allclose(got[f"{col}_after"] - got[f"{col}_gain"], row[col], rtol=0, atol=1e-9)


def test_actions_on_demo_companies_equal_naive() -> None:
    import duckdb

    import data.demo
    from data.store import create_schema

    con = duckdb.connect()
    create_schema(con)
    data.demo.fill_demo(con, scale=1)
    evidence = scoring.load_evidence(con)
    con.close()
    as_of = scoring.series_dates(evidence)[-1]
    for company in sorted(evidence.companies["company_id"])[:2]:
        own = evidence.restrict([company])  # the naive copies stay small
        assert_same_actions(own, company, as_of, "in-force")
        assert_same_actions(own, company, D("2022-03-31"), "v1")
        got = scoring.actions(evidence, company, as_of)  # from the whole evidence: the same list
        pd.testing.assert_frame_equal(got, scoring.actions(own, company, as_of))
