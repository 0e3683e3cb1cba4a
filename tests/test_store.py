"""The publish path's safety: leftovers of a killed writer are cleaned, `restore` checks the backup."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from data import store
from data.access import accounts

ROOT = Path(__file__).resolve().parent.parent


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "data", *args], cwd=ROOT, capture_output=True, text=True)


@pytest.fixture
def db(demo_db: Path, tmp_path: Path) -> Path:
    path = tmp_path / "live.duckdb"
    shutil.copyfile(demo_db, path)
    return path


def leftover(db: Path, pid: int = 999_999) -> list[Path]:
    """What a writer killed between copy and os.replace leaves: its copy (and a .wal)."""
    tmp = db.with_name(f".{db.name}.{pid}.140000000.tmp")
    shutil.copyfile(db, tmp)
    wal = tmp.with_name(tmp.name + ".wal")
    wal.write_bytes(b"\0" * 4096)
    return [tmp, wal]


def test_a_killed_publish_leaves_the_live_file_and_its_copy_is_cleaned_at_the_next_publish(db: Path) -> None:
    code = (
        "import os, sys\n"
        "from pathlib import Path\n"
        "from data import store\n"
        "def change(con):\n"
        "    con.execute(\"INSERT INTO audit_log (who, action, detail) VALUES ('t', 'x', 'y')\")\n"
        "    os.kill(os.getpid(), 9)\n"
        "store.publish(Path(sys.argv[1]), change)\n"
    )
    before = db.read_bytes()
    killed = subprocess.run([sys.executable, "-c", code, str(db)], cwd=ROOT, capture_output=True)
    assert killed.returncode == -9
    assert db.read_bytes() == before  # the live file is untouched
    left = list(db.parent.glob(f".{db.name}.*.tmp"))
    assert len(left) == 1 and left[0].stat().st_size > 1_000_000  # the 'leftover' of the issue
    accounts.add_user(db, "after.kill", "a-long-password", "admin", who="test")
    assert list(db.parent.glob(f".{db.name}.*")) == []


def test_leftovers_are_cleaned_when_the_dashboard_opens_the_database(db: Path) -> None:
    files = leftover(db)
    other = db.with_name(".other.duckdb.1.2.tmp")  # another database's file is not ours to remove
    other.write_bytes(b"x")
    reader = store.Reader(db)
    try:
        assert not any(f.exists() for f in files)
        assert other.exists() and db.exists()
    finally:
        reader.close()


def test_a_running_writers_copy_is_not_removed(db: Path) -> None:
    files = leftover(db)
    with store.writer_lock(db):  # a writer is busy: its temporary file is live
        assert store.clean_leftovers(db) == []
        assert all(f.exists() for f in files)
    assert sorted(store.clean_leftovers(db)) == sorted(files)


def _audit_count(path: Path) -> int:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute("SELECT count(*) FROM audit_log").fetchone()[0]


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda b: b[: len(b) // 2], "truncated"),
        (lambda b: b[: len(b) - 5000], "truncated"),
        (lambda b: b"not a database" * 500, "not a readable DuckDB database"),
        (lambda b: b"", "not a readable DuckDB database"),
    ],
)
def test_restore_refuses_a_damaged_backup_and_changes_nothing(db: Path, damage, message: str) -> None:
    accounts.add_user(db, "one.more", "a-long-password", "admin", who="test")  # makes a backup
    (backup,) = store.list_backups(db)
    backup.unlink()
    backup.write_bytes(damage(db.read_bytes()))
    live = db.read_bytes()
    done = run_cli("restore", "--latest", "--db", str(db))
    assert done.returncode == 1
    assert message in done.stderr and backup.name in done.stderr and "unchanged" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
    assert db.read_bytes() == live
    assert store.list_backups(db) == [backup]  # no backup of the live file was made either
    assert list(db.parent.glob(f".{db.name}.*.tmp")) == []
    assert _audit_count(db) == 1


def test_restore_refuses_a_database_without_the_schema(db: Path, tmp_path: Path) -> None:
    folder = store.backups_dir(db)
    folder.mkdir()
    with duckdb.connect(str(folder / "foreign.duckdb")) as con:
        con.execute("CREATE TABLE t (x INTEGER)")
    done = run_cli("restore", "foreign.duckdb", "--db", str(db))
    assert done.returncode == 1 and "is not a CPT database" in done.stderr and "users" in done.stderr


def test_restore_latest_picks_the_newest_by_time_not_by_name(db: Path) -> None:
    folder = store.backups_dir(db)
    folder.mkdir()
    for name, age, who in (("z-old.duckdb", 3600, "old"), ("a-new.duckdb", 60, "new")):
        target = folder / name
        shutil.copyfile(db, target)
        with duckdb.connect(str(target)) as con:
            con.execute("INSERT INTO audit_log (who, action, detail) VALUES (?, 'mark', '')", [who])
        os.utime(target, (time.time() - age, time.time() - age))
    assert [b.name for b in store.list_backups(db)] == ["a-new.duckdb", "z-old.duckdb"]
    listed = run_cli("restore", "--list", "--db", str(db)).stdout.splitlines()
    assert [line.split("\t")[0] for line in listed] == ["a-new.duckdb", "z-old.duckdb"]
    done = run_cli("restore", "--latest", "--db", str(db))
    assert done.returncode == 0 and "a-new.duckdb" in done.stdout, done.stderr
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT who FROM audit_log").fetchall() == [("new",)]


def test_restore_of_a_good_backup_still_works(db: Path) -> None:
    accounts.add_user(db, "temp.user", "a-long-password", "admin", who="test")
    done = run_cli("restore", "--latest", "--db", str(db))
    assert done.returncode == 0, done.stderr
    with duckdb.connect(str(db), read_only=True) as con:
        assert accounts.find_user(con.cursor(), "temp.user") is None
    assert len(store.list_backups(db)) == 2
