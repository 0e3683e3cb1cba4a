"""CPT dashboard entry: page config, database, navigation."""

from __future__ import annotations

import streamlit as st

from data import cache, store

st.set_page_config(page_title="Company Performance Tracker", page_icon="📊", layout="wide")

cache.ensure_database()
try:
    version = cache.db_version()
except store.StoreError as exc:
    st.error(f"{exc}")
    st.stop()

if cache.is_demo(version):
    st.caption("Fictional demo data: every company, factory, affiliate and score shown here is invented.")

PAGES = [
    st.Page("pages/overview.py", title="Overview", icon="🏠", url_path="overview", default=True),
]
st.navigation(PAGES).run()
