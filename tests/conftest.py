"""Shared fixtures: a demo database built once per test session (from code, never checked in)."""

from __future__ import annotations

from pathlib import Path

import pytest

from data import demo, store


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A read-only-by-convention demo database for tests that only read."""
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    store.create_database(path, demo.fill_demo)
    return path
