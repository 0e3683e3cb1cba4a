"""Shared fixtures: a demo database built once per test session (from code, never checked in)."""

from __future__ import annotations

from pathlib import Path

import pytest

from data import demo
from data.store import writes


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A read-only-by-convention demo database for tests that only read."""
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    writes.create(path, demo.fill_demo)
    return path


@pytest.fixture
def demo_app(demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the dashboard at the demo database with empty caches (AppTest runs in this process)."""
    import streamlit as st

    monkeypatch.setenv("CPT_DB", str(demo_db))
    st.cache_data.clear()
    st.cache_resource.clear()
    return demo_db


@pytest.fixture
def writable_demo_app(demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Like demo_app, on a private copy of the demo database that a test may write to."""
    import shutil

    import streamlit as st

    db = tmp_path / "writable.duckdb"
    shutil.copyfile(demo_db, db)
    documents = demo_db.with_name(demo_db.name + ".documents")  # the files beside it (issue 23)
    if documents.is_dir():
        shutil.copytree(documents, db.with_name(db.name + ".documents"))
    monkeypatch.setenv("CPT_DB", str(db))
    st.cache_data.clear()
    st.cache_resource.clear()
    return db


@pytest.fixture(scope="session")
def hostile_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The hostile world (tests/hostile_world.py): the demo world with Markdown, HTML, URLs,
    formulas, 4,000-character strings and control characters in its names and notes."""
    from tests.hostile_world import build_hostile_db

    return build_hostile_db(tmp_path_factory.mktemp("hostile") / "hostile.duckdb")


@pytest.fixture
def hostile_app(hostile_db: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the dashboard at the hostile world with empty caches (AppTest runs in this process)."""
    import streamlit as st

    monkeypatch.setenv("CPT_DB", str(hostile_db))
    st.cache_data.clear()
    st.cache_resource.clear()
    return hostile_db


@pytest.fixture(autouse=True)
def fresh_sign_in_guards() -> None:
    """Every test starts with no failed sign-ins and an empty sign-in rate limit: both are
    module-level objects in data/access/accounts.py that no cache clearing resets (issue 20)."""
    from data.access import accounts

    accounts.reset_guards()


@pytest.fixture
def deferred(monkeypatch: pytest.MonkeyPatch) -> dict[str, tuple[str, object]]:
    """Download buttons whose data is made on click (a callable): element id -> (file name,
    callable), so a test can make each file as the click would."""
    from streamlit.elements.widgets import button

    made: dict[str, tuple[str, object]] = {}
    original = button.marshall_file

    def marshall_file(coordinates, data, proto, mimetype, file_name=None, **kwargs):
        original(coordinates, data if not callable(data) else b"", proto, mimetype, file_name, **kwargs)
        if callable(data):
            made[kwargs.get("element_id") or proto.id] = (file_name, data)

    monkeypatch.setattr(button, "marshall_file", marshall_file)
    return made
