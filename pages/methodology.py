"""Placeholder: being built."""

import streamlit as st

st.title("methodology")
st.info("This page is being built.")
