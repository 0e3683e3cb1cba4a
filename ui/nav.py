"""Every page runs through app.py (navigation, and later the sign-in gate).

Streamlit still knows the legacy "pages/ folder" mode: on a fresh server, until
app.py has called `st.navigation` once, a deep link such as /company runs
pages/company.py on its own, without app.py. `through_app()` at the top of each
page sends such a run to app.py, which then opens the linked page with its
query parameters.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import streamlit as st

_FLAG = "_cpt_through_app"
TARGET_PARAM = "_page"


@contextlib.contextmanager
def through_app_run() -> Iterator[None]:
    """app.py runs its page inside this: the mark exists only while app.py runs the page."""
    st.session_state[_FLAG] = True
    try:
        yield
    finally:
        st.session_state.pop(_FLAG, None)


def through_app(url_path: str) -> None:
    """Stop a page that was run without app.py and hand its link to app.py."""
    if not st.session_state.get(_FLAG):
        st.switch_page("app.py", query_params={**st.query_params.to_dict(), TARGET_PARAM: url_path})


_SCROLL_TOP = "_cpt_scroll_top"
# Constant script (nothing from data or the URL in it): the main area back to its top.
_SCROLL_SCRIPT = (
    "<script>document.querySelectorAll('[data-testid=\"stMain\"]')"
    ".forEach((main) => main.scrollTo(0, 0)); window.scrollTo(0, 0);</script>"
)


def switch_page_to_top(page: str, query_params: dict[str, str]) -> None:
    """`st.switch_page`, landing at the top of the opened page: Streamlit keeps the main area's
    scroll position across a switch, so a click far down a page (a map point) would otherwise
    open the next page somewhere in its middle."""
    st.session_state[_SCROLL_TOP] = True
    st.switch_page(page, query_params=query_params)


def scroll_to_top_if_asked() -> None:
    """On the page `switch_page_to_top` opened: scroll its main area to the top, once."""
    if st.session_state.pop(_SCROLL_TOP, False):
        st.html(_SCROLL_SCRIPT, unsafe_allow_javascript=True)
