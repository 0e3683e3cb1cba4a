"""Disputes in words (issue 23, right of reply): the point, the mark on a Why row, the outcome.

Rows are those of data/queries/disputes.py (`points`, `visible`); names come from the rows
(the company's own factories and product models), never ids or codes.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from wording import labels
from wording.i18n import N_, _
from wording.narrative import CODE_AREA_LABELS, EVENT_WORDS, day, is_na, request_subject

KIND_LABELS = {
    "request": N_("Disclosure request"),
    "disclosure": N_("Disclosure"),
    "finding": N_("Finding"),
    "case_event": N_("Case event"),
    "case": N_("Monitoring case"),
}
STATUS_LABELS = {"open": N_("Under review"), "upheld": N_("Upheld"), "rejected": N_("Rejected")}
GONE = N_("a data point no longer in the evidence (corrected since)")


def _text(row: Mapping, key: str) -> str | None:
    value = row.get(key)
    return None if is_na(value) else str(value)


def point_words(row: Mapping) -> str:
    """One data point in words: "Finding: wages (major) at Factory X, case opened 2024-06-01"."""
    kind = row.get("point_kind", row.get("kind"))
    factory = _text(row, "factory") or _("an unnamed factory")
    if is_na(row.get("day")):
        return _("{kind}: {gone}").format(kind=_(KIND_LABELS.get(kind, N_("Data point"))), gone=_(GONE))
    when = day(row["day"])
    if kind in ("request", "disclosure"):
        subject = request_subject(_text(row, "scope") or "", _text(row, "product_model"))
        if kind == "request":
            return _("Disclosure request for {subject}, due {date} (its state)").format(
                subject=subject, date=when
            )
        text = (
            _("Disclosure: {factory}, complete, {date} (request for {subject})")
            if row.get("complete") is True
            else _("Disclosure: {factory}, incomplete, {date} (request for {subject})")
        )
        return text.format(factory=factory, date=when, subject=subject)
    if kind == "case":
        return _("Monitoring case at {factory}, opened {date}").format(factory=factory, date=when)
    code = _text(row, "code_area") or ""
    area = _(CODE_AREA_LABELS[code]) if code in CODE_AREA_LABELS else None
    severity_code = _text(row, "severity") or ""
    severity = (
        _(labels.SEVERITY_LABELS[severity_code]).lower() if severity_code in labels.SEVERITY_LABELS else ""
    )
    finding = _("{area} ({severity})").format(area=area, severity=severity) if area else None
    if kind == "finding":
        return _("Finding: {finding} at {factory}, case opened {date}").format(
            finding=finding or _("a finding"), factory=factory, date=when
        )
    event_type = _text(row, "event_type") or ""
    event = _(EVENT_WORDS[event_type]) if event_type in EVENT_WORDS else _("an event")
    if finding:
        return _("Case event: {event} for the {finding} finding, {date}, at {factory}").format(
            event=event, finding=finding, date=when, factory=factory
        )
    return _("Case event: {event}, {date}, at {factory}").format(event=event, date=when, factory=factory)


def since(opened_at: object) -> str:
    """A dispute's date (ISO in English; the locale's date otherwise)."""
    return day(pd.Timestamp(opened_at))


def mark(row: Mapping) -> str:
    """The mark on the Why row a disputed point belongs to."""
    return _("The company disputes this point since {date}: {point}.").format(
        date=since(row["opened_at"]), point=point_words(row)
    )


def why_marks(disputes: pd.DataFrame) -> tuple[dict[str, str], dict[str, str]]:
    """Open disputes as marks for the Why rows: (by request_id, by case_id); several on one row
    are joined. A point that is gone (corrected) marks no row."""
    by_request: dict[str, list[str]] = {}
    by_case: dict[str, list[str]] = {}
    if disputes is None or disputes.empty:
        return {}, {}
    for row in disputes[disputes["status"] == "open"].to_dict("records"):
        if not is_na(row.get("request_id")):
            by_request.setdefault(str(row["request_id"]), []).append(mark(row))
        elif not is_na(row.get("case_id")):
            by_case.setdefault(str(row["case_id"]), []).append(mark(row))
    return ({k: " ".join(v) for k, v in by_request.items()}, {k: " ".join(v) for k, v in by_case.items()})


def outcome(row: Mapping) -> str:
    """What the company reads about a dispute: under review since, or the outcome and reason."""
    if row["status"] == "open":
        return _("Under review since {date}: the point still counts until staff decide.").format(
            date=since(row["opened_at"])
        )
    when = since(row["resolved_at"])
    if row["status"] == "upheld":
        return _("Upheld on {date}: {resolution} (the evidence is corrected by staff)").format(
            date=when, resolution=row["resolution"]
        )
    return _("Rejected on {date}: {resolution}").format(date=when, resolution=row["resolution"])


SHARED = {"staff": N_("staff only"), "affiliates_and_company": N_("staff and affiliates")}


def sent_document(row: Mapping) -> str:
    """ "; with your document (shared with staff only)", or nothing when none was sent."""
    if is_na(row.get("document_id")):
        return ""
    shared = SHARED.get(_text(row, "document_visibility") or "", SHARED["staff"])
    return _("; with your document (shared with {who})").format(who=_(shared))


def company_lines(disputes: pd.DataFrame) -> list[str]:
    """A company's disputes as its page lists them, newest first: the point, its reason, the
    document it sent, the state or outcome (with staff's reason)."""
    return [
        _("{point}. Disputed on {date}; your reason: “{reason}”{document}. {outcome}").format(
            point=point_words(r),
            date=since(r["opened_at"]),
            reason=r["reason"],
            document=sent_document(r),
            outcome=outcome(r),
        )
        for r in disputes.iloc[::-1].to_dict("records")
    ]


def queue_table(disputes: pd.DataFrame) -> pd.DataFrame:
    """Open disputes for staff, oldest first: number, company, point, reason, opened."""
    columns = ["Dispute", "Opened", "Company", "Data point", "Reason"]
    if disputes.empty:
        return pd.DataFrame(columns=columns)
    rows = disputes.to_dict("records")
    return pd.DataFrame(
        {
            "Dispute": [str(r["dispute_id"]) for r in rows],
            "Opened": [since(r["opened_at"]) for r in rows],
            "Company": [str(r["company"]) for r in rows],
            "Data point": [point_words(r) for r in rows],
            "Reason": [str(r["reason"]) for r in rows],
        },
        columns=columns,
    )


def change_sentence(row: Mapping) -> str:
    """What changed, for an affiliate: "Dispute rejected: Finding: ... Reason: ..."."""
    text = (
        _("The company's dispute was upheld (the evidence is corrected): {point}. {resolution}")
        if row["status"] == "upheld"
        else _("The company's dispute was rejected: {point}. {resolution}")
    )
    return text.format(point=point_words(row), resolution=row["resolution"])


def disputed_since(opened_at: object) -> str:
    """How a point under open dispute is marked outside the Company page (factory page, report)."""
    return _("disputed by the company since {date}").format(date=since(opened_at))


def case_marks(disputes: pd.DataFrame) -> dict[str, str]:
    """Open disputes of a case or of its findings and events, by case id: "disputed by the
    company since 2026-12-01 (finding, case event)": the oldest open dispute's date, then what
    is disputed."""
    out: dict[str, tuple[str, list[str]]] = {}
    if disputes is None or disputes.empty:
        return {}
    for row in disputes[disputes["status"] == "open"].sort_values("opened_at").to_dict("records"):
        if is_na(row.get("case_id")):
            continue
        what = _(KIND_LABELS.get(row["point_kind"], N_("Data point"))).lower()
        first, kinds = out.setdefault(str(row["case_id"]), (disputed_since(row["opened_at"]), []))
        if what not in kinds:
            kinds.append(what)
    return {case: f"{first} ({', '.join(kinds)})" for case, (first, kinds) in out.items()}


def report_lines(disputes: pd.DataFrame) -> list[str]:
    """The points under open dispute, for a report: "<the point in words>: disputed by the
    company since 2026-12-01." (oldest first; a point no longer in the evidence is left out)."""
    if disputes is None or disputes.empty:
        return []
    return [
        _("{point}: {disputed}.").format(point=point_words(r), disputed=disputed_since(r["opened_at"]))
        for r in disputes[disputes["status"] == "open"].to_dict("records")
        if not is_na(r.get("day"))
    ]
