"""The dashboard's one read-only connection to the live database file.

Below every other ui module (auth, downloads, the caches): `reader()` gives the shared
`data.store.Reader` after checking whether the file was replaced (an import, a restore, an
account change, by this server or by the CLI in another process) and, when it was, runs
every callback registered with `on_replaced` (ui/cache.py empties its caches there) before
anything is read from the new file.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from data import store

_on_replaced: list[Callable[[], None]] = []


def on_replaced(callback: Callable[[], None]) -> None:
    """Run `callback` whenever the live file was found replaced (once per callback)."""
    if callback not in _on_replaced:
        _on_replaced.append(callback)


@st.cache_resource(show_spinner=False)
def _reader(path: str) -> store.Reader:
    return store.Reader(store.db_path(path))


def reader() -> store.Reader:
    r = _reader(str(store.db_path()))
    if r.refresh():
        for callback in list(_on_replaced):
            callback()
    return r
