"""CPT dashboard entry: page config, database, navigation."""

from __future__ import annotations

import streamlit as st

from data import store
from ui import cache

st.set_page_config(page_title="Company Performance Tracker", page_icon="📊", layout="wide")

cache.ensure_database()
try:
    version = cache.db_version()
except store.StoreError as exc:
    st.error(f"{exc}")
    st.stop()

if cache.is_demo(version):
    st.caption("Fictional demo data: every company, factory, affiliate and score shown here is invented.")

# URL paths are a contract (issue 5): overview (default), company, transparency,
# improvement, compare, methodology, data, accounts.
PAGES = {
    "Scores": [
        st.Page("pages/overview.py", title="Overview", url_path="overview", default=True),
        st.Page("pages/company.py", title="Company", url_path="company"),
        st.Page("pages/compare.py", title="Compare", url_path="compare"),
    ],
    "Evidence": [
        st.Page("pages/transparency.py", title="Supplier transparency", url_path="transparency"),
        st.Page("pages/improvement.py", title="Factory improvement", url_path="improvement"),
    ],
    "About": [
        st.Page("pages/methodology.py", title="Methodology", url_path="methodology"),
    ],
}
st.navigation(PAGES).run()
