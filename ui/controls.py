"""Shared selectors whose values live in the URL, so a link can be shared.

Query parameters (the navigation contract): `company` (a company_id; on the
Compare page several, comma-separated), `as_of` (YYYY-MM-DD, default the last
quarter end), `methodology` (`in-force`, `v1`, `v2`).

The URL is the source of truth: before drawing a selector, its value is set from
the query parameter (or the default when there is none), and a change of the
selector writes the query parameter in its `on_change` callback, which runs before
the page. Default values are left out of the URL to keep links short.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pandas as pd
import streamlit as st

from ui.text import md
from wording import i18n, narrative
from wording.i18n import N_, _

METHODOLOGY_LABELS = {
    "in-force": N_("Version in force"),
    "v1": N_("v1 for all dates"),
    "v2": N_("v2 for all dates"),
}


def _set_param(name: str, value: str | None, default: str | None = None) -> None:
    if value is None or value == default or value == "":
        st.query_params.pop(name, None)
    elif st.query_params.get(name) != value:
        st.query_params[name] = value


def _to_url(
    key: str, name: str, serialise: Callable[[object], str | None], default: str | None
) -> Callable[[], None]:
    def callback() -> None:
        _set_param(name, serialise(st.session_state.get(key)), default)

    return callback


def _init(key: str, value: object) -> None:
    # Always assign: a widget of the same key on another page may hold an equal value
    # that the new widget would not pick up.
    st.session_state[key] = value


def methodology(key: str = "methodology", container=st) -> str:
    """Version in force, or the whole history rescored under v1 or v2 ("what-if")."""
    options = list(METHODOLOGY_LABELS)
    wanted = st.query_params.get("methodology", "in-force")
    _init(key, wanted if wanted in options else "in-force")
    choice = container.segmented_control(
        _("Methodology"),
        options,
        format_func=lambda v: _(METHODOLOGY_LABELS[v]),
        key=key,
        on_change=_to_url(key, "methodology", lambda v: v or "in-force", "in-force"),
        help=_("v1 applies before {} and v2 from then on; or rescore every date under one version.").format(
            i18n.day(date(2022, 7, 1))
        ),
    )
    return choice or "in-force"


def as_of(dates, key: str = "as_of", container=st) -> date | None:
    """A quarter end (newest first); default the last quarter end."""
    if not len(dates):
        return None
    options = sorted({pd.Timestamp(d).date() for d in dates}, reverse=True)
    wanted = st.query_params.get("as_of")
    try:
        chosen = date.fromisoformat(wanted) if wanted else options[0]
    except ValueError:
        chosen = None
    if chosen not in options:
        st.warning(
            md(_("No scores as of “{}”: showing the last quarter end, {}."), wanted, i18n.day(options[0]))
        )
        chosen = options[0]
        _set_param("as_of", None)
    _init(key, chosen)
    return container.selectbox(
        _("As of (quarter end)"),
        options,
        key=key,
        format_func=i18n.day,
        on_change=_to_url(key, "as_of", lambda d: d.isoformat() if d else None, options[0].isoformat()),
    )


def company(companies: pd.DataFrame, key: str = "company", container=st) -> str | None:
    """One company by name; a clear message when the URL names an unknown one."""
    ids = companies["company_id"].tolist()
    names = dict(zip(companies["company_id"], companies["name"], strict=True))
    wanted = st.query_params.get("company")
    if wanted and wanted not in names:
        st.error(md(_("Company “{}” is not available to your account (or does not exist)."), wanted))
        wanted = None
    chosen = wanted or (ids[0] if ids else None)
    _init(key, chosen)
    _set_param("company", chosen)
    return container.selectbox(
        _("Company"),
        ids,
        key=key,
        format_func=lambda c: names.get(c, c),
        on_change=_to_url(key, "company", lambda c: c, None),
    )


def companies_multi(companies: pd.DataFrame, key: str = "compare", max_n: int = 6, container=st) -> list[str]:
    """Several companies (Compare); the URL holds them comma-separated."""
    names = dict(zip(companies["company_id"], companies["name"], strict=True))
    wanted = [c for c in st.query_params.get("company", "").split(",") if c]
    unknown = [c for c in wanted if c not in names]
    if unknown:
        st.error(md(_("Not available: {}. Choose from the list."), ", ".join(f"“{c}”" for c in unknown)))
    _init(key, [c for c in wanted if c in names][:max_n])
    return container.multiselect(
        _("Companies to compare (2–{})").format(max_n),
        list(names),
        key=key,
        format_func=lambda c: names.get(c, c),
        max_selections=max_n,
        on_change=_to_url(key, "company", lambda v: ",".join(v or []), None),
    )


def fmt_score(value: float | None) -> str:
    """One decimal, in the current language's format; 'n/a' for not applicable (never 0)."""
    return narrative.one_decimal(value) if i18n.current() == i18n.SOURCE else i18n.score(value)


ALL = "__all__"


def company_or_all(companies: pd.DataFrame, key: str, container=st) -> str | None:
    """One company or all of them (None); `?company=ID` in the URL, no parameter for all.
    With a single company to choose from (a company account) there is no "all"."""
    if len(companies) == 1:
        return company(companies, key=key, container=container)
    names = dict(zip(companies["company_id"], companies["name"], strict=True))
    wanted = st.query_params.get("company")
    if wanted and wanted not in names:
        st.error(
            md(
                "Company “{}” is not available to your account (or does not exist): showing all companies.",
                wanted,
            )
        )
        _set_param("company", None)
        wanted = None
    _init(key, wanted or ALL)
    choice = container.selectbox(
        "Company",
        [ALL, *names],
        key=key,
        format_func=lambda c: "All companies" if c == ALL else names.get(c, c),
        on_change=_to_url(key, "company", lambda c: None if c == ALL else c, None),
    )
    return None if choice == ALL else choice


def pager(total: int, per_page: int, key: str, label: str = "Rows shown", container=st) -> int:
    """A selector of the page of a long list ("1–200 of 6,328"); the offset of the chosen page.

    Nothing is drawn when everything fits on one page (offset 0). A page number beyond the
    end (the list got shorter) falls back to the first page.
    """
    pages = max(1, -(-int(total) // per_page))
    if pages == 1:
        return 0
    if not 0 <= st.session_state.get(key, 0) < pages:
        st.session_state[key] = 0
    page = container.selectbox(
        label,
        range(pages),
        key=key,
        format_func=lambda i: f"{i * per_page + 1:,}–{min((i + 1) * per_page, total):,} of {total:,}",
    )
    return int(page or 0) * per_page
