"""Import evidence from CSV and Excel files (DATA_FORMAT.md), all or nothing.

Python API (the CLI and the dashboard's Data page both use it; no Streamlit here):

    validate_files(files, con, *, today=None) -> ImportPlan
        `files` is a list of (name, bytes): a CSV file (its table taken from its
        name, `disclosures.csv`, or else from its header when that matches exactly
        one table; comma, semicolon or tab separated) or `anything.xlsx` (one sheet
        per table, named like the table or with a header that matches one; a sheet
        called README is ignored). `con` is a connection to the database the import
        would go into (read-only is enough). Nothing is written. The plan holds
        every error found (`plan.errors`, a list of `Problem`; `str(p)` gives
        `file:line: column: problem`), notes such as "read as table events"
        (`plan.notes`) and, when there are no errors, the preview: per table what
        the import would do (`plan.counts[table]`: `inserted`, `replaced` = an
        existing key with different values, `unchanged`), the old and new value of
        every changed cell of the replaced rows (`plan.changes`), and every company
        whose SCT, FI or overall score at the last quarter end (`plan.as_of`)
        changes (`plan.score_changes`, `plan.score_lines()`), computed with
        scoring.load_evidence + scoring.score on an in-memory staged copy of the
        affected companies' evidence with the import applied.

    apply_import(path, files, who, *, keep=None, today=None) -> ImportPlan
        Validate and apply in one `store.publish` call: the checks that need the
        database run again inside the writer's transaction, on the very copy
        that will be published, and the score impact is computed there, before
        and after the upserts. Rows are upserted by key, parents first; rows not
        mentioned are never deleted; a row's owner never changes. One `audit_log`
        row records who, the files (name and SHA-256), the counts and the score
        changes. On any error nothing is written and `plan.errors` says why;
        `plan.applied` tells which happened.

    read_paths(paths) -> (files, problems)
        Turn command-line arguments (files or folders) into (name, bytes); a
        folder means every `*.csv` and `*.xlsx` in it.

    effective_date_message(as_of); in data/importing/audit.py: audit_table(log),
    audit_csv(table), preview_frames(plan)
        What the Data page shows.

The parts, in the order an import goes through them (this module is the door):

    plan.py     what an import does and found (ImportPlan, TableCounts, ScoreChange)
    limits.py   what one import may hold (`LIMITS`, a `Limits`): file size, rows, cells,
                time; for .xlsx the unpacked size and compression ratio are read from the
                zip directory before openpyxl opens anything, so a zip bomb is refused in
                milliseconds
    read.py     files and folders, CSV and Excel, each file or sheet matched to its table
    validate.py checks that need no database (headers, cells, row rules, duplicates)
    checks.py   every file read and normalised, then the reference and cross-table checks
                (a reference must exist in the import or the database; an existing row
                keeps its owner (OWNERS); disclosed_on >= the request's requested_on;
                event_date >= the case's opened_on; an evidence_submitted/verified event
                names a finding of its own case), as joins, because they may need rows
                from the database; `upsert`
    impact.py   the score impact, before and after
    importer.py validate_files and apply_import (here)
    audit.py    the audit log and the preview as people read them
"""

from __future__ import annotations

import json
import time
from datetime import date, timedelta
from pathlib import Path

import duckdb

from data.documents import importing as documents_import
from data.documents import store as document_store
from data.importing import corrections as owner_fixes
from data.importing.checks import check_with_db, parse, upsert
from data.importing.impact import (
    affected_companies,
    changed_scores,
    company_names,
    later_evidence,
    preview_scores,
    scores_at,
)
from data.importing.plan import ImportPlan, ImportRejected, Progress, SourceFile, TableCounts
from data.importing.read import read_paths
from data.importing.validate import Problem
from data.store import writes
from data.store.tables import TABLES
from wording.i18n import _

__all__ = ["ImportPlan", "Problem", "TableCounts", "apply_import", "read_paths", "validate_files"]


def _sorted(errors: list[Problem], files: list[SourceFile]) -> list[Problem]:
    order = {f.name: i for i, f in enumerate(files)}

    def key(p: Problem) -> tuple[int, str, int, str]:
        base = p.file.split("[", 1)[0] if p.file not in order else p.file
        return (order.get(base, len(order)), p.file, p.line or 0, p.column or "")

    return sorted(errors, key=key)


def effective_date_message(as_of: date) -> str:
    """When newly imported evidence starts to count: scores are taken at quarter ends."""
    from scoring.dates import quarter_end_of

    following = quarter_end_of(as_of + timedelta(days=1))
    return (
        f"Evidence dated up to {as_of.isoformat()} counts from now on. Evidence dated after "
        f"{as_of.isoformat()} will count from the next quarter end ({following.isoformat()})."
    )


def validate_files(
    files: list[tuple[str, bytes]],
    con: duckdb.DuckDBPyConnection,
    *,
    today: date | None = None,
    progress: Progress | None = None,
) -> ImportPlan:
    """Check `files` against each other and the database behind `con`; write nothing (see module doc)."""
    parsed = parse(files, today or date.today(), progress)
    if parsed.readable:
        checked, _owners, db = check_with_db(parsed, con)
        try:
            if checked.ok and checked.total_rows:
                preview_scores(checked, db, parsed, progress)
        finally:
            db.drop()
    plan = parsed.plan
    plan.errors = _sorted(plan.errors, plan.files)
    plan.frames = parsed.frames
    return plan


def apply_import(
    path: Path,
    files: list[tuple[str, bytes]],
    who: str,
    *,
    keep: int | None = None,
    today: date | None = None,
    progress: Progress | None = None,
) -> ImportPlan:
    """Validate `files` and, if there is no error, apply them in one published transaction (see module doc)."""
    parsed = parse(files, today or date.today(), progress)
    plan = parsed.plan
    plan.frames = parsed.frames
    if not plan.ok or plan.total_rows == 0:
        if not plan.ok and parsed.readable:  # report the database checks' errors too
            con = duckdb.connect(str(path), read_only=True)
            try:
                _checked, _owners, db = check_with_db(parsed, con)
                db.drop()
            finally:
                con.close()
        plan.errors = _sorted(plan.errors, plan.files)
        return plan

    def change(con: duckdb.DuckDBPyConnection) -> ImportPlan:
        import scoring

        checked, staged, db = check_with_db(parsed, con)
        if not checked.ok:
            raise ImportRejected(checked)
        started = time.perf_counter()
        checked.as_of = scoring.last_quarter_end(parsed.today)
        companies = affected_companies(db, parsed.frames, checked.corrections)
        names = company_names(db, parsed.frames, companies)
        before = scores_at(con, companies, checked.as_of)
        owner_fixes.apply_corrections(con, checked.corrections)  # on the private copy (see there)
        for name in TABLES:  # parents first
            if name in staged:
                upsert(db, TABLES[name], staged[name])
        if parsed.documents is not None:  # files kept by hash; removed again if not published
            written.extend(documents_import.apply(con, Path(path), parsed.documents, who))
        after = scores_at(con, companies, checked.as_of)
        checked.score_changes = changed_scores(before, after, companies, names)
        checked.later_rows = later_evidence(parsed.frames, checked.as_of)
        if progress:
            progress("wrote", checked.total_rows, time.perf_counter() - started)
        detail = json.dumps(
            {
                "files": [{"name": f.name, "sha256": f.sha256, "bytes": f.size} for f in checked.files],
                "notes": checked.notes,
                "as_of": checked.as_of.isoformat(),
                "score_changes": [c.as_dict() for c in checked.score_changes],
                **(
                    {"corrections": [c.as_dict() for c in checked.corrections]} if checked.corrections else {}
                ),
            }
        )
        counts = json.dumps({t: c.as_dict() for t, c in checked.counts.items()})
        db.run(
            "INSERT INTO audit_log (who, action, detail, counts) VALUES (?, 'import', ?, ?)",
            [who, detail, counts],
        )
        db.drop()
        return checked

    written: list[str] = []
    try:
        plan = writes.publish(Path(path), change, keep=keep)
        plan.applied = True
    except ImportRejected as rejected:
        plan = rejected.plan
    except duckdb.Error as exc:  # a constraint the checks above did not foresee: still nothing written
        message = str(exc).splitlines()[0]
        plan.errors.append(
            Problem(
                str(path), None, None, _("the database refused the import: {message}").format(message=message)
            )
        )
    finally:
        if not plan.applied:
            document_store.discard(Path(path), written)
    plan.errors = _sorted(plan.errors, plan.files)
    return plan
