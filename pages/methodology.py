"""Placeholder: being built."""

import streamlit as st

from ui import nav

nav.through_app("methodology")

st.title("methodology")
st.info("This page is being built.")
