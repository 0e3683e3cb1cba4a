"""Presentation mode (webinars): pseudonyms instead of names and ids, no free text, no
staff pages, a projector layout. On for admin and affiliate accounts with `present=1` in
the URL (so a presenter can prepare links) or the sidebar switch; never for company
accounts.

How a page stays disguised (every page, including new ones, goes through this):

1. **Read through `ui.cache.scoped`.** Every query a page shows is a function decorated
   with `@cache.scoped(...)` (ui/cache.py, ui/evidence_cache.py). In presentation mode the
   wrapper turns handles in `*_id` / `*_ids` arguments back into real ids (server-side),
   runs the cached query on real ids, and passes the result through `disguise`:
   DataFrames through `data.presentation.pseudonyms.Pseudonyms.frame`, a `scoring.Explanation` through
   `.explanation`. Other result types come back unchanged, so return DataFrames.
2. **Name columns travel with their id column.** Disguise swaps names by id, never by
   parsing text: a query returns `company` next to `company_id`, `legal_name`/`factory`
   next to `factory_id`, `affiliate` next to `affiliate_id`, `product_model` next to
   `product_model_id`, lists (`companies`, `products`) next to lists of ids (`company_ids`,
   `product_model_ids`); `name` pairs with the frame's only entity id column. Id columns
   become handles ("Company-K"), which the page may use as ids (URL, selection, keys).
   Country columns become regions; spend (`*spend_eur`) a coarse band ("€1–2 m"); a
   contract's period (`start_date`, `end_date`) its years; the own-organisation marker
   (`you`) False. Rows come back in an order that follows no real name or id
   (`Pseudonyms.order`: the figures the frame is sorted by, then pseudonyms), so a page
   lists what a query returns as it is. Text columns data/presentation/pseudonyms.py does not know are
   hidden ("(hidden in presentation mode)"): declare vocabulary columns in
   `pseudonyms.SAFE_COLUMNS`. Display strings that combine a name with something else
   (chart labels such as "Company K · Case 4") are built *after* the query, from the
   disguised columns (the `after=` hook of `scoped`), never in SQL.
3. **Pages add nothing real.** Text a page builds itself uses the disguised frames;
   downloads go through `export_frame` (drops id columns) and `file_part` (the handle, not
   the id, in file names); no address, city or id in captions (`is_on()` to leave them out).
4. **The URL carries handles.** `company=Company-K`: `normalise_url` (app.py, every run)
   rewrites real ids to handles when the mode is on and handles back to ids when it is off.

Presentation mode does not hide scores, bands, dates, counts, product categories,
company roles, scopes or finding code areas and severities: that is what a webinar shows.
A page never marks the presenter's own organisation ("You", "(you)", own rows first) and
orders what it builds itself (option lists, tabs, legends) by pseudonym or by a figure.
"""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

import scoring
from data.presentation.pseudonyms import ID_COLUMNS, LIST_ID_COLUMNS, Pseudonyms
from ui import auth
from wording.i18n import _

PARAM = "present"
KEY = "present_toggle"
STAFF_PAGES = frozenset({"data", "accounts", "disputes"})
URL_ID_PARAMS = {
    "company": "company",
    "factory": "factory",
}  # query parameter -> entity kind (comma-separated lists)

# Constant CSS (no data in it): larger text that still fits a 1280×720 projector.
STYLE = """
<style>
  html, body, [data-testid="stAppViewContainer"] { font-size: 18px; }
  [data-testid="stMainBlockContainer"] { padding-top: 2.2rem; padding-bottom: 2rem;
                                         padding-left: 2rem; padding-right: 2rem; }
  [data-testid="stMetricValue"] { font-size: 1.9rem; }
  [data-testid="stMetricValue"] > div, [data-testid="stMetricLabel"] p,
  [data-testid="stMetricLabel"] div { white-space: normal !important; overflow: visible !important;
                                      text-overflow: clip !important; }
  [data-testid="stMetricLabel"] { font-size: 0.85rem; }
  h1 { font-size: 2.2rem !important; padding-top: 0.2rem !important; }
  .stDownloadButton button p, .stButton button p { white-space: nowrap; }
</style>
"""


def allowed() -> bool:
    u = auth.user()
    return u is not None and u.role in ("admin", "affiliate")


def requested() -> bool:
    """The URL asks for presentation mode (before anyone is signed in: page layout only)."""
    return st.query_params.get(PARAM) == "1"


def is_on() -> bool:
    return allowed() and requested()


def sidebar_state() -> str:
    """`initial_sidebar_state` for st.set_page_config: collapsed on a projector."""
    return "collapsed" if requested() else "auto"


def _to_url() -> None:
    if st.session_state.get(KEY):
        st.query_params[PARAM] = "1"
    else:
        st.query_params.pop(PARAM, None)


def switch() -> None:
    """The sidebar switch, bound to the URL."""
    if not allowed():
        return
    st.session_state[KEY] = is_on()
    st.toggle(
        _("Presentation mode"),
        key=KEY,
        on_change=_to_url,
        help=_(
            "For webinars: pseudonyms instead of company, factory, affiliate and product names and "
            "ids; regions instead of countries; no notes, titles, addresses or cities; no staff pages; a "
            "projector layout. Links keep it on (present=1)."
        ),
    )


# Constant CSS for every page: Streamlit's wide layout keeps 5rem either side and 6rem on top,
# which at 1280 px left tables (the leaderboard's band, the Why column) and buttons cut off.
BASE_STYLE = """
<style>
  [data-testid="stMainBlockContainer"] { padding-top: 3.5rem; padding-left: 2.5rem; padding-right: 2.5rem; }
  /* A figure's label wraps instead of ending in "…" ("Remediation v…", "Open cases at your …"). */
  [data-testid="stMetricLabel"] p, [data-testid="stMetricLabel"] div {
    white-space: normal !important; overflow: visible !important; text-overflow: clip !important; }
</style>
"""


def apply_style() -> None:
    """The page layout: BASE_STYLE, and on a projector STYLE over it."""
    st.html(BASE_STYLE)
    if is_on():
        st.html(STYLE)


def disguise(result: object, names: Pseudonyms) -> object:
    """A query result as presentation mode shows it (DataFrames and scoring explanations;
    other results unchanged)."""
    if isinstance(result, pd.DataFrame):
        return names.order(names.frame(result))  # and in an order that follows no real name or id
    if isinstance(result, scoring.Explanation):
        return names.explanation(result)
    return result


def resolve_arguments(arguments: dict[str, object], names: Pseudonyms) -> None:
    """Handles in `*_id` / `*_ids` arguments of a query back to real ids (in place); only for
    an account that may present (a company account's handle stays a handle: no such id)."""
    if not allowed():
        return
    for arg, value in list(arguments.items()):
        if arg.endswith("_id") and isinstance(value, str):
            arguments[arg] = names.resolve(value)
        elif arg.endswith("_ids") and isinstance(value, (tuple, list)):
            arguments[arg] = type(value)(names.resolve(v) for v in value)


def normalise_url(names: Pseudonyms) -> None:
    """Presentation mode on: real ids in the URL become handles (`company=Company-K`); off:
    handles become real ids again, so switching keeps the page on the same company. Only for
    accounts that may present (admin, affiliate): for any other account a handle is not
    translated (it names no company it may see, and decoding it would tell which id a
    pseudonym stands for)."""
    if not allowed():
        return
    on = is_on()
    for param, kind in URL_ID_PARAMS.items():
        raw = st.query_params.get(param)
        if not raw:
            continue
        parts = raw.split(",")
        if on:
            new = [names.to_handle(kind, p) for p in parts]
        else:
            new = [str(names.resolve(p)) for p in parts]
        if new != parts:
            st.query_params[param] = ",".join(new)


def export_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A table as a download shows it: in presentation mode without id columns."""
    if not is_on():
        return frame
    ids = [c for c in frame.columns if c in ID_COLUMNS or c in LIST_ID_COLUMNS]
    return frame.drop(columns=ids)


def file_part(value: object) -> str:
    """A value for a download's file name (the handle in presentation mode; no spaces)."""
    return str(value).replace(" ", "-")


def page_hidden(url_path: str) -> bool:
    return is_on() and url_path in STAFF_PAGES


def link_params() -> dict[str, str]:
    """Query parameters every page keeps when the sidebar links to another page (only
    well-formed values: a link never carries text typed into the URL onwards)."""
    valid = {
        "present": lambda v: v == "1",
        "as_of": lambda v: re.fullmatch(r"\d{4}-\d{2}-\d{2}", v) is not None,
        "methodology": lambda v: v in ("in-force", "v1", "v2"),
    }
    return {
        k: st.query_params[k] for k, ok in valid.items() if k in st.query_params and ok(st.query_params[k])
    }
