"""Reading the files of an import: command-line paths, CSV (encoding, separator) and Excel
(the zip directory checked first), each file or sheet matched to its table."""

from __future__ import annotations

import codecs
import csv
import io
import logging
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path

import pandas as pd

from data.documents import importing as documents_import
from data.importing import limits
from data.importing.limits import RATIO_FROM_BYTES, Budget, LimitExceeded, Limits
from data.importing.validate import Problem, check_header
from data.store.tables import TABLE_NAMES, TABLES
from wording.i18n import _

IGNORED_SHEETS = ("readme",)
log = logging.getLogger("cpt.import")


@dataclass
class _Sheet:
    label: str
    table: str
    frame: pd.DataFrame  # header names as columns, text cells, plus _line


def read_paths(paths: Iterable[str | Path]) -> tuple[list[tuple[str, bytes]], list[Problem]]:
    """Read command-line arguments: files as given, folders as their `*.csv` and `*.xlsx` files."""
    files: list[tuple[str, bytes]] = []
    problems: list[Problem] = []
    for arg in paths:
        p = Path(arg)
        if p.is_dir():
            found = sorted(
                q
                for q in p.iterdir()
                if q.is_file()
                and q.suffix.lower() in (".csv", ".xlsx")
                and not q.name.startswith(("~$", "."))
            )
            found += documents_import.folder_files(p)  # with a documents.csv: its files too
            if not found:
                problems.append(
                    Problem(str(p), None, None, _("the folder holds no <table>.csv or .xlsx files"))
                )
            targets = found
        else:
            targets = [p]
        for q in targets:
            try:
                size = q.stat().st_size
                if size > limits.LIMITS.file_bytes:
                    problems.append(Problem(str(q), None, None, _too_big(size)))
                    continue
                files.append((str(q), q.read_bytes()))
            except FileNotFoundError:
                problems.append(Problem(str(q), None, None, _("no such file or folder")))
            except OSError as exc:
                problems.append(
                    Problem(
                        str(q),
                        None,
                        None,
                        _("cannot read the file: {error}").format(error=exc.strerror or exc),
                    )
                )
    return files, problems


def _too_big(size: int) -> str:
    return _(
        "the file is {size:,.1f} MB, more than the limit of {limit:,.0f} MB for one file; split it into several files"
    ).format(size=size / 1e6, limit=limits.LIMITS.file_bytes / 1e6)


def _base(name: str) -> str:
    return Path(name).name


def _match_table(header: list[str]) -> list[str]:
    """Tables whose columns include every header name and whose required columns are all in the header."""
    names = {h for h in header if h}
    return [
        t.name for t in TABLES.values() if names and names <= set(t.column_names) and set(t.required) <= names
    ]


def _table_for(
    label: str, named: str | None, header: list[str], what: str
) -> tuple[str | None, list[Problem], str | None]:
    """The table a file (or sheet) holds: its name if it is a table's, else the one table its header fits."""
    if named in TABLES:
        return named, [], None
    matches = _match_table(header)
    if len(matches) == 1:
        return (
            matches[0],
            [],
            _("{label}: read as table {table} (its header matches that table's columns)").format(
                label=label, table=matches[0]
            ),
        )
    if what == "file":
        start = _("{file} is not named like a table").format(file=repr(_base(label)))
        hint = _("name it <table>.csv ({names})").format(names=", ".join(t + ".csv" for t in TABLE_NAMES))
    else:
        start = _("sheet {sheet} is not named like a table").format(sheet=repr(named))
        hint = _("name each sheet after its table ({names})").format(names=", ".join(TABLE_NAMES))
    if matches:
        why = _("and its header fits several tables ({tables})").format(tables=", ".join(matches))
    else:
        why = _("and its header matches no table's columns")
    return None, [Problem(label, None, None, f"{start} {why}; {hint}")], None


def read_source(name: str, data: bytes, budget: Budget) -> tuple[list[_Sheet], list[Problem], list[str]]:
    suffix = Path(name).suffix.lower()
    if len(data) > budget.limits.file_bytes:
        return [], [Problem(name, None, None, _too_big(len(data)))], []
    if suffix == ".csv":
        return _read_csv(name, Path(name).stem, data, budget)
    if suffix == ".xlsx":
        return _read_xlsx(name, data, budget)
    if suffix in (".xls", ".xlsm", ".ods"):
        return (
            [],
            [
                Problem(
                    name,
                    None,
                    None,
                    _("{suffix} files are not supported; save it as .xlsx or CSV").format(suffix=suffix),
                )
            ],
            [],
        )
    return (
        [],
        [Problem(name, None, None, _("not a .csv or .xlsx file; save each table as CSV or all as .xlsx"))],
        [],
    )


_SEPARATORS = {",": "comma", ";": "semicolon", "\t": "tab"}


def _separator(line: str) -> str:
    """The separator of a CSV header line: the one of , ; tab that occurs most outside quotes (comma on a tie)."""
    counts = dict.fromkeys(_SEPARATORS, 0)
    quoted = False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(counts, key=lambda s: (counts[s], s == ","))
    return best if counts[best] else ","


def _decode(name: str, data: bytes) -> tuple[str | None, list[Problem]]:
    """The file's text (UTF-8, a byte-order mark allowed), or a problem saying what the bytes are."""
    if data.startswith(b"PK\x03\x04"):
        return None, [
            Problem(name, None, None, _("this is an Excel (zip) file, not CSV; give it the .xlsx extension"))
        ]
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None, [
            Problem(
                name,
                None,
                None,
                _("the text is UTF-16 (Excel's 'Unicode Text'), not UTF-8; save the file as 'CSV UTF-8'"),
            )
        ]
    if b"\x00" in data:
        return None, [
            Problem(name, None, None, _("this is not a text file (it holds binary data); expected CSV text"))
        ]
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        message = _("the text is not UTF-8 (byte {byte})").format(byte=f"0x{data[exc.start]:02x}")
        start = data.rfind(b"\n", 0, exc.start) + 1
        end = data.find(b"\n", exc.start)
        raw = data[start : end if end >= 0 else len(data)][:200]
        try:
            guess = raw.decode("cp1252").strip()
            message += _(
                "; it looks like Windows-1252/Latin-1 text ({text}), as older Excel "
                "versions save CSV; save the file as 'CSV UTF-8' (Excel: Save As > CSV UTF-8)"
            ).format(text=repr(guess[:60]))
        except UnicodeDecodeError:
            message += _("; save the file as 'CSV UTF-8'")
        return None, [Problem(name, line, None, message)]


def _read_csv(
    name: str, stem: str, data: bytes, budget: Budget
) -> tuple[list[_Sheet], list[Problem], list[str]]:
    """Parse CSV with the csv module, which knows each record's physical line (quoted cells may span lines)."""
    text, problems = _decode(name, data)
    if text is None:
        return [], problems, []
    if not text.strip():
        return (
            [],
            [Problem(name, None, None, _("the file is empty; expected a header row with the column names"))],
            [],
        )
    first_line = next((ln for ln in text.splitlines() if ln.strip()), "")
    sep = _separator(first_line)
    notes = [] if sep == "," else [f"{name}: read as {_SEPARATORS[sep]}-separated"]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    records: list[list[str]] = []
    lines: list[int] = []
    start = 1
    try:
        for record in reader:
            if record and any(cell.strip() for cell in record):
                records.append(record)
                lines.append(start)
                if len(records) % 50_000 == 0:
                    budget.time(name)
            start = reader.line_num + 1
    except csv.Error as exc:
        return (
            [],
            [Problem(name, reader.line_num, None, _("the CSV cannot be read: {error}").format(error=exc))],
            notes,
        )
    if not records:
        return (
            [],
            [
                Problem(
                    name,
                    1,
                    None,
                    _(
                        "the file has no column names: its lines hold only separators or spaces; "
                        "expected a header row such as {header}"
                    ).format(header=",".join(TABLES[stem].column_names))
                    if stem in TABLES
                    else _(
                        "the file has no column names: its lines hold only separators or spaces; "
                        "expected a header row with a table's column names"
                    ),
                )
            ],
            notes,
        )
    header = [h.strip() for h in records[0]]
    table, problems, note = _table_for(name, stem, header, "file")
    if table is None:
        return [], problems, notes
    if note:
        notes.append(note)
    budget.add(name, len(records) - 1, len(header))
    problems = check_header(name, TABLES[table], header)
    if lines[0] != 1:
        problems.append(Problem(name, lines[0], None, _("the header must be on line 1")))
    if problems and any(p.line == 1 for p in problems):
        if len(header) == 1 < len(TABLES[table].required):
            problems.append(
                Problem(
                    name,
                    1,
                    None,
                    _(
                        "the header holds one column only; separate the columns by commas (,), "
                        "semicolons (;) or tabs"
                    ),
                )
            )
        return [], problems, notes  # rows under a broken header would only produce noise
    width = len(header)
    good: list[list[str]] = []
    good_lines: list[int] = []
    for record, line in zip(records[1:], lines[1:], strict=True):
        if len(record) > width and not any(c.strip() for c in record[width:]):
            record = record[:width]  # trailing empty cells (a spreadsheet's habit)
        if len(record) != width:
            problems.append(
                Problem(
                    name,
                    line,
                    None,
                    _("the row has {n} values but the header has {width} columns").format(
                        n=len(record), width=width
                    ),
                )
            )
            continue
        good.append(record)
        good_lines.append(line)
    frame = (
        pd.DataFrame(good, columns=header, dtype="str") if good else pd.DataFrame(columns=header, dtype="str")
    )
    frame["_line"] = good_lines
    return [_Sheet(name, table, frame)], problems, notes


def _cell_text(value: object) -> str:
    """An Excel cell as the text a CSV would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == dtime(0) else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


EXCEL_EPOCH = date(1899, 12, 30)  # day 0 of Excel's (1900) date serial numbers
_EXCEL_FIRST_SERIAL = 25_569  # 1970-01-01: smaller numbers in a date column are a mistake (a year: 2024)
_EXCEL_LAST_SERIAL = 2_958_465  # 9999-12-31


def _excel_date(value: object) -> str | None:
    """A date typed as a plain number in Excel (a date serial such as 45292 = 2024-01-01), as ISO text."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if not (_EXCEL_FIRST_SERIAL <= value <= _EXCEL_LAST_SERIAL) or not float(value).is_integer():
        return None
    return (EXCEL_EPOCH + timedelta(days=int(value))).isoformat()


def _check_zip(name: str, data: bytes, allowed: Limits) -> list[Problem]:
    """Refuse a workbook that would unpack to too much, from the zip directory alone (nothing inflated)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
        return [Problem(name, None, None, f"not a readable .xlsx workbook ({type(exc).__name__})")]
    if len(members) > allowed.xlsx_members:
        return [
            Problem(
                name,
                None,
                None,
                f"the workbook holds {len(members):,} parts, more than {allowed.xlsx_members:,}",
            )
        ]
    unpacked = sum(m.file_size for m in members)
    if unpacked > allowed.xlsx_unpacked_bytes:
        return [
            Problem(
                name,
                None,
                None,
                f"the workbook would unpack to {unpacked / 1e6:,.0f} MB, more than the limit of "
                f"{allowed.xlsx_unpacked_bytes / 1e6:,.0f} MB; it was not opened. Split it, or save "
                "the tables as CSV",
            )
        ]
    for m in members:
        if m.file_size > RATIO_FROM_BYTES and m.file_size > allowed.xlsx_ratio * max(m.compress_size, 1):
            ratio = m.file_size / max(m.compress_size, 1)
            return [
                Problem(
                    name,
                    None,
                    None,
                    f"part {m.filename!r} of the workbook is compressed {ratio:,.0f}:1 (limit "
                    f"{allowed.xlsx_ratio:,.0f}:1); a real sheet never is, so it was not opened "
                    "(a possible zip bomb). Save the tables as CSV",
                )
            ]
    return []


def _read_xlsx(name: str, data: bytes, budget: Budget) -> tuple[list[_Sheet], list[Problem], list[str]]:
    import openpyxl  # imported here: only Excel imports pay for it

    if not data:
        return [], [Problem(name, None, None, "the file is empty")], []
    refused = _check_zip(name, data, budget.limits)
    if refused:
        return [], refused, []
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on damaged files; none may reach the user raw
        return [], [Problem(name, None, None, f"not a readable .xlsx workbook ({type(exc).__name__})")], []
    sheets: list[_Sheet] = []
    problems: list[Problem] = []
    notes: list[str] = []
    try:
        for ws in book.worksheets:
            title = ws.title.strip()
            label = f"{name}[{ws.title}]"
            if title.lower() in IGNORED_SHEETS:
                continue
            sheet, found, note = _read_sheet(label, title, ws.iter_rows(values_only=True), budget)
            problems += found
            if note:
                notes.append(note)
            if sheet is not None:
                sheets.append(sheet)
    except LimitExceeded:
        raise
    except Exception as exc:  # a damaged sheet inside a valid zip
        problems.append(Problem(name, None, None, f"cannot read the workbook ({type(exc).__name__})"))
    finally:
        book.close()
    if not sheets and not problems:
        problems.append(
            Problem(name, None, None, f"no sheet is named like a table ({', '.join(TABLE_NAMES)})")
        )
    return sheets, problems, notes


def _read_sheet(
    label: str, title: str, rows: Iterable[tuple[object, ...]], budget: Budget
) -> tuple[_Sheet | None, list[Problem], str | None]:
    it = iter(rows)
    first = next(it, None)
    if first is None or all(v is None or _cell_text(v).strip() == "" for v in first):
        if title not in TABLES:
            return None, [], None  # an empty sheet of another name (Sheet2): nothing to import
        return (
            None,
            [Problem(label, 1, None, _("row 1 must hold the column names; the sheet has none"))],
            None,
        )
    header = [_cell_text(v).strip() for v in first]
    while header and header[-1] == "":
        header.pop()
    table, problems, note = _table_for(label, title, header, "sheet")
    if table is None:
        return None, problems, None
    problems = check_header(label, TABLES[table], header)
    width = len(header)
    dates = [
        i
        for i, h in enumerate(header)
        if h in TABLES[table].column_names and TABLES[table].column(h).kind == "date"
    ]
    records: list[list[str]] = []
    lines: list[int] = []
    counted = number = 1
    for number, row in enumerate(it, start=2):  # noqa: B007 (number is used after the loop)
        if number - counted >= 20_000:
            budget.add(label, number - counted, width)
            counted = number
        cells = [_cell_text(v) for v in row]
        if not any(c.strip() for c in cells):
            continue
        if any(c.strip() for c in cells[width:]):
            problems.append(Problem(label, number, None, _("the row has values in columns without a header")))
            continue
        for i in dates:
            if i < len(row):
                iso = _excel_date(row[i])
                if iso is not None:
                    cells[i] = iso
        cells = (cells + [""] * width)[:width]
        records.append(cells)
        lines.append(number)
    budget.add(label, number - counted, width)
    if any(p.line == 1 for p in problems):
        return None, problems, note
    frame = (
        pd.DataFrame(records, columns=header, dtype="str")
        if records
        else pd.DataFrame(columns=header, dtype="str")
    )
    frame["_line"] = lines
    return _Sheet(label, table, frame), problems, note
