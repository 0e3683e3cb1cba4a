"""Placeholder: being built."""

import streamlit as st

from ui import nav

nav.through_app("compare")

st.title("compare")
st.info("This page is being built.")
