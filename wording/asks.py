"""For each improvement action: who asked for it, by when, and what evidence counts
(the "How to improve" panel; the actions and their gains are `scoring.actions`'s, unchanged).

Who asked: an affiliate when it set an expectation for exactly this action (issue 14:
`data.queries.expectations`, the target "verify:FN1"), else Electronics Watch, whose
disclosure request or monitoring report the action answers. By when: the affiliate's due
date; else the request's deadline; for an acknowledgement the version's acknowledgement
window; the other case actions have no deadline in the methodology. What counts: the
evidence METHODOLOGY.md scores for the action. No Streamlit.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

import pandas as pd

from scoring import params
from wording.i18n import N_, _
from wording.narrative import _factor, day, is_na

EW = "Electronics Watch"

EVIDENCE = {
    "disclose": N_(
        "a disclosure of every factory with its legal name and complete physical address "
        "(a name without the full address counts as partial)"
    ),
    "disclose_findings": N_("the full compliance findings shared (a summary counts as partial)"),
    "acknowledge": N_("a dated acknowledgement of the monitoring report"),
    "grant_access": N_("a record that the monitors got into the factory"),
    "submit_plan": N_("a remediation plan submitted for this report"),
    "submit_evidence": N_("remediation evidence for this finding (a verified remediation counts too)"),
    "verify": N_("the monitors' verification that this finding is remedied"),
}
"""What evidence counts for each action (translated where shown)."""
# who set an expectation when no name may be shown (presentation mode), in the reader's language
ASKERS = (N_("An affiliate"), N_("CPT staff"))


def expected_by_target(expectations: pd.DataFrame) -> dict[str, dict[str, object]]:
    """Action expectations by target ("verify:FN1"), the earliest due first wins; each with
    `set_by` (the organisation: the affiliate's name, or CPT staff) and `due_on`."""
    found: dict[str, dict[str, object]] = {}
    if expectations is None or expectations.empty or "what" not in expectations.columns:
        return found
    actions = expectations[expectations["what"] == "action"].sort_values("due_on", kind="stable")
    for row in actions.to_dict("records"):
        found.setdefault(str(row.get("target")), row)
    return found


def _get(row: Mapping, key: str) -> object:
    value = row.get(key)
    return None if is_na(value) else value


def ask(row: Mapping, m: params.Methodology, expected: Mapping[str, Mapping] | None = None) -> dict[str, str]:
    """Who asked, by when and what evidence counts, for one action (a row of `scoring.actions()`),
    under methodology version `m`, at the action list's date (`as_of`)."""
    action = str(row["action"])
    as_of = pd.Timestamp(row["as_of"]) if _get(row, "as_of") is not None else None
    wish = (expected or {}).get(f"{action}:{row.get('target_id')}")
    if action == "disclose":
        who = _("{ew}, in a disclosure request").format(ew=EW)
        due = _get(row, "due_on")
        if due is None:
            when = _("no deadline recorded")
        elif as_of is not None and pd.Timestamp(due) < as_of:
            when = _("was due {date}: what comes now counts × {factor} (late factor)").format(
                date=day(due), factor=_factor(m.late_factor)
            )
        else:
            when = _("by {date}").format(date=day(due))
        evidence = _(
            EVIDENCE["disclose_findings" if _get(row, "scope") == "compliance_findings" else "disclose"]
        )
    else:
        opened = _get(row, "opened_on")
        who = (
            _("{ew}, in its monitoring report of {date}").format(ew=EW, date=day(opened))
            if opened is not None
            else _("{ew}, in its monitoring report").format(ew=EW)
        )
        if action == "acknowledge" and opened is not None:
            window_end = pd.Timestamp(opened) + timedelta(days=m.ack_window_days)
            if as_of is not None and window_end < as_of:
                when = _(
                    "the {days}-day window closed {date}: acknowledging now earns {late} of {on_time} points"
                ).format(days=m.ack_window_days, date=day(window_end), late=_factor(m.ack_late_points),
                         on_time=_factor(m.ack_on_time_points))  # fmt: skip
            else:
                when = _("by {date} ({days} days after the report) for the full points").format(
                    date=day(window_end), days=m.ack_window_days
                )
        else:
            when = _("no deadline in the methodology: it counts from the day it is recorded")
        evidence = _(EVIDENCE[action]) if action in EVIDENCE else ""
    if wish is not None:
        asker = wish.get("set_by") or wish.get("affiliate") or ASKERS[0]
        who = _("{who}, in an expectation (and {also})").format(
            who=_(asker) if asker in ASKERS else asker, also=who
        )
        when = _("by {date} (the expectation's date); {when}").format(date=day(wish["due_on"]), when=when)
    return {"who": who, "when": when, "evidence": evidence}


def ask_line(row: Mapping, m: params.Methodology, expected: Mapping[str, Mapping] | None = None) -> str:
    """'Asked by …; by …; what counts: …' in one line."""
    said = ask(row, m, expected)
    return _("Asked by {who}; {when}; what counts: {evidence}.").format(**said)


def with_asks(table: pd.DataFrame, actions: pd.DataFrame, m: params.Methodology,
              expected: Mapping[str, Mapping] | None = None) -> pd.DataFrame:  # fmt: skip
    """`wording.narrative.actions_table` with who asked, by when and what counts (same rows)."""
    said = [ask(r, m, expected) for r in actions.to_dict("records")]
    return table.assign(
        **{"Asked by": [s["who"] for s in said], "By when": [s["when"] for s in said],
           "Evidence that counts": [s["evidence"] for s in said]}
    )  # fmt: skip
