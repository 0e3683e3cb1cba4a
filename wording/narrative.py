"""Explanations in words: the 'why this score' tables and the changes between two quarters,
as a reader sees them (names, human labels, dates without times, one decimal, no ids).

Pure pandas over `scoring.explain()` output and the company's `Evidence`; names come in
as a plain mapping id -> name (factory legal names and product model names), so the
caller decides which names are shown (real names or presentation-mode pseudonyms).
No Streamlit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd

from scoring import params
from scoring.evidence import Evidence
from scoring.facts import CASE_STATUSES as CASE_STATUSES
from scoring.facts import ENGAGEMENT_EVENTS, case_status
from wording import labels

NA = "n/a"
DASH = "—"
MINUS = "−"

SCOPE_LABELS = labels.SCOPE_LABELS
LEVEL_LABELS = labels.LEVEL_LABELS
SEVERITY_LABELS = {code: label.lower() for code, label in labels.SEVERITY_LABELS.items()}  # within a sentence
SEVERITY_ORDER = {"minor": 1, "major": 2, "critical": 3}
SCORE_NAMES = labels.SCORE_NAMES


# ---------------------------------------------------------------- numbers and dates


def is_na(value: object) -> bool:
    return value is None or (isinstance(value, float | np.floating) and np.isnan(value)) or value is pd.NA


def round_half_up(value: float, decimals: int = 1) -> float:
    """`value` rounded half-up (ties away from zero) on its exact decimal value: what every
    screen, table and report shows, so 84.15 is never 84.1 in one place and 84.2 in another."""
    step = Decimal(1).scaleb(-decimals)
    return float(Decimal(float(value)).quantize(step, rounding=ROUND_HALF_UP))


def one_decimal(value: object, na: str = NA) -> str:
    """A score or points with one decimal, rounded half-up; `na` when not applicable."""
    if is_na(value):
        return na
    text = f"{round_half_up(float(value)):.1f}"
    return "0.0" if text == "-0.0" else text


def signed(value: float) -> str:
    """A change with its sign: '+4.2', '−25.3' (a real minus sign), '±0.0'."""
    text = one_decimal(abs(value))
    if text == "0.0":
        return "±0.0"
    return f"+{text}" if value > 0 else f"{MINUS}{text}"


def percent(fraction: object) -> str:
    """A credit (0..1) as a percentage: 0.35 -> '35%', 0.125 -> '12.5%'."""
    if is_na(fraction):
        return DASH
    text = one_decimal(100 * float(fraction))
    return (text[:-2] if text.endswith(".0") else text) + "%"


def number(value: object) -> str:
    """A weight: '3', '2.5'; a dash when there is none."""
    if is_na(value):
        return DASH
    text = one_decimal(value)
    return text[:-2] if text.endswith(".0") else text


def day(value: object) -> str:
    """A date as YYYY-MM-DD (never a time); a dash when missing."""
    if is_na(value) or value is pd.NaT:
        return DASH
    return pd.Timestamp(value).strftime("%Y-%m-%d")


# ---------------------------------------------------------------- names


@dataclass(frozen=True)
class Names:
    """Display names of the entities a company's explanation mentions."""

    factories: Mapping[str, str]
    product_models: Mapping[str, str]

    @classmethod
    def from_frame(cls, frame: pd.DataFrame) -> Names:
        """From `data.queries.companies.company_names` rows (factory_id, legal_name, product_model_id,
        product_model)."""
        if frame is None or frame.empty:
            return cls({}, {})
        f = frame[frame["factory_id"].notna()]
        p = frame[frame["product_model_id"].notna()]
        return cls(
            dict(zip(f["factory_id"], f["legal_name"], strict=True)),
            dict(zip(p["product_model_id"], p["product_model"], strict=True)),
        )

    def factory(self, factory_id: object) -> str:
        if is_na(factory_id):
            return "an unnamed factory"
        return str(self.factories.get(factory_id, "an unnamed factory"))

    def product_model(self, product_model_id: object) -> str | None:
        if is_na(product_model_id):
            return None
        return str(self.product_models.get(product_model_id, "an unnamed product model"))


def request_subject(scope: str, product_model: str | None) -> str:
    """What a request asks for, in words: 'the final-assembly factories of Kestrel Book 14'."""
    of = f" of {product_model}" if product_model else " of its products"
    if scope == "final_assembly":
        return f"the final-assembly factories{of}"
    if scope == "components":
        return f"the component factories{of}"
    return f"the compliance findings{' for ' + product_model if product_model else ''}"


# ---------------------------------------------------------------- why this score: requests


def _request_why(row: pd.Series, m: params.Methodology, as_of: pd.Timestamp) -> str:
    if row["status"] != "scored":
        if row["weight"] == 0:
            return f"{SCOPE_LABELS.get(row['scope'], 'These')} requests are not scored under {m.version}."
        if row["status"] == "outside window":
            return f"Due more than {m.sct_window_days} days before {day(as_of)}: no longer counted."
        return "Not due yet, and no complete disclosure yet."
    now, deadline = LEVEL_LABELS[row["level_now"]], LEVEL_LABELS[row["level_by_deadline"]]
    if as_of <= row["due_on"]:
        return f"Not past its deadline: the level now counts ({now}, {percent(row['credit'])})."
    if row["late_factor_applied"]:
        return (
            f"{deadline} by the deadline; {now} later counts at the late factor {m.late_factor:g} "
            f"→ {percent(row['credit'])}."
        )
    return f"{deadline} by the deadline → {percent(row['credit'])}."


def _disclosure_evidence(evidence: Evidence, names: Names, as_of: pd.Timestamp) -> dict[str, str]:
    """Per request: the factories disclosed and the due-diligence records dated by `as_of`."""
    parts: dict[str, list[str]] = {}
    d = evidence.disclosures
    d = d[d["disclosed_on"] <= as_of].sort_values(["disclosed_on", "factory_id"])
    for r in d.itertuples(index=False):
        state = "complete" if r.complete else "incomplete"
        parts.setdefault(r.request_id, []).append(
            f"{names.factory(r.factory_id)}: {state} {day(r.disclosed_on)}"
        )
    dd = evidence.due_diligence
    dd = dd[dd["recorded_on"] <= as_of].sort_values("recorded_on")
    for r in dd.itertuples(index=False):
        parts.setdefault(r.request_id, []).append(f"due diligence recorded {day(r.recorded_on)}")
    return {k: "; ".join(v) for k, v in parts.items()}


def request_table(
    why,
    evidence: Evidence,
    names: Names,
    sources: dict[str, str] | None = None,
    disputed: Mapping[str, str] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The company's disclosure requests in words: (scored, left out of the score).

    Every cell is text: names, labels, dates, percentages and one decimal. `sources`: a link
    to the source document per request id (data/queries/documents.py), as a "Source" column.
    `disputed` (request id -> the mark of the company's open disputes, wording/disputes.py)
    adds a "Disputed" column.
    """
    m = params.VERSIONS[why.methodology]
    as_of = pd.Timestamp(why.as_of)
    req = why.requests
    if req.empty:
        empty = pd.DataFrame(columns=["Product model", "Asked for", "Due", "Why"])
        return empty, empty
    shown_evidence = _disclosure_evidence(evidence, names, as_of)
    table = pd.DataFrame(
        {
            "Product model": [names.product_model(p) or "All products" for p in req["product_model_id"]],
            "Asked for": req["scope"].map(SCOPE_LABELS),
            "Due": req["due_on"].map(day),
            "By the deadline": req["level_by_deadline"].map(LEVEL_LABELS),
            "Now": req["level_now"].map(LEVEL_LABELS),
            "Credit": req["credit"].map(percent),
            "Weight": req["weight"].map(number),
            "Points": req["points"].map(lambda v: one_decimal(v, DASH)),
            "Why": [_request_why(r, m, as_of) for _, r in req.iterrows()],
            "Evidence": [shown_evidence.get(r, "No response") for r in req["request_id"]],
        }
    )
    short = ["Product model", "Asked for", "Due", "Now", "Why"]
    if sources is not None:
        table["Source"] = [sources.get(str(r), "") for r in req["request_id"]]
        short.append("Source")
    if disputed:
        table["Disputed"] = [disputed.get(r, "") for r in req["request_id"]]
        short.append("Disputed")
    scored = (req["status"] == "scored").to_numpy()
    left = table[~scored][short]
    return table[scored].reset_index(drop=True), left.reset_index(drop=True)


# ---------------------------------------------------------------- why this score: cases


def case_facts(why, evidence: Evidence) -> pd.DataFrame:
    """Per case of the explanation: status in words, age in days, most severe finding, counts."""
    as_of = pd.Timestamp(why.as_of)
    events = evidence.events[evidence.events["event_date"] <= as_of]
    findings = evidence.findings
    rows = []
    for case in why.cases.itertuples(index=False):
        f = findings[findings["case_id"] == case.case_id]
        e = events[events["case_id"] == case.case_id]
        types = set(e["event_type"])
        verified = set(e.loc[e["event_type"] == "verified", "finding_id"])
        evidenced = set(e.loc[e["event_type"] == "evidence_submitted", "finding_id"]) | verified
        status = case_status(
            findings=len(f),
            verified=len(set(f["finding_id"]) & verified),
            engaged=bool(types & set(ENGAGEMENT_EVENTS)),
            retaliation="retaliation_confirmed" in types,
        )
        worst = max(f["severity"], key=SEVERITY_ORDER.get) if len(f) else None
        last = (
            max([pd.Timestamp(case.opened_on), *e["event_date"]]) if len(e) else pd.Timestamp(case.opened_on)
        )
        rows.append(
            {
                "case_id": case.case_id,
                "status": status,
                "age_days": max(0, (as_of - pd.Timestamp(case.opened_on)).days),
                "worst": worst,
                "findings": len(f),
                "verified": len(set(f["finding_id"]) & verified),
                "evidenced": len(set(f["finding_id"]) & evidenced),
                "acknowledged": "acknowledged" in types,
                "access": "access_granted" in types,
                "plan": "plan_submitted" in types,
                "last_event": last,
            }
        )
    return pd.DataFrame(
        rows,
        columns=["case_id", "status", "age_days", "worst", "findings", "verified", "evidenced",
                 "acknowledged", "access", "plan", "last_event"],
    )  # fmt: skip


def _case_why(row, m: params.Methodology) -> str:
    if row.status != "scored":
        if row.status == "opened after date":
            return "Opened after the assessment date."
        return "The report has no findings: not scored."
    ack = row.ack_points
    ack_text = (
        f"acknowledged within {m.ack_window_days} days {one_decimal(ack)}"
        if ack == m.ack_on_time_points
        else ("acknowledged late " + one_decimal(ack) if ack > 0 else "not acknowledged 0.0")
    )
    text = (
        f"{ack_text} + access {one_decimal(row.access_points)} + plan {one_decimal(row.plan_points)}"
        f" + evidence {one_decimal(row.evidence_points)} + verified {one_decimal(row.verified_points)}"
    )
    if row.retaliation:
        text += f"; retaliation confirmed ({m.retaliation_rule()})"
    return text[0].upper() + text[1:] + f" = {one_decimal(row.case_score)}."


def case_table(
    why,
    evidence: Evidence,
    names: Names,
    sources: dict[str, str] | None = None,
    disputed: Mapping[str, str] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The company's monitoring cases in words: (scored, left out of the score); `sources`: a
    link to the source document per case id, as a "Source" column; `disputed` (case id -> the
    mark of the company's open disputes) adds a "Disputed" column."""
    m = params.VERSIONS[why.methodology]
    cases = why.cases
    if cases.empty:
        empty = pd.DataFrame(columns=["Factory", "Opened", "Why"])
        return empty, empty
    facts = case_facts(why, evidence).set_index("case_id")
    table = pd.DataFrame(
        {
            "Factory": cases["factory_id"].map(names.factory),
            "Opened": cases["opened_on"].map(day),
            "Status": [facts.at[c, "status"] for c in cases["case_id"]],
            "Age (days)": [str(facts.at[c, "age_days"]) for c in cases["case_id"]],
            "Most severe finding": [
                (facts.at[c, "worst"] or DASH).capitalize() if facts.at[c, "worst"] else DASH
                for c in cases["case_id"]
            ],
            "Weight": cases["case_weight"].map(number),
            "Score": cases["case_score"].map(lambda v: one_decimal(v, DASH)),
            **{header: cases[c].map(one_decimal) for c, header in labels.case_points_headers(m).items()},
            "Findings verified": [
                f"{facts.at[c, 'verified']} of {facts.at[c, 'findings']}" for c in cases["case_id"]
            ],
            "Why": [_case_why(r, m) for r in cases.itertuples(index=False)],
        }
    )
    short = ["Factory", "Opened", "Why"]
    if sources is not None:
        table["Source"] = [sources.get(str(c), "") for c in cases["case_id"]]
        short.append("Source")
    if disputed:
        table["Disputed"] = [disputed.get(c, "") for c in cases["case_id"]]
        short.append("Disputed")
    scored = (cases["status"] == "scored").to_numpy()
    left = table[~scored][short]
    return table[scored].reset_index(drop=True), left.reset_index(drop=True)


# ---------------------------------------------------------------- what changed since the previous quarter


def _sct_of(states: dict[str, tuple[float, float]]) -> float:
    w = sum(s[0] for s in states.values())
    return 100 * sum(s[1] for s in states.values()) / w if w > 0 else np.nan


def _fi_of(states: dict[str, tuple[float, float]]) -> float:
    w = sum(s[0] for s in states.values())
    return sum(s[0] * s[1] for s in states.values()) / w if w > 0 else np.nan


def _request_states(why) -> dict[str, tuple[float, float]]:
    r = why.requests
    r = r[r["status"] == "scored"]
    return {
        k: (float(w), float(p)) for k, w, p in zip(r["request_id"], r["weight"], r["points"], strict=True)
    }


def _case_states(why) -> dict[str, tuple[float, float]]:
    c = why.cases
    c = c[c["status"] == "scored"]
    return {
        k: (float(w), float(s))
        for k, w, s in zip(c["case_id"], c["case_weight"], c["case_score"], strict=True)
    }


def _effects(now: dict, before: dict, total) -> dict[str, float]:
    """Per changed item: the score now minus the score with that item as it was before
    (its effect on its own; the effects add up to the change when one item moved)."""
    changed = [k for k in now.keys() | before.keys() if now.get(k) != before.get(k)]
    whole = total(now)
    out = {}
    for key in changed:
        other = dict(now)
        if key in before:
            other[key] = before[key]
        else:
            other.pop(key, None)
        out[key] = whole - total(other)
    return out


EVENT_WORDS = {
    "acknowledged": "acknowledged the report",
    "access_granted": "gave monitors access",
    "plan_submitted": "submitted a remediation plan",
    "evidence_submitted": "remediation evidence",
    "verified": "remediation verified",
    "retaliation_confirmed": "retaliation confirmed",
}


def _case_events_between(evidence: Evidence, case_id: str, start: pd.Timestamp, end: pd.Timestamp) -> str:
    e = evidence.events
    e = e[(e["case_id"] == case_id) & (e["event_date"] > start) & (e["event_date"] <= end)]
    parts = []
    for kind, words in EVENT_WORDS.items():
        part = e[e["event_type"] == kind]
        if part.empty:
            continue
        last = part["event_date"].max()
        if kind in ("evidence_submitted", "verified"):
            n = part["finding_id"].nunique()
            parts.append((last, f"{words} for {n} finding{'s' if n != 1 else ''} ({day(last)})"))
        else:
            parts.append((last, f"{words} {day(last)}"))
    return ", ".join(text for _, text in sorted(parts))


def _disclosures_between(
    evidence: Evidence, names: Names, request_id: str, start: pd.Timestamp, end: pd.Timestamp
) -> str:
    d = evidence.disclosures
    d = d[(d["request_id"] == request_id) & (d["disclosed_on"] > start) & (d["disclosed_on"] <= end)]
    parts = [
        f"{names.factory(r.factory_id)} disclosed {'completely' if r.complete else 'incompletely'} {day(r.disclosed_on)}"
        for r in d.sort_values(["disclosed_on", "factory_id"]).itertuples(index=False)
    ]
    dd = evidence.due_diligence
    dd = dd[(dd["request_id"] == request_id) & (dd["recorded_on"] > start) & (dd["recorded_on"] <= end)]
    parts += [f"due diligence recorded {day(v)}" for v in sorted(dd["recorded_on"])]
    return "; ".join(parts)


def _request_sentence(key: str, now, before, evidence: Evidence, names: Names) -> str:
    rows_now = now.requests.set_index("request_id")
    rows_before = before.requests.set_index("request_id")
    row = rows_now.loc[key] if key in rows_now.index else rows_before.loc[key]
    subject = request_subject(row["scope"], names.product_model(row["product_model_id"]))
    due = day(row["due_on"])
    start, end = pd.Timestamp(before.as_of), pd.Timestamp(now.as_of)
    was_scored = key in rows_before.index and rows_before.at[key, "status"] == "scored"
    is_scored = key in rows_now.index and rows_now.at[key, "status"] == "scored"
    new_evidence = _disclosures_between(evidence, names, key, start, end)
    tail = f" ({new_evidence})" if new_evidence else ""
    if is_scored and not was_scored:
        r = rows_now.loc[key]
        if pd.Timestamp(r["due_on"]) > end:
            level = LEVEL_LABELS[r["level_now"]].lower()
            return f"{subject}: {level} ahead of the deadline {due}{tail} counts at once, credit {percent(r['credit'])}"
        level = LEVEL_LABELS[r["level_by_deadline"]]
        return (
            f"request for {subject} fell due {due} with {level.lower()}{tail}: credit {percent(r['credit'])}"
        )
    if was_scored and not is_scored:
        r = rows_before.loc[key]
        status = rows_now.at[key, "status"] if key in rows_now.index else ""
        if status == "outside window":
            return f"request for {subject}, due {due}, left the scoring window (it earned {percent(r['credit'])})"
        return f"request for {subject}, due {due}, no longer counts (it earned {percent(r['credit'])})"
    a, b = rows_before.loc[key], rows_now.loc[key]
    levels = (
        f"{LEVEL_LABELS[b['level_now']].lower()} now (was {LEVEL_LABELS[a['level_now']].lower()})"
        if a["level_now"] != b["level_now"]
        else LEVEL_LABELS[b["level_now"]].lower()
    )
    return f"{subject} (due {due}): {levels}{tail}, credit {percent(a['credit'])} → {percent(b['credit'])}"


def _case_sentence(key: str, now, before, evidence: Evidence, names: Names) -> str:
    rows_now = now.cases.set_index("case_id")
    rows_before = before.cases.set_index("case_id")
    row = rows_now.loc[key] if key in rows_now.index else rows_before.loc[key]
    factory = names.factory(row["factory_id"])
    opened = day(row["opened_on"])
    start, end = pd.Timestamp(before.as_of), pd.Timestamp(now.as_of)
    was_scored = key in rows_before.index and rows_before.at[key, "status"] == "scored"
    is_scored = key in rows_now.index and rows_now.at[key, "status"] == "scored"
    what = _case_events_between(evidence, key, start, end)
    if is_scored and not was_scored:
        f = evidence.findings[evidence.findings["case_id"] == key]
        worst = max(f["severity"], key=SEVERITY_ORDER.get) if len(f) else ""
        extra = f" ({what})" if what else ""
        return f"new {worst} case at {factory} opened {opened}{extra} scores {one_decimal(rows_now.at[key, 'case_score'])}"
    if was_scored and not is_scored:
        return f"case at {factory} opened {opened} no longer counts"
    a, b = rows_before.at[key, "case_score"], rows_now.at[key, "case_score"]
    because = f": {what}" if what else ""
    return f"case at {factory} opened {opened}{because}, scores {one_decimal(b)} (was {one_decimal(a)})"


def _item_sentences(now, before, evidence: Evidence, names: Names) -> list[tuple[float, str]]:
    out: list[tuple[float, str]] = []
    for label, states, total, sentence in (
        ("SCT", _request_states, _sct_of, _request_sentence),
        ("FI", _case_states, _fi_of, _case_sentence),
    ):
        after, prior = states(now), states(before)
        for key, effect in _effects(after, prior, total).items():
            text = sentence(key, now, before, evidence, names)
            head = (
                f"{label} {signed(effect)}"
                if not np.isnan(effect)
                else f"{label} {one_decimal(total(after))}"
            )
            out.append((0.0 if np.isnan(effect) else abs(effect), f"{head}: {text[0].upper()}{text[1:]}."))
    out.sort(key=lambda t: -t[0])
    return out


def _score_move(name: str, now: float, before: float) -> str:
    if is_na(now) and is_na(before):
        return f"{name} n/a"
    if is_na(before):
        return f"{name} {one_decimal(now)} (first scored)"
    if is_na(now):
        return f"{name} n/a (was {one_decimal(before)})"
    return f"{name} {signed(now - before)} ({one_decimal(before)} → {one_decimal(now)})"


def change_sentences(now, before, evidence: Evidence, names: Names, before_rescored=None) -> list[str]:
    """The change from one quarter end (`before`) to the next (`now`) in sentences, the
    evidence that caused each part first by size of effect.

    When the two dates fall under different methodology versions, pass `before_rescored`:
    the `before` date explained under `now`'s version. The change is then split into the
    methodology's effect (the same evidence rescored: before_rescored − before) and the
    evidence's effect (now − before_rescored), and the items are compared under `now`'s version.
    """
    lines = [
        f"Since {day(before.as_of)}: "
        + ", ".join(
            _score_move(SCORE_NAMES[k], getattr(now, k), getattr(before, k)) for k in ("overall", "sct", "fi")
        )
        + "."
    ]
    base = before
    if before_rescored is not None and before_rescored.methodology != before.methodology:
        for k in ("overall", "sct", "fi"):
            total = getattr(now, k) - getattr(before, k)
            method = getattr(before_rescored, k) - getattr(before, k)
            if any(is_na(v) for v in (total, method)):
                continue
            lines.append(
                f"{SCORE_NAMES[k]} {signed(total)}: {signed(method)} from the methodology change "
                f"({before.methodology} → {now.methodology}: the evidence of {day(before.as_of)} scores "
                f"{one_decimal(getattr(before_rescored, k))} under {now.methodology} instead of "
                f"{one_decimal(getattr(before, k))} under {before.methodology}), {signed(total - method)} from "
                "new evidence."
            )
        base = before_rescored
    items = _item_sentences(now, base, evidence, names)
    if not items:
        lines.append("No request or case changed its contribution." if base is before else
                     "No request or case changed its contribution under the new version.")  # fmt: skip
    lines += [text for _, text in items]
    return lines


# ---------------------------------------------------------------- how to improve

CODE_AREA_LABELS = {
    "wages": "wages",
    "working_hours": "working hours",
    "health_safety": "health and safety",
    "forced_labour": "forced labour",
    "child_labour": "child labour",
    "freedom_of_association": "freedom of association",
    "discrimination": "discrimination",
    "harsh_treatment": "harsh treatment",
    "employment_relationship": "employment relationship",
    "environment": "environment",
    "other": "other",
}


def _get(row: Mapping, key: str) -> object:
    value = row.get(key)
    return None if is_na(value) else value


def action_text(row: Mapping, names: Names) -> str:
    """One improvement action (a row of `scoring.actions()`) in words, without its gains."""
    action = row["action"]
    if action == "disclose":
        scope = _get(row, "scope") or ""
        subject = request_subject(scope, names.product_model(_get(row, "product_model_id")))
        due = f" (request due {day(row['due_on'])})" if _get(row, "due_on") is not None else ""
        if scope == "compliance_findings":
            return f"Share {subject.replace('the compliance', 'the full compliance')}{due}"
        verb = "Complete the disclosure of" if _get(row, "level_now") == "PARTIAL" else "Disclose"
        return f"{verb} {subject}{due}"
    factory = names.factory(_get(row, "factory_id"))
    opened = f" (report opened {day(row['opened_on'])})" if _get(row, "opened_on") is not None else ""
    if action == "acknowledge":
        return f"Acknowledge the monitoring report on {factory}{opened}"
    if action == "grant_access":
        return f"Give monitors access to {factory}{opened}"
    if action == "submit_plan":
        return f"Submit a remediation plan for {factory}{opened}"
    severity = SEVERITY_LABELS.get(_get(row, "severity") or "", "")
    area = CODE_AREA_LABELS.get(_get(row, "code_area") or "other", "other")
    area = "" if area == "other" else area
    finding = " ".join(p for p in (severity, area, "finding") if p)
    if action == "submit_evidence":
        return f"Submit remediation evidence for the {finding} at {factory}{opened}"
    if action == "verify":
        return f"Have the remediation of the {finding} at {factory} verified{opened}"
    return action.replace("_", " ").capitalize()


def expected_action_text(target: object, evidence: Evidence, names: Names) -> str:
    """An action expectation's target ("verify:FN1", data.queries.expectations) in words, as the
    improvement actions say it; the target as given when the evidence does not know it."""
    action, _, target_id = str(target).partition(":")
    row: dict[str, object] | None = None
    if action == "disclose":
        found = evidence.disclosure_requests[evidence.disclosure_requests["request_id"] == target_id]
        if len(found):
            r = found.iloc[0]
            row = {"scope": r["scope"], "product_model_id": r["product_model_id"], "due_on": r["due_on"]}
    elif action in ("acknowledge", "grant_access", "submit_plan"):
        found = evidence.cases[evidence.cases["case_id"] == target_id]
        if len(found):
            row = {"factory_id": found.iloc[0]["factory_id"], "opened_on": found.iloc[0]["opened_on"]}
    elif action in ("submit_evidence", "verify"):
        found = evidence.findings[evidence.findings["finding_id"] == target_id]
        if len(found):
            case = evidence.cases[evidence.cases["case_id"] == found.iloc[0]["case_id"]]
            row = {"severity": found.iloc[0]["severity"], "code_area": found.iloc[0]["code_area"],
                   "factory_id": case.iloc[0]["factory_id"] if len(case) else None,
                   "opened_on": case.iloc[0]["opened_on"] if len(case) else None}  # fmt: skip
    return str(target) if row is None else action_text({"action": action, **row}, names)


def gains_text(row: Mapping) -> str:
    """'+4.2 SCT, +1.7 overall' (a score the action does not move is left out)."""
    parts = [
        f"{signed(float(row[key]))} {label}"
        for key, label in (("sct_gain", "SCT"), ("fi_gain", "FI"), ("overall_gain", "overall"))
        if not is_na(row.get(key)) and signed(float(row[key])) != "±0.0"
    ]
    return ", ".join(parts) or "less than 0.05 points"


def action_sentences(actions: pd.DataFrame, names: Names) -> list[str]:
    """Each action with its gains: 'Disclose the final-assembly factories of Kestrel Book 14
    (request due 2024-03-31): +4.2 SCT, +1.7 overall'."""
    rows = actions.to_dict("records")
    return [f"{action_text(r, names)}: {gains_text(r)}" for r in rows]


def actions_table(actions: pd.DataFrame, names: Names) -> pd.DataFrame:
    """The action list as a table of text: what to do and what each score would gain."""
    rows = actions.to_dict("records")

    def gain(r: Mapping, key: str) -> str:
        text = DASH if is_na(r.get(key)) else signed(float(r[key]))
        return DASH if text == "±0.0" else text

    return pd.DataFrame(
        {
            "What to do": [action_text(r, names) for r in rows],
            "SCT": [gain(r, "sct_gain") for r in rows],
            "FI": [gain(r, "fi_gain") for r in rows],
            "Overall": [gain(r, "overall_gain") for r in rows],
        },
        columns=["What to do", "SCT", "FI", "Overall"],
    )


def next_band_sentences(plan, current_overall: float, names: Names) -> list[str]:
    """The next band and the shortest set of actions that reaches it (`scoring.next_band`),
    each with the overall score once it and those before it are done: the first line says
    where to, the others are the steps in order."""
    if plan is None:
        return []
    steps = plan.actions.to_dict("records")
    head = (
        f"To reach {plan.band} ({number(plan.lower)} or more) from {one_decimal(current_overall)}: "
        + (f"these {len(steps)} actions together" if len(steps) > 1 else "this action")
        + f" would take the overall score to {one_decimal(plan.overall_after[-1])}."
    )
    lines = [head]
    for row, overall in zip(steps, plan.overall_after, strict=True):
        lines.append(f"{action_text(row, names)}: overall {one_decimal(overall)} once done")
    return lines


# ---------------------------------------------------------------- summaries for reports


def why_summary(why, evidence: Evidence) -> list[str]:
    """Where the scores come from, in three sentences (SCT, FI, overall)."""
    m = params.VERSIONS[why.methodology]
    lines = []
    r = why.requests[why.requests["status"] == "scored"]
    if len(r):
        levels = r["level_now"].value_counts()
        parts = [f"{levels[k]} {LEVEL_LABELS[k].lower()}" for k in params.LEVELS if levels.get(k, 0)]
        late = int(r["late_factor_applied"].sum())
        lines.append(
            f"SCT {one_decimal(why.sct)}: {len(r)} disclosure request{'s' if len(r) != 1 else ''} counted "
            f"({', '.join(parts)})"
            + (f"; {late} answered after the deadline, at the late factor {m.late_factor:g}" if late else "")
            + "."
        )
    else:
        lines.append("SCT n/a: no disclosure request counts yet.")
    c = why.cases[why.cases["status"] == "scored"]
    if len(c):
        facts = case_facts(why, evidence)
        facts = facts[facts["case_id"].isin(c["case_id"])]
        statuses = facts["status"].value_counts()
        parts = [f"{statuses[s]} {s}" for s in CASE_STATUSES if statuses.get(s, 0)]
        lines.append(
            f"FI {one_decimal(why.fi)}: {len(c)} monitoring case{'s' if len(c) != 1 else ''} counted "
            f"({', '.join(parts)}); {int(facts['verified'].sum())} of {int(facts['findings'].sum())} findings "
            "verified as remedied."
        )
    else:
        lines.append("FI n/a: no monitoring report with findings yet.")
    if is_na(why.overall):
        lines.append("Overall n/a: neither score applies yet.")
    elif is_na(why.sct) or is_na(why.fi):
        lines.append(f"Overall {one_decimal(why.overall)}: the one score that applies; band {why.band}.")
    else:
        lines.append(
            f"Overall {one_decimal(why.overall)} = {m.overall_sct_weight:g} × SCT + {m.overall_fi_weight:g} × FI "
            f"under {m.version}: band {why.band}."
        )
    return lines


def open_findings_table(findings: pd.DataFrame) -> pd.DataFrame:
    """`data.queries.companies.open_findings` as shown: factory, opening date, labels, yes/no."""
    if findings.empty:
        return pd.DataFrame(columns=["Factory", "Opened", "Code area", "Severity", "Evidence submitted"])
    return pd.DataFrame(
        {
            "Factory": findings["factory"].fillna("an unnamed factory"),
            "Opened": findings["Opened"].map(day),
            "Code area": findings["Code area"].map(lambda a: CODE_AREA_LABELS.get(a, str(a)).capitalize()),
            "Severity": findings["Severity"].map(lambda s: str(s).capitalize()),
            "Evidence submitted": findings["Evidence submitted"].map(lambda b: "yes" if b else "no"),
        }
    )


def overdue_table(why, names: Names) -> pd.DataFrame:
    """Counted requests past their deadline with no response at all."""
    r = why.requests
    late = r[(r["status"] == "scored") & (r["level_now"] == "NONE") & (r["due_on"] < pd.Timestamp(why.as_of))]
    return pd.DataFrame(
        {
            "Product model": [names.product_model(p) or "All products" for p in late["product_model_id"]],
            "Asked for": late["scope"].map(SCOPE_LABELS).tolist(),
            "Due": late["due_on"].map(day).tolist(),
        },
        columns=["Product model", "Asked for", "Due"],
    )
