"""Tables of the contract pages (My contracts, Factory): only the columns shown reach the browser.

Presentation mode disguises what the scoped queries return (ui/cache.py); these tables leave
out, besides, what a projector never shows: ids (handles), cities, addresses, titles and who
set an expectation.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from data.presentation.pseudonyms import ID_COLUMNS
from ui import controls, present
from wording.labels import in_words

HIDDEN = frozenset({*ID_COLUMNS, "city", "address", "title", "set_by"})  # in presentation mode
DATE = {"format": "YYYY-MM-DD"}


def shown(columns: list[str], hide: tuple[str, ...] = ()) -> list[str]:
    """The columns a table shows: never ids, cities or addresses (nor `hide`) in presentation mode."""
    hidden = HIDDEN.union(hide) if present.is_on() else frozenset()
    return [c for c in columns if c and c not in hidden]


def table(
    frame: pd.DataFrame,
    columns: list[str],
    key: str,
    labels: dict[str, object],
    *,
    hide: tuple[str, ...] = (),
    rows_per_page: int | None = None,
) -> None:
    """`frame[columns]` as a table, labelled; a long table `rows_per_page` rows at a time."""
    if rows_per_page:
        offset = controls.pager(len(frame), rows_per_page, key=f"{key}_page")
        frame = frame.iloc[offset : offset + rows_per_page]
    columns = shown(columns, hide)
    config = {c: labels[c] for c in columns if c in labels}  # only the labels of what is shown
    st.dataframe(in_words(frame[columns]), key=key, hide_index=True, width="stretch", column_config=config)
