"""Every company's quarterly series, kept on disk beside the database file.

Scoring every company is the most expensive thing a page asks for (seconds at scale
1000). The result depends only on the database file, the methodology and the scoring
code, so it is written once as Parquet next to the file:

    <db>.series-<methodology>-<file identity>-<code hash>.parquet

and every server process (a restart, a second replica) reads it back instead of
scoring again. A replaced file (an import publishes a new one) has another identity,
so an old file is never read; files of older identities are removed when a new one
is written. A directory that cannot be written only means no disk cache.

The files are also made when a file is published, so the first page after a restart or
an import is warm: `warm()` scores the in-force series of a new file (`python -m data
init` and `import`), and a publish that leaves the evidence as it was (accounts,
expectations, the presentation key) renames the files to the new identity
(`carry_over()`) instead of scoring again.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import tempfile
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from scoring import params

_DTYPES = b"cpt_dtypes"
SCORING = Path(__file__).resolve().parent.parent / "scoring"


@functools.cache
def code_hash() -> str:
    """A short hash of the scoring code (Python and SQL): new rules, new cache files."""
    digest = hashlib.sha256()
    for path in sorted([*SCORING.rglob("*.py"), *SCORING.rglob("*.sql")]):
        digest.update(path.relative_to(SCORING).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _prefix(db: Path, methodology: str) -> str:
    return f"{db.name}.series-{methodology}-"


def cache_path(db: str | Path, identity: object, methodology: str) -> Path | None:
    if not identity:
        return None
    db = Path(db)
    ident = "-".join(str(part) for part in identity) if isinstance(identity, tuple) else str(identity)
    return db.parent / f"{_prefix(db, methodology)}{ident}-{code_hash()}.parquet"


def load(
    db: str | Path, identity: object, methodology: str, peek: bool = False
) -> pd.DataFrame | bool | None:
    """The saved series (or True when `peek` and it exists), None when there is none."""
    path = cache_path(db, identity, methodology)
    if path is None or not path.exists():
        return None
    if peek:
        return True
    try:
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


def carry_over(db: str | Path, before: object, after: object) -> None:
    """Give the series files of identity `before` the identity `after` (same evidence)."""
    for methodology in (params.IN_FORCE, *params.VERSIONS):
        old, new = cache_path(db, before, methodology), cache_path(db, after, methodology)
        if old is not None and new is not None and old != new:
            with contextlib.suppress(OSError):
                os.replace(old, new)


def warm(db: str | Path, methodology: str = params.IN_FORCE) -> bool:
    """Score every company of the file at `db` and save the series, unless it is saved
    already. True when a series was scored. Companies are scored in batches, so the peak
    memory stays about that of reading the evidence."""
    import duckdb

    import scoring
    from data import store

    path = Path(db)
    identity = store.file_identity(path)
    if load(path, identity, methodology, peek=True):
        return False
    con = duckdb.connect(str(path), read_only=True)
    try:
        if store.file_identity(path) != identity:  # replaced meanwhile: the next reader scores it
            return False
        evidence = scoring.load_evidence(con)
    finally:
        con.close()
    scores = scoring.score(evidence, scoring.series_dates(evidence), methodology)
    del evidence
    save(path, identity, methodology, scores)
    return True


def save(db: str | Path, identity: object, methodology: str, scores: pd.DataFrame) -> None:
    """Write the series atomically and remove this methodology's older files."""
    path = cache_path(db, identity, methodology)
    if path is None:
        return
    with contextlib.suppress(OSError):
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        os.close(fd)
        try:
            table = pa.Table.from_pandas(scores, preserve_index=False)
            dtypes = json.dumps({c: str(t) for c, t in scores.dtypes.items()})
            pq.write_table(table.replace_schema_metadata({**table.schema.metadata, _DTYPES: dtypes}), tmp)
            os.replace(tmp, path)
        finally:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        for old in path.parent.glob(_prefix(Path(db), methodology) + "*.parquet"):
            if old != path:
                with contextlib.suppress(OSError):
                    old.unlink()
