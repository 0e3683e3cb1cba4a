"""Command line of the evidence store (DATA_FORMAT.md, "Command-line contract").

Every command exits 0 on success and non-zero on failure, with the reason on
standard error: never a stack trace for an expected problem.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import duckdb

from data import store


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
    store.create_database(path, fill, force=args.force)
    what = f"demo data (scale {args.scale})" if args.demo else "an empty schema"
    print(f"created {path} with {what}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from data.export import export_tables

    path = store.db_path(args.db)
    if not path.exists():
        raise CliError(f"database {path} does not exist")
    con = duckdb.connect(str(path), read_only=True)
    try:
        counts = export_tables(con, Path(args.out))
    finally:
        con.close()
    for table, n in counts.items():
        print(f"{table}: {n} rows")
    print(f"exported {len(counts)} tables to {args.out}")
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
    except KeyboardInterrupt:
        print("interrupted: nothing was written", file=sys.stderr)
        return 130
