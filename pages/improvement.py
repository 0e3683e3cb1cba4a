"""Placeholder: being built."""

import streamlit as st

st.title("improvement")
st.info("This page is being built.")
