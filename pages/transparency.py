"""Placeholder: being built."""

import streamlit as st

st.title("transparency")
st.info("This page is being built.")
