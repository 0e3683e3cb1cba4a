"""What `/cpt/document/<id>` answers (serve.py), decided at the moment of the request from the
account's current row and the document's current row: no Streamlit here, so it is tested alone.

A document the account may not see and one that does not exist get the same answer (nothing is
learnt from trying ids). The file is sent as an attachment with the type its content was
recognised as, never rendered by the browser (nosniff), never cached.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import duckdb

from data.documents import sniff, store

log = logging.getLogger("cpt.documents")
NO_SUCH = "No such document, or it is not shared with this account."


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes
    media_type: str = "text/plain; charset=utf-8"
    filename: str | None = None  # set for a document: sent as an attachment

    def headers(self) -> dict[str, str]:
        out = {
            "Cache-Control": "no-store",
            "Referrer-Policy": "no-referrer",
            "X-Content-Type-Options": "nosniff",
        }
        if self.filename:
            out["Content-Disposition"] = f'attachment; filename="{self.filename}"'
        return out


def refusal(status: int, text: str) -> Answer:
    return Answer(status, text.encode("utf-8"))


def answer(
    cur: duckdb.DuckDBPyConnection, db_path: Path, document_id: str, user: object | None, presenting: bool
) -> Answer:
    """The answer for `user` (data.access.accounts.User, None when signed out) asking for
    `document_id`; `presenting`: the request comes from a page in presentation mode."""
    if user is None:
        return refusal(403, "Sign in to open documents.")
    if presenting:
        return refusal(403, "Documents are not opened in presentation mode.")
    if not document_id or len(document_id) > 64 or not store.has_tables(cur):
        return refusal(404, NO_SUCH)
    row = cur.execute(
        "SELECT sha256, kind, document_date, media_type, visibility, company_id FROM documents WHERE document_id = ?",
        [document_id],
    ).fetchone()
    if row is None:
        return refusal(404, NO_SUCH)
    sha, kind, day, media, visibility, company_id = row
    if not store.may_see(
        getattr(user, "role", None), getattr(user, "company_id", None), visibility, company_id
    ):
        return refusal(404, NO_SUCH)
    data = store.read(db_path, sha)
    if data is None:
        log.error("document %r: its file %s is missing or damaged", document_id, sha)
        return refusal(404, "The document's file is missing; staff have been told (it is logged).")
    try:
        media = sniff.sniff(data, "x" + sniff.EXTENSIONS.get(media, ""))  # checked again at every answer
    except sniff.Refused:
        return refusal(404, NO_SUCH)
    filename = f"{kind}-{day.isoformat()}{sniff.EXTENSIONS[media]}"
    return Answer(200, data, media, filename)
