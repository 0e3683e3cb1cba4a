"""Scoring rules of METHODOLOGY.md: the worked example and one table per rule."""

from __future__ import annotations

import ast
import math
import subprocess
import sys
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

import scoring
from scoring import params
from scoring.params import band
from tests.scoring_reference import reference_score
from tests.worlds import World, worked_example_world

D = date.fromisoformat


@pytest.fixture(scope="module")
def example() -> scoring.Evidence:
    return worked_example_world().evidence()


def one(
    evidence: scoring.Evidence, as_of: str, methodology: str = "in-force", company: str = "X"
) -> pd.Series:
    """The score row of `company` as of `as_of`, checked against the naive reference and
    against the items `explain` shows (the SQL twin of score's numpy rules)."""
    got = scoring.score(evidence, [D(as_of)], methodology, [company])
    ref = reference_score(evidence, [D(as_of)], methodology, [company])
    assert len(got) == 1
    for col in ("sct", "fi", "overall"):
        a, b = got[col].iloc[0], ref[col].iloc[0]
        assert (math.isnan(a) and math.isnan(b)) or a == pytest.approx(b, abs=1e-9), col
    x = scoring.explain(evidence, company, D(as_of), methodology)
    requests = x.requests[x.requests["status"] == "scored"]
    cases = x.cases[x.cases["status"] == "scored"]
    from_items = {
        "sct": 100 * requests["points"].sum() / requests["weight"].sum() if len(requests) else math.nan,
        "fi": (cases["case_weight"] * cases["case_score"]).sum() / cases["case_weight"].sum()
        if len(cases)
        else math.nan,
    }
    for col, b in from_items.items():
        a = got[col].iloc[0]
        assert (math.isnan(a) and math.isnan(b)) or a == pytest.approx(b, abs=1e-9), f"explain {col}"
    return got.iloc[0]


# --- the worked example -----------------------------------------------------------------


def test_worked_example_v1_exact(example: scoring.Evidence) -> None:
    row = one(example, "2021-12-31", company="EX")
    assert row["methodology"] == "v1"
    assert row["sct"] == pytest.approx(100 * 4.3 / 7, abs=1e-9)
    assert row["fi"] == pytest.approx(51.875, abs=1e-9)
    assert row["overall"] == pytest.approx(0.5 * 100 * 4.3 / 7 + 0.5 * 51.875, abs=1e-9)
    assert (f"{row['sct']:.2f}", f"{row['overall']:.2f}", row["band"]) == ("61.43", "56.65", "Good")


def test_worked_example_v2_rescoring(example: scoring.Evidence) -> None:
    row = one(example, "2021-12-31", "v2", company="EX")
    assert row["methodology"] == "v2"
    assert row["sct"] == pytest.approx(51.5, abs=1e-9)
    c1 = 5 + 15 + 20 + 25 * 3 / 7 + 30 * 2 / 7  # 59.286
    assert row["fi"] == pytest.approx((4 * c1 + 1 * 5) / 5, abs=1e-9)
    assert row["overall"] == pytest.approx(0.4 * 51.5 + 0.6 * (4 * c1 + 5) / 5, abs=1e-9)
    assert (round(row["fi"], 2), round(row["overall"], 2), row["band"]) == (48.43, 49.66, "Developing")


# METHODOLOGY.md: "Quarter-end series under the version in force", as printed there.
SERIES = [
    ("2021-03-31", "v1", 100.0, 10.0, 55.0),
    ("2021-06-30", "v1", 60.0, 45.0, 52.5),
    ("2021-09-30", "v1", 61.43, 43.125, 52.28),
    ("2021-12-31", "v1", 61.43, 51.875, 56.65),
    ("2022-03-31", "v1", 43.0, 34.58, 38.79),
    ("2022-09-30", "v2", 39.62, 34.59, 36.6),
]


@pytest.mark.parametrize(("as_of", "version", "sct", "fi", "overall"), SERIES)
def test_worked_example_series(example: scoring.Evidence, as_of, version, sct, fi, overall) -> None:
    dates = scoring.series_dates(example, today=D("2022-10-15"))
    series = scoring.score(example, dates).set_index("as_of")
    row = series.loc[pd.Timestamp(as_of)]
    assert row["methodology"] == version
    # compare as printed in METHODOLOGY.md (2 decimals, or 3 where it prints 3)
    for got, want in ((row["sct"], sct), (row["fi"], fi), (row["overall"], overall)):
        assert got == pytest.approx(want, abs=0.0051)
        assert round(got, 2) == pytest.approx(round(want, 2), abs=0.011)


def test_worked_example_series_dates(example: scoring.Evidence) -> None:
    dates = scoring.series_dates(example, today=D("2022-10-15"))
    assert dates[0] == D("2021-03-31") and dates[-1] == D("2022-09-30") and len(dates) == 7


def test_worked_example_explained(example: scoring.Evidence) -> None:
    x = scoring.explain(example, "EX", D("2021-12-31"))
    assert (x.methodology, x.band) == ("v1", "Good")
    assert x.sct == pytest.approx(100 * 4.3 / 7) and x.fi == pytest.approx(51.875)
    req = x.requests.set_index("request_id")
    assert req.loc["R1", "credit"] == 1.0 and req.loc["R1", "weight"] == 3
    assert req.loc["R2", "credit"] == pytest.approx(0.4) and bool(req.loc["R2", "late_factor_applied"])
    assert (req.loc["R2", "level_by_deadline"], req.loc["R2", "level_now"]) == ("NONE", "PARTIAL")
    assert req.loc["R3", "credit"] == 0.25 and req.loc["R3", "level_by_deadline"] == "DUE_DILIGENCE"
    assert req.loc["R4", "status"] == "not due"
    assert req.loc["R5", "status"] == "scope not scored in v1"
    assert "F3 complete 2021-08-10" in req.loc["R2", "evidence"]
    scored = req[req["status"] == "scored"]
    assert 100 * scored["points"].sum() / scored["weight"].sum() == pytest.approx(x.sct)
    cases = x.cases.set_index("case_id")
    c1 = cases.loc["C1"]
    assert (c1["ack_points"], c1["access_points"], c1["plan_points"]) == (10, 15, 20)
    assert (c1["evidence_points"], c1["verified_points"], c1["case_score"], c1["case_weight"]) == (
        12.5,
        10,
        67.5,
        3,
    )
    assert cases.loc["C2", "case_score"] == 5 and cases.loc["C3", "status"] == "opened after date"
    assert "f1, f2, f3" == c1["finding_ids"]


def test_explain_matches_score_everywhere(example: scoring.Evidence) -> None:
    dates = scoring.series_dates(example, today=D("2023-01-01"))
    for methodology in ("in-force", "v1", "v2"):
        series = scoring.score(example, dates, methodology)
        for row in series.itertuples():
            x = scoring.explain(example, "EX", row.as_of.date(), methodology)
            assert x.methodology == row.methodology and x.band == row.band
            for a, b in ((x.sct, row.sct), (x.fi, row.fi), (x.overall, row.overall)):
                assert (math.isnan(a) and math.isnan(b)) or a == pytest.approx(b, abs=1e-9)


def test_explain_unknown_company(example: scoring.Evidence) -> None:
    with pytest.raises(KeyError):
        scoring.explain(example, "NOPE", D("2021-12-31"))


# --- SCT rules ----------------------------------------------------------------------------


def sct_world(scope: str, due: str, disclosures=(), diligence=()) -> scoring.Evidence:
    w = World()
    w.company("X")
    w.request("R", "X", scope, due)
    for i, (on, complete, *factory) in enumerate(disclosures):
        # (on, complete) is a new factory; (on, complete, factory_id) names it, so a
        # later row can complete (or undo) an earlier one
        w.disclosure("R", factory[0] if factory else f"F{i}", on, complete)
    for on in diligence:
        w.due_diligence("R", on)
    # a second, always FULL request keeps the SCT defined so a 0-credit request shows
    w.request("BASE", "X", "final_assembly", "2020-01-31")
    w.disclosure("BASE", "FB", "2020-01-15", True)
    return w.evidence()


def request_credit(evidence: scoring.Evidence, as_of: str, methodology: str = "v1") -> float | None:
    x = scoring.explain(evidence, "X", D(as_of), methodology)
    row = x.requests.set_index("request_id").loc["R"]
    one(evidence, as_of, methodology)
    return None if row["status"] != "scored" else float(row["credit"])


@pytest.mark.parametrize(
    ("case", "scope", "due", "disclosures", "diligence", "as_of", "methodology", "credit"),
    [
        ("due, no response", "final_assembly", "2021-03-31", [], [], "2021-06-30", "v1", 0.0),
        ("not due, no response", "final_assembly", "2021-09-30", [], [], "2021-06-30", "v1", None),
        ("due exactly today", "final_assembly", "2021-06-30", [], [], "2021-06-30", "v1", 0.0),
        (
            "responded early: FULL",
            "final_assembly",
            "2021-09-30",
            [("2021-05-01", True)],
            [],
            "2021-06-30",
            "v1",
            1.0,
        ),
        # Early responses never lower a score: before its deadline a request counts only
        # when it is already FULL (METHODOLOGY.md section 1).
        (
            "early DD waits for the deadline",
            "components",
            "2021-09-30",
            [],
            ["2021-05-01"],
            "2021-06-30",
            "v1",
            None,
        ),
        (
            "early DD counts at the deadline",
            "components",
            "2021-09-30",
            [],
            ["2021-05-01"],
            "2021-09-30",
            "v1",
            0.25,
        ),
        (
            "early DD, after the deadline",
            "components",
            "2021-09-30",
            [],
            ["2021-05-01"],
            "2021-12-31",
            "v1",
            0.25,
        ),
        (
            "early partial waits for the deadline",
            "final_assembly",
            "2021-09-30",
            [("2021-05-01", True), ("2021-05-02", False)],
            [],
            "2021-06-30",
            "v1",
            None,
        ),
        (
            "early partial counts at the deadline",
            "final_assembly",
            "2021-09-30",
            [("2021-05-01", True), ("2021-05-02", False)],
            [],
            "2021-09-30",
            "v1",
            0.5,
        ),
        (
            "early partial with DD still waits",
            "final_assembly",
            "2021-09-30",
            [("2021-05-02", False)],
            ["2021-05-01"],
            "2021-06-30",
            "v2",
            None,
        ),
        (
            "early partial completed early: FULL counts at once",
            "final_assembly",
            "2021-09-30",
            [("2021-05-01", False, "FA"), ("2021-06-01", True, "FA")],
            [],
            "2021-06-30",
            "v1",
            1.0,
        ),
        (
            "early FULL made partial again before the deadline: waits",
            "final_assembly",
            "2021-09-30",
            [("2021-05-01", True, "FA"), ("2021-06-01", False, "FA")],
            [],
            "2021-06-30",
            "v1",
            None,
        ),
        (
            "partial completed by the deadline: FULL",
            "final_assembly",
            "2021-06-15",
            [("2021-05-01", False, "FA"), ("2021-06-01", True, "FA")],
            [],
            "2021-06-30",
            "v1",
            1.0,
        ),
        (
            "partial completed after the deadline: late FULL",
            "final_assembly",
            "2021-05-15",
            [("2021-05-01", False, "FA"), ("2021-06-01", True, "FA")],
            [],
            "2021-06-30",
            "v1",
            0.8,
        ),
        (
            "partial completed after the deadline: late FULL v2",
            "components",
            "2021-05-15",
            [("2021-05-01", False, "FA"), ("2021-06-01", True, "FA")],
            [],
            "2021-06-30",
            "v2",
            0.7,
        ),
        (
            "one of two factories completed: still PARTIAL",
            "final_assembly",
            "2021-03-31",
            [("2021-03-01", False, "FA"), ("2021-03-02", False, "FB"), ("2021-03-10", True, "FA")],
            [],
            "2021-06-30",
            "v1",
            0.5,
        ),
        (
            "complete row replaced by an incomplete one by the deadline: PARTIAL",
            "final_assembly",
            "2021-03-31",
            [("2021-03-01", True, "FA"), ("2021-03-15", False, "FA")],
            [],
            "2021-06-30",
            "v1",
            0.5,
        ),
        (
            "completion after D ignored",
            "final_assembly",
            "2021-03-31",
            [("2021-03-01", False, "FA"), ("2021-07-01", True, "FA")],
            [],
            "2021-06-30",
            "v1",
            0.5,
        ),
        (
            "response after D ignored",
            "final_assembly",
            "2021-09-30",
            [("2021-07-01", True)],
            [],
            "2021-06-30",
            "v1",
            None,
        ),
        (
            "FULL on time",
            "final_assembly",
            "2021-03-31",
            [("2021-03-01", True), ("2021-03-02", True)],
            [],
            "2021-06-30",
            "v1",
            1.0,
        ),
        (
            "PARTIAL on time",
            "final_assembly",
            "2021-03-31",
            [("2021-03-01", True), ("2021-03-02", False)],
            [],
            "2021-06-30",
            "v1",
            0.5,
        ),
        (
            "DUE_DILIGENCE on time v1",
            "final_assembly",
            "2021-03-31",
            [],
            ["2021-03-01"],
            "2021-06-30",
            "v1",
            0.25,
        ),
        (
            "DUE_DILIGENCE on time v2",
            "final_assembly",
            "2021-03-31",
            [],
            ["2021-03-01"],
            "2021-06-30",
            "v2",
            0.2,
        ),
        (
            "disclosure beats due diligence",
            "final_assembly",
            "2021-03-31",
            [("2021-03-02", False)],
            ["2021-03-01"],
            "2021-06-30",
            "v1",
            0.5,
        ),
        ("late FULL v1", "final_assembly", "2021-03-31", [("2021-04-15", True)], [], "2021-06-30", "v1", 0.8),
        ("late FULL v2", "final_assembly", "2021-03-31", [("2021-04-15", True)], [], "2021-06-30", "v2", 0.7),
        (
            "DD on time, FULL late: max",
            "final_assembly",
            "2021-03-31",
            [("2021-04-15", True)],
            ["2021-03-01"],
            "2021-06-30",
            "v1",
            0.8,
        ),
        (
            "FULL on time, later incomplete row: on time counts",
            "final_assembly",
            "2021-03-31",
            [("2021-03-01", True), ("2021-05-01", False)],
            [],
            "2021-06-30",
            "v1",
            1.0,
        ),
        (
            "FULL then incomplete before deadline: PARTIAL, which waits for the deadline",
            "final_assembly",
            "2021-09-30",
            [("2021-03-01", True), ("2021-05-01", False)],
            [],
            "2021-06-30",
            "v1",
            None,
        ),
        (
            "compliance_findings weight 0 in v1",
            "compliance_findings",
            "2021-03-31",
            [("2021-03-01", True)],
            [],
            "2021-06-30",
            "v1",
            None,
        ),
        (
            "compliance_findings scored in v2",
            "compliance_findings",
            "2021-03-31",
            [("2021-03-01", True)],
            [],
            "2021-06-30",
            "v2",
            1.0,
        ),
        ("window: due D-730 dropped", "final_assembly", "2021-06-30", [], [], "2023-06-30", "v2", None),
        ("window: due D-729 kept", "final_assembly", "2021-07-01", [], [], "2023-06-30", "v2", 0.0),
        ("no window in v1", "final_assembly", "2015-06-30", [], [], "2023-06-30", "v1", 0.0),
    ],
)
def test_request_rules(case, scope, due, disclosures, diligence, as_of, methodology, credit) -> None:
    evidence = sct_world(scope, due, disclosures, diligence)
    got = request_credit(evidence, as_of, methodology)
    assert got == (None if credit is None else pytest.approx(credit)), case


def test_window_arithmetic() -> None:
    assert (D("2023-06-30") - D("2021-06-30")).days == 730
    assert (D("2023-06-30") - D("2021-07-01")).days == 729


def test_early_partial_row_counts_once_due() -> None:
    evidence = sct_world("final_assembly", "2021-06-30", [("2021-04-01", False, "FA")])
    assert request_credit(evidence, "2021-03-31") is None  # nothing yet
    assert request_credit(evidence, "2021-06-29") is None  # early partial: waits
    assert request_credit(evidence, "2021-06-30") == pytest.approx(0.5)  # due: counts


def test_explain_says_why_an_early_response_waits() -> None:
    evidence = sct_world("final_assembly", "2021-09-30", [], ["2021-05-01"])
    row = scoring.explain(evidence, "X", D("2021-06-30")).requests.set_index("request_id").loc["R"]
    assert (row["status"], row["level_now"]) == ("not due", "DUE_DILIGENCE")
    assert "only a FULL response counts before the deadline" in row["reason"]


def test_later_incomplete_row_turns_full_into_partial_now() -> None:
    # FULL by the deadline stays 1.0; without that, PARTIAL now late would be 0.8 × 0.5.
    evidence = sct_world("final_assembly", "2021-03-31", [("2021-04-01", True), ("2021-05-01", False)])
    assert request_credit(evidence, "2021-04-30") == pytest.approx(0.8)
    assert request_credit(evidence, "2021-06-30") == pytest.approx(0.4)


def test_sct_weighted_mean() -> None:
    w = World()
    w.request("A", "X", "final_assembly", "2021-03-31")
    w.disclosure("A", "F1", "2021-03-01", True)
    w.request("B", "X", "components", "2021-03-31")
    row = one(w.evidence(), "2021-06-30", "v1")
    assert row["sct"] == pytest.approx(100 * 3 / 5)
    row = one(w.evidence(), "2022-07-01", "v2")
    assert row["sct"] == pytest.approx(100 * 3 / 6)


# --- FI rules -----------------------------------------------------------------------------


def fi_world(events, severities=("major",), opened="2021-01-01") -> scoring.Evidence:
    w = World()
    w.case("C", "X", opened)
    for i, severity in enumerate(severities):
        w.finding(f"f{i}", "C", severity)
    for kind, on, *finding in events:
        w.event("C", kind, on, finding[0] if finding else None)
    return w.evidence()


@pytest.mark.parametrize(
    ("case", "events", "severities", "methodology", "fi"),
    [
        ("nothing yet", [], ("major",), "v1", 0.0),
        ("ack on window day v1 (30)", [("acknowledged", "2021-01-31")], ("major",), "v1", 10.0),
        ("ack a day late v1", [("acknowledged", "2021-02-01")], ("major",), "v1", 5.0),
        ("ack on window day v2 (14)", [("acknowledged", "2021-01-15")], ("major",), "v2", 10.0),
        ("ack a day late v2", [("acknowledged", "2021-01-16")], ("major",), "v2", 5.0),
        (
            "first ack counts",
            [("acknowledged", "2021-03-01"), ("acknowledged", "2021-01-02")],
            ("major",),
            "v1",
            10.0,
        ),
        (
            "access and plan",
            [("access_granted", "2021-02-01"), ("plan_submitted", "2021-02-01")],
            ("minor",),
            "v1",
            35.0,
        ),
        (
            "evidence share",
            [("evidence_submitted", "2021-02-01", "f0")],
            ("major", "minor"),
            "v1",
            25 * 2 / 3,
        ),
        (
            "verified counts as evidenced",
            [("verified", "2021-02-01", "f1")],
            ("major", "minor"),
            "v1",
            25 * 1 / 3 + 30 * 1 / 3,
        ),
        (
            "critical weight v2",
            [("verified", "2021-02-01", "f1")],
            ("minor", "critical"),
            "v2",
            25 * 4 / 5 + 30 * 4 / 5,
        ),
        (
            "retaliation v1: -50",
            [
                ("acknowledged", "2021-01-02"),
                ("access_granted", "2021-01-03"),
                ("plan_submitted", "2021-01-04"),
                ("verified", "2021-01-05", "f0"),
                ("retaliation_confirmed", "2021-01-06"),
            ],
            ("major",),
            "v1",
            50.0,
        ),
        (
            "retaliation v1: floor 0",
            [("acknowledged", "2021-01-02"), ("retaliation_confirmed", "2021-01-06")],
            ("major",),
            "v1",
            0.0,
        ),
        (
            "retaliation v2: 0",
            [
                ("acknowledged", "2021-01-02"),
                ("access_granted", "2021-01-03"),
                ("plan_submitted", "2021-01-04"),
                ("verified", "2021-01-05", "f0"),
                ("retaliation_confirmed", "2021-01-06"),
            ],
            ("major",),
            "v2",
            0.0,
        ),
        ("events after D ignored", [("access_granted", "2021-07-01")], ("major",), "v1", 0.0),
    ],
)
def test_case_rules(case, events, severities, methodology, fi) -> None:
    row = one(fi_world(events, severities), "2021-06-30", methodology)
    assert row["fi"] == pytest.approx(fi), case


def test_case_without_findings_not_scorable() -> None:
    row = one(fi_world([("acknowledged", "2021-01-02")], severities=()), "2021-06-30")
    assert math.isnan(row["fi"]) and math.isnan(row["overall"]) and row["band"] is None
    x = scoring.explain(fi_world([], severities=()), "X", D("2021-06-30"))
    assert x.cases["status"].tolist() == ["no findings"]


def test_case_opened_after_date() -> None:
    evidence = fi_world([], opened="2021-07-01")
    assert math.isnan(one(evidence, "2021-06-30")["fi"])
    assert one(evidence, "2021-07-01")["fi"] == 0.0


def test_case_weight_is_most_severe_finding() -> None:
    w = World()
    w.case("A", "X", "2021-01-01")
    w.finding("a1", "A", "minor")
    w.finding("a2", "A", "critical")
    w.event("A", "access_granted", "2021-01-05")
    w.case("B", "X", "2021-01-01")
    w.finding("b1", "B", "minor")
    row = one(w.evidence(), "2021-06-30", "v1")
    assert row["fi"] == pytest.approx((3 * 15 + 1 * 0) / 4)


# --- versions, overall, bands --------------------------------------------------------------


def test_in_force_switch() -> None:
    assert params.in_force(D("2022-06-30")).version == "v1"
    assert params.in_force(D("2022-07-01")).version == "v2"
    evidence = fi_world([("acknowledged", "2021-01-20")])  # 19 days: v1 on time, v2 late
    assert one(evidence, "2022-06-30")["fi"] == 10 and one(evidence, "2022-06-30")["methodology"] == "v1"
    assert one(evidence, "2022-07-01")["fi"] == 5 and one(evidence, "2022-07-01")["methodology"] == "v2"
    assert one(evidence, "2022-07-01", "v1")["methodology"] == "v1"
    assert one(evidence, "2022-06-30", "v2")["methodology"] == "v2"


def test_unknown_methodology() -> None:
    with pytest.raises(ValueError, match="unknown methodology"):
        scoring.score(fi_world([]), [D("2021-06-30")], "v9")


def overall_world(with_sct: bool, with_fi: bool) -> scoring.Evidence:
    w = World()
    w.company("X")
    if with_sct:
        w.request("R", "X", "final_assembly", "2021-03-31")
        w.disclosure("R", "F1", "2021-03-01", True)  # SCT 100
    if with_fi:
        w.case("C", "X", "2021-01-01")
        w.finding("f", "C", "minor")
        w.event("C", "access_granted", "2021-02-01")  # FI 15
    return w.evidence()


@pytest.mark.parametrize(
    ("with_sct", "with_fi", "methodology", "overall"),
    [
        (True, True, "v1", 0.5 * 100 + 0.5 * 15),
        (True, True, "v2", 0.4 * 100 + 0.6 * 15),
        (True, False, "v1", 100.0),
        (False, True, "v2", 15.0),
        (False, False, "v1", None),
    ],
)
def test_overall(with_sct, with_fi, methodology, overall) -> None:
    row = one(overall_world(with_sct, with_fi), "2021-06-30", methodology)
    assert math.isnan(row["sct"]) != with_sct and math.isnan(row["fi"]) != with_fi
    if overall is None:
        assert math.isnan(row["overall"]) and row["band"] is None
    else:
        assert row["overall"] == pytest.approx(overall)
        assert row["band"] == band(overall)


@pytest.mark.parametrize(
    ("score", "name"),
    [
        (0, "Insufficient"),
        (24.99, "Insufficient"),
        (25, "Developing"),
        (24.999999999999996, "Developing"),  # 25 up to float noise
        (49.99, "Developing"),
        (50, "Good"),
        (74.99, "Good"),
        (75, "Leading"),
        (100, "Leading"),
        (100.00000000000001, "Leading"),
        (None, None),
        (math.nan, None),
    ],
)
def test_band_edges(score, name) -> None:
    assert band(score) == name
    if score is not None:
        assert scoring.engine.bands(pd.Series([score], dtype=float)).iloc[0] == name


def test_company_without_evidence_is_na_not_zero() -> None:
    w = World()
    w.company("EMPTY")
    w.request("R", "X", "final_assembly", "2021-03-31")
    evidence = w.evidence()
    out = scoring.score(evidence, [D("2021-06-30")])
    assert list(out.columns) == scoring.SCORE_COLUMNS
    empty = out.set_index("company_id").loc["EMPTY"]
    assert math.isnan(empty["sct"]) and math.isnan(empty["fi"]) and math.isnan(empty["overall"])
    assert empty["band"] is None
    assert out.set_index("company_id").loc["X", "sct"] == 0.0


def test_score_shape_and_company_filter(example: scoring.Evidence) -> None:
    out = scoring.score(example, [D("2021-12-31"), D("2021-06-30")])
    assert out["as_of"].tolist() == [pd.Timestamp("2021-06-30"), pd.Timestamp("2021-12-31")]
    assert scoring.score(example, [D("2021-12-31")], company_ids=["NOPE"]).empty
    assert scoring.score(example, []).columns.tolist() == scoring.SCORE_COLUMNS


# --- parameters, dates, evidence loading ---------------------------------------------------


def test_parameters_are_the_methodology_table() -> None:
    v1, v2 = params.VERSIONS["v1"], params.VERSIONS["v2"]
    assert dict(v1.scope_weights) == {"final_assembly": 3, "components": 2, "compliance_findings": 0}
    assert dict(v2.scope_weights) == {"final_assembly": 3, "components": 3, "compliance_findings": 1}
    assert [v1.credits[k] for k in params.LEVELS] == [1.0, 0.5, 0.25, 0]
    assert [v2.credits[k] for k in params.LEVELS] == [1.0, 0.5, 0.2, 0]
    assert (v1.late_factor, v2.late_factor) == (0.8, 0.7)
    assert (v1.sct_window_days, v2.sct_window_days) == (None, 730)
    assert (v1.ack_window_days, v2.ack_window_days) == (30, 14)
    assert dict(v1.severity_weights) == {"minor": 1, "major": 2, "critical": 3}
    assert dict(v2.severity_weights) == {"minor": 1, "major": 2, "critical": 4}
    assert (v1.apply_retaliation(67.5), v1.apply_retaliation(30), v2.apply_retaliation(90)) == (17.5, 0, 0)
    assert (v1.overall_sct_weight, v1.overall_fi_weight, v2.overall_sct_weight, v2.overall_fi_weight) == (
        0.5,
        0.5,
        0.4,
        0.6,
    )
    assert v2.in_force_from == D("2022-07-01")
    table = params.parameter_table()
    assert list(table.columns) == ["parameter", "v1", "v2", "human"]
    assert table.set_index("parameter").loc["late_factor", "v2"] == "0.7"
    assert table["parameter"].is_unique and len(table) >= 10


@pytest.mark.parametrize(
    ("today", "last"),
    [
        ("2024-03-31", "2024-03-31"),
        ("2024-03-30", "2023-12-31"),
        ("2024-01-01", "2023-12-31"),
        ("2024-08-15", "2024-06-30"),
        ("2024-12-31", "2024-12-31"),
    ],
)
def test_last_quarter_end(today, last) -> None:
    assert scoring.last_quarter_end(D(today)) == D(last)


def test_quarter_ends() -> None:
    assert scoring.quarter_ends(D("2021-02-01"), D("2022-01-01")) == [
        D("2021-03-31"),
        D("2021-06-30"),
        D("2021-09-30"),
        D("2021-12-31"),
    ]
    assert scoring.quarter_ends(D("2021-04-01"), D("2021-06-29")) == []
    assert scoring.series_dates(World().evidence()) == []


def test_load_evidence_restricts_every_table() -> None:
    w = worked_example_world()
    w.request("OTHER_R", "OTHER", "final_assembly", "2021-03-31")
    w.disclosure("OTHER_R", "F1", "2021-03-01", True)
    w.due_diligence("OTHER_R", "2021-03-01")
    w.case("OTHER_C", "OTHER", "2021-01-01")
    w.finding("of", "OTHER_C", "minor")
    w.event("OTHER_C", "acknowledged", "2021-01-02")
    con = w.connect()
    everything = scoring.load_evidence(con)
    only = scoring.load_evidence(con, ["EX"])
    for name, df in only.tables().items():
        assert set(df["company_id"]) == {"EX"}, name
        assert len(df) < len(everything.tables()[name]), name
    assert scoring.load_evidence(con, []).companies.empty
    assert str(only.disclosures["disclosed_on"].dtype).startswith("datetime64")


@pytest.mark.parametrize("package", ["scoring", "wording", "reports"])
def test_scoring_never_imports_streamlit(package: str) -> None:
    root = Path(scoring.__file__).parent.parent / package
    for source in root.rglob("*.py"):
        tree = ast.parse(source.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            assert not any(n == "streamlit" or n.startswith("streamlit.") for n in names), source
            if isinstance(node, ast.Constant) and isinstance(node.value, str):  # importlib.import_module(...)
                assert node.value.split(".")[0] != "streamlit", source
    # ... and importing every scoring module pulls in no streamlit indirectly either.
    modules = [f"{package}.{p.stem}" for p in root.glob("*.py") if p.stem not in ("__main__", "__init__")]
    code = f"import sys; import {', '.join(modules)}; assert 'streamlit' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=root.parent)
