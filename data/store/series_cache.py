"""Every company's quarterly series, kept on disk beside the database file.

Scoring every company is the most expensive thing a page asks for (seconds at scale
1000). The result depends only on the evidence, the methodology, the scoring code and
the last quarter end, so it is written once as Parquet next to the file:

    <db>.series-<methodology>-<evidence key>-<last quarter end>-<code hash>.parquet

and every server process (a restart, a second replica) reads it back instead of
scoring again. The evidence key is a hash of the *content* of the evidence tables
(`evidence_key`), not of the file's identity: a copy, a restore or an in-place publish
that keeps an inode and a time cannot serve a series of other evidence, and a write
that changes no evidence (an account, an expectation, a new presentation key) finds
its series already saved. The key is also written inside the Parquet file and checked
on reading, so a renamed file is a miss, never served.

The one write path (data/store/writes.py) calls `renew` on the new file before it is made
live, so the first page after any write is warm and right. `python -m data check`
(`check`) scores the evidence again and compares it with what is saved.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from scoring import params
from scoring.dates import last_quarter_end
from scoring.evidence import EVIDENCE_TABLES

_DTYPES = b"cpt_dtypes"
_KEY = b"cpt_key"
SCORING = Path(__file__).resolve().parents[2] / "scoring"


SCORING_CODE = ("engine.py", "rules.py", "params.py", "evidence.py", "dates.py")
"""The modules a series is computed by (`scoring.score` and what it imports, with every SQL
file of scoring/queries/); the wording (wording/: narrative, summary, talking points) is not among them,
so editing a sentence keeps the saved series."""


@functools.cache
def code_hash() -> str:
    """A short hash of the code that computes a series (SCORING_CODE and the SQL): new rules,
    new cache files."""
    digest = hashlib.sha256()
    for path in sorted([*(SCORING / name for name in SCORING_CODE), *SCORING.rglob("*.sql")]):
        digest.update(path.relative_to(SCORING).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def evidence_key(con: duckdb.DuckDBPyConnection) -> str:
    """A hash of the content of the tables the scores are computed from: each table's row
    count and the sum of a hash of each whole row (order-free, and a value moved from one
    row to another changes it)."""
    digest = hashlib.sha256()
    for table in EVIDENCE_TABLES:
        count, total = con.table(table).aggregate("count(*), sum(hash(*COLUMNS(*)))").fetchall()[0]
        digest.update(f"{table}:{count}:{total or 0};".encode())
    return digest.hexdigest()[:20]


def _prefix(db: Path, methodology: str) -> str:
    return f"{db.name}.series-{methodology}-"


def _key_text(key: object) -> str:
    return "-".join(str(part) for part in key) if isinstance(key, tuple) else str(key)


def cache_path(db: str | Path, key: object, methodology: str, today: date | None = None) -> Path | None:
    """Where the series of evidence `key` under `methodology` is kept (None without a key)."""
    if not key:
        return None
    db = Path(db)
    return db.parent / f"{_prefix(db, methodology)}{_key_text(key)}-{last_quarter_end(today).isoformat()}-{code_hash()}.parquet"  # fmt: skip


def load(
    db: str | Path, key: object, methodology: str, peek: bool = False, today: date | None = None
) -> pd.DataFrame | bool | None:
    """The saved series (or True when `peek` and it exists), None when there is none or the
    file does not hold the series of this key."""
    path = cache_path(db, key, methodology, today)
    if path is None or not path.exists():
        return None
    try:
        meta = pq.read_schema(path).metadata or {}
        if meta.get(_KEY, b"").decode() != path.name:  # renamed or copied from another key
            return None
        if peek:
            return True
        table = pq.read_table(path)
        dtypes = json.loads(table.schema.metadata[_DTYPES])
        scores = table.to_pandas()
    except Exception:  # noqa: BLE001 - a damaged cache file is only a missed cache
        return None
    for column, dtype in dtypes.items():  # the engine's dtypes (Parquet has one kind of text)
        if dtype == "object" and scores[column].dtype != object:
            values = scores[column].astype(object)
            scores[column] = values.where(values.notna(), None)
        elif str(scores[column].dtype) != dtype:
            scores[column] = scores[column].astype(dtype)
    return scores


def score_file(con: duckdb.DuckDBPyConnection, methodology: str = params.IN_FORCE) -> pd.DataFrame:
    """Every company's series scored from the evidence behind `con` (what the cache must hold)."""
    import scoring

    evidence = scoring.load_evidence(con)
    return scoring.score(evidence, scoring.series_dates(evidence), methodology)


def renew(candidate: str | Path, live: str | Path | None = None, methodology: str = params.IN_FORCE) -> bool:
    """Make sure the series of the file at `candidate` is saved beside `live` (default: the
    same file), scoring it unless a series of the same evidence is saved already. True when
    it was scored.

    The writer calls this on its new file under its temporary name, before the file is made
    live. (Within one process DuckDB hands back an open instance for a path it already has
    open, so a process that holds the live file open must not open the live path again to
    read a file that replaced it: it would read the old one.)"""
    live = Path(live if live is not None else candidate)
    con = duckdb.connect(str(candidate), read_only=True)
    try:
        key = evidence_key(con)
        if load(live, key, methodology, peek=True):
            return False
        scores = score_file(con, methodology)
    finally:
        con.close()
    save(live, key, methodology, scores)
    return True


def warm(db: str | Path, methodology: str = params.IN_FORCE) -> bool:
    """`renew` for a file that is already live (benchmarks; a CLI run on an older file)."""
    return renew(db, db, methodology)


def save(db: str | Path, key: object, methodology: str, scores: pd.DataFrame) -> None:
    """Write the series atomically and remove this methodology's files of other keys."""
    path = cache_path(db, key, methodology)
    if path is None:
        return
    with contextlib.suppress(OSError):
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        os.close(fd)
        try:
            table = pa.Table.from_pandas(scores, preserve_index=False)
            dtypes = json.dumps({c: str(t) for c, t in scores.dtypes.items()})
            meta = {**table.schema.metadata, _DTYPES: dtypes, _KEY: path.name}
            pq.write_table(table.replace_schema_metadata(meta), tmp)
            os.replace(tmp, path)
        finally:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        for old in path.parent.glob(_prefix(Path(db), methodology) + "*.parquet"):
            if old != path:
                with contextlib.suppress(OSError):
                    old.unlink()


# ---------------------------------------------------------------- the consistency check


@dataclass(frozen=True)
class Difference:
    """The first place where a saved series differs from a fresh scoring of the evidence."""

    company_id: str
    as_of: date | None
    column: str
    saved: object
    scored: object

    def __str__(self) -> str:
        when = self.as_of.isoformat() if self.as_of is not None else "every date"
        return f"{self.company_id} at {when}: {self.column} saved {self.saved!r}, scored {self.scored!r}"


def compare(saved: pd.DataFrame, scored: pd.DataFrame) -> Difference | None:
    """The first company and date (in company, date order) where `saved` differs from
    `scored`; None when they agree to the cent (scores are compared rounded to 2 decimals,
    as every page shows them)."""
    keys = ["company_id", "as_of"]
    left = saved.sort_values(keys).reset_index(drop=True)
    right = scored.sort_values(keys).reset_index(drop=True)
    both = left.merge(right, on=keys, how="outer", suffixes=("_saved", "_scored"), indicator="found_in")
    both = both.sort_values(keys, kind="stable")
    for row in both.itertuples(index=False):
        row = row._asdict()
        as_of = pd.Timestamp(row["as_of"]).date() if pd.notna(row["as_of"]) else None
        if row["found_in"] != "both":
            which = "saved only" if row["found_in"] == "left_only" else "scored only"
            return Difference(str(row["company_id"]), as_of, "row", which, "missing" if which == "saved only" else "present")  # fmt: skip
        for column in scored.columns:
            if column in keys:
                continue
            a, b = row.get(f"{column}_saved"), row.get(f"{column}_scored")
            if not _same(a, b):
                return Difference(str(row["company_id"]), as_of, column, a, b)
    return None


def _same(a: object, b: object) -> bool:
    a_missing, b_missing = a is None or (isinstance(a, float) and pd.isna(a)), b is None or (isinstance(b, float) and pd.isna(b))  # fmt: skip
    if a_missing or b_missing:
        return a_missing and b_missing
    if isinstance(a, float | int) and isinstance(b, float | int):
        return round(float(a), 2) == round(float(b), 2)
    return a == b


@dataclass(frozen=True)
class CheckResult:
    key: str
    saved: bool  # a series for this evidence was on disk
    difference: Difference | None

    @property
    def ok(self) -> bool:
        return self.difference is None


def check(con: duckdb.DuckDBPyConnection, db: str | Path, methodology: str = params.IN_FORCE) -> CheckResult:
    """Score the evidence behind `con` again and compare it with the series saved for it
    beside `db` (what a page, a restarted server and `python -m scoring` read). A file
    without a saved series is consistent: the dashboard scores it before serving it."""
    key = evidence_key(con)
    saved = load(db, key, methodology)
    if saved is None:
        return CheckResult(key, False, None)
    return CheckResult(key, True, compare(saved, score_file(con, methodology)))
