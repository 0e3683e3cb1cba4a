"""Talking points for a pre-tender market engagement meeting: the questions an affiliate
should put to a likely bidder, built from the evidence as of one date.

Pure pandas over `scoring.explain()` output, the company's `Evidence`, display names and
(optionally) the improvement actions of `scoring.actions()`. No Streamlit.
"""

from __future__ import annotations

import pandas as pd

from wording import narrative
from wording.narrative import Names, day

STALE_DAYS = 180
"""A case with no event for this many days (or since it opened) is stale."""

TOPICS = (
    "Overdue disclosure",
    "Open findings",
    "No acknowledgement",
    "No access for monitors",
    "Stale case",
    "Retaliation",
    "Improvement action",
)
COLUMNS = ["Topic", "Point"]


EXAMPLES = 3
"""How many items a point names (the oldest first); the rest are counted."""


def _listing(items: list[str]) -> str:
    shown = "; ".join(items[:EXAMPLES])
    more = len(items) - EXAMPLES
    return shown + (f"; and {more} more" if more > 0 else "")


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _overdue(why, names: Names) -> list[tuple[str, str]]:
    r = why.requests
    as_of = pd.Timestamp(why.as_of)
    late = r[(r["status"] == "scored") & (r["due_on"] < as_of) & (r["level_now"] != "FULL")]
    if late.empty:
        return []
    have = {
        "NONE": "nothing disclosed",
        "DUE_DILIGENCE": "only due diligence on record",
        "PARTIAL": "partial",
    }
    items = [
        f"{narrative.request_subject(row.scope, names.product_model(row.product_model_id))} (due "
        f"{day(row.due_on)}, {have[row.level_now]})"
        for row in late.sort_values(["due_on", "request_id"]).itertuples(index=False)
    ]
    asks = []
    if (late["scope"] != "compliance_findings").any():
        asks.append("the complete legal names and addresses")
    if (late["scope"] == "compliance_findings").any():
        asks.append("the full findings")
    head = _count(len(late), "disclosure request is", "disclosure requests are")
    return [
        (
            "Overdue disclosure",
            f"{head} past the deadline without a full disclosure: {_listing(items)}. "
            f"When will {' and '.join(asks)} follow?",
        )
    ]


def _open_findings(why, evidence) -> list[tuple[str, str]]:
    scored = why.cases[why.cases["status"] == "scored"]["case_id"]
    as_of = pd.Timestamp(why.as_of)
    f = evidence.findings[evidence.findings["case_id"].isin(scored)]
    e = evidence.events
    verified = set(e.loc[(e["event_type"] == "verified") & (e["event_date"] <= as_of), "finding_id"])
    still = f[~f["finding_id"].isin(verified)]
    if still.empty:
        return []
    counts = still["severity"].value_counts()
    parts = [f"{counts[s]} {s}" for s in ("critical", "major", "minor") if counts.get(s, 0)]
    n = len(still)
    return [
        (
            "Open findings",
            f"{', '.join(parts)} finding{'s' if n != 1 else ''} not yet verified as remedied. What is the "
            "timetable for remediation and its verification, starting with the most severe?",
        )
    ]


def _cases(why, evidence, names: Names, stale_days: int) -> list[tuple[str, str]]:
    facts = narrative.case_facts(why, evidence).set_index("case_id")
    as_of = pd.Timestamp(why.as_of)
    e = evidence.events
    retaliation, unacknowledged, no_access, stale = [], [], [], []
    scored = why.cases[why.cases["status"] == "scored"].sort_values(["opened_on", "case_id"])
    for row in scored.itertuples(index=False):
        fact = facts.loc[row.case_id]
        where = names.factory(row.factory_id)
        opened = f"opened {day(row.opened_on)}"
        if fact["status"] == "retaliation":
            when = e.loc[
                (e["case_id"] == row.case_id)
                & (e["event_type"] == "retaliation_confirmed")
                & (e["event_date"] <= as_of),
                "event_date",
            ].min()
            retaliation.append(f"{where} (report {opened}, retaliation confirmed {day(when)})")
        if not fact["acknowledged"]:
            unacknowledged.append(f"{where} ({opened}, {fact['age_days']} days ago)")
        if not fact["access"]:
            no_access.append(f"{where} ({opened})")
        quiet = (as_of - pd.Timestamp(fact["last_event"])).days
        if fact["status"] in ("open", "remediation in progress") and quiet >= stale_days:
            stale.append(f"{where} (nothing since {day(fact['last_event'])}, {quiet} days)")
    out = []
    if unacknowledged:
        head = _count(len(unacknowledged), "monitoring report has", "monitoring reports have")
        out.append(("No acknowledgement", f"{head} not been acknowledged: {_listing(unacknowledged)}. Why not, "
                    "and when will they be?"))  # fmt: skip
    if no_access:
        head = _count(len(no_access), "monitoring report", "monitoring reports")
        out.append(("No access for monitors", f"Monitors have had no access to the factory of {head}: "
                    f"{_listing(no_access)}. When will access be granted?"))  # fmt: skip
    if stale:
        head = _count(len(stale), "case shows", "cases show")
        out.append(("Stale case", f"{head} no progress for {stale_days} days or more: {_listing(stale)}. What is "
                    "holding them up?"))  # fmt: skip
    if retaliation:
        head = _count(len(retaliation), "case", "cases")
        out.append(("Retaliation", f"Retaliation against workers was confirmed in {head}: {_listing(retaliation)}. "
                    "What has been done to remedy it and to prevent it from happening again?"))  # fmt: skip
    return out


def _actions(actions: pd.DataFrame | None, names: Names, top: int) -> list[tuple[str, str]]:
    if actions is None or actions.empty:
        return []
    return [
        ("Improvement action", f"{text}. Will the company commit to it?")
        for text in narrative.action_sentences(actions.head(top), names)
    ]


def talking_points(
    why,
    evidence,
    names: Names,
    actions: pd.DataFrame | None = None,
    top_actions: int = 3,
    stale_days: int = STALE_DAYS,
) -> pd.DataFrame:
    """The questions for one company at `why.as_of`, one row each (columns Topic, Point):
    overdue disclosure requests (past the deadline, not fully disclosed, still counted), open
    findings by severity, cases without acknowledgement or monitors' access, stale cases (no
    event for `stale_days`), confirmed retaliation, and the `top_actions` improvement actions
    with the largest gains. Rows are ordered by topic as in TOPICS."""
    rows = (
        _overdue(why, names)
        + _open_findings(why, evidence)
        + _cases(why, evidence, names, stale_days)
        + _actions(actions, names, top_actions)
    )
    frame = pd.DataFrame(rows, columns=COLUMNS)
    order = {t: i for i, t in enumerate(TOPICS)}
    return frame.sort_values("Topic", key=lambda s: s.map(order), kind="stable").reset_index(drop=True)
