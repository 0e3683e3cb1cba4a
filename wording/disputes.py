"""Disputes in words (issue 23, right of reply): the point, the mark on a Why row, the outcome.

Rows are those of data/queries/disputes.py (`points`, `visible`); names come from the rows
(the company's own factories and product models), never ids or codes.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from wording import labels
from wording.narrative import CODE_AREA_LABELS, EVENT_WORDS, day, is_na, request_subject

KIND_LABELS = {
    "request": "Disclosure request",
    "disclosure": "Disclosure",
    "finding": "Finding",
    "case_event": "Case event",
    "case": "Monitoring case",
}
STATUS_LABELS = {"open": "Under review", "upheld": "Upheld", "rejected": "Rejected"}
GONE = "a data point no longer in the evidence (corrected since)"


def _text(row: Mapping, key: str) -> str | None:
    value = row.get(key)
    return None if is_na(value) else str(value)


def point_words(row: Mapping) -> str:
    """One data point in words: "Finding: wages (major) at Factory X, case opened 2024-06-01"."""
    kind = row.get("point_kind", row.get("kind"))
    factory = _text(row, "factory") or "an unnamed factory"
    if is_na(row.get("day")):
        return f"{KIND_LABELS.get(kind, 'Data point')}: {GONE}"
    when = day(row["day"])
    if kind in ("request", "disclosure"):
        subject = request_subject(_text(row, "scope") or "", _text(row, "product_model"))
        if kind == "request":
            return f"Disclosure request for {subject}, due {when} (its state)"
        state = "complete" if row.get("complete") is True else "incomplete"
        return f"Disclosure: {factory}, {state}, {when} (request for {subject})"
    if kind == "case":
        return f"Monitoring case at {factory}, opened {when}"
    area = CODE_AREA_LABELS.get(_text(row, "code_area") or "", None)
    severity = labels.SEVERITY_LABELS.get(_text(row, "severity") or "", "").lower()
    finding = f"{area} ({severity})" if area else None
    if kind == "finding":
        return f"Finding: {finding or 'a finding'} at {factory}, case opened {when}"
    event = EVENT_WORDS.get(_text(row, "event_type") or "", "an event")
    about = f" for the {finding} finding" if finding else ""
    return f"Case event: {event}{about}, {when}, at {factory}"


def since(opened_at: object) -> str:
    return pd.Timestamp(opened_at).strftime("%Y-%m-%d")


def mark(row: Mapping) -> str:
    """The mark on the Why row a disputed point belongs to."""
    return f"The company disputes this point since {since(row['opened_at'])}: {point_words(row)}."


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
        return f"Under review since {since(row['opened_at'])}: the point still counts until staff decide."
    when = pd.Timestamp(row["resolved_at"]).strftime("%Y-%m-%d")
    if row["status"] == "upheld":
        return f"Upheld on {when}: {row['resolution']} (the evidence is corrected by staff)"
    return f"Rejected on {when}: {row['resolution']}"


SHARED = {"staff": "staff only", "affiliates_and_company": "staff and affiliates"}


def sent_document(row: Mapping) -> str:
    """ "; with your document (shared with staff only)", or nothing when none was sent."""
    if is_na(row.get("document_id")):
        return ""
    shared = SHARED.get(_text(row, "document_visibility") or "", "staff")
    return f"; with your document (shared with {shared})"


def company_lines(disputes: pd.DataFrame) -> list[str]:
    """A company's disputes as its page lists them, newest first: the point, its reason, the
    document it sent, the state or outcome (with staff's reason)."""
    return [
        f"{point_words(r)}. Disputed on {since(r['opened_at'])}; your reason: “{r['reason']}”{sent_document(r)}. "
        f"{outcome(r)}"
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
    verb = "upheld (the evidence is corrected)" if row["status"] == "upheld" else "rejected"
    return f"The company's dispute was {verb}: {point_words(row)}. {row['resolution']}"


def disputed_since(opened_at: object) -> str:
    """How a point under open dispute is marked outside the Company page (factory page, report)."""
    return f"disputed by the company since {since(opened_at)}"


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
        what = KIND_LABELS.get(row["point_kind"], "Data point").lower()
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
        f"{point_words(r)}: {disputed_since(r['opened_at'])}."
        for r in disputes[disputes["status"] == "open"].to_dict("records")
        if not is_na(r.get("day"))
    ]
