"""Command line of the scoring engine (DATA_FORMAT.md, "Command-line contract").

    python -m scoring [--db PATH] (--as-of DATE | --series quarterly)
                      [--methodology in-force|v1|v2] [--company ID] [--format csv|json]
    python -m scoring [--db PATH] --actions --company ID --as-of DATE
                      [--methodology in-force|v1|v2] [--format csv|json]

Scores (and the gains of improvement actions) are printed with exactly two decimals (`61.43`; 51.875 prints as `51.88`,
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
import os
import sys
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import NoReturn

import duckdb
import numpy as np
import pandas as pd

from scoring import params
from scoring.actions import ACTION_COLUMNS, actions
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
    p = _Parser(
        prog="python -m scoring",
        description="Print CPT scores (SCT, FI, overall, band), or a company's improvement actions.",
    )
    p.add_argument("--db", metavar="PATH", help="database file (default: $CPT_DB or data/cpt.duckdb)")
    p.add_argument(
        "--actions",
        action="store_true",
        help="print the improvement actions of --company at --as-of (METHODOLOGY.md section 4)",
    )
    when = p.add_mutually_exclusive_group()
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


_NEAR_TIE = 1e-6
"""A value whose hundredths are this close to a half is rounded by `_number` itself."""


def _numbers(values: pd.Series) -> pd.Series:
    """`_number` of every value, vectorised (the same text): cents = floor(100 x + 0.5)
    wherever 100 x is clearly away from a half, so that rounding the binary value and
    rounding its decimal repr agree; `_number` for the rest (near ties, zero or negative,
    huge), which are few."""
    x = values.to_numpy(dtype=float, na_value=np.nan)
    out = np.full(len(x), "", dtype=object)
    known = ~np.isnan(x)
    scaled = np.where(known, x, 0.0) * 100
    fraction = scaled - np.floor(scaled)
    fast = known & (np.abs(fraction - 0.5) > _NEAR_TIE) & (x > 0) & (x < 1e12)
    cents = np.floor(scaled[fast] + 0.5).astype(np.int64)
    out[fast] = [f"{c // 100}.{c % 100:02d}" for c in cents.tolist()]  # exact integer cents
    slow = known & ~fast
    out[slow] = [_number(v) for v in x[slow]]
    return pd.Series(out, index=values.index, dtype=object)


def _fields(values: pd.Series) -> pd.Series:
    """Text values as CSV fields (quoted where csv.writer quotes them); "" when missing."""
    text = values.where(values.notna(), "").astype(str)
    quoted = {v: _csv_line([v, ""])[:-1] for v in text.unique() if "," in v or '"' in v}
    return text.map(quoted).fillna(text) if quoted else text


def _days(values: pd.Series) -> pd.Series:
    return pd.Series(pd.to_datetime(values).dt.strftime("%Y-%m-%d").to_numpy(), index=values.index)


def _csv_text(header: list[str], columns: list[pd.Series]) -> str:
    """CSV text from one header and columns already formatted as fields."""
    if not len(columns[0]):
        return ",".join(header) + "\n"
    rows = columns[0]
    for column in columns[1:]:
        rows = rows + "," + column
    return ",".join(header) + "\n" + "\n".join(rows.tolist()) + "\n"


def format_csv(scores: pd.DataFrame) -> str:
    """The scores as CSV: header company_id,as_of,methodology,sct,fi,overall,band.
    Formatted column by column (the same text a csv.writer gives row by row)."""
    scores = scores.reset_index(drop=True)
    return _csv_text(
        SCORE_COLUMNS,
        [
            _fields(scores["company_id"]),
            _days(scores["as_of"]),
            _fields(scores["methodology"]),
            _numbers(scores["sct"]),
            _numbers(scores["fi"]),
            _numbers(scores["overall"]),
            _fields(scores["band"].where(scores["band"].map(lambda b: isinstance(b, str)), None)),
        ],
    )


def format_actions_csv(rows: pd.DataFrame) -> str:
    """Improvement actions as CSV: header
    company_id,as_of,methodology,action,target_id,sct_gain,fi_gain,overall_gain."""
    rows = rows.reset_index(drop=True)
    return _csv_text(
        ACTION_COLUMNS,
        [
            _fields(rows["company_id"]),
            _days(rows["as_of"]),
            _fields(rows["methodology"]),
            _fields(rows["action"]),
            _fields(rows["target_id"]),
            _numbers(rows["sct_gain"]),
            _numbers(rows["fi_gain"]),
            _numbers(rows["overall_gain"]),
        ],
    )


def format_actions_json(rows: pd.DataFrame) -> str:
    """Improvement actions as a JSON list of objects (ACTION_COLUMNS); gains with two
    decimals, null for a score not applicable before and after."""
    objects = []
    for r in rows.itertuples(index=False):
        fields = {
            "company_id": json.dumps(r.company_id),
            "as_of": json.dumps(pd.Timestamp(r.as_of).date().isoformat()),
            "methodology": json.dumps(r.methodology),
            "action": json.dumps(r.action),
            "target_id": json.dumps(r.target_id),
            "sct_gain": _number(r.sct_gain) or "null",
            "fi_gain": _number(r.fi_gain) or "null",
            "overall_gain": _number(r.overall_gain) or "null",
        }
        objects.append("{" + ", ".join(f'"{k}": {v}' for k, v in fields.items()) + "}")
    if not objects:
        return "[]\n"
    return "[\n  " + ",\n  ".join(objects) + "\n]\n"


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


DEFAULT_DB = Path(__file__).resolve().parent.parent / "data" / "cpt.duckdb"


def db_path(cli_value: str | None = None) -> Path:
    """The database path as `python -m data` finds it (data.store.db_path; scoring imports nothing
    from data): `--db`, then the `CPT_DB` environment variable, then data/cpt.duckdb."""
    if cli_value:
        return Path(cli_value)
    if os.environ.get("CPT_DB"):
        return Path(os.environ["CPT_DB"])
    return DEFAULT_DB


def run(args: argparse.Namespace) -> str:
    path = db_path(args.db)
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
    if args.actions:
        rows = actions(evidence, args.company, args.as_of, args.methodology)
        return format_actions_json(rows) if args.format == "json" else format_actions_csv(rows)
    dates = [args.as_of] if args.as_of is not None else series_dates(evidence)
    scores = score(evidence, dates, args.methodology)
    return format_json(scores) if args.format == "json" else format_csv(scores)


def _check(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Combinations argparse cannot express: usage errors (exit 2, one line)."""
    if args.actions:
        if args.series is not None:
            parser.error("--actions takes one date: --as-of DATE, not --series")
        missing = [
            flag
            for flag, value in (("--company ID", args.company), ("--as-of DATE", args.as_of))
            if value is None
        ]
        if missing:
            parser.error(f"--actions needs {' and '.join(missing)}")
    elif args.as_of is None and args.series is None:
        parser.error("one of the arguments --as-of --series is required")


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    _check(parser, args)
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
