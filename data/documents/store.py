"""The document store: files kept by content (sha256) in `<db file>.documents/` beside the
database file, and what the `documents` table says about them.

Files are written once under their hash and never changed or removed by a write, so every
backup of the database file still finds the files its rows name (a restore needs no copy),
and two documents with the same content share one file. Who may see a document is decided
here (`may_see`), at the moment of each request.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
from pathlib import Path

import duckdb

SCHEMA_FILE = Path(__file__).resolve().parent / "schema.sql"
TABLES = ("documents", "document_links")

KINDS = {
    "monitoring_report": "Monitoring report",
    "disclosure_letter": "Disclosure letter",
    "due_diligence_statement": "Due-diligence statement",
    "remediation_plan": "Remediation plan",
    "verification_report": "Verification report",
    "other": "Other document",
}
VISIBILITY = {
    "staff": "Staff only",
    "affiliates": "Staff and affiliates",
    "affiliates_and_company": "Staff, affiliates and the company concerned",
}
EVIDENCE_KEYS = {  # the key columns of each evidence table a document may back
    "disclosures": ("request_id", "factory_id", "disclosed_on"),
    "due_diligence": ("request_id", "recorded_on"),
    "cases": ("case_id",),
    "findings": ("finding_id",),
    "events": ("event_id",),
}
LINK_COLUMNS = (
    "request_id",
    "factory_id",
    "disclosed_on",
    "recorded_on",
    "case_id",
    "finding_id",
    "event_id",
)
_SHA = re.compile(r"[0-9a-f]{64}")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def folder(db_path: Path) -> Path:
    """Where the files of database `db_path` live: `<name>.documents/` beside it."""
    db_path = Path(db_path)
    return db_path.with_name(db_path.name + ".documents")


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def path_of(db_path: Path, sha256: str) -> Path:
    if not _SHA.fullmatch(sha256 or ""):
        raise ValueError("not a sha256 hex digest")
    return folder(db_path) / sha256


def save(db_path: Path, data: bytes) -> tuple[str, bool]:
    """Keep `data` under its hash (atomically: a temporary file renamed); (sha256, newly written)."""
    sha = digest(data)
    target = path_of(db_path, sha)
    if target.is_file() and target.stat().st_size == len(data):
        return sha, False
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return sha, True


def discard(db_path: Path, sha256s: list[str]) -> None:
    """Remove files written for a write that was not published (nothing refers to them)."""
    for sha in sha256s:
        with contextlib.suppress(FileNotFoundError, ValueError):
            path_of(db_path, sha).unlink()


def read(db_path: Path, sha256: str) -> bytes | None:
    """The file's bytes, or None when it is missing or no longer matches its hash."""
    try:
        data = path_of(db_path, sha256).read_bytes()
    except (OSError, ValueError):
        return None
    return data if digest(data) == sha256 else None


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create the document tables in a file made before they existed (inside a write)."""
    con.execute(SCHEMA_FILE.read_text(encoding="utf-8"))


def has_tables(cur: duckdb.DuckDBPyConnection) -> bool:
    found = cur.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'main' AND table_name = 'documents'"
    ).fetchone()[0]
    return bool(found)


def label(kind: str, day: object) -> str:
    """ "Monitoring report, 2025-03-14": how a link to a document reads (no free text)."""
    words = KINDS.get(str(kind), KINDS["other"])
    text = str(day)[:10] if day is not None else ""
    return f"{words}, {text}" if _DAY.fullmatch(text) else words


def may_see(role: str | None, own_company: str | None, visibility: str, company_id: str) -> bool:
    """Whether an account may open a document: staff every one; an affiliate one shared with
    affiliates; a company account only one shared with the company concerned, about itself."""
    if role == "admin":
        return True
    if role == "affiliate":
        return visibility in ("affiliates", "affiliates_and_company")
    if role == "company":
        return (
            visibility == "affiliates_and_company" and own_company is not None and own_company == company_id
        )
    return False


def visible_sql(alias: str = "d") -> str:
    """The same rule as `may_see`, as SQL over `$role` and `$comp` (parameters, no values)."""
    return (
        f"($role = 'admin' OR ($role = 'affiliate' AND {alias}.visibility IN ('affiliates', 'affiliates_and_company'))"
        f" OR ($role = 'company' AND {alias}.visibility = 'affiliates_and_company' AND {alias}.company_id = $comp))"
    )
