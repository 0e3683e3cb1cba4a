"""One document uploaded on a page, outside an import: a company's supporting document for a
dispute (issue 23, right of reply). The same rules as documents in an import: the type judged
by content (sniff.py), the same size limit, kept by its sha256 (store.py), a `documents` row
naming who uploaded it, which company it concerns and who may open it.

`check` reads the file before any write (a refused file stores nothing); `keep` saves it and
writes its row inside the caller's write (`writes.publish`); if that write is not published,
the caller removes a newly written file with `store.discard`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path, PurePosixPath

import duckdb

from data.documents import sniff, store

MAX_TITLE = 300
# What a company may choose for a document it sends with a dispute: every staff member sees it;
# the company may keep it from affiliates (business secrets) or share it with them.
DISPUTE_VISIBILITY = ("affiliates_and_company", "staff")


@dataclass(frozen=True)
class Upload:
    """A file that passed the checks: its name (as the sender named it), bytes and media type."""

    name: str
    data: bytes
    media_type: str

    @property
    def sha256(self) -> str:
        return store.digest(self.data)


def check(name: str, data: bytes) -> Upload:
    """The file if it may be stored, else sniff.Refused saying why (type by content, size)."""
    return Upload(
        PurePosixPath(str(name).replace("\\", "/")).name or "document", data, sniff.sniff(data, name)
    )


def keep(
    con: duckdb.DuckDBPyConnection,
    db_path: Path,
    upload: Upload,
    *,
    document_id: str,
    title: str,
    kind: str,
    visibility: str,
    company_id: str,
    who: str,
    day: date,
) -> bool:
    """Inside a write: keep the file and add its `documents` row. Returns whether the file was
    newly written (the caller removes it if the write is not published)."""
    if kind not in store.KINDS or visibility not in store.VISIBILITY:
        raise ValueError("unknown kind or visibility of a document")
    store.ensure_tables(con)
    _sha, new = store.save(db_path, upload.data)
    con.execute(
        "INSERT INTO documents (document_id, sha256, title, kind, document_date, size_bytes, media_type, "
        "uploaded_by, visibility, company_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [document_id, upload.sha256, title.strip()[:MAX_TITLE], kind, day, len(upload.data), upload.media_type,
         who, visibility, company_id],
    )  # fmt: skip
    return new
