"""Presentation mode (webinars): pseudonyms instead of names, no free text, no staff pages,
a larger layout. On for admin and affiliate accounts with `present=1` in the URL (so a
presenter can prepare links) or the sidebar switch; never for company accounts.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from data.pseudonyms import Pseudonyms
from ui import auth

PARAM = "present"
KEY = "present_toggle"
STAFF_PAGES = frozenset({"data", "accounts"})

# Constant CSS (no data in it): larger text and charts that read on a projector.
STYLE = """
<style>
  html, body, [data-testid="stAppViewContainer"] { font-size: 19px; }
  [data-testid="stMetricValue"] { font-size: 2.3rem; }
  [data-testid="stMetricLabel"] { font-size: 0.85rem; }
  h1 { font-size: 2.8rem !important; }
  [data-testid="stSidebarContent"] [data-testid="stCaptionContainer"] { opacity: 0.6; }
</style>
"""


def allowed() -> bool:
    u = auth.user()
    return u is not None and u.role in ("admin", "affiliate")


def is_on() -> bool:
    return allowed() and st.query_params.get(PARAM) == "1"


def _to_url() -> None:
    if st.session_state.get(KEY):
        st.query_params[PARAM] = "1"
    else:
        st.query_params.pop(PARAM, None)


def switch() -> None:
    """The sidebar switch, bound to the URL."""
    if not allowed():
        return
    st.session_state[KEY] = is_on()
    st.toggle(
        "Presentation mode",
        key=KEY,
        on_change=_to_url,
        help="For webinars: pseudonyms instead of company, factory, affiliate and product names; "
        "no notes or titles; no staff pages; larger text. Links keep it on (present=1).",
    )


def apply_style() -> None:
    if is_on():
        st.html(STYLE)


def disguise(result: object, names: Pseudonyms) -> object:
    """A query result as presentation mode shows it (DataFrames only; other results unchanged)."""
    return names.frame(result) if isinstance(result, pd.DataFrame) else result


def page_hidden(url_path: str) -> bool:
    return is_on() and url_path in STAFF_PAGES


def link_params() -> dict[str, str]:
    """Query parameters every page keeps when the sidebar links to another page."""
    keep = ("present", "as_of", "methodology")
    return {k: st.query_params[k] for k in keep if k in st.query_params}
