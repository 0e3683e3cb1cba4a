"""Documents in an import (README, "Source documents"): `documents.csv` names files of the
import (inside the zip or folder) with their title, kind, date, visibility and company;
`document_links.csv` says which evidence rows rest on which document.

`split` takes these two files and the files they name out of an import's files, reads them
and checks every cell and file (type by content, size per file and per import); `check`
checks them against the database and the import's own tables (a link's evidence exists and
concerns the document's company); `apply` stores the files and writes the rows inside the
import's transaction. Any problem is a `Problem` naming file, line, column; then nothing is
stored.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path, PurePosixPath

import duckdb
import pandas as pd

from data.documents import sniff, store
from data.exports import spreadsheet
from data.importing.plan import TableCounts
from data.importing.validate import Problem

DOCUMENTS_FILE = "documents.csv"
LINKS_FILE = "document_links.csv"
DOCUMENT_COLUMNS = ("document_id", "file", "title", "kind", "date", "visibility", "company_id")
REQUIRED = ("document_id", "file", "title", "kind", "date", "visibility", "company_id")
LINK_FILE_COLUMNS = ("document_id", "evidence", *store.LINK_COLUMNS)
MAX_TITLE = 300
MAX_LINKS = 20_000


@dataclass
class Incoming:
    """The documents of one import, read and checked on their own."""

    documents: list[dict] = field(default_factory=list)  # rows of `documents`, plus `_line`
    links: list[dict] = field(default_factory=list)  # rows of `document_links`, plus `_line`
    blobs: dict[str, bytes] = field(default_factory=dict)  # sha256 -> content
    counts: dict[str, TableCounts] = field(default_factory=dict)
    declared: dict[str, str] = field(default_factory=dict)  # every document_id of documents.csv -> company

    @property
    def rows(self) -> int:
        return len(self.documents) + len(self.links)


def _base(name: str) -> str:
    return PurePosixPath(name.replace("\\", "/")).name.lower()


def _rows(
    name: str, data: bytes, columns: tuple[str, ...], required: tuple[str, ...]
) -> tuple[list[dict], list[Problem]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], [Problem(name, None, None, "the file is not UTF-8 text; save it as CSV UTF-8")]
    first = text.split("\n", 1)[0]
    separator = max(",;\t", key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    try:
        records = list(reader)
    except csv.Error as exc:
        return [], [Problem(name, None, None, f"the file cannot be read as CSV ({exc})")]
    if not records:
        return [], [Problem(name, None, None, "the file is empty; it needs a header row")]
    header = [h.strip() for h in records[0]]
    unknown = [h for h in header if h not in columns]
    missing = [c for c in required if c not in header]
    problems = []
    if unknown:
        problems.append(Problem(name, 1, unknown[0], f"unknown column; the columns are {', '.join(columns)}"))
    if missing:
        problems.append(Problem(name, 1, missing[0], "required column missing"))
    if problems:
        return [], problems
    rows = []
    for line, record in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record):
            continue
        if len(record) != len(header):
            problems.append(
                Problem(name, line, None, f"{len(record)} cells where the header has {len(header)}")
            )
            continue
        cells = {h: spreadsheet.restore(cell.strip()) for h, cell in zip(header, record, strict=True)}
        row = {c: "" for c in columns} | cells  # an export's formula guard undone
        rows.append(row | {"_line": line})
    return rows, problems


def _code(value: str, choices: dict[str, str]) -> str | None:
    """A code from its code or its words ("monitoring_report" or "Monitoring report")."""
    wanted = value.strip().lower().replace("-", " ").replace("_", " ")
    for code, words in choices.items():
        if wanted in (code.replace("_", " "), words.lower().replace("-", " ")):
            return code
    return None


def _day(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if len(value) == 10 else None
    except ValueError:
        return None


def _find_file(wanted: str, files: list[tuple[str, bytes]]) -> list[int]:
    clean = wanted.replace("\\", "/").lstrip("./")
    return [
        i
        for i, (n, _) in enumerate(files)
        if n.replace("\\", "/") == clean or n.replace("\\", "/").endswith("/" + clean)
    ]


def split(
    files: list[tuple[str, bytes]], today: date
) -> tuple[Incoming | None, list[tuple[str, bytes]], list[Problem]]:
    """Take documents.csv, document_links.csv and the files documents.csv names out of
    `files`: (the documents, the other files, problems). None when the import has no documents."""
    docs_at = [i for i, (n, _) in enumerate(files) if _base(n) == DOCUMENTS_FILE]
    links_at = [i for i, (n, _) in enumerate(files) if _base(n) == LINKS_FILE]
    if not docs_at and not links_at:
        return None, files, []
    incoming = Incoming()
    problems: list[Problem] = []
    taken = set(docs_at) | set(links_at)
    for group, what in ((docs_at, DOCUMENTS_FILE), (links_at, LINKS_FILE)):
        if len(group) > 1:
            problems.append(Problem(files[group[1]][0], None, None, f"the import holds more than one {what}"))
    total = 0
    if docs_at:
        name, data = files[docs_at[0]]
        rows, found = _rows(name, data, DOCUMENT_COLUMNS, REQUIRED)
        problems += found
        seen: dict[str, int] = {}
        for row in rows:
            line = row["_line"]
            if row["document_id"]:
                incoming.declared[row["document_id"]] = row["company_id"]

            def bad(column: str | None, text: str, line: int = line) -> None:
                problems.append(Problem(name, line, column, text))

            empty = [c for c in REQUIRED if not row[c]]
            for column in empty:
                bad(column, "required value missing")
            if empty:
                continue
            doc_id = row["document_id"]
            if len(doc_id) > 64:
                bad("document_id", "longer than 64 characters")
            if doc_id in seen:
                bad("document_id", f"the same document_id as line {seen[doc_id]}")
            seen[doc_id] = line
            if len(row["title"]) > MAX_TITLE:
                bad("title", f"longer than {MAX_TITLE} characters")
            kind = _code(row["kind"], store.KINDS)
            if kind is None:
                bad("kind", f"not a kind of document; one of {', '.join(store.KINDS)}")
            visibility = _code(row["visibility"], {k: k for k in store.VISIBILITY})
            if visibility is None:
                bad("visibility", f"not a visibility; one of {', '.join(store.VISIBILITY)}")
            day = _day(row["date"])
            if day is None:
                bad("date", "not a date as YYYY-MM-DD")
            elif day > today:
                bad("date", f"in the future (today is {today.isoformat()})")
            at = _find_file(row["file"], files)
            if not at:
                bad(
                    "file",
                    f"no file {row['file']!r} in the import (put it in the zip or folder beside {DOCUMENTS_FILE})",
                )
                continue
            if len(at) > 1:
                bad(
                    "file",
                    f"several files of the import are called {row['file']!r}; give the path inside the zip or folder",
                )
                continue
            taken.add(at[0])
            content = files[at[0]][1]
            try:
                media = sniff.sniff(content, row["file"])
            except sniff.Refused as refused:
                bad("file", f"{row['file']}: {refused.reason}; nothing was stored")
                continue
            total += len(content) if store.digest(content) not in incoming.blobs else 0
            sha = store.digest(content)
            incoming.blobs[sha] = content
            incoming.documents.append(
                {"document_id": doc_id, "sha256": sha, "title": row["title"], "kind": kind,
                 "document_date": day, "size_bytes": len(content), "media_type": media,
                 "visibility": visibility, "company_id": row["company_id"], "_line": line}
            )  # fmt: skip
        if total > sniff.MAX_IMPORT_BYTES:
            problems.append(Problem(name, None, None, f"the documents add up to {total / 1048576:,.1f} MB, more than the limit of {sniff.MAX_IMPORT_BYTES / 1048576:,.0f} MB for one import; import them in several parts"))  # fmt: skip
    if links_at:
        name, data = files[links_at[0]]
        rows, found = _rows(name, data, LINK_FILE_COLUMNS, ("document_id", "evidence"))
        problems += found
        if len(rows) > MAX_LINKS:
            problems.append(Problem(name, None, None, f"more than {MAX_LINKS:,} links in one import"))
            rows = []
        for row in rows:
            line = row["_line"]
            evidence = row["evidence"]
            if not row["document_id"]:
                problems.append(Problem(name, line, "document_id", "required value missing"))
                continue
            if evidence not in store.EVIDENCE_KEYS:
                problems.append(Problem(name, line, "evidence", f"not an evidence table; one of {', '.join(store.EVIDENCE_KEYS)}"))  # fmt: skip
                continue
            keys = store.EVIDENCE_KEYS[evidence]
            ok = True
            for column in store.LINK_COLUMNS:
                if column in keys and not row[column]:
                    problems.append(Problem(name, line, column, f"required for a link to {evidence}"))
                    ok = False
                elif column not in keys and row[column]:
                    problems.append(Problem(name, line, column, f"must be empty for a link to {evidence}"))
                    ok = False
                elif column.endswith("_on") and row[column] and _day(row[column]) is None:
                    problems.append(Problem(name, line, column, "not a date as YYYY-MM-DD"))
                    ok = False
            if ok:
                link = {"document_id": row["document_id"], "evidence": evidence, "_line": line, "_file": name}
                link |= {c: (row[c] or None) for c in store.LINK_COLUMNS}
                incoming.links.append(link)
    for doc in incoming.documents:
        doc["_file"] = files[docs_at[0]][0]
    rest = [f for i, f in enumerate(files) if i not in taken]
    return incoming, rest, problems


# ---------------------------------------------------------------- against the database


def _frame(frames: dict[str, pd.DataFrame], table: str, columns: list[str]) -> pd.DataFrame:
    frame = frames.get(table)
    if frame is None or frame.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})
    return frame[columns].astype("object")


_OWNER_SQL = {
    "disclosures": (
        "SELECT d.request_id, d.factory_id, CAST(d.disclosed_on AS VARCHAR) AS disclosed_on, r.company_id "
        "FROM disclosures d JOIN disclosure_requests r USING (request_id)"
    ),
    "due_diligence": (
        "SELECT d.request_id, CAST(d.recorded_on AS VARCHAR) AS recorded_on, r.company_id "
        "FROM due_diligence d JOIN disclosure_requests r USING (request_id)"
    ),
    "cases": "SELECT case_id, company_id FROM cases",
    "findings": "SELECT f.finding_id, c.company_id FROM findings f JOIN cases c USING (case_id)",
    "events": "SELECT e.event_id, c.company_id FROM events e JOIN cases c USING (case_id)",
}


def _owners(
    con: duckdb.DuckDBPyConnection, frames: dict[str, pd.DataFrame], evidence: str
) -> dict[tuple, str]:
    """Key (as text) -> company of every `evidence` row in the database or the import."""
    keys = store.EVIDENCE_KEYS[evidence]
    found = {tuple(r[:-1]): r[-1] for r in con.execute(_OWNER_SQL[evidence]).fetchall()}
    requests = dict(con.execute("SELECT request_id, company_id FROM disclosure_requests").fetchall())
    cases = dict(con.execute("SELECT case_id, company_id FROM cases").fetchall())
    new_requests = _frame(frames, "disclosure_requests", ["request_id", "company_id"])
    requests |= dict(zip(new_requests["request_id"], new_requests["company_id"], strict=True))
    new_cases = _frame(frames, "cases", ["case_id", "company_id"])
    cases |= dict(zip(new_cases["case_id"], new_cases["company_id"], strict=True))
    if evidence in ("disclosures", "due_diligence"):
        for row in _frame(frames, evidence, list(keys)).itertuples(index=False):
            found[tuple(row)] = requests.get(row[0])
    elif evidence == "cases":
        found |= {(c,): o for c, o in cases.items()}
    else:
        column = "finding_id" if evidence == "findings" else "event_id"
        for row in _frame(frames, evidence, [column, "case_id"]).itertuples(index=False):
            found[(row[0],)] = cases.get(row[1])
    return found


def check(
    con: duckdb.DuckDBPyConnection, incoming: Incoming, frames: dict[str, pd.DataFrame]
) -> list[Problem]:
    """The checks that need the database (and the import's tables): the company exists, a
    link names a document and an evidence row that exist, and that row concerns the
    document's company (a document is never shown on another company's page)."""
    problems: list[Problem] = []
    have_docs = store.has_tables(con)
    companies = {c for (c,) in con.execute("SELECT company_id FROM companies").fetchall()}
    companies |= set(_frame(frames, "companies", ["company_id"])["company_id"])
    stored: dict[str, tuple[str, str]] = {}
    if have_docs:
        stored = {
            d: (c, s)
            for d, c, s in con.execute("SELECT document_id, company_id, sha256 FROM documents").fetchall()
        }
    company_of = {d: c for d, (c, _) in stored.items()} | incoming.declared
    incoming.counts = {"documents": TableCounts(), "document_links": TableCounts()}
    for doc in incoming.documents:
        if doc["company_id"] not in companies:
            problems.append(Problem(doc["_file"], doc["_line"], "company_id", f"no company {doc['company_id']!r} in the database or the import"))  # fmt: skip
        before = stored.get(doc["document_id"])
        if before is not None and before[0] != doc["company_id"]:
            problems.append(Problem(doc["_file"], doc["_line"], "company_id", f"document {doc['document_id']!r} concerns company {before[0]!r}; the company of a document never changes"))  # fmt: skip
        company_of[doc["document_id"]] = doc["company_id"]
    owners: dict[str, dict[tuple, str]] = {}
    for link in incoming.links:
        where = (link["_file"], link["_line"])
        company = company_of.get(link["document_id"])
        if company is None:
            problems.append(Problem(*where, "document_id", f"no document {link['document_id']!r} in {DOCUMENTS_FILE} or the database"))  # fmt: skip
            continue
        evidence = link["evidence"]
        if evidence not in owners:
            owners[evidence] = _owners(con, frames, evidence)
        key = tuple(link[c] for c in store.EVIDENCE_KEYS[evidence])
        if key not in owners[evidence]:
            problems.append(Problem(*where, store.EVIDENCE_KEYS[evidence][0], f"no {evidence} row {' / '.join(key)} in the database or the import"))  # fmt: skip
        elif owners[evidence][key] != company:
            problems.append(Problem(*where, "document_id", f"the document concerns company {company!r} but this {evidence} row concerns {owners[evidence][key]!r}"))  # fmt: skip
    if not problems:
        _count(con, incoming, stored, have_docs)
    return problems


def _count(con: duckdb.DuckDBPyConnection, incoming: Incoming, stored: dict, have_docs: bool) -> None:
    docs = incoming.counts["documents"]
    existing = {}
    if have_docs:
        rows = con.execute(
            "SELECT document_id, sha256, title, kind, document_date, visibility FROM documents"
        ).fetchall()
        existing = {r[0]: r[1:] for r in rows}
    for doc in incoming.documents:
        now = (doc["sha256"], doc["title"], doc["kind"], doc["document_date"], doc["visibility"])
        if doc["document_id"] not in existing:
            docs.inserted += 1
        elif existing[doc["document_id"]] != now:
            docs.replaced += 1
        else:
            docs.unchanged += 1
    links = incoming.counts["document_links"]
    present = set()
    if have_docs:
        present = {tuple(r) for r in con.execute(_STORED_LINKS).fetchall()}
    for link in incoming.links:
        if _link_key(link) in present:
            links.unchanged += 1
        else:
            links.inserted += 1
            present.add(_link_key(link))


def _link_key(link: dict) -> tuple:
    return tuple(link[c] for c in _LINK_ORDER)


_UPSERT_DOCUMENT = """
INSERT INTO documents (document_id, sha256, title, kind, document_date, size_bytes, media_type, uploaded_by,
                       visibility, company_id)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (document_id) DO UPDATE SET sha256 = excluded.sha256, title = excluded.title, kind = excluded.kind,
    document_date = excluded.document_date, size_bytes = excluded.size_bytes, media_type = excluded.media_type,
    uploaded_by = excluded.uploaded_by, uploaded_at = excluded.uploaded_at, visibility = excluded.visibility
"""
_LINK_ORDER = ("document_id", "evidence", "request_id", "factory_id", "disclosed_on", "recorded_on", "case_id", "finding_id", "event_id")  # fmt: skip
_ADD_LINK = """
INSERT INTO document_links (document_id, evidence, request_id, factory_id, disclosed_on, recorded_on, case_id,
                            finding_id, event_id)
SELECT ?, ?, ?, ?, CAST(? AS DATE), CAST(? AS DATE), ?, ?, ?
WHERE NOT EXISTS (
    SELECT 1 FROM document_links WHERE document_id = ? AND evidence = ?
    AND request_id IS NOT DISTINCT FROM ? AND factory_id IS NOT DISTINCT FROM ?
    AND disclosed_on IS NOT DISTINCT FROM CAST(? AS DATE) AND recorded_on IS NOT DISTINCT FROM CAST(? AS DATE)
    AND case_id IS NOT DISTINCT FROM ? AND finding_id IS NOT DISTINCT FROM ? AND event_id IS NOT DISTINCT FROM ?)
"""
_STORED_LINKS = """
SELECT document_id, evidence, request_id, factory_id, CAST(disclosed_on AS VARCHAR), CAST(recorded_on AS VARCHAR),
       case_id, finding_id, event_id
FROM document_links
"""


def apply(con: duckdb.DuckDBPyConnection, db_path: Path, incoming: Incoming, who: str) -> list[str]:
    """Inside the import's transaction: keep the files (returns the hashes newly written, to
    remove if the write is not published) and upsert the rows. Links are only ever added."""
    store.ensure_tables(con)
    written = []
    for sha, content in incoming.blobs.items():
        _, new = store.save(db_path, content)
        if new:
            written.append(sha)
    for doc in incoming.documents:
        con.execute(
            _UPSERT_DOCUMENT,
            [doc["document_id"], doc["sha256"], doc["title"], doc["kind"], doc["document_date"],
             doc["size_bytes"], doc["media_type"], who, doc["visibility"], doc["company_id"]],
        )  # fmt: skip
    for link in incoming.links:
        values = [link[c] for c in _LINK_ORDER]
        con.execute(_ADD_LINK, values + values)
    return written


MAX_ZIP_UNPACKED = 200 * 1024 * 1024
MAX_ZIP_MEMBERS = 5_000


def unpack(files: list[tuple[str, bytes]]) -> tuple[list[tuple[str, bytes]], list[Problem]]:
    """An import's .zip files as the files inside them (`archive.zip/inner/path`), the zip
    directory checked first (size unpacked, number of files) so a zip bomb is never inflated."""
    out: list[tuple[str, bytes]] = []
    problems: list[Problem] = []
    for name, data in files:
        if not name.lower().endswith(".zip"):
            out.append((name, data))
            continue
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                members = [m for m in archive.infolist() if not m.is_dir()]
                unpacked = sum(m.file_size for m in members)
                if len(members) > MAX_ZIP_MEMBERS or unpacked > MAX_ZIP_UNPACKED:
                    problems.append(Problem(name, None, None, f"the zip holds {len(members):,} files, {unpacked / 1048576:,.0f} MB unpacked; the limit is {MAX_ZIP_MEMBERS:,} files and {MAX_ZIP_UNPACKED / 1048576:,.0f} MB"))  # fmt: skip
                    continue
                for member in members:
                    inner = member.filename.replace("\\", "/")
                    if PurePosixPath(inner).name.startswith((".", "~$")) or "__MACOSX/" in inner:
                        continue
                    out.append((f"{name}/{inner}", archive.read(member)))
        except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError, RuntimeError) as exc:
            problems.append(Problem(name, None, None, f"the zip file cannot be read ({exc})"))
    return out, problems


def folder_files(folder: Path) -> list[Path]:
    """Besides its tables, a folder with a documents.csv brings every other file in it (and
    its subfolders) as a possible document."""
    if not (folder / DOCUMENTS_FILE).is_file():
        return []
    return sorted(
        p for p in folder.rglob("*")
        if p.is_file() and not any(part.startswith((".", "~$")) for part in p.relative_to(folder).parts)
        and not (p.parent == folder and p.suffix.lower() in (".csv", ".xlsx"))  # the tables: read already
    )  # fmt: skip
