"""The evidence store: where the DuckDB file lives, how it is read, how it is written.

DuckDB locks its file per process, so (DESIGN.md, "Reads and writes"):

* readers (the dashboard) open the live file read-only through `Reader`, which
  notices when the file has been replaced and reopens it;
* every write goes through `publish`: copy the live file beside itself, apply
  the change there in one transaction, checkpoint, keep the old file as a
  backup and atomically `os.replace` the copy over the live file. Writers are
  serialised with a lock file. A crash mid-way leaves the live file untouched.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import glob
import os
import shutil
import threading
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import TypeVar

import duckdb

from data import settings

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DB = PROJECT_ROOT / "data" / "cpt.duckdb"
SCHEMA_FILE = Path(__file__).resolve().parent / "schema.sql"
DOCUMENTS_SCHEMA = Path(__file__).resolve().parents[1] / "documents" / "schema.sql"
# Tables a file made before they existed may lack: their readers treat a missing one as empty and
# their first write creates it (data/documents, data/queries/disputes.py), so such a file (an
# older backup) is still a CPT database and may be restored.
LATER_TABLES = frozenset({"documents", "document_links", "disputes"})
DEFAULT_BACKUPS = settings.value("CPT_BACKUPS")

T = TypeVar("T")


class StoreError(Exception):
    """A problem with the database file that the user can act on."""


def db_path(cli_value: str | os.PathLike[str] | None = None) -> Path:
    """The database path: `--db`, then the `CPT_DB` environment variable, then data/cpt.duckdb."""
    if cli_value:
        return Path(cli_value)
    return Path(settings.value("CPT_DB")) if settings.value("CPT_DB") else DEFAULT_DB


def backups_dir(path: Path) -> Path:
    return path.with_name(path.name + ".backups")


def create_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(SCHEMA_FILE.read_text(encoding="utf-8"))
    con.execute(DOCUMENTS_SCHEMA.read_text(encoding="utf-8"))


@contextlib.contextmanager
def writer_lock(path: Path) -> Iterator[None]:
    """Serialise writers of one database file (a lock file beside it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = path.with_name(path.name + ".lock")
    with open(lock, "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _tmp_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")


def _leftovers(path: Path) -> list[Path]:
    """Temporary files of writers to `path` (and their .wal): a writer that was killed
    mid-publish leaves its copy behind; a running one holds the writer lock."""
    prefix = f".{path.name}."
    return sorted(
        p for p in path.parent.glob(f".{glob.escape(path.name)}.*")
        if p.name.startswith(prefix) and (p.name.endswith(".tmp") or p.name.endswith(".tmp.wal"))
    )  # fmt: skip


def _clean_leftovers(path: Path) -> list[Path]:
    """Remove leftover temporary files; call only while holding the writer lock."""
    removed = []
    for p in _leftovers(path):
        with contextlib.suppress(FileNotFoundError):
            p.unlink()
            removed.append(p)
    return removed


def clean_leftovers(path: Path) -> list[Path]:
    """At start: remove what killed writers left beside `path`, unless a writer is busy now
    (then its temporary file is live; the next publish cleans up instead)."""
    lock = path.with_name(path.name + ".lock")
    if not path.parent.is_dir() or not _leftovers(path):
        return []
    try:
        handle = open(lock, "a+")  # noqa: SIM115 - closed below
    except OSError:
        return []
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return []
        try:
            return _clean_leftovers(path)
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _remove(path: Path) -> None:
    for p in (path, path.with_name(path.name + ".wal")):
        with contextlib.suppress(FileNotFoundError):
            p.unlink()


def _finish(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("CHECKPOINT")
    con.close()


Renew = Callable[[Path], None]
"""Called with the new file (closed, under its temporary name) before it is made live: the
one write path (data/store/writes.py) brings what is derived from the file in line with it there."""


def create_database(
    path: Path,
    fill: Callable[[duckdb.DuckDBPyConnection], None] | None = None,
    *,
    force: bool = False,
    before_swap: Renew | None = None,
) -> None:
    """Create a new database file with the schema (and `fill` applied), published atomically.
    Use `data.store.writes.create`, which also gives the file its presentation key and its series."""
    with writer_lock(path):
        if path.exists() and not force:
            raise StoreError(f"{path} already exists; use --force to replace it")
        _clean_leftovers(path)
        tmp = _tmp_path(path)

        def build(con: duckdb.DuckDBPyConnection) -> None:
            create_schema(con)
            if fill is not None:
                fill(con)

        try:
            _commit_and_swap(path, tmp, build, DEFAULT_BACKUPS if path.exists() else 0, before_swap)
        finally:
            _remove(tmp)


def publish(
    path: Path,
    change: Callable[[duckdb.DuckDBPyConnection], T],
    *,
    keep: int = DEFAULT_BACKUPS,
    before_swap: Renew | None = None,
) -> T:
    """Apply `change` to a copy of the live file in one transaction, then swap it in.

    `change` gets a read-write connection inside an open transaction; if it raises,
    nothing is published and the live file is untouched. The previous live file is
    kept in `<db>.backups/` (the newest `keep` of them). `before_swap(new file)` runs after
    the change is committed and before the swap; if it raises, nothing is published.
    Use `data.store.writes.publish`: the one write path, which renews what is derived from the file.
    """
    if not path.exists():
        raise StoreError(f"database {path} does not exist; create it with `python -m data init`")
    with writer_lock(path):
        _clean_leftovers(path)  # what a killed writer left (we hold the lock: no writer is running)
        tmp = _tmp_path(path)
        try:
            shutil.copyfile(path, tmp)
            return _commit_and_swap(path, tmp, change, keep, before_swap)
        finally:
            _remove(tmp)


def _commit_and_swap(
    path: Path,
    tmp: Path,
    change: Callable[[duckdb.DuckDBPyConnection], T],
    keep: int,
    before_swap: Renew | None,
) -> T:
    """What create_database and publish share (under the writer lock): apply `change` to the
    new file `tmp` in one transaction and checkpoint it, run `before_swap(tmp)`, keep the live
    file as a backup (the newest `keep`; none when 0) and make `tmp` the live `path`. If
    anything raises, the live file is untouched (the caller removes `tmp`)."""
    con = duckdb.connect(str(tmp))
    try:
        con.execute("BEGIN")
        result = change(con)
        con.execute("COMMIT")
        _finish(con)
    except BaseException:
        con.close()
        raise
    if before_swap is not None:
        before_swap(tmp)
    _keep_backup(path, keep)
    os.replace(tmp, path)
    return result


def _keep_backup(path: Path, keep: int) -> None:
    """Keep the current live file as a backup (a hard link: no copy), then prune to `keep`."""
    if keep <= 0:
        return
    folder = backups_dir(path)
    folder.mkdir(exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%dT%H%M%S%f")
    target = folder / f"{path.stem}-{stamp}.duckdb"
    try:
        os.link(path, target)
    except OSError:
        shutil.copyfile(path, target)
    for old in list_backups(path)[keep:]:
        old.unlink()


def list_backups(path: Path) -> list[Path]:
    """Backups of a database file, newest first by modification time (the time the live
    file they were taken from was last written), then by name."""
    folder = backups_dir(path)
    if not folder.is_dir():
        return []
    found = [(p.stat().st_mtime_ns, p.name, p) for p in folder.glob("*.duckdb") if p.is_file()]
    return [p for _, _, p in sorted(found, reverse=True)]


@functools.cache
def schema_tables() -> frozenset[str]:
    """The tables schema.sql creates: what a database file must hold to be made live."""
    with duckdb.connect(":memory:") as con:
        create_schema(con)
        return frozenset(name for (name,) in con.execute(_TABLES_SQL).fetchall())


_HEADER_BYTES = 3 * 4096  # DuckDB's file header and its two database headers, before the blocks
_TABLES_SQL = "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' AND table_type = 'BASE TABLE'"


def check_database_file(candidate: Path) -> None:
    """Open `candidate` read-only and read every table through: a truncated, corrupt or
    foreign file raises StoreError naming the file and the problem."""
    name = candidate.name
    try:
        con = duckdb.connect(str(candidate), read_only=True)
    except duckdb.Error as exc:
        raise StoreError(f"{name} is not a readable DuckDB database ({_first_line(exc)})") from exc
    try:
        _, _, block_size, total_blocks, *_ = con.execute("SELECT * FROM pragma_database_size()").fetchone()
        expected = _HEADER_BYTES + total_blocks * block_size
        size = candidate.stat().st_size
        if size < expected:
            raise StoreError(
                f"{name} is truncated: {size:,} bytes, its header promises at least {expected:,}"
            )
        tables = {t for (t,) in con.execute(_TABLES_SQL).fetchall()}
        missing = sorted(schema_tables() - tables - LATER_TABLES)
        if missing:
            raise StoreError(f"{name} is not a CPT database: it lacks the tables {', '.join(missing)}")
        for table in sorted(tables):  # read every block: a checksum or short read fails here
            con.table(table).aggregate("count(*), sum(hash(COLUMNS(*)))").fetchall()
    except duckdb.Error as exc:
        raise StoreError(f"{name} cannot be read: {_first_line(exc)}") from exc
    finally:
        con.close()


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def restore_backup(
    path: Path, backup: Path, *, keep: int = DEFAULT_BACKUPS, before_swap: Renew | None = None
) -> None:
    """Make `backup` the live file again (the current live file becomes a backup).

    The copy is opened and read through before it replaces anything: a truncated or corrupt
    backup raises StoreError and the live file stays as it was.
    """
    with writer_lock(path):
        _clean_leftovers(path)
        tmp = _tmp_path(path)
        try:
            shutil.copyfile(backup, tmp)
            check_database_file(tmp)
            if before_swap is not None:
                before_swap(tmp)
            if path.exists():
                _keep_backup(path, keep)
            os.replace(tmp, path)
        except StoreError as exc:
            raise StoreError(f"backup {backup} was not restored: {str(exc).replace(str(tmp), str(backup)).replace(tmp.name, backup.name)}; "
                             f"{path} is unchanged") from exc  # fmt: skip
        finally:
            _remove(tmp)


def file_identity(path: Path) -> tuple[int, int]:
    """What tells one published file from the next: its inode and modification time."""
    st = os.stat(path)
    return (st.st_ino, st.st_mtime_ns)


class Reader:
    """One read-only connection to the live file, reopened when the file is replaced.

    DuckDB connections must not be shared between threads, so callers take a
    `cursor()` per query. `refresh()` reports whether the file changed, so caches
    built on the old file can be cleared.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._con: duckdb.DuckDBPyConnection | None = None
        self._identity: tuple[int, int] | None = None
        self._open()

    def _open(self) -> None:
        clean_leftovers(self.path)  # a writer killed before this start left its copy behind
        if not self.path.exists():
            raise StoreError(
                f"database {self.path} does not exist; create it with `python -m data init --demo`"
            )
        self._identity = file_identity(self.path)
        self._con = duckdb.connect(str(self.path), read_only=True)

    @property
    def identity(self) -> tuple[int, int] | None:
        return self._identity

    def refresh(self) -> bool:
        """Reopen if the live file was replaced; True when it was."""
        with self._lock:
            if file_identity(self.path) == self._identity:
                return False
            # Close first: DuckDB shares one instance per file path within a process, so
            # opening before closing would hand back the replaced file's instance.
            if self._con is not None:
                with contextlib.suppress(Exception):
                    self._con.close()
                self._con = None
            self._open()
            return True

    def cursor(self) -> duckdb.DuckDBPyConnection:
        with self._lock:
            assert self._con is not None
            return self._con.cursor()

    def close(self) -> None:
        with self._lock:
            if self._con is not None:
                self._con.close()
                self._con = None
