"""Right of reply (issue 23): a company disputes a data point it sees; staff resolve it.

A data point is named by its kind (`KINDS`) and its key: a request's `request_id` (its state),
a disclosure's `request_id|factory_id|disclosed_on`, a finding's `finding_id`, a case event's
`event_id`, a case's `case_id`. A company may dispute only points of its own evidence, one
open dispute per point; the reason is required and at most `MAX_REASON` characters.

While a dispute is open nothing else changes: the evidence stays as recorded and the score
with it ("under review"). Staff resolve it as *upheld* (with a note; they then correct the
evidence through the normal audited import, data/importing/corrections.py for an owner) or
*rejected* (with a reason the company sees). Every step is written through the one write path
(`writes.publish`) with an audit log row.

Who sees which: staff every dispute; an affiliate every company's (the Company page marks
disputed points for it, and What changed lists resolved ones of its contracted companies); a
company only its own. Presentation mode shows none (ui/disputes_view.py, ui/cache.py).
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import duckdb
import pandas as pd

from data.documents import sniff, uploads
from data.documents import store as documents
from data.queries.contracts import Viewer
from data.queries.named import query
from data.store import SCHEMA_FILE, writes

KINDS = ("request", "disclosure", "finding", "case_event", "case")
OUTCOMES = ("upheld", "rejected")
MAX_REASON = 2_000
KEY_SEPARATOR = "|"


class DisputeError(ValueError):
    """A dispute that cannot be opened or resolved (the message says why, in a user's words)."""


def check_reason(reason: object, what: str = "reason") -> str:
    """The reason as stored (trimmed), or DisputeError naming the problem."""
    text = "" if reason is None else str(reason).strip()
    if not text:
        raise DisputeError(f"the {what} is required: say what is wrong and why")
    if len(text) > MAX_REASON:
        raise DisputeError(f"the {what} is {len(text):,} characters long; at most {MAX_REASON:,} are allowed")
    return text


def disclosure_key(request_id: str, factory_id: str, disclosed_on: object) -> str:
    return KEY_SEPARATOR.join(
        (str(request_id), str(factory_id), pd.Timestamp(disclosed_on).strftime("%Y-%m-%d"))
    )


def has_table(cur: duckdb.DuckDBPyConnection) -> bool:
    """Whether the file has the disputes table (files made before it existed do not)."""
    found = cur.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'main' AND table_name = 'disputes'"
    ).fetchone()
    return bool(found and found[0])


def _ddl() -> str:
    """The disputes statements of schema.sql (IF NOT EXISTS), for a file made before them."""
    text = SCHEMA_FILE.read_text(encoding="utf-8")
    start = text.index("CREATE SEQUENCE IF NOT EXISTS disputes_seq")
    end = text.index("\n);\n", start) + len("\n);\n")
    return text[start:end]


# Every data point of one company (or all), with what is needed to say it in words and the Why
# row it belongs to (a request's or a case's). Values are $parameters.
_POINTS = query("disputes_points")
_KIND_ORDER = {k: i for i, k in enumerate(KINDS)}


def points(cur: duckdb.DuckDBPyConnection, company_id: str) -> pd.DataFrame:
    """Every data point of one company's evidence a company may dispute (its own, as its
    Company page shows them): requests, disclosures, cases, findings and case events; by kind,
    newest first."""
    found = cur.execute(_POINTS, {"company": company_id}).df()
    found["order"] = found["kind"].map(_KIND_ORDER)
    return found.sort_values(["order", "day", "point_key"], ascending=[True, False, True]).drop(columns="order").reset_index(drop=True)  # fmt: skip


def _owner(con: duckdb.DuckDBPyConnection, kind: str, key: str) -> str | None:
    sql = f"SELECT company_id FROM ({_POINTS}) WHERE kind = $kind AND point_key = $key"  # noqa: S608 - constant SQL
    found = con.execute(sql, {"company": None, "kind": kind, "key": key}).fetchall()
    return found[0][0] if found else None


def open_dispute(
    path: Path,
    *,
    company_id: str,
    kind: str,
    key: str,
    reason: str,
    who: str,
    now: datetime | None = None,
    document: tuple[str, bytes] | None = None,
    visibility: str = "affiliates_and_company",
) -> int:
    """Record a company's dispute of one of its data points (published, audited); its id.
    Refused (DisputeError): an unknown kind, a point that is not the company's, a point already
    under an open dispute, a missing or too long reason, a document (file name, bytes) of a
    type or size the document store refuses. The document, if any, is kept in the document
    store (data/documents/uploads.py), concerns the company, may be opened by staff and, as the
    company chooses (`visibility`), by affiliates and the company too; nothing is stored when
    the dispute is refused."""
    if kind not in KINDS:
        raise DisputeError(f"the kind of point must be one of: {', '.join(KINDS)}")
    text = check_reason(reason)
    opened_at = now or datetime.now()
    upload = None
    if document is not None:
        if visibility not in uploads.DISPUTE_VISIBILITY:
            raise DisputeError("the document may be shared with staff only, or with staff, affiliates and the company")  # fmt: skip
        try:
            upload = uploads.check(*document)
        except sniff.Refused as refused:
            raise DisputeError(f"the document {document[0]!r} was refused: {refused.reason}") from None
    written: list[str] = []

    def change(con: duckdb.DuckDBPyConnection) -> int:
        if not has_table(con):
            con.execute(_ddl())
        if _owner(con, kind, key) != company_id:
            raise DisputeError("that data point is not among the company's evidence (it may have been corrected meanwhile)")  # fmt: skip
        already = con.execute(
            "SELECT opened_at FROM disputes WHERE company_id = ? AND point_kind = ? AND point_key = ? AND status = 'open'",
            [company_id, kind, key],
        ).fetchall()
        if already:
            raise DisputeError(
                f"this point is already disputed since {already[0][0]:%Y-%m-%d}: staff are reviewing it"
            )
        (dispute_id,) = con.execute(
            "INSERT INTO disputes (company_id, point_kind, point_key, reason, opened_at, opened_by) "
            "VALUES (?, ?, ?, ?, ?, ?) RETURNING dispute_id",
            [company_id, kind, key, text, opened_at, who],
        ).fetchone()
        detail = f"dispute {dispute_id}: {company_id} disputes {kind} {key}: {text}"
        if upload is not None:
            document_id = f"dispute-{dispute_id}-{upload.sha256[:12]}"
            if uploads.keep(con, path, upload, document_id=document_id, kind="other", visibility=visibility,
                            title=f"Sent with dispute {dispute_id}: {upload.name}", company_id=company_id,
                            who=who, day=opened_at.date()):  # fmt: skip
                written.append(upload.sha256)
            con.execute("UPDATE disputes SET document_id = ? WHERE dispute_id = ?", [document_id, dispute_id])
            detail += f" (with document {document_id}, {documents.VISIBILITY[visibility].lower()})"
        con.execute(
            "INSERT INTO audit_log (who, action, detail) VALUES (?, 'dispute opened', ?)", [who, detail]
        )
        return int(dispute_id)

    try:
        return writes.publish(path, change)
    except BaseException:
        documents.discard(path, written)
        raise


def resolve(
    path: Path, dispute_id: int, *, outcome: str, reason: str, who: str, now: datetime | None = None
) -> None:
    """Resolve an open dispute as upheld or rejected, with the note or reason the company sees
    (published, audited). An upheld dispute changes no evidence by itself: staff correct the
    evidence through an import, which is audited and rescored like any other."""
    if outcome not in OUTCOMES:
        raise DisputeError("the outcome must be upheld or rejected")
    text = check_reason(reason, "reason for the outcome" if outcome == "rejected" else "note on the outcome")
    resolved_at = now or datetime.now()

    def change(con: duckdb.DuckDBPyConnection) -> None:
        if not has_table(con):
            raise DisputeError(f"there is no dispute {dispute_id}")
        found = con.execute(
            "SELECT status, company_id, point_kind, point_key FROM disputes WHERE dispute_id = ?",
            [dispute_id],
        ).fetchall()
        if not found:
            raise DisputeError(f"there is no dispute {dispute_id}")
        status, company_id, kind, key = found[0]
        if status != "open":
            raise DisputeError(f"dispute {dispute_id} is already resolved ({status})")
        con.execute(
            "UPDATE disputes SET status = ?, resolved_at = ?, resolved_by = ?, resolution = ? WHERE dispute_id = ?",
            [outcome, resolved_at, who, text, dispute_id],
        )
        con.execute(
            "INSERT INTO audit_log (who, action, detail) VALUES (?, ?, ?)",
            [who, f"dispute {outcome}", f"dispute {dispute_id}: {company_id}'s dispute of {kind} {key} {outcome}: {text}"],
        )  # fmt: skip

    writes.publish(path, change)


COLUMNS = ["dispute_id", "company_id", "company", "point_kind", "point_key", "reason", "opened_at",
           "opened_by", "status", "resolved_at", "resolved_by", "resolution", "document_id",
           "document_kind", "document_date", "document_visibility",
           "request_id", "case_id", "day", "scope", "product_model", "factory_id", "factory", "complete",
           "code_area", "severity", "event_type"]  # fmt: skip


def visible(
    cur: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    company_id: str | None = None,
    status: str | None = None,
) -> pd.DataFrame:
    """The disputes the viewer may see (of one company, or all; of one status, or all), oldest
    first, with the point's words (`points` columns: null when the point is gone) and the Why row
    it belongs to. Staff and affiliates see every company's; a company its own; signed out none."""
    if not has_table(cur):
        return pd.DataFrame(columns=COLUMNS)
    who = viewer.params()
    if documents.has_tables(cur):  # the dispute's document, if any (a file made before documents has none)
        documents_columns = (
            "doc.kind AS document_kind, doc.document_date, doc.visibility AS document_visibility"
        )
        documents_join = "LEFT JOIN documents doc ON doc.document_id = d.document_id"
    else:
        documents_columns = "NULL AS document_kind, NULL::DATE AS document_date, NULL AS document_visibility"
        documents_join = ""
    params = {"role": who["role"], "comp": who["comp"], "company": company_id, "status": status}
    sql = f"""
        WITH pts AS ({_POINTS.replace("$company", "NULL::VARCHAR")})
        SELECT d.dispute_id, d.company_id, co.name AS company, d.point_kind, d.point_key, d.reason,
               d.opened_at, d.opened_by, d.status, d.resolved_at, d.resolved_by, d.resolution, d.document_id,
               {documents_columns},
               p.request_id, p.case_id, p.day, p.scope, p.product_model, p.factory_id, p.factory, p.complete,
               p.code_area, p.severity, p.event_type
        FROM disputes d JOIN companies co USING (company_id)
             LEFT JOIN pts p ON p.kind = d.point_kind AND p.point_key = d.point_key
             {documents_join}
        WHERE ($company IS NULL OR d.company_id = $company) AND ($status IS NULL OR d.status = $status)
          AND ($role IN ('admin', 'affiliate') OR ($role = 'company' AND d.company_id = $comp))
        ORDER BY d.opened_at, d.dispute_id
        """  # noqa: S608 - constant SQL pieces, values are $parameters
    return cur.execute(sql, params).df()[COLUMNS]


def resolved_between(
    cur: duckdb.DuckDBPyConnection, company_ids: list[str], since: date, until: date
) -> pd.DataFrame:
    """Disputes of these companies resolved after `since` and on or before `until` (What changed)."""
    if not has_table(cur) or not company_ids:
        return pd.DataFrame(columns=COLUMNS)
    frame = visible(cur, Viewer("admin"))
    # The day each was resolved, as timestamps (`.dt.date` of a column of only NaT, every dispute
    # still open, stays datetime64 and would not compare with a date).
    resolved = pd.to_datetime(frame["resolved_at"]).dt.normalize()
    after, upto = pd.Timestamp(since), pd.Timestamp(until)
    keep = frame["company_id"].isin(company_ids) & resolved.notna() & (resolved > after) & (resolved <= upto)
    return frame[keep].reset_index(drop=True)
