"""Checks on imported rows that need no database: headers, cell types, row rules, duplicates.

Everything here is vectorised over a pandas DataFrame of text cells (as read from
CSV or Excel) so that 100,000 rows are checked in a fraction of a second. Every
check appends `Problem`s; nothing stops at the first error.

A table frame holds the table's columns as text (missing columns filled with
""), plus `_file` (the label used in messages: `disclosures.csv` or
`book.xlsx[disclosures]`) and `_line` (the line or row number in that file).
`normalise_table` returns the same rows with each cell normalised to the text
DuckDB will cast (ISO dates, `true`/`false`, numbers as Python floats print) or
None for a missing value.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
import pycountry

from data.store.tables import BANDS, MAX_TEXT_LENGTH, Table
from wording.i18n import _

MAX_ID_LENGTH = 64
EXAMPLE_PREFIX = "EXAMPLE-"  # ids of the templates' example rows (data/importing/templates.py)
COUNTRY_CODES: frozenset[str] = frozenset(c.alpha_2 for c in pycountry.countries)
TRUE_WORDS = ("true", "1", "yes")
FALSE_WORDS = ("false", "0", "no")
_BOOLEANS = {**dict.fromkeys(TRUE_WORDS, "true"), **dict.fromkeys(FALSE_WORDS, "false")}
_ISO_DATE = r"\d{4}-\d{2}-\d{2}"


@dataclass(frozen=True, order=True)
class Problem:
    """One error in the input, printed as `file:line: column: problem`.

    `line` is the line number in a CSV file (the header is line 1) or the row
    number of an Excel sheet (then `file` reads `book.xlsx[sheet]`); None when
    the problem concerns the whole file. `column` is None when no one column is
    at fault.
    """

    file: str
    line: int | None
    column: str | None
    problem: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: {self.column}: {self.problem}" if self.column else f"{where}: {self.problem}"


def _quote(value: object) -> str:
    text = str(value)
    return repr(text if len(text) <= 40 else text[:37] + "...")


def emit(
    problems: list[Problem],
    frame: pd.DataFrame,
    mask: pd.Series,
    column: str,
    message: str,
    values: pd.Series | None = None,
    extra: pd.Series | None = None,
    **fields: object,
) -> None:
    """Add one Problem per row where `mask` holds.

    `message` (a template in the user's language: `_()`) may use `{value}` (the cell, quoted, or
    `values` if given), `{extra}` (a second per-row value, e.g. the date of the parent row) and
    the named `fields` (the same for every row).
    """
    if not mask.any():
        return
    rows = frame.loc[mask]
    vals = values.loc[rows.index] if values is not None else rows[column]
    ext = extra.loc[rows.index] if extra is not None else [None] * len(rows)
    for file, line, value, more in zip(rows["_file"], rows["_line"], vals, ext, strict=True):
        problems.append(
            Problem(
                file, int(line), column, message.format(value=_quote(value), raw=value, extra=more, **fields)
            )
        )


def check_header(label: str, table: Table, header: list[str]) -> list[Problem]:
    """Header names: exact (surrounding spaces ignored), no duplicates, none unknown, all required present."""
    problems: list[Problem] = []
    known = table.column_names
    seen: set[str] = set()
    for name in header:
        if name == "":
            problems.append(Problem(label, 1, None, _("a column has no name in the header")))
        elif name in seen:
            problems.append(Problem(label, 1, name, _("the column appears twice in the header")))
        elif name not in known:
            problems.append(
                Problem(label, 1, name, _("unknown column; {table} has: {columns}").format(
                    table=table.name, columns=", ".join(known)))
            )  # fmt: skip
        seen.add(name)
    for name in table.required:
        if name not in seen:
            problems.append(Problem(label, 1, name, _("required column is missing from the header")))
    return problems


def normalise_table(table: Table, frame: pd.DataFrame, today: date) -> tuple[pd.DataFrame, list[Problem]]:
    """Check every cell and the row rules of one table; return normalised rows and the problems.

    Rules (DATA_FORMAT.md): required cells present; ids 1-64 characters; free text at
    most MAX_TEXT_LENGTH characters (README, "Data notes"); dates
    ISO YYYY-MM-DD and not after `today` unless the column is a planned date
    (due_on, start_date, end_date); booleans true/false, 1/0, yes/no in any case;
    numbers with a decimal point; countries ISO 3166-1 alpha-2 (lower case is
    accepted and upper-cased); allowed values exact; end_date >= start_date;
    annual_spend_eur >= 0; due_on >= requested_on; no key twice in the import.
    """
    problems: list[Problem] = []
    out = pd.DataFrame({"_file": frame["_file"], "_line": frame["_line"]}, index=frame.index)
    parsed_dates: dict[str, pd.Series] = {}
    today_ts = pd.Timestamp(today)
    for column in table.columns:
        raw = frame[column.name].astype("str")
        empty = raw.str.strip() == ""
        value = raw if column.kind == "text" else raw.str.strip()
        if column.required:
            emit(problems, frame, empty, column.name, _("is empty; a value is required"))
        present = ~empty
        bad = pd.Series(False, index=frame.index)
        if column.kind == "id":
            too_long = present & (value.str.len() > MAX_ID_LENGTH)
            emit(
                problems,
                frame,
                too_long,
                column.name,
                _("id is {extra} characters long; at most {limit} are allowed"),
                extra=value.str.len(),
                limit=MAX_ID_LENGTH,
            )
        elif column.kind == "text":
            emit(
                problems,
                frame,
                present & (value.str.len() > MAX_TEXT_LENGTH),
                column.name,
                _("the text is {extra:,} characters long; at most {limit:,} are allowed in {name}"),
                extra=value.str.len(),
                limit=MAX_TEXT_LENGTH,
                name=column.name,
            )
        elif column.kind == "choice":
            bad = present & ~value.isin(column.choices)
            emit(
                problems,
                frame,
                bad,
                column.name,
                _("{value} is not allowed; use one of: {choices}"),
                values=value,
                choices=", ".join(column.choices),
            )
        elif column.kind == "country":
            value = value.str.upper()
            bad = present & ~value.isin(COUNTRY_CODES)
            emit(
                problems,
                frame,
                bad,
                column.name,
                _("{value} is not an ISO 3166-1 alpha-2 country code (e.g. CN, MY, NL)"),
                values=raw.str.strip(),
            )
        elif column.kind == "bool":
            mapped = value.str.lower().map(_BOOLEANS)
            bad = present & mapped.isna()
            emit(
                problems,
                frame,
                bad,
                column.name,
                _("{value} is not a boolean; use true/false, yes/no or 1/0"),
            )
            value = mapped
        elif column.kind == "number":
            numbers = pd.to_numeric(
                value.where(
                    value.str.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?").fillna(False), None
                ),
                errors="coerce",
            )
            bad = present & numbers.isna()
            comma = bad & value.str.fullmatch(r"[+-]?\d+,\d+").fillna(False)
            emit(
                problems,
                frame,
                bad & ~comma,
                column.name,
                _("{value} is not a number; write digits with a decimal point, e.g. 125000.50"),
            )
            emit(
                problems,
                frame,
                comma,
                column.name,
                _("{value} is not a number: it has a decimal comma; write a decimal point, e.g. 125000.50"),
            )
            if column.name == "annual_spend_eur":
                emit(
                    problems,
                    frame,
                    present & (numbers < 0),
                    column.name,
                    _("{value} is negative; spend must be 0 or more"),
                )
            if column.bounds is not None:
                low, high = column.bounds
                emit(
                    problems,
                    frame,
                    present & ((numbers < low) | (numbers > high)),
                    column.name,
                    _("{value} is out of range; use decimal degrees from {low} to {high}"),
                    low=f"{low:g}",
                    high=f"{high:g}",
                )
            value = numbers.map(repr, na_action="ignore")
        elif column.kind == "date":
            shaped = value.str.fullmatch(_ISO_DATE).fillna(False)
            dates = pd.to_datetime(value.where(shaped, None), format="%Y-%m-%d", errors="coerce")
            bad = present & dates.isna()
            emit(problems, frame, bad, column.name, _("{value} is not a date of the form YYYY-MM-DD"))
            if not column.planned:
                emit(
                    problems,
                    frame,
                    present & (dates > today_ts),
                    column.name,
                    _("{value} lies in the future (the import is dated {today})"),
                    today=today.isoformat(),
                )
            parsed_dates[column.name] = dates
        # An invalid cell becomes missing, so the checks that follow (references, dates against
        # the parent's) judge only valid values and do not repeat the same error.
        out[column.name] = value.where(present & ~bad, None)
    _row_rules(table, frame, parsed_dates, out, problems)
    _example_rows(table, out, problems)
    _duplicates(table, out, problems)
    return out, problems


def _example_rows(table: Table, out: pd.DataFrame, problems: list[Problem]) -> None:
    """A template's example row (an id starting EXAMPLE-) imported unchanged: one error per row."""
    ids = [c.name for c in table.columns if c.kind == "id"]
    marked = {c: out[c].fillna("").str.upper().str.startswith(EXAMPLE_PREFIX) for c in ids}
    seen = pd.Series(False, index=out.index)
    for column in ids:
        first = marked[column] & ~seen
        emit(
            problems,
            out,
            first,
            column,
            _(
                "{value} is the template's example row (ids starting {prefix}); "
                "replace it with your own data or delete the row"
            ),
            prefix=EXAMPLE_PREFIX,
        )
        seen |= marked[column]
    for column in ids:  # no further errors (unknown reference...) about the example's ids
        out.loc[seen, column] = None


def _row_rules(
    table: Table, frame: pd.DataFrame, dates: dict[str, pd.Series], out: pd.DataFrame, problems: list[Problem]
) -> None:
    """Rules between two columns of the same row."""
    if table.name == "factories" and {"latitude", "longitude"} <= set(frame.columns):
        given = [frame[c].astype("str").str.strip() != "" for c in ("latitude", "longitude")]
        emit(
            problems,
            frame,
            given[0] != given[1],
            "longitude",
            _("latitude and longitude go together: give both or neither"),
        )
    if table.name == "expectations":
        what, target = out["what"], out["target"].astype("str").str.strip()
        score = pd.to_numeric(
            target.where(target.str.fullmatch(r"\d+(\.\d*)?").fillna(False), None), errors="coerce"
        )
        emit(
            problems,
            frame,
            (what.isin(["sct", "fi", "overall"]) & out["target"].notna() & ~score.between(0, 100)).fillna(
                False
            ),
            "target",
            _("{value} is not a score from 0 to 100 (what is a score: sct, fi or overall)"),
            values=out["target"],
        )
        emit(
            problems,
            frame,
            ((what == "band") & out["target"].notna() & ~target.isin(BANDS)).fillna(False),
            "target",
            _("{value} is not a band; use one of: {bands}"),
            values=out["target"],
            bands=", ".join(BANDS),
        )
    pairs = {"contracts": ("start_date", "end_date"), "disclosure_requests": ("requested_on", "due_on")}
    if table.name in pairs:
        first, second = pairs[table.name]
        before = dates[second] < dates[first]
        emit(
            problems,
            frame,
            before.fillna(False),
            second,
            _("{value} is before {first} ({extra}); it must be on or after it"),
            first=first,
            values=out[second],
            extra=out[first],
        )


def _duplicates(table: Table, out: pd.DataFrame, problems: list[Problem]) -> None:
    """A key given twice in the import (in one file or across files) is an error at each repeat."""
    key = list(table.key)
    complete = out[key].notna().all(axis=1)
    rows = out.loc[complete, key + ["_file", "_line"]]
    repeat = rows.duplicated(key, keep="first")
    if not repeat.any():
        return
    first = rows.groupby(key, sort=False)[["_file", "_line"]].transform("first")
    where = first["_file"] + ":" + first["_line"].astype(str)
    mask = pd.Series(False, index=out.index)
    mask.loc[rows.index[repeat.to_numpy()]] = True
    label = "+".join(key)
    shown = rows[key].astype(str).agg(", ".join, axis=1)
    emit(
        problems,
        out,
        mask,
        label,
        _("duplicate key ({raw}); the same key is also given at {extra}"),
        values=shown,
        extra=where,
    )
