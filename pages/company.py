"""Placeholder: being built."""

import streamlit as st

from ui import nav

nav.through_app("company")

st.title("company")
st.info("This page is being built.")
