"""Shared selectors whose values live in the URL, so a link can be shared.

Query parameters (the navigation contract): `company` (a company_id; on the
Compare page several, comma-separated), `as_of` (YYYY-MM-DD, default the last
quarter end), `methodology` (`in-force`, `v1`, `v2`). Each selector reads its
initial value from `st.query_params`, and writes the chosen value back.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

import scoring

METHODOLOGY_LABELS = {
    "in-force": "Version in force",
    "v1": "v1 for all dates",
    "v2": "v2 for all dates",
}


def _set_param(name: str, value: str | None, default: str | None = None) -> None:
    if value is None or value == default:
        st.query_params.pop(name, None)
    elif st.query_params.get(name) != value:
        st.query_params[name] = value


def methodology(key: str = "methodology", container=st) -> str:
    """Version in force, or the whole history rescored under v1 or v2 ("what-if")."""
    options = list(METHODOLOGY_LABELS)
    wanted = st.query_params.get("methodology", "in-force")
    if key not in st.session_state:
        st.session_state[key] = wanted if wanted in options else "in-force"
    choice = container.segmented_control(
        "Methodology",
        options,
        format_func=METHODOLOGY_LABELS.get,
        key=key,
        help="v1 applies before 2022-07-01 and v2 from then on; or rescore every date under one version.",
    )
    choice = choice or "in-force"
    _set_param("methodology", choice, "in-force")
    return choice


def as_of(dates, key: str = "as_of", container=st) -> date | None:
    """A quarter end (newest first); default the last quarter end."""
    if not len(dates):
        return None
    options = sorted({pd.Timestamp(d).date() for d in dates}, reverse=True)
    if key not in st.session_state:
        wanted = st.query_params.get("as_of")
        try:
            chosen = date.fromisoformat(wanted) if wanted else options[0]
        except ValueError:
            chosen = options[0]
        if chosen not in options:
            st.warning(f"No scores as of {wanted}: showing the last quarter end, {options[0]:%Y-%m-%d}.")
            chosen = options[0]
        st.session_state[key] = chosen
    choice = container.selectbox(
        "As of (quarter end)", options, key=key, format_func=lambda d: d.strftime("%Y-%m-%d")
    )
    _set_param("as_of", choice.isoformat(), options[0].isoformat())
    return choice


def company(companies: pd.DataFrame, key: str = "company", container=st) -> str | None:
    """One company by name; `None` (with a clear message) when the URL names an unknown one."""
    ids = companies["company_id"].tolist()
    names = dict(zip(companies["company_id"], companies["name"], strict=True))
    if key not in st.session_state:
        wanted = st.query_params.get("company")
        if wanted and wanted not in names:
            st.error(f"No company with id “{wanted}” is available. Choose one from the list.")
            wanted = None
        st.session_state[key] = wanted or (ids[0] if ids else None)
    choice = container.selectbox("Company", ids, key=key, format_func=lambda c: names.get(c, c))
    _set_param("company", choice)
    return choice


def companies_multi(companies: pd.DataFrame, key: str = "compare", max_n: int = 6, container=st) -> list[str]:
    """Several companies (Compare); the URL holds them comma-separated."""
    names = dict(zip(companies["company_id"], companies["name"], strict=True))
    if key not in st.session_state:
        wanted = [c for c in st.query_params.get("company", "").split(",") if c]
        unknown = [c for c in wanted if c not in names]
        if unknown:
            st.error("Not available: " + ", ".join(f"“{c}”" for c in unknown) + ". Choose from the list.")
        st.session_state[key] = [c for c in wanted if c in names][:max_n]
    choice = container.multiselect(
        f"Companies to compare (2–{max_n})",
        list(names),
        key=key,
        format_func=lambda c: names.get(c, c),
        max_selections=max_n,
    )
    _set_param("company", ",".join(choice) if choice else None)
    return choice


def fmt_score(value: float | None) -> str:
    """One decimal; 'n/a' for not applicable (never 0)."""
    return "n/a" if value is None or pd.isna(value) else f"{value:.1f}"


def band_of(value: float | None) -> str:
    return scoring.band(None if value is None or pd.isna(value) else float(value)) or "n/a"


def methodology_param() -> dict[str, str]:
    """The current methodology as a query parameter (empty for the default), to carry over on links."""
    value = st.query_params.get("methodology")
    return {"methodology": value} if value and value != "in-force" else {}
