"""Opening dashboard pages with AppTest, signed in as one of the demo accounts."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from functools import cache
from pathlib import Path

import duckdb
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest

from data.access import accounts, sessions
from data.access.accounts import User
from ui import auth, nav

ROOT = Path(__file__).resolve().parent.parent


def _navigation_only() -> None:
    """Run app.py on every AppTest run, as a real server does.

    AppTest resets Streamlit's legacy "pages/ folder" detection before each run
    (streamlit/testing/v1/app_test.py), so every rerun after the first would run the
    page file alone, without app.py and its sign-in gate. A server only does that
    until the first st.navigation call (ui/nav.py covers that case). Keep the flag off
    after each PagesManager is made, so the tests see what users see.
    """
    original = PagesManager.__init__
    if getattr(original, "_cpt_patched", False):
        return

    def init(self, *args, **kwargs) -> None:
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    init._cpt_patched = True  # type: ignore[attr-defined]
    PagesManager.__init__ = init  # type: ignore[method-assign]


_navigation_only()

DOWNLOADS: dict[str, bytes] = {}


def _capture_downloads() -> None:
    """Keep every payload AppTest's in-memory media storage receives (download buttons), by file id."""
    original = MemoryMediaFileStorage.load_and_get_id
    if getattr(original, "_cpt_patched", False):
        return

    def load_and_get_id(self, path_or_data, mimetype, kind, filename=None):
        file_id = original(self, path_or_data, mimetype, kind, filename)
        if isinstance(path_or_data, bytes):
            DOWNLOADS[file_id] = path_or_data
        return file_id

    load_and_get_id._cpt_patched = True  # type: ignore[attr-defined]
    MemoryMediaFileStorage.load_and_get_id = load_and_get_id  # type: ignore[method-assign]


_capture_downloads()

DEFERRED: dict[str, Callable[[], object]] = {}


def _capture_deferred() -> None:
    """Keep every callable a download button registers (data built on click), by file id."""
    original = MediaFileManager.add_deferred
    if getattr(original, "_cpt_patched", False):
        return

    def add_deferred(self, data_callable, *args, **kwargs):
        file_id = original(self, data_callable, *args, **kwargs)
        DEFERRED[file_id] = data_callable
        return file_id

    add_deferred._cpt_patched = True  # type: ignore[attr-defined]
    MediaFileManager.add_deferred = add_deferred  # type: ignore[method-assign]


_capture_deferred()


def _scan_components_once() -> None:
    """Scan the installed packages for Streamlit components once per test process.

    AppTest scans every installed distribution's metadata for component manifests on the
    first run of each AppTest (streamlit/testing/v1/app_test.py): about 0.25 s of parsing per
    page a test opens, for an answer that cannot change while the tests run.
    """
    from streamlit.components.v2 import manifest_scanner

    original = manifest_scanner.scan_component_manifests
    if getattr(original, "_cpt_patched", False):
        return
    found: list = []

    def scan_component_manifests(max_workers: int | None = None):
        if not found:
            found.append(original(max_workers))
        return list(found[0])

    scan_component_manifests._cpt_patched = True  # type: ignore[attr-defined]
    manifest_scanner.scan_component_manifests = scan_component_manifests


_scan_components_once()


def download(at: AppTest, key: str) -> bytes:
    """The payload of the download button with `key`. Data built on click (a callable) is
    built here, outside the script run, as a click on a real server does."""
    button = next(b for b in at.get("download_button") if b.proto.id.endswith(key))
    if button.proto.deferred_file_id:
        data = DEFERRED[button.proto.deferred_file_id]()
        return data.encode("utf-8") if isinstance(data, str) else bytes(data)
    file_id = button.proto.url.rsplit("/", 1)[-1].split(".")[0]
    return DOWNLOADS[file_id]


DEMO_USERS = {"admin": "demo-admin", "affiliate": "demo-affiliate", "company": "demo-company"}


@cache
def demo_user(db: Path, role: str) -> User:
    with duckdb.connect(str(db), read_only=True) as con:
        user = accounts.find_user(con.cursor(), DEMO_USERS[role])
    assert user is not None, f"no demo {role} account in {db}"
    return user


def open_page(page: str, *, role: str | None = "affiliate", db: Path | None = None, **params: str) -> AppTest:
    """Open the page at URL path `page` of app.py on `db` (default $CPT_DB) as `role`
    (None: signed out), with `params` in the query string.

    A server-side session is started for the account the way a successful sign-in does
    (data/access/sessions.py), so each test does not pay for password hashing; the sign-in form
    itself is tested in tests/test_access.py.
    """
    db = db or Path(os.environ["CPT_DB"])
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    if role is not None:
        at.session_state[auth.SESSION_ID] = sessions.STORE.create(demo_user(db, role))
    for key, value in params.items():
        at.query_params[key] = value
    at.query_params[nav.TARGET_PARAM] = page  # the root opens this page, as for a deep link
    return at.run()


def chart_titles(at: AppTest) -> list[str]:
    """The titles of the Plotly charts on the page, in order."""
    return [json.loads(c.proto.spec)["layout"]["title"]["text"] for c in at.get("plotly_chart")]
