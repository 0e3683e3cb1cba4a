"""Owner corrections: `corrections.csv`, given with an import, moves rows recorded against the
wrong company to the right one (README, "Correcting an owner").

An import never moves a row to another owner (DATA_FORMAT.md); a correction is the one
supported way, named and reasoned row by row:

    table,id,field,new_value,reason
    cases,CS00003,company_id,CO0002,"recorded against the brand, the contractor runs the audit"

`table` is one of CORRECTABLE, `field` is `company_id`, `id` a row already in the database,
`new_value` a company in the database or in the same import, `reason` 1-2,000 characters.
A corrections file goes through the same import: checked with the other files (every
problem as `corrections.csv:line: column: problem`), previewed (the score impact includes
the old and the new owner), all or nothing, one audit row (its detail lists every
correction with the old owner and the reason), through the one write path.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from data.importing.validate import Problem
from data.store.tables import TABLES
from wording.i18n import _

FILE_NAME = "corrections.csv"
COLUMNS = ("table", "id", "field", "new_value", "reason")
CORRECTABLE = ("contracts", "product_models", "disclosure_requests", "cases", "expectations")
FIELD = "company_id"
MAX_REASON = 2_000
MAX_ROWS = 10_000
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f]")
HOW_TO = (
    "if the row was recorded against the wrong company, correct its owner with a line in "
    f"{FILE_NAME} in the same import ({','.join(COLUMNS)}; field = company_id; see README, "
    "'Correcting an owner')"
)


@dataclass(frozen=True)
class Correction:
    """One line of corrections.csv; `old_value` is filled in by the database check."""

    file: str
    line: int
    table: str
    id: str
    field: str
    new_value: str
    reason: str
    old_value: str | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "table": self.table,
            "id": self.id,
            "field": self.field,
            "old": self.old_value,
            "new": self.new_value,
            "reason": self.reason,
        }


def is_corrections_file(name: str) -> bool:
    return Path(name).name.lower() == FILE_NAME


def read_corrections(name: str, data: bytes) -> tuple[list[Correction], list[Problem]]:
    """The corrections of `name`, or the problems of the file (no database needed)."""
    from data.importing.read import _decode

    text, problems = _decode(name, data)
    if text is None:
        return [], problems
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for record in reader:
            if record and any(cell.strip() for cell in record):
                rows.append((start, record))
                if len(rows) > MAX_ROWS + 1:
                    return [], [
                        Problem(
                            name, None, None, _("at most {n:,} corrections per import").format(n=MAX_ROWS)
                        )
                    ]
            start = reader.line_num + 1
    except csv.Error as exc:
        return [], [
            Problem(name, reader.line_num, None, _("the CSV cannot be read: {error}").format(error=exc))
        ]
    if not rows:
        return [], [
            Problem(
                name,
                None,
                None,
                _("the file is empty; expected the header {header}").format(header=",".join(COLUMNS)),
            )
        ]
    header_line, header = rows[0]
    header = [h.strip() for h in header]
    missing = [c for c in COLUMNS if c not in header]
    unknown = [h for h in header if h not in COLUMNS]
    if missing or unknown or len(set(header)) != len(header):
        said = []
        if missing:
            said.append(_("missing {columns}").format(columns=", ".join(missing)))
        if unknown:
            said.append(_("unknown {columns}").format(columns=", ".join(repr(u) for u in unknown)))
        if len(set(header)) != len(header):
            said.append(_("a column named twice"))
        return [], [
            Problem(
                name,
                header_line,
                None,
                _("the header must be {header} ({problems})").format(
                    header=",".join(COLUMNS), problems="; ".join(said)
                ),
            )
        ]
    where = {c: header.index(c) for c in COLUMNS}
    out: list[Correction] = []
    seen: dict[tuple[str, str], int] = {}
    for line, record in rows[1:]:
        if len(record) != len(header):
            problems.append(
                Problem(
                    name,
                    line,
                    None,
                    _("{n} cells, the header has {width}").format(n=len(record), width=len(header)),
                )
            )
            continue
        cell = {c: record[i].strip() for c, i in where.items()}
        cell["reason"] = record[where["reason"]].strip()
        bad = _row_problems(name, line, cell)
        if not bad and (cell["table"], cell["id"]) in seen:
            bad = [
                Problem(
                    name,
                    line,
                    "id",
                    _("{table} {id} is corrected twice (also line {line})").format(
                        table=cell["table"], id=repr(cell["id"]), line=seen[cell["table"], cell["id"]]
                    ),
                )
            ]
        problems += bad
        if not bad:
            seen[cell["table"], cell["id"]] = line
            out.append(
                Correction(
                    name, line, cell["table"], cell["id"], cell["field"], cell["new_value"], cell["reason"]
                )
            )
    return out, problems


def _row_problems(name: str, line: int, cell: dict[str, str]) -> list[Problem]:
    found = []
    if cell["table"] not in CORRECTABLE:
        found.append(
            Problem(
                name,
                line,
                "table",
                _("{table} cannot be corrected; the tables whose owner can be corrected are {tables}").format(
                    table=repr(cell["table"]), tables=", ".join(CORRECTABLE)
                ),
            )
        )
    if cell["field"] != FIELD:
        found.append(
            Problem(
                name,
                line,
                "field",
                _("{field} cannot be corrected; field must be {name}").format(
                    field=repr(cell["field"]), name=FIELD
                ),
            )
        )
    for column in ("id", "new_value"):
        if not cell[column]:
            found.append(
                Problem(name, line, column, _("missing: every correction names the row and its new owner"))
            )
        elif len(cell[column]) > 64 or _CONTROL.search(cell[column]) or "\n" in cell[column]:
            found.append(
                Problem(name, line, column, _("an id is 1-64 characters without control characters"))
            )
    reason = cell["reason"]
    if not reason:
        found.append(
            Problem(
                name,
                line,
                "reason",
                _("missing: say why the owner is corrected (it goes into the audit log)"),
            )
        )
    elif len(reason) > MAX_REASON:
        found.append(
            Problem(
                name,
                line,
                "reason",
                _("{n:,} characters; at most {limit:,}").format(n=len(reason), limit=MAX_REASON),
            )
        )
    elif _CONTROL.search(reason):
        found.append(Problem(name, line, "reason", _("holds a control character (line feeds are allowed)")))
    return found


def check_corrections(
    db: Any, corrections: list[Correction], frames: dict[str, pd.DataFrame]
) -> tuple[list[Correction], list[Problem]]:
    """(`db` is a checks.Db.) Each corrected row exists in the database, its new owner exists (database or import) and
    differs from the old one. Returns the corrections with their old owner filled in."""
    problems: list[Problem] = []
    checked: list[Correction] = []
    imported = set(frames["companies"]["company_id"].dropna()) if "companies" in frames else set()
    news = pd.Series([c.new_value for c in corrections], dtype="str")
    known = db.existing("companies", "company_id", news) | imported
    for table in CORRECTABLE:
        mine = [c for c in corrections if c.table == table]
        if not mine:
            continue
        (key,) = TABLES[table].key
        owners = db.lookup(table, key, FIELD, pd.Series([c.id for c in mine], dtype="str"))
        for c in mine:
            if c.id not in owners.index:
                problems.append(
                    Problem(
                        c.file,
                        c.line,
                        "id",
                        _("{table} has no row {id} in the database: nothing to correct").format(
                            table=table, id=repr(c.id)
                        ),
                    )
                )
                continue
            old = str(owners[c.id])
            if c.new_value not in known:
                problems.append(
                    Problem(
                        c.file,
                        c.line,
                        "new_value",
                        _(
                            "unknown company {company}: it is neither in this import nor in the database"
                        ).format(company=repr(c.new_value)),
                    )
                )
            elif c.new_value == old:
                problems.append(
                    Problem(
                        c.file,
                        c.line,
                        "new_value",
                        _("{table} {id} already belongs to company {company}").format(
                            table=table, id=repr(c.id), company=repr(old)
                        ),
                    )
                )
            else:
                checked.append(replace(c, old_value=old))
    return checked, problems


def corrected_owners(corrections: list[Correction]) -> dict[tuple[str, str], str]:
    """(table, id) -> the new company_id: what the owner check compares an imported row with."""
    return {(c.table, c.id): c.new_value for c in corrections}


_TEMP = re.compile(r"_cpt_fix_(keys|rows)_([a-z_]+)")


def _ident(name: str) -> str:
    """`name` as a quoted SQL identifier, only if it is one of the schema's tables or columns
    (data/store/tables.py) or a temporary table named after one; values are always bound."""
    temp = _TEMP.fullmatch(name)
    known = (
        name in TABLES
        or name in {"_cpt_fixes", "k", "id", "tbl", "new_value"}
        or any(name == c.name for t in TABLES.values() for c in t.columns)
        or (temp is not None and temp.group(2) in TABLES)
    )
    if not known:
        raise ValueError(f"not a table or column of the schema: {name!r}")
    return '"' + name + '"'


def _statement(template: str, **names: str) -> str:
    """A constant SQL template with its identifiers filled in by `_ident`."""
    return template.format(**{k: _ident(v) for k, v in names.items()})


def _fix_frame(corrections: list[Correction]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "tbl": pd.Series([c.table for c in corrections], dtype="str"),
            "id": pd.Series([c.id for c in corrections], dtype="str"),
            "new_value": pd.Series([c.new_value for c in corrections], dtype="str"),
        }
    )


def _update_owners(con: duckdb.DuckDBPyConnection, target: str, table: str, fixes: str) -> None:
    """UPDATE `target` (a table laid out like `table`) to the new owners in the registered `fixes`."""
    (key,) = TABLES[table].key
    sql = _statement(
        "UPDATE {target} SET {field} = f.new_value FROM {fixes} f WHERE f.tbl = ? AND f.id = {target}.{key}",
        target=target, field=FIELD, fixes=fixes, key=key,
    )  # fmt: skip
    con.execute(sql, [table]).fetchall()


def apply_in_memory(con: duckdb.DuckDBPyConnection, corrections: list[Correction]) -> None:
    """The corrections on the preview's staged copy (plain tables without foreign keys)."""
    if not corrections:
        return
    con.register("_cpt_fixes", _fix_frame(corrections))
    try:
        for table in sorted({c.table for c in corrections}):
            _update_owners(con, table, table, "_cpt_fixes")
    finally:
        con.unregister("_cpt_fixes")


def _children(parents: dict[str, str]) -> list[tuple[str, list[str]]]:
    """Tables (parents first) with rows pointing at a row of `parents` (table -> temp table of its
    keys `k`), and the conditions that find those rows."""
    found: list[tuple[str, list[str]]] = []
    for table in TABLES.values():
        conditions = [
            _statement("{column} IN (SELECT k FROM {keys})", column=c.name, keys=parents[c.references[0]])
            for c in table.columns
            if c.references is not None
            and c.references[0] in parents
            and (c.references[1],) == TABLES[c.references[0]].key
        ]
        if conditions:
            found.append((table.name, conditions))
            if len(table.key) == 1:
                parents[table.name] = f"_cpt_fix_keys_{table.name}"
    return found


def apply_corrections(con: duckdb.DuckDBPyConnection, corrections: list[Correction]) -> None:
    """Move the corrected rows to their new owner on the writer's private copy of the file.

    DuckDB rewrites a row whose indexed column is SET and refuses that while other rows point at
    it (foreign keys are checked against deletes of the same transaction too). So the rows that
    point at a corrected row (a case's findings and events, a request's disclosures...) are kept
    aside, deleted one table per committed step (children first), the owners updated, and the
    rows put back. This runs on the copy `store.publish` made: if anything fails, the copy is
    thrown away and the live file never changes (all or nothing). Leaves a transaction open."""
    if not corrections:
        return
    con.register("_cpt_fixes", _fix_frame(corrections))
    try:
        parents: dict[str, str] = {}
        for table in sorted({c.table for c in corrections}):
            (key,) = TABLES[table].key
            parents[table] = f"_cpt_fix_keys_{table}"
            sql = _statement("CREATE OR REPLACE TEMP TABLE {keys} AS SELECT id AS k FROM _cpt_fixes WHERE tbl = ?",
                             keys=parents[table])  # fmt: skip
            con.execute(sql, [table]).fetchall()
        children = _children(parents)
        for name, conditions in children:
            sql = _statement("CREATE OR REPLACE TEMP TABLE {rows} AS SELECT * FROM {table} WHERE ",
                             rows=f"_cpt_fix_rows_{name}", table=name)  # fmt: skip
            con.execute(sql + " OR ".join(conditions)).fetchall()
            if name in parents:  # its own rows' keys (and the corrected ones when it is corrected too)
                (key,) = TABLES[name].key
                sql = _statement(
                    "CREATE OR REPLACE TEMP TABLE {keys} AS SELECT {key} AS k FROM {rows} "
                    "UNION SELECT id FROM _cpt_fixes WHERE tbl = ?",
                    keys=parents[name], key=key, rows=f"_cpt_fix_rows_{name}",
                )  # fmt: skip
                con.execute(sql, [name]).fetchall()
        for name, conditions in reversed(children):  # children first, one committed step each
            con.execute("COMMIT")
            con.execute("BEGIN")
            con.execute(
                _statement("DELETE FROM {table} WHERE ", table=name) + " OR ".join(conditions)
            ).fetchall()
        con.execute("COMMIT")
        con.execute("BEGIN")
        for table in sorted({c.table for c in corrections}):
            _update_owners(con, table, table, "_cpt_fixes")
            if any(name == table for name, _ in children):  # a corrected row that was kept aside
                _update_owners(con, f"_cpt_fix_rows_{table}", table, "_cpt_fixes")
        con.execute("COMMIT")
        con.execute("BEGIN")
        for name, _ in children:  # parents first
            sql = _statement(
                "INSERT INTO {table} BY NAME SELECT * FROM {rows}", table=name, rows=f"_cpt_fix_rows_{name}"
            )
            con.execute(sql).fetchall()
        con.execute("COMMIT")
        con.execute("BEGIN")
        for name, _ in children:
            con.execute(_statement("DROP TABLE {rows}", rows=f"_cpt_fix_rows_{name}")).fetchall()
        for temp in set(parents.values()):
            con.execute(_statement("DROP TABLE IF EXISTS {keys}", keys=temp)).fetchall()
    finally:
        con.unregister("_cpt_fixes")
