"""Command line of the evidence store (DATA_FORMAT.md, "Command-line contract").

Every command exits 0 on success and non-zero on failure, with the reason on
standard error: never a stack trace for an expected problem.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from datetime import datetime
from pathlib import Path

import duckdb

from data import store
from data.store import writes


class CliError(Exception):
    """An expected failure: printed as one line on stderr, exit code 1."""


def _add_db(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", metavar="PATH", help="database file (default: $CPT_DB or data/cpt.duckdb)")


def cmd_init(args: argparse.Namespace) -> int:
    from data import demo

    path = store.db_path(args.db)
    if args.scale < 1:
        raise CliError("--scale must be a whole number of at least 1")
    fill = (lambda con: demo.fill_demo(con, scale=args.scale)) if args.demo else None
    writes.create(path, fill, force=args.force)
    what = f"demo data (scale {args.scale})" if args.demo else "an empty schema"
    print(f"created {path} with {what}")
    _warm(path)
    return 0


def _warm(path: Path) -> None:
    """Make sure the new file's series is saved (the write path scores it before the swap; a
    file published by an older version is scored here) and say so: the dashboard's first page
    is not the one to wait."""
    from data.store import series_cache

    series_cache.warm(path)
    print("scored every company's quarterly series for the dashboard (saved beside the database)")


def cmd_check(args: argparse.Namespace) -> int:
    """Score the evidence again and compare it with the series saved beside the file."""
    from data.store import series_cache

    path = _existing_db(args)
    con = duckdb.connect(str(path), read_only=True)
    try:
        result = series_cache.check(con, path)
    finally:
        con.close()
    if result.difference is not None:
        print(
            f"error: the saved score series differs from the evidence: {result.difference}", file=sys.stderr
        )
        if not args.repair:
            print("run `python -m data check --repair` to score it again", file=sys.stderr)
        else:
            series_cache.save(path, result.key, "in-force", _fresh(path))
            print("repaired: the saved series was scored again from the evidence")
            return 0
        return 1
    if result.saved:
        print(f"ok: the saved score series of {path.name} equals a fresh scoring of its evidence")
    else:
        print(f"ok: no score series is saved for {path.name}; the dashboard scores the evidence itself")
    return 0


def _fresh(path: Path):
    from data.store import series_cache

    con = duckdb.connect(str(path), read_only=True)
    try:
        return series_cache.score_file(con)
    finally:
        con.close()


def cmd_export(args: argparse.Namespace) -> int:
    from data.exports.tables_dump import export_documents, export_tables

    path = store.db_path(args.db)
    if not path.exists():
        raise CliError(f"database {path} does not exist")
    con = duckdb.connect(str(path), read_only=True)
    try:
        counts = export_tables(con, Path(args.out))
        try:
            documents = export_documents(con, path, Path(args.out))
        except FileNotFoundError as exc:
            raise CliError(str(exc)) from exc
    finally:
        con.close()
    for table, n in counts.items():
        print(f"{table}: {n} rows")
    print(
        f"documents: {documents} files in {Path(args.out) / 'documents'} (documents.csv, document_links.csv)"
    )
    print(f"exported {len(counts)} tables to {args.out}")
    return 0


MAX_ERRORS_SHOWN = 50


def _who() -> str:
    """The OS user running the CLI, for the audit log."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry and no $USER (e.g. a bare container)
        return "unknown"


def _progress(what: str, rows: int, seconds: float) -> None:
    """Progress on stderr for large files, when a person is watching."""
    if rows >= 10_000 and sys.stderr.isatty():
        rate = rows / seconds if seconds > 0 else float("inf")
        print(f"{what}: {rows:,} rows in {seconds:.1f} s ({rate:,.0f} rows/s)", file=sys.stderr)


def cmd_import(args: argparse.Namespace) -> int:
    from data.importing import importer

    path = store.db_path(args.db)
    if not path.exists():
        raise CliError(f"database {path} does not exist; create it with `python -m data init`")
    if args.keep is not None and args.keep < 0:
        raise CliError("--keep must be 0 or more")
    files, problems = importer.read_paths(args.files)
    if problems:
        plan = importer.ImportPlan(errors=problems)
    elif args.dry_run:
        con = duckdb.connect(str(path), read_only=True)
        try:
            plan = importer.validate_files(files, con, progress=_progress)
        finally:
            con.close()
    else:
        plan = importer.apply_import(path, files, _who(), keep=args.keep, progress=_progress)
    for note in plan.notes:
        print(f"note: {note}")
    if not plan.ok:
        for problem in plan.errors[:MAX_ERRORS_SHOWN]:
            print(problem, file=sys.stderr)
        hidden = len(plan.errors) - MAX_ERRORS_SHOWN
        if hidden > 0:
            print(f"... and {hidden} more error{'s' if hidden != 1 else ''}", file=sys.stderr)
        n = len(plan.errors)
        print(
            f"error: {n} error{'s' if n != 1 else ''} found; nothing was written to {path}", file=sys.stderr
        )
        return 1
    if plan.total_rows == 0:
        print("nothing to import: the files hold no rows; nothing was written")
        return 0
    print("dry run: nothing was written; the import would do:" if args.dry_run else f"imported into {path}:")
    for table, c in plan.counts.items():
        print(f"  {table}: {c.inserted} inserted, {c.replaced} replaced, {c.unchanged} unchanged")
    for fix in plan.corrections:
        print(f"  {fix.table} {fix.id}: company_id {fix.old_value} -> {fix.new_value} ({fix.reason})")
    if plan.as_of is not None:
        when = plan.as_of.isoformat()
        if not plan.score_changes:
            print(
                f"no company's score at the last quarter end ({when}) {'would change' if args.dry_run else 'changed'}"
            )
        else:
            verb = "would change" if args.dry_run else "changed"
            print(f"scores at the last quarter end ({when}) that {verb}:")
            for line in plan.score_lines():
                print(line)
        if not args.dry_run:
            print(importer.effective_date_message(plan.as_of))
    if not args.dry_run:
        _warm(path)
    return 0


def cmd_template(args: argparse.Namespace) -> int:
    from data.importing.templates import write_templates

    written = write_templates(Path(args.out))
    for p in written:
        print(p)
    print(f"wrote {len(written)} template files to {args.out}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    path = store.db_path(args.db)
    backups = store.list_backups(path)
    if args.list:
        if not backups:
            print(f"no backups of {path}")
        for b in backups:
            st = b.stat()
            when = datetime.fromtimestamp(st.st_mtime).isoformat(sep=" ", timespec="seconds")
            print(f"{b.name}\t{when}\t{st.st_size:,} bytes")
        return 0
    if not backups:
        raise CliError(f"no backups of {path} in {store.backups_dir(path)}")
    if args.latest:
        chosen = backups[0]
    else:
        matches = [b for b in backups if b.name == args.backup or b.stem == args.backup]
        if not matches:
            raise CliError(f"no backup named {args.backup!r}; see `python -m data restore --list`")
        chosen = matches[0]
    keep = store.DEFAULT_BACKUPS if args.keep is None else args.keep
    writes.restore(path, chosen, keep=max(keep, 1))
    print(f"restored {path} from {chosen.name} (the replaced file is kept as a backup)")
    return 0


def _read_password(confirm: bool = True) -> str:
    """From the terminal without echo (asked twice), or one line of standard input for scripts."""
    if sys.stdin is not None and sys.stdin.isatty():
        first = getpass.getpass("Password: ")
        if confirm and getpass.getpass("Password again: ") != first:
            raise CliError("the two passwords differ; nothing was written")
        return first
    line = sys.stdin.readline() if sys.stdin is not None else ""
    if not line:
        raise CliError("no password on standard input")
    return line.rstrip("\r\n")


def _existing_db(args: argparse.Namespace) -> Path:
    path = store.db_path(args.db)
    if not path.exists():
        raise CliError(f"database {path} does not exist; create it with `python -m data init`")
    return path


def cmd_users(args: argparse.Namespace) -> int:
    from data.access import accounts

    path = _existing_db(args)
    try:
        if args.action == "list":
            con = duckdb.connect(str(path), read_only=True)
            try:
                users = accounts.list_users(con)
            finally:
                con.close()
            if not users:
                print("no accounts yet; add the first admin with: python -m data users add NAME --role admin")
            for u in users:
                link = u["company_id"] or u["affiliate_id"] or ""
                print(f"{u['username']}\t{u['role']}\t{link}\t{u['created_at']:%Y-%m-%d %H:%M}")
        elif args.action == "add":
            accounts.add_user(path, args.username, _read_password(), args.role, args.company, args.affiliate,
                              who=_who())  # fmt: skip
            print(f"added {args.role} account {args.username}")
        elif args.action == "passwd":
            accounts.set_password(path, args.username, _read_password(), who=_who())
            print(f"password of {args.username} changed")
        elif args.action == "remove":
            accounts.remove_user(path, args.username, who=_who())
            print(f"removed account {args.username}")
    except accounts.AccountError as exc:
        raise CliError(f"{exc}; nothing was written") from exc
    return 0


def _disputes_frame(path: Path, status: str | None):
    from data.queries import disputes
    from data.queries.contracts import Viewer

    con = duckdb.connect(str(path), read_only=True)
    try:
        return disputes.visible(con.cursor(), Viewer("admin"), None, status)
    finally:
        con.close()


def cmd_disputes(args: argparse.Namespace) -> int:
    """Right of reply (issue 23): list, show and resolve the companies' disputes."""
    from data.queries import disputes
    from wording import disputes as words

    path = _existing_db(args)
    if args.action == "list":
        found = _disputes_frame(path, None if args.all else "open")
        if found.empty:
            print("no disputes" if args.all else "no open disputes")
        for r in found.to_dict("records"):
            print(f"{r['dispute_id']}\t{r['opened_at']:%Y-%m-%d}\t{r['status']}\t{r['company_id']}\t"
                  f"{r['company']}\t{words.point_words(r)}")  # fmt: skip
        return 0
    if args.action == "show":
        found = _disputes_frame(path, None)
        rows = found[found["dispute_id"] == args.id].to_dict("records")
        if not rows:
            raise CliError(f"there is no dispute {args.id}; see `python -m data disputes list --all`")
        r = rows[0]
        print(f"dispute {r['dispute_id']}: {r['company']} ({r['company_id']})")
        print(f"point: {words.point_words(r)} [{r['point_kind']} {r['point_key']}]")
        print(f"opened: {r['opened_at']:%Y-%m-%d %H:%M} by {r['opened_by']}")
        print(f"reason: {r['reason']}")
        if isinstance(r.get("document_id"), str):  # the document the company sent with it
            print(
                f"document: {r['document_id']} ({r['document_visibility']}), /cpt/document/{r['document_id']}"
            )
        print(f"status: {r['status']}")
        if r["status"] != "open":
            print(f"resolved: {r['resolved_at']:%Y-%m-%d %H:%M} by {r['resolved_by']}")
            print(f"{'note' if r['status'] == 'upheld' else 'reason'}: {r['resolution']}")
        return 0
    outcome = "upheld" if args.upheld else "rejected"
    try:
        disputes.resolve(path, args.id, outcome=outcome, reason=args.reason, who=_who())
    except disputes.DisputeError as exc:
        raise CliError(f"{exc}; nothing was written") from exc
    print(f"dispute {args.id} {outcome}; the company sees the outcome on its Company page")
    if outcome == "upheld":
        print(
            "now correct the evidence with `python -m data import` (README, 'Right of reply'); the score changes then"
        )
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m data", description="CPT evidence store")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("init", help="create the database (optionally with the fictional demo data)")
    _add_db(p)
    p.add_argument("--demo", action="store_true", help="fill it with the fictional demo world")
    p.add_argument("--scale", type=int, default=1, metavar="N", help="demo world N times larger (benchmarks)")
    p.add_argument("--force", action="store_true", help="replace an existing database file")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("export", help="write every table as <table>.csv")
    _add_db(p)
    p.add_argument("--out", required=True, metavar="DIR", help="folder to write the CSV files to")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("import", help="validate and apply CSV/XLSX files, all or nothing")
    _add_db(p)
    p.add_argument("--dry-run", action="store_true", help="check and show what would change; write nothing")
    p.add_argument("--keep", type=int, metavar="N", help="backups to keep (default: $CPT_BACKUPS or 5)")
    p.add_argument("files", nargs="+", metavar="FILE_OR_DIR", help="<table>.csv, .xlsx or a folder of them")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("template", help="write empty import templates (CSV per table and one .xlsx)")
    p.add_argument("--out", required=True, metavar="DIR", help="folder to write the templates to")
    p.set_defaults(func=cmd_template)

    p = sub.add_parser("restore", help="list backups or make one the live database again")
    _add_db(p)
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--list", action="store_true", help="list the backups, newest first")
    which.add_argument("--latest", action="store_true", help="restore the newest backup")
    which.add_argument("backup", nargs="?", metavar="BACKUP_NAME", help="the backup file name to restore")
    p.add_argument("--keep", type=int, metavar="N", help="backups to keep (default: $CPT_BACKUPS or 5)")
    p.set_defaults(func=cmd_restore)

    p = sub.add_parser(
        "check", help="check that the saved score series equals a fresh scoring of the evidence"
    )
    _add_db(p)
    p.add_argument("--repair", action="store_true", help="score the series again where it differs")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser(
        "users", help="manage dashboard accounts (passwords are read, never passed as arguments)"
    )
    actions = p.add_subparsers(dest="action", required=True)
    q = actions.add_parser("list", help="list accounts")
    _add_db(q)
    q = actions.add_parser("add", help="add an account; the password is read from the terminal or stdin")
    _add_db(q)
    q.add_argument("username")
    q.add_argument("--role", required=True, choices=["admin", "affiliate", "company"])
    q.add_argument("--company", metavar="COMPANY_ID", help="the company of a company account")
    q.add_argument("--affiliate", metavar="AFFILIATE_ID", help="the affiliate of an affiliate account")
    for action, text in (("passwd", "set a new password"), ("remove", "remove an account")):
        q = actions.add_parser(action, help=text)
        _add_db(q)
        q.add_argument("username")
    p.set_defaults(func=cmd_users)

    p = sub.add_parser("disputes", help="the companies' disputes of data points (right of reply)")
    actions = p.add_subparsers(dest="action", required=True)
    q = actions.add_parser("list", help="open disputes, oldest first (--all: every dispute)")
    _add_db(q)
    q.add_argument("--all", action="store_true", help="resolved disputes too")
    q = actions.add_parser("show", help="one dispute: the point, the reason, the outcome")
    _add_db(q)
    q.add_argument("id", type=int, metavar="ID")
    q = actions.add_parser("resolve", help="resolve an open dispute as upheld or rejected, with a reason")
    _add_db(q)
    q.add_argument("id", type=int, metavar="ID")
    outcome = q.add_mutually_exclusive_group(required=True)
    outcome.add_argument(
        "--upheld", action="store_true", help="the company is right (then correct the evidence)"
    )
    outcome.add_argument("--rejected", action="store_true", help="the evidence stands")
    q.add_argument("--reason", required=True, metavar="TEXT", help="the note or reason the company reads")
    p.set_defaults(func=cmd_disputes)

    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (CliError, store.StoreError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except duckdb.Error as exc:
        print(f"error: database: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"error: {exc.strerror or exc}: {exc.filename or ''}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted: nothing was written", file=sys.stderr)
        return 130
