"""Expectations: what an affiliate expects of a contracted company, by when (issue 14).

A score (`sct`, `fi`, `overall`: target 0-100) or a band (target: a band name) to reach by
`due_on`, or a specific improvement action (`action`: target `action:target_id`, from
METHODOLOGY.md section 4). Written through the one-writer publish path (`add`), exported
and imported like the evidence tables.

Who sees which (the same rule as contracts): staff every expectation; an affiliate its own;
a company the expectations about itself. Who set one is shown as the organisation, never as
a sign-in name (`visible`: the affiliate's name, or "CPT staff"); the username stays in the
table and the audit log, for staff.

Status at a quarter end `as_of` (`assess`), for scores and bands, reading the quarterly
series under the methodology in force:

* met: the target is reached at the last quarter end on or before the due date (or at
  `as_of`, if that is earlier);
* missed: the due date has passed (on or before `as_of`) and the target was not reached;
* on track: not due yet, not reached yet, and the score has risen since the quarter end
  before the expectation was set;
* behind: not due yet, not reached, and the score has not risen (or is n/a);
* an action (`disclose:RQ1`, `acknowledge:CS1`, `grant_access:CS1`, `submit_plan:CS1`,
  `submit_evidence:FN1`, `verify:FN1`) is met when its evidence exists by the due date
  (disclose: the request's level is FULL), missed when the due date passed without it, and
  open before the due date; an action this tracker does not know is not assessed.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

from data.queries.contracts import Viewer
from data.queries.named import query
from data.store import writes
from data.store.tables import BANDS, EXPECTATION_KINDS, MAX_TEXT_LENGTH
from wording import i18n, labels, narrative
from wording.i18n import N_, _

SCORES = ("sct", "fi", "overall")
ACTIONS = ("disclose", "acknowledge", "grant_access", "submit_plan", "submit_evidence", "verify")
WHAT_LABELS = labels.EXPECTATION_LABELS


class ExpectationError(ValueError):
    """A bad expectation (the message says what to change)."""


def check(what: str, target: str, due_on: date | None) -> str:
    """The target as stored, or ExpectationError naming the problem."""
    if what not in EXPECTATION_KINDS:
        raise ExpectationError(f"what must be one of: {', '.join(EXPECTATION_KINDS)}")
    target = str(target).strip()
    if what in SCORES:
        try:
            value = float(target)
        except ValueError:
            raise ExpectationError("the target score must be a number from 0 to 100") from None
        if not 0 <= value <= 100:
            raise ExpectationError("the target score must be a number from 0 to 100")
        target = f"{value:g}"
    elif what == "band" and target not in BANDS:
        raise ExpectationError(f"the target band must be one of: {', '.join(BANDS)}")
    elif what == "action":
        kind, _sep, target_id = target.partition(":")
        if kind not in ACTIONS or not target_id.strip():
            raise ExpectationError(
                f"name the action expected as action:target_id, with action one of {', '.join(ACTIONS)} "
                "(e.g. verify:FN000123)"
            )
        target = f"{kind}:{target_id.strip()}"
    if due_on is None:
        raise ExpectationError("a due date is required")
    return target


def add(
    path: Path,
    *,
    affiliate_id: str,
    company_id: str,
    what: str,
    target: str,
    due_on: date,
    note: str | None,
    who: str,
    today: date | None = None,
) -> str:
    """Record one expectation (published atomically, with an audit log entry); its id. A note
    longer than MAX_TEXT_LENGTH characters is refused (ExpectationError), as the importer does."""
    target = check(what, target, due_on)
    if note is not None and len(note) > MAX_TEXT_LENGTH:
        raise ExpectationError(
            f"the note is {len(note):,} characters long; at most {MAX_TEXT_LENGTH:,} are allowed in note"
        )
    expectation_id = f"EX{uuid.uuid4().hex[:12].upper()}"
    set_on = today or date.today()

    def change(con: duckdb.DuckDBPyConnection) -> None:
        con.execute(
            "INSERT INTO expectations VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [expectation_id, affiliate_id, company_id, what, target, due_on, note or None, who, set_on],
        )
        con.execute(
            "INSERT INTO audit_log (who, action, detail) VALUES (?, 'expectation', ?)",
            [who, f"{expectation_id}: {affiliate_id} expects {what} {target} of {company_id} by {due_on}"],
        )

    writes.publish(path, change)
    return expectation_id


# Whether an expected improvement action (METHODOLOGY.md section 4, target "action:target_id")
# has been done by the date judged: its evidence exists by then.
_ACTION_DONE = query("expectations_action_done")


def visible(
    cur: duckdb.DuckDBPyConnection, viewer: Viewer, company_id: str | None = None, as_of: date | None = None
) -> pd.DataFrame:
    """The expectations the viewer may see (of one company, or all), with names (`set_by`: the
    organisation that set it, not the account); for an action
    expectation, `action_done`: whether its evidence exists by the due date or `as_of` (default
    today), whichever is earlier (null for other kinds or an action this tracker does not know)."""
    params = {**viewer.params(), "company": company_id, "as_of": as_of or date.today()}
    sql = f"""
        SELECT x.expectation_id, x.affiliate_id, a.name AS affiliate, x.company_id, c.name AS company,
               x.what, x.target, x.due_on, x.note,
               -- the organisation that set it, never a username (issue 20, item 9)
               CASE WHEN u.role = 'admin' THEN 'CPT staff' ELSE a.name END AS set_by, x.set_on,
               CASE WHEN x.what = 'action' THEN {_ACTION_DONE} END AS action_done
        FROM expectations x JOIN affiliates a USING (affiliate_id) JOIN companies c USING (company_id)
             LEFT JOIN users u ON u.username = x.set_by,
             LATERAL (SELECT least(x.due_on, $as_of::DATE) AS judged_on) j
        WHERE ($company IS NULL OR x.company_id = $company)
          AND ($role = 'admin' OR ($role = 'affiliate' AND x.affiliate_id = $aff)
               OR ($role = 'company' AND x.company_id = $comp))
        ORDER BY x.due_on, x.expectation_id
        """  # noqa: S608 - a constant SQL piece, values are $parameters
    return cur.execute(sql, params).df()


def _value(row: pd.Series, what: str) -> float | None:
    if what == "band":
        band = row.get("band")
        return float(BANDS.index(band)) if isinstance(band, str) and band in BANDS else None
    value = row.get(what)
    return None if value is None or pd.isna(value) else float(value)


def _shown(value: object) -> str:
    """A score with one decimal, a band by name, n/a for a score that does not apply."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "n/a"
    return value if isinstance(value, str) else f"{float(value):.1f}"


def _goal(what: str, target: str) -> float:
    return float(BANDS.index(target)) if what == "band" else float(target)


def assess(
    expectations: pd.DataFrame, series: pd.DataFrame, as_of: date, today: date | None = None
) -> pd.DataFrame:
    """`expectations` with `status` and `value` (the score or band at the quarter end judged,
    as text: one decimal, a band name, or n/a; for an action, done or not done). Scores are
    judged at quarter ends up to `as_of`; actions by their evidence up to `today` (the
    `action_done` column of `visible`)."""
    out = expectations.copy()
    today = today or date.today()
    statuses, values = [], []
    series = series[series["company_id"].isin(set(out["company_id"]))]  # only the companies judged
    scores = series.assign(as_of=pd.to_datetime(series["as_of"]).dt.date)
    for row in out.itertuples(index=False):
        if row.what == "action":
            done = getattr(row, "action_done", None)
            due = pd.Timestamp(row.due_on).date()
            if done is None or pd.isna(done):
                statuses.append("not assessed")
            else:
                statuses.append("met" if done else "missed" if due < today else "open")
            values.append("" if done is None or pd.isna(done) else "done" if done else "not done")
            continue
        history = scores[scores["company_id"] == row.company_id].sort_values("as_of")
        due = pd.Timestamp(row.due_on).date()
        cutoff = min(due, as_of)
        upto = history[history["as_of"] <= cutoff]
        now = _value(upto.iloc[-1], row.what) if len(upto) else None
        values.append(_shown(upto.iloc[-1][row.what]) if len(upto) else "n/a")
        goal = _goal(row.what, row.target)
        if now is not None and now >= goal:
            statuses.append("met")
        elif due <= as_of:
            statuses.append("missed")
        else:
            before = history[history["as_of"] < pd.Timestamp(row.set_on).date()]
            base = _value(before.iloc[-1], row.what) if len(before) else None
            statuses.append("on track" if now is not None and base is not None and now > base else "behind")
    out["status"] = statuses
    out["value"] = values
    return out


REPORT_COLUMNS = ["Affiliate", "Expectation", "Target", "Due", "Status", "Value at the date", "Note"]
STATUS_WORDS = {
    "met": N_("met"), "missed": N_("missed"), "open": N_("open"), "on track": N_("on track"),
    "behind": N_("behind"), "not assessed": N_("not assessed"), "done": N_("done"), "not done": N_("not done"),
}  # fmt: skip
"""`assess`'s statuses and action values as a report says them (translated where shown)."""


def _said(value: object) -> object:
    """A status, value or target of `assess` in the current language: words through the catalog,
    a band by its official name, a score with the locale's decimal mark ("51,3")."""
    if not isinstance(value, str):
        return value
    if value in STATUS_WORDS:
        return _(STATUS_WORDS[value])
    if value in BANDS or value == "n/a":
        return _(value)
    if i18n.current() != i18n.SOURCE:
        try:
            return narrative.one_decimal(float(value)) if "." in value else value
        except ValueError:
            return value
    return value


def report_table(assessed: pd.DataFrame, action_words: Callable[[str], str] | None = None) -> pd.DataFrame:
    """Assessed expectations (`assess`) as a report shows them: words and dates as text; an
    action's target through `action_words` (wording.narrative.expected_action_text), so no
    ids; the earliest due first."""
    if assessed.empty:
        return pd.DataFrame(columns=REPORT_COLUMNS)
    words = action_words or str
    return pd.DataFrame(
        {
            "Affiliate": assessed["affiliate"],
            "Expectation": [_(WHAT_LABELS[w]) if w in WHAT_LABELS else w for w in assessed["what"]],
            "Target": [
                words(t) if w == "action" else _said(t)
                for w, t in zip(assessed["what"], assessed["target"], strict=True)
            ],
            "Due": [narrative.day(d) for d in pd.to_datetime(assessed["due_on"])],
            "Status": [_said(s) for s in assessed["status"]],
            "Value at the date": [_said(v) for v in assessed["value"]],
            "Note": assessed["note"].fillna(""),
        }
    ).reset_index(drop=True)


def briefing_lines(table: pd.DataFrame, limit: int = 5) -> list[str]:
    """A `report_table` as short lines for the one-page briefing: "Overall score 60 by
    2027-06-27: on track (51.3)", an action by its words alone, the affiliate named when
    there are several; at most `limit` lines (the earliest due), then how many more."""
    several = table["Affiliate"].nunique() > 1
    lines = []
    for row in table.head(limit).to_dict("records"):
        value = row["Value at the date"]
        action = row["Expectation"] == _(WHAT_LABELS["action"])
        what = row["Target"] if action else f"{row['Expectation']} {row['Target']}"
        line = _("{what} by {date}: {status}").format(what=what, date=row["Due"], status=row["Status"]) + (
            f" ({value})" if value else ""
        )
        lines.append(f"{line}; {row['Affiliate']}" if several else line)
    if len(table) > limit:
        lines.append(_("... and {n} more (the company report lists them all).").format(n=len(table) - limit))
    return lines
