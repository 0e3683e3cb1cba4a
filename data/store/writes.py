"""The one write path: every change to the database file goes through here.

An import (CLI or Data page), `init`, a restore, an expectation, an account change and a
new presentation key all publish a new file through `data.store` (copy, change in one
transaction, atomic swap; DESIGN.md "Reads and writes") and, before the new file is made
live, bring what is derived from it in line with it (`renew`): today the score series
saved beside the database (data/store/series_cache.py), keyed by the content of the evidence.

What lives in a server's memory follows the file: the dashboard's reader (ui/cache.py)
compares the live file's identity on every script run and, when it was replaced (by this
process or by the CLI in another), reopens it and empties every data cache before any page
reads a figure. So after any write, no page and no download can show a figure derived from
an older file, and a restart reads the series saved for the new one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import duckdb

from data import store
from data.presentation import pseudonyms
from data.store import series_cache

T = TypeVar("T")
log = logging.getLogger("cpt.writes")


def renew(new_file: Path, live: Path) -> None:
    """Score the in-force series of `new_file` (the file about to become `live`) unless the
    series of the same evidence is saved already. A failure to score only means a cold first
    page (the dashboard scores a missing series itself); it never blocks the write, and a
    series of other evidence is never served (it has another key)."""
    try:
        series_cache.renew(new_file, live)
    except Exception:  # noqa: BLE001 - logged; the pages score what is missing
        log.exception("scoring the series of the new database file failed")


def publish(path: Path, change: Callable[[duckdb.DuckDBPyConnection], T], *, keep: int | None = None) -> T:
    """Apply `change` in one transaction to a copy of the live file and publish it (see
    `data.store.publish`), with every derived artefact renewed before the swap."""
    path = Path(path)
    return store.publish(
        path,
        change,
        keep=store.DEFAULT_BACKUPS if keep is None else keep,
        before_swap=lambda new: renew(new, path),
    )


def create(
    path: Path, fill: Callable[[duckdb.DuckDBPyConnection], None] | None = None, *, force: bool = False
) -> None:
    """A new database file with the schema, `fill` applied and its own presentation key."""
    path = Path(path)

    def filled(con: duckdb.DuckDBPyConnection) -> None:
        if fill is not None:
            fill(con)
        pseudonyms.write_key(con)  # every new file has its own presentation key

    def before_swap(new: Path) -> None:
        from data.demo import documents as demo_documents

        demo_documents.write_files(new, path)  # the demo's PDFs, if the fill made demo documents
        renew(new, path)

    store.create_database(path, filled, force=force, before_swap=before_swap)


def rotate_presentation_key(path: Path, *, who: str) -> None:
    """Publish the file with a new presentation key (every pseudonym changes; audited)."""
    publish(path, pseudonyms.new_key_change(who))


def restore(path: Path, backup: Path, *, keep: int | None = None) -> None:
    """Make `backup` live again (checked first; see `data.store.restore_backup`)."""
    path = Path(path)
    store.restore_backup(
        path,
        backup,
        keep=store.DEFAULT_BACKUPS if keep is None else keep,
        before_swap=lambda new: renew(new, path),
    )
