"""CPT dashboard entry: page config, database, navigation."""

from __future__ import annotations

import streamlit as st

from data import store
from ui import cache, nav

st.set_page_config(page_title="Company Performance Tracker", page_icon="📊", layout="wide")

cache.ensure_database()
try:
    version = cache.db_version()
except store.StoreError as exc:
    st.error(f"{exc}")
    st.stop()


def _home() -> None:
    """The app root: go to the overview (or the page a deep link asked for, see ui/nav.py),
    keeping the link's query parameters."""
    params = st.query_params.to_dict()
    target = BY_PATH.get(params.pop(nav.TARGET_PARAM, ""), OVERVIEW)
    st.switch_page(target, query_params=params)


# URL paths are a contract (issue 5): overview (the default: the root redirects to it),
# company, transparency, improvement, compare, methodology, data, accounts.
OVERVIEW = st.Page("pages/overview.py", title="Overview", url_path="overview")
SECTIONS = {
    "Scores": [
        OVERVIEW,
        st.Page("pages/company.py", title="Company", url_path="company"),
        st.Page("pages/compare.py", title="Compare", url_path="compare"),
    ],
    "Evidence": [
        st.Page("pages/transparency.py", title="Supplier transparency", url_path="transparency"),
        st.Page("pages/improvement.py", title="Factory improvement", url_path="improvement"),
    ],
    "Staff": [
        st.Page("pages/data.py", title="Data", url_path="data"),
    ],
    "About": [
        st.Page("pages/methodology.py", title="Methodology", url_path="methodology"),
    ],
}
BY_PATH = {p.url_path: p for pages in SECTIONS.values() for p in pages}
home = st.Page(_home, title="Home", url_path="home", default=True)
page = st.navigation([home, *(p for pages in SECTIONS.values() for p in pages)], position="hidden")

with st.sidebar:
    st.markdown("### Company Performance Tracker")
    for section, pages in SECTIONS.items():
        st.caption(section)
        for p in pages:
            st.page_link(p)
if cache.is_demo(version):
    st.caption("Fictional demo data: every company, factory, affiliate and score shown here is invented.")
nav.mark_through_app()
page.run()
