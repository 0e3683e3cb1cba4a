"""Command line of the scoring engine (DATA_FORMAT.md, "Command-line contract").

    python -m scoring [--db PATH] (--as-of DATE | --series quarterly)
                      [--methodology in-force|v1|v2] [--company ID] [--format csv|json]

Scores are printed with exactly two decimals (`61.43`; 51.875 prints as `51.88`,
ties rounded half up), the precision METHODOLOGY.md's worked example quotes; the engine
itself keeps full precision. A score that is not applicable is an empty CSV field
and null in JSON. Usage errors (bad flags, bad dates) exit 2 with one line on
standard error; other failures (no database, unknown company) exit 1.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import sys
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import NoReturn

import duckdb
import pandas as pd

from data import store
from scoring import params
from scoring.dates import series_dates
from scoring.engine import SCORE_COLUMNS, score
from scoring.evidence import load_evidence


class CliError(Exception):
    """An expected failure: one line on stderr, exit code 1."""


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr (exit 2), not usage + error."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"error: {message} (see python -m scoring --help)\n")


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="python -m scoring", description="Print CPT scores (SCT, FI, overall, band).")
    p.add_argument("--db", metavar="PATH", help="database file (default: $CPT_DB or data/cpt.duckdb)")
    when = p.add_mutually_exclusive_group(required=True)
    when.add_argument("--as-of", type=_iso_date, metavar="DATE", help="score as of this date (YYYY-MM-DD)")
    when.add_argument(
        "--series",
        choices=["quarterly"],
        help="every quarter end from the first quarter with evidence to the last one on or before today",
    )
    p.add_argument(
        "--methodology",
        choices=[params.IN_FORCE, *params.VERSIONS],
        default=params.IN_FORCE,
        help="the version in force at each date (default), or one version for the whole history",
    )
    p.add_argument("--company", metavar="ID", help="only this company")
    p.add_argument("--format", choices=["csv", "json"], default="csv", help="output format (default csv)")
    return p


def _number(x: float) -> str:
    """Two decimals, ties rounded half up as people do (43.125 -> 43.13, not Python's 43.12)."""
    if x is None or math.isnan(x):
        return ""
    return str(Decimal(repr(float(x))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _numbers(column: pd.Series) -> pd.Series:
    """`_number` of every value, each distinct value formatted once (a series repeats them)."""
    return column.map({x: _number(x) for x in column.dropna().unique()}).fillna("")


def format_csv(scores: pd.DataFrame) -> str:
    """The scores as CSV: header company_id,as_of,methodology,sct,fi,overall,band.

    Column by column (the quarterly series at scale 1000 is 775,000 rows); text fields are
    quoted as the csv module does."""
    if scores.empty:
        return ",".join(SCORE_COLUMNS) + "\n"
    text = pd.DataFrame(
        {
            "company_id": scores["company_id"].astype(str),
            "as_of": pd.to_datetime(scores["as_of"]).dt.strftime("%Y-%m-%d"),
            "methodology": scores["methodology"].astype(str),
            "sct": _numbers(scores["sct"]),
            "fi": _numbers(scores["fi"]),
            "overall": _numbers(scores["overall"]),
            "band": scores["band"].map(lambda b: b if isinstance(b, str) else ""),
        }
    )
    for column in ("company_id", "methodology", "band"):
        values = text[column]
        if values.str.contains(r'[",\r\n]', regex=True).any():
            text[column] = values.map(lambda v: _csv_line([v]))
    body = text["company_id"]
    for column in SCORE_COLUMNS[1:]:
        body = body + "," + text[column]
    return ",".join(SCORE_COLUMNS) + "\n" + "\n".join(body) + "\n"


def _csv_line(values: list[str]) -> str:
    class _Line:
        text = ""

        def write(self, s: str) -> None:
            self.text += s

    out = _Line()
    csv.writer(out, lineterminator="").writerow(values)
    return out.text


def format_json(scores: pd.DataFrame) -> str:
    """The scores as a JSON list of objects; numbers with two decimals, null when n/a."""
    objects = []
    for r in scores.itertuples(index=False):
        fields = {
            "company_id": json.dumps(r.company_id),
            "as_of": json.dumps(pd.Timestamp(r.as_of).date().isoformat()),
            "methodology": json.dumps(r.methodology),
            "sct": _number(r.sct) or "null",
            "fi": _number(r.fi) or "null",
            "overall": _number(r.overall) or "null",
            "band": json.dumps(r.band) if isinstance(r.band, str) else "null",
        }
        objects.append("{" + ", ".join(f'"{k}": {v}' for k, v in fields.items()) + "}")
    if not objects:
        return "[]\n"
    return "[\n  " + ",\n  ".join(objects) + "\n]\n"


def run(args: argparse.Namespace) -> str:
    path = store.db_path(args.db)
    if not path.exists():
        raise CliError(f"database {path} does not exist; create it with `python -m data init --demo`")
    con = duckdb.connect(str(path), read_only=True)
    try:
        company_ids = None
        if args.company is not None:
            known = con.execute(
                "SELECT count(*) FROM companies WHERE company_id = ?", [args.company]
            ).fetchone()
            if not known or known[0] == 0:
                raise CliError(f"unknown company {args.company!r}")
            company_ids = [args.company]
        evidence = load_evidence(con, company_ids)
    finally:
        con.close()
    dates = [args.as_of] if args.as_of is not None else series_dates(evidence)
    scores = score(evidence, dates, args.methodology)
    return format_json(scores) if args.format == "json" else format_csv(scores)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        text = run(args)
    except CliError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except duckdb.Error as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        print(f"error: database: {first}", file=sys.stderr)
        return 1
    sys.stdout.write(text)
    return 0
