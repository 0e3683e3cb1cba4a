"""The named SQL of data/queries/, as scoring/queries/ keeps the scoring's: a query of more
than a line lives in `data/queries/sql/<name>.sql` (its name says what it returns), read
once per process. Values never go into the text: they are bound parameters (`?`, `$name`)."""

from __future__ import annotations

import functools
from pathlib import Path

SQL = Path(__file__).resolve().parent / "sql"


@functools.cache
def query(name: str) -> str:
    """The text of the named query `data/queries/sql/<name>.sql`."""
    return (SQL / f"{name}.sql").read_text(encoding="utf-8")
