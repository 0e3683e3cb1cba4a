"""Talking points for a pre-tender market engagement meeting: the questions an affiliate
should put to a likely bidder, built from the evidence as of one date.

Pure pandas over `scoring.explain()` output, the company's `Evidence`, display names and
(optionally) the improvement actions of `scoring.actions()`. No Streamlit.
"""

from __future__ import annotations

import pandas as pd

from wording import narrative
from wording.i18n import N_, _, ngettext
from wording.narrative import Names, day

STALE_DAYS = 180
"""A case with no event for this many days (or since it opened) is stale."""

TOPICS = (
    N_("Overdue disclosure"),
    N_("Open findings"),
    N_("No acknowledgement"),
    N_("No access for monitors"),
    N_("Stale case"),
    N_("Retaliation"),
    N_("Improvement action"),
)
COLUMNS = ["Topic", "Point"]


EXAMPLES = 3
"""How many items a point names (the oldest first); the rest are counted."""


def _listing(items: list[str]) -> str:
    shown = "; ".join(items[:EXAMPLES])
    more = len(items) - EXAMPLES
    return shown + (_("; and {n} more").format(n=more) if more > 0 else "")


def _overdue(why, names: Names) -> list[tuple[str, str]]:
    r = why.requests
    as_of = pd.Timestamp(why.as_of)
    late = r[(r["status"] == "scored") & (r["due_on"] < as_of) & (r["level_now"] != "FULL")]
    if late.empty:
        return []
    have = {
        "NONE": _("nothing disclosed"),
        "DUE_DILIGENCE": _("only due diligence on record"),
        "PARTIAL": _("partial"),
    }
    items = [
        _("{subject} (due {date}, {level})").format(
            subject=narrative.request_subject(row.scope, names.product_model(row.product_model_id)),
            date=day(row.due_on),
            level=have[row.level_now],
        )  # fmt: skip
        for row in late.sort_values(["due_on", "request_id"]).itertuples(index=False)
    ]
    names_asked = (late["scope"] != "compliance_findings").any()
    findings_asked = (late["scope"] == "compliance_findings").any()
    if names_asked and findings_asked:
        follow = _("When will the complete legal names and addresses and the full findings follow?")
    elif names_asked:
        follow = _("When will the complete legal names and addresses follow?")
    else:
        follow = _("When will the full findings follow?")
    head = ngettext(
        "{n} disclosure request is past the deadline without a full disclosure: {items}.",
        "{n} disclosure requests are past the deadline without a full disclosure: {items}.",
        len(late),
    ).format(n=len(late), items=_listing(items))
    return [(TOPICS[0], f"{head} {follow}")]


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
    parts = [
        f"{counts[s]} {_(SEVERITY_WORDS[s])}" for s in ("critical", "major", "minor") if counts.get(s, 0)
    ]
    n = len(still)
    text = ngettext(
        "{counts} finding not yet verified as remedied. What is the timetable for remediation and its "
        "verification, starting with the most severe?",
        "{counts} findings not yet verified as remedied. What is the timetable for remediation and its "
        "verification, starting with the most severe?",
        n,
    )
    return [(TOPICS[1], text.format(counts=", ".join(parts)))]


SEVERITY_WORDS = {"critical": N_("critical"), "major": N_("major"), "minor": N_("minor")}
"""Severities within a count ("2 critical, 1 major findings")."""


def _cases(why, evidence, names: Names, stale_days: int) -> list[tuple[str, str]]:
    facts = narrative.case_facts(why, evidence).set_index("case_id")
    as_of = pd.Timestamp(why.as_of)
    e = evidence.events
    retaliation, unacknowledged, no_access, stale = [], [], [], []
    scored = why.cases[why.cases["status"] == "scored"].sort_values(["opened_on", "case_id"])
    for row in scored.itertuples(index=False):
        fact = facts.loc[row.case_id]
        where = names.factory(row.factory_id)
        opened = day(row.opened_on)
        if fact["status"] == "retaliation":
            when = e.loc[
                (e["case_id"] == row.case_id)
                & (e["event_type"] == "retaliation_confirmed")
                & (e["event_date"] <= as_of),
                "event_date",
            ].min()
            retaliation.append(
                _("{factory} (report opened {opened}, retaliation confirmed {date})").format(
                    factory=where, opened=opened, date=day(when)
                )
            )
        if not fact["acknowledged"]:
            unacknowledged.append(
                _("{factory} (opened {opened}, {n} days ago)").format(
                    factory=where, opened=opened, n=fact["age_days"]
                )
            )
        if not fact["access"]:
            no_access.append(_("{factory} (opened {opened})").format(factory=where, opened=opened))
        quiet = (as_of - pd.Timestamp(fact["last_event"])).days
        if fact["status"] in ("open", "remediation in progress") and quiet >= stale_days:
            stale.append(
                _("{factory} (nothing since {date}, {n} days)").format(
                    factory=where, date=day(fact["last_event"]), n=quiet
                )
            )
    out = []
    if unacknowledged:
        text = ngettext(
            "{n} monitoring report has not been acknowledged: {items}. Why not, and when will they be?",
            "{n} monitoring reports have not been acknowledged: {items}. Why not, and when will they be?",
            len(unacknowledged),
        )
        out.append((TOPICS[2], text.format(n=len(unacknowledged), items=_listing(unacknowledged))))
    if no_access:
        text = ngettext(
            "Monitors have had no access to the factory of {n} monitoring report: {items}. When will access be "
            "granted?",
            "Monitors have had no access to the factory of {n} monitoring reports: {items}. When will access be "
            "granted?",
            len(no_access),
        )
        out.append((TOPICS[3], text.format(n=len(no_access), items=_listing(no_access))))
    if stale:
        text = ngettext(
            "{n} case shows no progress for {days} days or more: {items}. What is holding them up?",
            "{n} cases show no progress for {days} days or more: {items}. What is holding them up?",
            len(stale),
        )
        out.append((TOPICS[4], text.format(n=len(stale), days=stale_days, items=_listing(stale))))
    if retaliation:
        text = ngettext(
            "Retaliation against workers was confirmed in {n} case: {items}. What has been done to remedy it and "
            "to prevent it from happening again?",
            "Retaliation against workers was confirmed in {n} cases: {items}. What has been done to remedy it and "
            "to prevent it from happening again?",
            len(retaliation),
        )
        out.append((TOPICS[5], text.format(n=len(retaliation), items=_listing(retaliation))))
    return out


def _actions(actions: pd.DataFrame | None, names: Names, top: int) -> list[tuple[str, str]]:
    if actions is None or actions.empty:
        return []
    return [
        (TOPICS[6], _("{action}. Will the company commit to it?").format(action=text))
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
    frame = frame.sort_values("Topic", key=lambda s: s.map(order), kind="stable").reset_index(drop=True)
    frame["Topic"] = frame["Topic"].map(_)  # the topic in the current language (English: as it is)
    return frame
