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
from babel import Locale
from babel.numbers import format_decimal, format_percent

from scoring import params
from scoring.evidence import Evidence
from scoring.facts import CASE_STATUSES as CASE_STATUSES
from scoring.facts import ENGAGEMENT_EVENTS, case_status
from wording import i18n, labels
from wording.i18n import N_, _, ngettext

NA = "n/a"
DASH = "—"
MINUS = "−"

SCOPE_LABELS = labels.SCOPE_LABELS
LEVEL_LABELS = labels.LEVEL_LABELS
SEVERITY_LABELS = {code: label.lower() for code, label in labels.SEVERITY_LABELS.items()}  # within a sentence
CASE_STATUS_LABELS = {
    "open": N_("open"),
    "remediation in progress": N_("remediation in progress"),
    "verified": N_("verified"),
    "retaliation": N_("retaliation"),
}
"""scoring.facts.CASE_STATUSES as said in the current language (the English is the code itself)."""
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
    if not _english():
        return i18n.score(float(value))
    text = f"{round_half_up(float(value)):.1f}"
    return "0.0" if text == "-0.0" else text


def _english() -> bool:
    return i18n.current() == i18n.SOURCE


def _na() -> str:
    """'n/a' in the current language."""
    return _(NA)


def signed(value: float) -> str:
    """A change with its sign: '+4.2', '−25.3' (a real minus sign), '±0.0'."""
    text = one_decimal(abs(value))
    if text == one_decimal(0.0):
        return "±" + text
    return f"+{text}" if value > 0 else f"{MINUS}{text}"


def percent(fraction: object) -> str:
    """A credit (0..1) as a percentage: 0.35 -> '35%', 0.125 -> '12.5%'."""
    if is_na(fraction):
        return DASH
    if not _english():
        pattern = Locale.parse(i18n.current()).percent_formats[None].pattern
        pattern = pattern.replace("#,##0", "#,##0.#", 1)  # one decimal when there is one: "12,5 %"
        return format_percent(round_half_up(float(fraction), 3), format=pattern, locale=i18n.current())
    text = one_decimal(100 * float(fraction))
    return (text[:-2] if text.endswith(".0") else text) + "%"


def number(value: object) -> str:
    """A weight: '3', '2.5'; a dash when there is none."""
    if is_na(value):
        return DASH
    if not _english():
        return format_decimal(round_half_up(float(value)), format="#,##0.#", locale=i18n.current())
    text = one_decimal(value)
    return text[:-2] if text.endswith(".0") else text


def day(value: object) -> str:
    """A date as YYYY-MM-DD (never a time); a dash when missing."""
    if is_na(value) or value is pd.NaT:
        return DASH
    if not _english():
        return i18n.day(pd.Timestamp(value).date())
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
        if is_na(factory_id) or factory_id not in self.factories:
            return _("an unnamed factory")
        return str(self.factories[factory_id])

    def product_model(self, product_model_id: object) -> str | None:
        if is_na(product_model_id):
            return None
        if product_model_id not in self.product_models:
            return _("an unnamed product model")
        return str(self.product_models[product_model_id])


def request_subject(scope: str, product_model: str | None) -> str:
    """What a request asks for, in words: 'the final-assembly factories of Kestrel Book 14'."""
    if scope == "final_assembly":
        if product_model:
            return _("the final-assembly factories of {product_model}").format(product_model=product_model)
        return _("the final-assembly factories of its products")
    if scope == "components":
        if product_model:
            return _("the component factories of {product_model}").format(product_model=product_model)
        return _("the component factories of its products")
    if product_model:
        return _("the compliance findings for {product_model}").format(product_model=product_model)
    return _("the compliance findings")


def _level(code: object) -> str:
    """A response level in words in the current language ("Full disclosure")."""
    return _(LEVEL_LABELS[code])


def _lower(text: str) -> str:
    """`text` within a sentence: lower case, except in German (its nouns keep their capital)."""
    return text if i18n.current() == "de" else text.lower()


def retaliation_rule(m: params.Methodology) -> str:
    """`m.retaliation_rule()` in the current language ("case score = 0", "case score − 30, floor 0")."""
    if m.retaliation_penalty is None:
        return _("case score = 0")
    return _("case score − {penalty}, floor 0").format(penalty=_factor(m.retaliation_penalty))


def _factor(value: float) -> str:
    """A factor as the methodology states it (0.5; "0,5" in Spanish)."""
    return f"{value:g}" if _english() else format_decimal(value, locale=i18n.current())


# ---------------------------------------------------------------- why this score: requests


def _request_why(row: pd.Series, m: params.Methodology, as_of: pd.Timestamp) -> str:
    if row["status"] != "scored":
        if row["weight"] == 0:
            if row["scope"] in SCOPE_LABELS:
                return _("{scope} requests are not scored under {version}.").format(
                    scope=_(SCOPE_LABELS[row["scope"]]), version=m.version
                )
            return _("These requests are not scored under {version}.").format(version=m.version)
        if row["status"] == "outside window":
            return _("Due more than {days} days before {date}: no longer counted.").format(
                days=m.sct_window_days, date=day(as_of)
            )
        return _("Not due yet, and no complete disclosure yet.")
    now, deadline = _level(row["level_now"]), _level(row["level_by_deadline"])
    credit = percent(row["credit"])
    if as_of <= row["due_on"]:
        return _("Not past its deadline: the level now counts ({level}, {credit}).").format(
            level=now, credit=credit
        )
    if row["late_factor_applied"]:
        return _(
            "{by_deadline} by the deadline; {now} later counts at the late factor {factor} → {credit}."
        ).format(by_deadline=deadline, now=now, factor=_factor(m.late_factor), credit=credit)
    return _("{by_deadline} by the deadline → {credit}.").format(by_deadline=deadline, credit=credit)


def _disclosure_evidence(evidence: Evidence, names: Names, as_of: pd.Timestamp) -> dict[str, str]:
    """Per request: the factories disclosed and the due-diligence records dated by `as_of`."""
    parts: dict[str, list[str]] = {}
    d = evidence.disclosures
    d = d[d["disclosed_on"] <= as_of].sort_values(["disclosed_on", "factory_id"])
    for r in d.itertuples(index=False):
        state = _("{factory}: complete {date}") if r.complete else _("{factory}: incomplete {date}")
        parts.setdefault(r.request_id, []).append(
            state.format(factory=names.factory(r.factory_id), date=day(r.disclosed_on))
        )
    dd = evidence.due_diligence
    dd = dd[dd["recorded_on"] <= as_of].sort_values("recorded_on")
    for r in dd.itertuples(index=False):
        parts.setdefault(r.request_id, []).append(
            _("due diligence recorded {date}").format(date=day(r.recorded_on))
        )
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
            "Product model": [names.product_model(p) or _("All products") for p in req["product_model_id"]],
            "Asked for": req["scope"].map(lambda s: _(SCOPE_LABELS[s]) if s in SCOPE_LABELS else s),
            "Due": req["due_on"].map(day),
            "By the deadline": req["level_by_deadline"].map(_level),
            "Now": req["level_now"].map(_level),
            "Credit": req["credit"].map(percent),
            "Weight": req["weight"].map(number),
            "Points": req["points"].map(lambda v: one_decimal(v, DASH)),
            "Why": [_request_why(r, m, as_of) for _, r in req.iterrows()],
            "Evidence": [shown_evidence.get(r, _("No response")) for r in req["request_id"]],
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
            return _("Opened after the assessment date.")
        return _("The report has no findings: not scored.")
    ack = row.ack_points
    ack_text = (
        _("acknowledged within {days} days {points}").format(days=m.ack_window_days, points=one_decimal(ack))
        if ack == m.ack_on_time_points
        else (
            _("acknowledged late {points}").format(points=one_decimal(ack))
            if ack > 0
            else _("not acknowledged {points}").format(points=one_decimal(0.0))
        )
    )
    text = _("{acknowledged} + access {access} + plan {plan} + evidence {evidence} + verified {verified}").format(
        acknowledged=ack_text, access=one_decimal(row.access_points), plan=one_decimal(row.plan_points),
        evidence=one_decimal(row.evidence_points), verified=one_decimal(row.verified_points),
    )  # fmt: skip
    if row.retaliation:
        text = _("{points}; retaliation confirmed ({rule})").format(points=text, rule=retaliation_rule(m))
    return _("{points} = {score}.").format(
        points=text[0].upper() + text[1:], score=one_decimal(row.case_score)
    )


def _status(status: object) -> str:
    """A case's status in words in the current language."""
    return _(CASE_STATUS_LABELS[status]) if status in CASE_STATUS_LABELS else str(status)


def _status_count(status: str, n: int) -> str:
    """'2 open', '1 remediation in progress' (the status agrees with the count where a language wants it)."""
    forms = {
        "open": ngettext("{n} open", "{n} open", n),
        "remediation in progress": ngettext("{n} remediation in progress", "{n} remediation in progress", n),
        "verified": ngettext("{n} verified", "{n} verified", n),
        "retaliation": ngettext("{n} retaliation", "{n} retaliation", n),
    }
    return forms[status].format(n=n) if status in forms else f"{n} {status}"


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
            "Status": [_status(facts.at[c, "status"]) for c in cases["case_id"]],
            "Age (days)": [str(facts.at[c, "age_days"]) for c in cases["case_id"]],
            "Most severe finding": [
                _(labels.SEVERITY_LABELS.get(facts.at[c, "worst"], facts.at[c, "worst"]))
                if facts.at[c, "worst"]
                else DASH
                for c in cases["case_id"]
            ],
            "Weight": cases["case_weight"].map(number),
            "Score": cases["case_score"].map(lambda v: one_decimal(v, DASH)),
            **{header: cases[c].map(one_decimal) for c, header in labels.case_points_headers(m).items()},
            "Findings verified": [
                _("{verified} of {findings}").format(
                    verified=facts.at[c, "verified"], findings=facts.at[c, "findings"]
                )
                for c in cases["case_id"]
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
    "acknowledged": N_("acknowledged the report"),
    "access_granted": N_("gave monitors access"),
    "plan_submitted": N_("submitted a remediation plan"),
    "evidence_submitted": N_("remediation evidence"),
    "verified": N_("remediation verified"),
    "retaliation_confirmed": N_("retaliation confirmed"),
}
"""A case's events in words within a sentence (translated where shown: `_(EVENT_WORDS[kind])`)."""
EVENT_DATED = {
    "acknowledged": N_("acknowledged the report {date}"),
    "access_granted": N_("gave monitors access {date}"),
    "plan_submitted": N_("submitted a remediation plan {date}"),
    "retaliation_confirmed": N_("retaliation confirmed {date}"),
}


def _case_events_between(evidence: Evidence, case_id: str, start: pd.Timestamp, end: pd.Timestamp) -> str:
    e = evidence.events
    e = e[(e["case_id"] == case_id) & (e["event_date"] > start) & (e["event_date"] <= end)]
    parts = []
    for kind in EVENT_WORDS:
        part = e[e["event_type"] == kind]
        if part.empty:
            continue
        last = part["event_date"].max()
        if kind == "evidence_submitted":
            n = part["finding_id"].nunique()
            text = ngettext("remediation evidence for {n} finding ({date})",
                            "remediation evidence for {n} findings ({date})", n)  # fmt: skip
            parts.append((last, text.format(n=n, date=day(last))))
        elif kind == "verified":
            n = part["finding_id"].nunique()
            text = ngettext("remediation verified for {n} finding ({date})",
                            "remediation verified for {n} findings ({date})", n)  # fmt: skip
            parts.append((last, text.format(n=n, date=day(last))))
        else:
            parts.append((last, _(EVENT_DATED[kind]).format(date=day(last))))
    return ", ".join(text for _, text in sorted(parts))


def _disclosures_between(
    evidence: Evidence, names: Names, request_id: str, start: pd.Timestamp, end: pd.Timestamp
) -> str:
    d = evidence.disclosures
    d = d[(d["request_id"] == request_id) & (d["disclosed_on"] > start) & (d["disclosed_on"] <= end)]
    parts = [
        (
            _("{factory} disclosed completely {date}")
            if r.complete
            else _("{factory} disclosed incompletely {date}")
        ).format(factory=names.factory(r.factory_id), date=day(r.disclosed_on))
        for r in d.sort_values(["disclosed_on", "factory_id"]).itertuples(index=False)
    ]
    dd = evidence.due_diligence
    dd = dd[(dd["request_id"] == request_id) & (dd["recorded_on"] > start) & (dd["recorded_on"] <= end)]
    parts += [_("due diligence recorded {date}").format(date=day(v)) for v in sorted(dd["recorded_on"])]
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
    tail = _(" ({evidence})").format(evidence=new_evidence) if new_evidence else ""
    if is_scored and not was_scored:
        r = rows_now.loc[key]
        if pd.Timestamp(r["due_on"]) > end:
            return _("{subject}: {level} ahead of the deadline {due}{evidence} counts at once, credit {credit}").format(
                subject=subject, level=_lower(_level(r["level_now"])), due=due, evidence=tail, credit=percent(r["credit"])
            )  # fmt: skip
        return _("request for {subject} fell due {due} with {level}{evidence}: credit {credit}").format(
            subject=subject, due=due, level=_lower(_level(r["level_by_deadline"])), evidence=tail,
            credit=percent(r["credit"]),
        )  # fmt: skip
    if was_scored and not is_scored:
        r = rows_before.loc[key]
        status = rows_now.at[key, "status"] if key in rows_now.index else ""
        if status == "outside window":
            text = _("request for {subject}, due {due}, left the scoring window (it earned {credit})")
        else:
            text = _("request for {subject}, due {due}, no longer counts (it earned {credit})")
        return text.format(subject=subject, due=due, credit=percent(r["credit"]))
    a, b = rows_before.loc[key], rows_now.loc[key]
    levels = (
        _("{level} now (was {before})").format(
            level=_lower(_level(b["level_now"])), before=_lower(_level(a["level_now"]))
        )
        if a["level_now"] != b["level_now"]
        else _lower(_level(b["level_now"]))
    )
    return _("{subject} (due {due}): {levels}{evidence}, credit {before} → {now}").format(
        subject=subject, due=due, levels=levels, evidence=tail, before=percent(a["credit"]), now=percent(b["credit"])
    )  # fmt: skip


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
        extra = _(" ({evidence})").format(evidence=what) if what else ""
        text = _(NEW_CASE.get(worst, NEW_CASE[""]))
        return text.format(factory=factory, opened=opened, evidence=extra,
                           score=one_decimal(rows_now.at[key, "case_score"]))  # fmt: skip
    if was_scored and not is_scored:
        return _("case at {factory} opened {opened} no longer counts").format(factory=factory, opened=opened)
    a, b = rows_before.at[key, "case_score"], rows_now.at[key, "case_score"]
    because = _(": {evidence}").format(evidence=what) if what else ""
    return _("case at {factory} opened {opened}{evidence}, scores {score} (was {before})").format(
        factory=factory, opened=opened, evidence=because, score=one_decimal(b), before=one_decimal(a)
    )


NEW_CASE = {
    "minor": N_("new minor case at {factory} opened {opened}{evidence} scores {score}"),
    "major": N_("new major case at {factory} opened {opened}{evidence} scores {score}"),
    "critical": N_("new critical case at {factory} opened {opened}{evidence} scores {score}"),
    "": N_("new  case at {factory} opened {opened}{evidence} scores {score}"),
}
"""A case newly scored, by its most severe finding (the English as it always was: an empty
severity leaves two spaces)."""


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
                f"{_(label)} {signed(effect)}"
                if not np.isnan(effect)
                else f"{_(label)} {one_decimal(total(after), _na())}"
            )
            out.append(
                (
                    0.0 if np.isnan(effect) else abs(effect),
                    _("{score}: {change}.").format(score=head, change=text[0].upper() + text[1:]),
                )
            )
    out.sort(key=lambda t: -t[0])
    return out


def _score_move(name: str, now: float, before: float) -> str:
    name = _(name)
    if is_na(now) and is_na(before):
        return _("{score} n/a").format(score=name)
    if is_na(before):
        return _("{score} {now} (first scored)").format(score=name, now=one_decimal(now))
    if is_na(now):
        return _("{score} n/a (was {before})").format(score=name, before=one_decimal(before))
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
        _("Since {date}: {changes}.").format(
            date=day(before.as_of),
            changes=", ".join(
                _score_move(SCORE_NAMES[k], getattr(now, k), getattr(before, k))
                for k in ("overall", "sct", "fi")
            ),
        )
    ]
    base = before
    if before_rescored is not None and before_rescored.methodology != before.methodology:
        for k in ("overall", "sct", "fi"):
            total = getattr(now, k) - getattr(before, k)
            method = getattr(before_rescored, k) - getattr(before, k)
            if any(is_na(v) for v in (total, method)):
                continue
            lines.append(
                _(
                    "{score} {change}: {method} from the methodology change ({before_version} → {now_version}: "
                    "the evidence of {date} scores {rescored} under {now_version} instead of {before_score} under "
                    "{before_version}), {evidence} from new evidence."
                ).format(
                    score=_(SCORE_NAMES[k]),
                    change=signed(total),
                    method=signed(method),
                    before_version=before.methodology,
                    now_version=now.methodology,
                    date=day(before.as_of),
                    rescored=one_decimal(getattr(before_rescored, k)),
                    before_score=one_decimal(getattr(before, k)),
                    evidence=signed(total - method),
                )  # fmt: skip
            )
        base = before_rescored
    items = _item_sentences(now, base, evidence, names)
    if not items:
        lines.append(_("No request or case changed its contribution.") if base is before else
                     _("No request or case changed its contribution under the new version."))  # fmt: skip
    lines += [text for _, text in items]
    return lines


# ---------------------------------------------------------------- how to improve

CODE_AREA_LABELS = {
    "wages": N_("wages"),
    "working_hours": N_("working hours"),
    "health_safety": N_("health and safety"),
    "forced_labour": N_("forced labour"),
    "child_labour": N_("child labour"),
    "freedom_of_association": N_("freedom of association"),
    "discrimination": N_("discrimination"),
    "harsh_treatment": N_("harsh treatment"),
    "employment_relationship": N_("employment relationship"),
    "environment": N_("environment"),
    "other": N_("other"),
}
"""Code areas within a sentence (translated where shown: `_(CODE_AREA_LABELS[area])`)."""
FINDING_WORDS = {
    ("minor", True): N_("the minor {area} finding"),
    ("major", True): N_("the major {area} finding"),
    ("critical", True): N_("the critical {area} finding"),
    ("", True): N_("the {area} finding"),
    ("minor", False): N_("the minor finding"),
    ("major", False): N_("the major finding"),
    ("critical", False): N_("the critical finding"),
    ("", False): N_("the finding"),
}
"""A finding in words by its severity and whether its code area is named."""


def _get(row: Mapping, key: str) -> object:
    value = row.get(key)
    return None if is_na(value) else value


def action_text(row: Mapping, names: Names) -> str:
    """One improvement action (a row of `scoring.actions()`) in words, without its gains."""
    action = row["action"]
    if action == "disclose":
        scope = _get(row, "scope") or ""
        subject = request_subject(scope, names.product_model(_get(row, "product_model_id")))
        product_model = names.product_model(_get(row, "product_model_id"))
        if scope == "compliance_findings":
            text = (
                _("Share the full compliance findings for {product_model}").format(
                    product_model=product_model
                )
                if product_model
                else _("Share the full compliance findings")
            )
        elif _get(row, "level_now") == "PARTIAL":
            text = _("Complete the disclosure of {subject}").format(subject=subject)
        else:
            text = _("Disclose {subject}").format(subject=subject)
        if _get(row, "due_on") is None:
            return text
        return _("{action} (request due {date})").format(action=text, date=day(row["due_on"]))
    factory = names.factory(_get(row, "factory_id"))
    if action == "acknowledge":
        text = _("Acknowledge the monitoring report on {factory}").format(factory=factory)
    elif action == "grant_access":
        text = _("Give monitors access to {factory}").format(factory=factory)
    elif action == "submit_plan":
        text = _("Submit a remediation plan for {factory}").format(factory=factory)
    elif action in ("submit_evidence", "verify"):
        severity = _get(row, "severity") or ""
        severity = severity if severity in SEVERITY_ORDER else ""
        area = _get(row, "code_area") or "other"
        named = area in CODE_AREA_LABELS and area != "other"
        finding = _(FINDING_WORDS[(severity, named)]).format(
            area=_(CODE_AREA_LABELS.get(area, "other")) if named else ""
        )
        if action == "submit_evidence":
            text = _("Submit remediation evidence for {finding} at {factory}").format(
                finding=finding, factory=factory
            )
        else:
            text = _("Have the remediation of {finding} at {factory} verified").format(
                finding=finding, factory=factory
            )
    else:
        return action.replace("_", " ").capitalize()
    if _get(row, "opened_on") is None:
        return text
    return _("{action} (report opened {date})").format(action=text, date=day(row["opened_on"]))


def expected_action_text(target: object, evidence: Evidence, names: Names) -> str:
    """An action expectation's target ("verify:FN1", data.queries.expectations) in words, as the
    improvement actions say it; the target as given when the evidence does not know it."""
    action, _sep, target_id = str(target).partition(":")
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
        f"{signed(float(row[key]))} {_(label)}"
        for key, label in (("sct_gain", "SCT"), ("fi_gain", "FI"), ("overall_gain", N_("overall")))
        if not is_na(row.get(key)) and signed(float(row[key])) != signed(0.0)
    ]
    return ", ".join(parts) or _("less than {points} points").format(points=_points(0.05))


def _points(value: float) -> str:
    """A small number of points as written ("0.05"; "0,05" in Spanish)."""
    return f"{value:g}" if _english() else format_decimal(value, locale=i18n.current())


def action_sentences(actions: pd.DataFrame, names: Names) -> list[str]:
    """Each action with its gains: 'Disclose the final-assembly factories of Kestrel Book 14
    (request due 2024-03-31): +4.2 SCT, +1.7 overall'."""
    rows = actions.to_dict("records")
    return [_("{action}: {gains}").format(action=action_text(r, names), gains=gains_text(r)) for r in rows]


def actions_table(actions: pd.DataFrame, names: Names) -> pd.DataFrame:
    """The action list as a table of text: what to do and what each score would gain."""
    rows = actions.to_dict("records")

    def gain(r: Mapping, key: str) -> str:
        text = DASH if is_na(r.get(key)) else signed(float(r[key]))
        return DASH if text == signed(0.0) else text

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
    head = ngettext(
        "To reach {band} ({lower} or more) from {overall}: this action would take the overall score to {after}.",
        "To reach {band} ({lower} or more) from {overall}: these {n} actions together would take the overall "
        "score to {after}.",
        max(len(steps), 1),
    ).format(
        band=_(plan.band), lower=number(plan.lower), overall=one_decimal(current_overall), n=len(steps),
        after=one_decimal(plan.overall_after[-1]),
    )  # fmt: skip
    lines = [head]
    for row, overall in zip(steps, plan.overall_after, strict=True):
        lines.append(
            _("{action}: overall {score} once done").format(
                action=action_text(row, names), score=one_decimal(overall)
            )
        )
    return lines


# ---------------------------------------------------------------- summaries for reports


def why_summary(why, evidence: Evidence) -> list[str]:
    """Where the scores come from, in three sentences (SCT, FI, overall)."""
    m = params.VERSIONS[why.methodology]
    lines = []
    r = why.requests[why.requests["status"] == "scored"]
    if len(r):
        levels = r["level_now"].value_counts()
        parts = [f"{levels[k]} {_lower(_level(k))}" for k in params.LEVELS if levels.get(k, 0)]
        late = int(r["late_factor_applied"].sum())
        counted = ngettext(
            "SCT {score}: {n} disclosure request counted ({levels})",
            "SCT {score}: {n} disclosure requests counted ({levels})",
            len(r),
        ).format(score=one_decimal(why.sct), n=len(r), levels=", ".join(parts))
        if late:
            counted = ngettext(
                "{counted}; {n} answered after the deadline, at the late factor {factor}",
                "{counted}; {n} answered after the deadline, at the late factor {factor}",
                late,
            ).format(counted=counted, n=late, factor=_factor(m.late_factor))
        lines.append(counted + ".")
    else:
        lines.append(_("SCT n/a: no disclosure request counts yet."))
    c = why.cases[why.cases["status"] == "scored"]
    if len(c):
        facts = case_facts(why, evidence)
        facts = facts[facts["case_id"].isin(c["case_id"])]
        statuses = facts["status"].value_counts()
        parts = [_status_count(s, int(statuses[s])) for s in CASE_STATUSES if statuses.get(s, 0)]
        findings = int(facts["findings"].sum())
        lines.append(
            ngettext(
                "FI {score}: {n} monitoring case counted ({statuses}); {verified} of {findings} findings verified "
                "as remedied.",
                "FI {score}: {n} monitoring cases counted ({statuses}); {verified} of {findings} findings verified "
                "as remedied.",
                len(c),
            ).format(
                score=one_decimal(why.fi),
                n=len(c),
                statuses=", ".join(parts),
                verified=int(facts["verified"].sum()),
                findings=findings,
            )  # fmt: skip
        )
    else:
        lines.append(_("FI n/a: no monitoring report with findings yet."))
    band = _(why.band) if isinstance(why.band, str) else why.band
    if is_na(why.overall):
        lines.append(_("Overall n/a: neither score applies yet."))
    elif is_na(why.sct) or is_na(why.fi):
        lines.append(
            _("Overall {score}: the one score that applies; band {band}.").format(
                score=one_decimal(why.overall), band=band
            )
        )
    else:
        lines.append(
            _("Overall {score} = {sct_weight} × SCT + {fi_weight} × FI under {version}: band {band}.").format(
                score=one_decimal(why.overall),
                sct_weight=_factor(m.overall_sct_weight),
                fi_weight=_factor(m.overall_fi_weight),
                version=m.version,
                band=band,
            )  # fmt: skip
        )
    return lines


def open_findings_table(findings: pd.DataFrame) -> pd.DataFrame:
    """`data.queries.companies.open_findings` as shown: factory, opening date, labels, yes/no."""
    if findings.empty:
        return pd.DataFrame(columns=["Factory", "Opened", "Code area", "Severity", "Evidence submitted"])
    return pd.DataFrame(
        {
            "Factory": findings["factory"].fillna(_("an unnamed factory")),
            "Opened": findings["Opened"].map(day),
            "Code area": findings["Code area"].map(
                lambda a: (
                    _(CODE_AREA_LABELS[a]).capitalize() if a in CODE_AREA_LABELS else str(a).capitalize()
                )
            ),
            "Severity": findings["Severity"].map(
                lambda s: _(labels.SEVERITY_LABELS[s]) if s in labels.SEVERITY_LABELS else str(s).capitalize()
            ),
            "Evidence submitted": findings["Evidence submitted"].map(lambda b: _("yes") if b else _("no")),
        }
    )


def overdue_table(why, names: Names) -> pd.DataFrame:
    """Counted requests past their deadline with no response at all."""
    r = why.requests
    late = r[(r["status"] == "scored") & (r["level_now"] == "NONE") & (r["due_on"] < pd.Timestamp(why.as_of))]
    return pd.DataFrame(
        {
            "Product model": [names.product_model(p) or _("All products") for p in late["product_model_id"]],
            "Asked for": late["scope"].map(lambda s: _(SCOPE_LABELS[s]) if s in SCOPE_LABELS else s).tolist(),
            "Due": late["due_on"].map(day).tolist(),
        },
        columns=["Product model", "Asked for", "Due"],
    )
