"""The per-component breakdown (scoring/breakdown.py, wording/breakdown.py), the metric help
and who asked for an improvement action (wording/asks.py)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest

import scoring
from scoring import breakdown, params
from tests.worlds import worked_example_world
from wording import asks
from wording import breakdown as words


def parts(frame: pd.DataFrame) -> dict[str, tuple[float, float]]:
    return {r.component: (r.points, r.maximum) for r in frame.itertuples()}


def test_worked_example_v1_components_add_up_to_the_scores() -> None:
    ev = worked_example_world().evidence()
    got = parts(breakdown.of_explanation(scoring.explain(ev, "EX", date(2021, 12, 31), "v1")))
    # METHODOLOGY.md: SCT = 100 × (3 + 0.8 + 0.5) / 7; final assembly weight 3 of 7, components 4 of 7.
    assert got["final_assembly"] == pytest.approx((300 / 7, 300 / 7))
    assert got["components"] == pytest.approx((100 * 1.3 / 7, 400 / 7))
    assert "compliance_findings" not in got  # weight 0 in v1
    # C1 weight 3 (10, 15, 20, 12.5, 10), C2 weight 1 (5, 0, 0, 0, 0): FI 51.875.
    assert got["ack"] == pytest.approx((35 / 4, 10))
    assert got["access"] == pytest.approx((45 / 4, 15))
    assert got["plan"] == pytest.approx((15, 20))
    assert got["evidence"] == pytest.approx((37.5 / 4, 25))
    assert got["verified"] == pytest.approx((7.5, 30))
    assert got["retaliation"] == (0.0, 0.0)
    assert sum(got[s][0] for s in ("final_assembly", "components")) == pytest.approx(61.428571, abs=1e-5)
    assert sum(got[p][0] for p in breakdown.CASE_PARTS) == pytest.approx(51.875)


def test_worked_example_v2_sct_maxima_follow_the_version_weights() -> None:
    ev = worked_example_world().evidence()
    got = parts(breakdown.of_explanation(scoring.explain(ev, "EX", date(2021, 12, 31), "v2")))
    assert got["final_assembly"] == pytest.approx((30, 30))
    assert got["components"] == pytest.approx((16.5, 60))
    assert got["compliance_findings"] == pytest.approx((5, 10))
    assert sum(p for p, _ in got.values() if p is not None) - sum(
        got[c][0] for c in breakdown.CASE_PARTS
    ) == pytest.approx(51.5)


@pytest.mark.parametrize(
    ("as_of", "methodology"), [(date(2023, 6, 30), "in-force"), (date(2021, 12, 31), "v1")]
)
def test_every_company_at_once_equals_each_explanation_and_the_engine(
    demo_db: Path, as_of: date, methodology: str
) -> None:
    with duckdb.connect(str(demo_db), read_only=True) as con:
        ev = scoring.load_evidence(con.cursor())
    every = breakdown.every_company(ev, as_of, methodology)
    scores = scoring.score(ev, [as_of], methodology).set_index("company_id")
    for company_id in scores.index:
        own = every[every["company_id"] == company_id].reset_index(drop=True)
        one = breakdown.of_explanation(scoring.explain(ev, company_id, as_of, methodology))
        pd.testing.assert_frame_equal(own, one, check_exact=False, atol=1e-9, check_dtype=False)
        for score in ("sct", "fi"):
            total = own[own["score"] == score]["points"].sum()
            expected = scores.loc[company_id, score]
            assert (pd.isna(expected) and own[own["score"] == score].empty) or total == pytest.approx(
                expected
            )


def test_medians_over_all_and_per_role_where_the_component_applies() -> None:
    every = pd.DataFrame(
        {"company_id": ["A", "B", "C", "A"], "score": ["sct"] * 4,
         "component": ["components", "components", "components", "final_assembly"],
         "points": [10.0, 20.0, 60.0, 5.0], "maximum": [50.0] * 4}
    )  # fmt: skip
    totals = pd.DataFrame({"company_id": ["A", "B", "C"], "sct": [15.0, 20.0, 60.0], "fi": [None, 1.0, 3.0],
                           "overall": [15.0, 10.0, 30.0]})  # fmt: skip
    roles = pd.DataFrame({"company_id": ["A", "B", "C"], "role": ["brand", "brand", "contractor"]})
    found = words.medians(every, totals, roles).set_index(["score", "component", "role"], drop=False)
    everyone = found[found["role"].isna()].set_index(["score", "component"])
    assert everyone.loc[("sct", "components"), "median"] == 20.0
    assert everyone.loc[("sct", "final_assembly"), ["median", "companies"]].tolist() == [5.0, 1]
    assert everyone.loc[("fi", words.TOTAL), ["median", "companies"]].tolist() == [2.0, 2]  # n/a left out
    brands = found[found["role"] == "brand"].set_index(["score", "component"])
    assert brands.loc[("sct", "components"), "median"] == 15.0
    assert brands.loc[("overall", words.TOTAL), "median"] == 12.5


def test_metric_help_says_how_each_score_is_made_from_the_parameters() -> None:
    assert "0.4 × SCT + 0.6 × FI" in words.metric_help("overall", "v2")
    assert "0.5 × SCT + 0.5 × FI" in words.metric_help("overall", "v1")
    sct = words.metric_help("sct", "v1")
    assert "final assembly 3, components 2" in sct and "compliance findings" not in sct.split("Credits")[0]
    assert "due diligence only 0.25" in sct and "× 0.8" in sct
    fi = words.metric_help("fi", "v2")
    assert "within 14 days (5 later)" in fi and "case score = 0" in fi


ROW = {"as_of": pd.Timestamp("2023-06-30"), "target_id": "RQ1", "scope": "components"}


def test_who_asked_by_when_and_what_counts() -> None:
    v2 = params.VERSIONS["v2"]
    late = asks.ask({**ROW, "action": "disclose", "due_on": pd.Timestamp("2023-01-31")}, v2)
    assert late["who"] == "Electronics Watch, in a disclosure request"
    assert late["when"] == "was due 2023-01-31: what comes now counts × 0.7 (late factor)"
    assert "legal name and complete physical address" in late["evidence"]
    findings = asks.ask({**ROW, "action": "disclose", "scope": "compliance_findings",
                         "due_on": pd.Timestamp("2023-09-30")}, v2)  # fmt: skip
    assert findings["when"] == "by 2023-09-30" and "full compliance findings" in findings["evidence"]
    ack = asks.ask(
        {**ROW, "action": "acknowledge", "target_id": "CS1", "opened_on": pd.Timestamp("2023-06-20")}, v2
    )
    assert ack["who"] == "Electronics Watch, in its monitoring report of 2023-06-20"
    assert ack["when"].startswith("by 2023-07-04 (14 days after the report)")
    missed = asks.ask(
        {**ROW, "action": "acknowledge", "target_id": "CS1", "opened_on": pd.Timestamp("2023-01-02")}, v2
    )
    assert "window closed 2023-01-16: acknowledging now earns 5 of 10 points" in missed["when"]
    expected = asks.expected_by_target(pd.DataFrame(
        {"what": ["action", "action"], "target": ["verify:FN1", "verify:FN1"], "set_by": ["Later Town", "Skovlund"],
         "due_on": [pd.Timestamp("2027-06-30"), pd.Timestamp("2027-01-31")]}
    ))  # fmt: skip
    wished = asks.ask({**ROW, "action": "verify", "target_id": "FN1", "opened_on": pd.Timestamp("2022-01-02")}, v2,
                      expected)  # fmt: skip
    assert wished["who"].startswith("Skovlund, in an expectation")  # the earliest due
    assert wished["when"].startswith("by 2027-01-31 (the expectation's date)")
    assert wished["evidence"] == "the monitors' verification that this finding is remedied"
