"""Placeholder: being built."""

import streamlit as st

st.title("company")
st.info("This page is being built.")
