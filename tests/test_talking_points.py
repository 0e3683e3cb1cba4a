"""Talking points for a pre-tender meeting, from a small world whose facts are known."""

from __future__ import annotations

import pandas as pd
import pytest

import scoring
from tests.worlds import World
from wording import narrative, talking

AS_OF = "2024-06-30"
NAMES = narrative.Names(
    {"F1": "Alder Assembly Ltd", "F2": "Birch Works", "F3": "Cedar Cells"}, {"PM1": "Kestrel Book 14"}
)


def world() -> World:
    w = World()
    w.company("X", "Example Computers BV")
    for f in ("F1", "F2", "F3"):
        w.factory(f)
    w.request("R1", "X", "final_assembly", "2024-03-31", "2024-01-02", "PM1")  # nothing disclosed: overdue
    w.request("R2", "X", "components", "2024-04-30", "2024-01-02", "PM1")  # partial: overdue
    w.disclosure("R2", "F2", "2024-04-01", False)
    w.request("R3", "X", "final_assembly", "2024-05-31", "2024-01-02", "PM1")  # full: not overdue
    w.disclosure("R3", "F1", "2024-05-01", True)
    w.request("R4", "X", "components", "2024-09-30", "2024-01-02", "PM1")  # not due yet
    w.request("R5", "X", "compliance_findings", "2024-02-28", "2024-01-02", "PM1")  # due diligence only
    w.due_diligence("R5", "2024-02-01")
    w.case("C1", "X", "2023-06-01", "F1")  # nothing happened since: no ack, no access, stale
    w.finding("f1", "C1", "critical")
    w.finding("f2", "C1", "major")
    w.case("C2", "X", "2024-03-01", "F2")  # engaged 90 days ago: not stale
    w.finding("f3", "C2", "minor")
    w.event("C2", "acknowledged", "2024-03-05")
    w.event("C2", "access_granted", "2024-03-10")
    w.event("C2", "plan_submitted", "2024-04-01")
    w.case("C3", "X", "2023-01-10", "F3")  # retaliation
    w.finding("f4", "C3", "major")
    w.event("C3", "acknowledged", "2023-01-15")
    w.event("C3", "access_granted", "2023-01-20")
    w.event("C3", "retaliation_confirmed", "2023-03-01")
    w.case("C4", "X", "2023-02-01", "F1")  # remedied and verified: nothing to ask
    w.finding("f5", "C4", "minor")
    w.event("C4", "acknowledged", "2023-02-03")
    w.event("C4", "access_granted", "2023-02-10")
    w.event("C4", "evidence_submitted", "2023-04-01", "f5")
    w.event("C4", "verified", "2023-05-01", "f5")
    return w


@pytest.fixture(scope="module")
def facts():
    ev = world().evidence()
    return scoring.explain(ev, "X", AS_OF), ev


def test_talking_points_from_known_facts(facts) -> None:
    why, ev = facts
    points = talking.talking_points(why, ev, NAMES)
    assert list(points.columns) == ["Topic", "Point"]
    assert points.values.tolist() == [
        ["Overdue disclosure", "3 disclosure requests are past the deadline without a full disclosure: the "
         "compliance findings for Kestrel Book 14 (due 2024-02-28, only due diligence on record); the final-assembly "
         "factories of Kestrel Book 14 (due 2024-03-31, nothing disclosed); the component factories of Kestrel Book "
         "14 (due 2024-04-30, partial). When will the complete legal names and addresses and the full findings "
         "follow?"],
        ["Open findings", "1 critical, 2 major, 1 minor findings not yet verified as remedied. What is the "
         "timetable for remediation and its verification, starting with the most severe?"],
        ["No acknowledgement", "1 monitoring report has not been acknowledged: Alder Assembly Ltd (opened "
         "2023-06-01, 395 days ago). Why not, and when will they be?"],
        ["No access for monitors", "Monitors have had no access to the factory of 1 monitoring report: Alder "
         "Assembly Ltd (opened 2023-06-01). When will access be granted?"],
        ["Stale case", "1 case shows no progress for 180 days or more: Alder Assembly Ltd (nothing since "
         "2023-06-01, 395 days). What is holding them up?"],
        ["Retaliation", "Retaliation against workers was confirmed in 1 case: Cedar Cells (report opened "
         "2023-01-10, retaliation confirmed 2023-03-01). What has been done to remedy it and to prevent it from "
         "happening again?"],
    ]  # fmt: skip


def test_a_case_is_stale_after_180_days_without_an_event(facts) -> None:
    why, ev = facts

    # C2's last event is 2024-04-01: 90 days before the date; stale from 90 days on with a shorter limit
    def stale(points):
        return points.loc[points["Topic"] == "Stale case", "Point"].iloc[0]

    assert "Birch Works" not in stale(talking.talking_points(why, ev, NAMES))
    shorter = stale(talking.talking_points(why, ev, NAMES, stale_days=90))
    assert shorter.startswith("2 cases show no progress for 90 days or more: Alder Assembly Ltd")
    assert "Birch Works (nothing since 2024-04-01, 90 days)" in shorter


def test_a_point_names_the_three_oldest_and_counts_the_rest() -> None:
    w = world()
    for i in range(4):
        w.request(f"R{10 + i}", "X", "components", f"2023-0{i + 1}-15", "2023-01-02", "PM1")
    ev = w.evidence()
    why = scoring.explain(ev, "X", AS_OF)
    point = talking.talking_points(why, ev, NAMES)["Point"].iloc[0]
    assert point.startswith("7 disclosure requests are past the deadline without a full disclosure: ")
    assert (
        "(due 2023-01-15, nothing disclosed); " in point
        and "(due 2023-03-15, nothing disclosed); and 4 more." in point
    )


def test_the_top_three_improvement_actions(facts) -> None:
    why, ev = facts
    actions = pd.DataFrame(
        {
            "action": ["disclose", "acknowledge", "verify", "grant_access"],
            "scope": ["final_assembly", None, None, None],
            "product_model_id": ["PM1", None, None, None],
            "due_on": [pd.Timestamp("2024-03-31"), pd.NaT, pd.NaT, pd.NaT],
            "level_now": ["NONE", None, None, None],
            "factory_id": [None, "F1", "F1", "F1"],
            "opened_on": [
                pd.NaT,
                pd.Timestamp("2023-06-01"),
                pd.Timestamp("2023-06-01"),
                pd.Timestamp("2023-06-01"),
            ],
            "severity": [None, None, "critical", None],
            "code_area": [None, None, "wages", None],
            "sct_gain": [12.04, float("nan"), 0.0, 0.0],
            "fi_gain": [0.0, 8.0, 7.0, 6.0],
            "overall_gain": [4.816, 4.8, 4.2, 3.6],
        }
    )
    points = talking.talking_points(why, ev, NAMES, actions)
    assert list(points.loc[points["Topic"] == "Improvement action", "Point"]) == [
        "Disclose the final-assembly factories of Kestrel Book 14 (request due 2024-03-31): +12.0 SCT, +4.8 "
        "overall. Will the company commit to it?",
        "Acknowledge the monitoring report on Alder Assembly Ltd (report opened 2023-06-01): +8.0 FI, +4.8 "
        "overall. Will the company commit to it?",
        "Have the remediation of the critical wages finding at Alder Assembly Ltd verified (report opened "
        "2023-06-01): +7.0 FI, +4.2 overall. Will the company commit to it?",
    ]
