"""Overview: the leaderboard of companies as of a quarter end, with filters and a KPI strip."""

from datetime import date

import streamlit as st

import scoring
from charts import theme, trajectory
from data.exports import spreadsheet
from data.store.tables import CATEGORIES, ROLES
from scoring import params
from ui import auth, cache, contract_cache, controls, downloads, figures, nav, present
from ui.leaderboard import columns as board_columns
from ui.text import md
from wording import i18n, labels, summary
from wording.i18n import _

nav.through_app("overview")

BOARD_PER_PAGE = 100  # companies per page of the leaderboard

version = cache.db_version()
st.title(_("Company leaderboard"))
st.caption(
    _(
        "Supply Chain Transparency (SCT), Factory Improvement (FI) and the overall score, 0–100, "
        "as of a quarter end. n/a: no evidence scored yet (never counted as 0)."
    )
)

top = st.columns([1, 3])  # the date and the methodology on one row: the leaderboard stays near the top
methodology = controls.methodology(key="methodology", container=top[1])
series_all = cache.series(version, methodology)
as_of = controls.as_of(sorted(series_all["as_of"].unique()), container=top[0])
if as_of is None:
    st.info(
        _("n/a: no evidence in the database yet. An admin can import evidence with `python -m data import`.")
    )
    st.stop()

affiliates = cache.affiliates(version)
aff_names = dict(zip(affiliates["affiliate_id"], affiliates["name"], strict=True))
# An affiliate account's own organisation, listed first; not while presenting (whose
# contracts a company holds would say which company it is).
mine = None if present.is_on() else auth.user().affiliate_id
options = [None, *([mine] if mine in aff_names else []), *(a for a in aff_names if a != mine)]
with st.expander(_("Filters"), expanded=False):
    f1, f2, f3, f4 = st.columns(4)
    affiliate = f1.selectbox(
        _("Affiliate's contracted companies"), options, key="affiliate",
        format_func=lambda a: _("All affiliates") if a is None else (_("{} (you)").format(aff_names[a]) if a == mine else aff_names[a]),
    )  # fmt: skip
    categories = f2.multiselect(_("Product category"), CATEGORIES, key="category")
    roles = f3.multiselect(
        _("Company role"), ROLES, key="role", format_func=lambda r: _(labels.ROLE_LABELS.get(r, r))
    )
    bands = f4.multiselect(_("Band"), [b.name for b in params.BANDS] + ["n/a"], key="band", format_func=_)

board = cache.leaderboard(version, methodology, as_of)
filters = cache.company_filters(version)
board = summary.filter_board(board, filters, affiliate, categories, roles, bands)
if mine:
    board["contract"] = board["company_id"].isin(summary.contracted_by(filters, mine))
names = cache.companies(version).set_index("company_id")["name"]
board.insert(1, "company", board["company_id"].map(names))

kpi = summary.kpis(board)
k = st.columns(5)
k[0].metric(
    _("Companies scored"), _("{} of {}").format(i18n.number(kpi["scored"]), i18n.number(kpi["companies"]))
)
k[1].metric(_("Median SCT"), controls.fmt_score(kpi["median_sct"]))
k[2].metric(_("Median FI"), controls.fmt_score(kpi["median_fi"]))
k[3].metric(_("Median overall"), controls.fmt_score(kpi["median_overall"]))
k[4].metric(_("Methodology applied"), ", ".join(sorted(board["methodology"].dropna().unique())) or _("n/a"))
# On a projector the leaderboard comes first (the first screen is 720 px high).
shares_below = present.is_on()
if kpi["scored"] and not shares_below:
    figures.chart(trajectory.band_shares(kpi["band_shares"]), key="band_shares")

if board.empty:
    st.info(_("No company matches these filters."))
    st.stop()

table = summary.board_table(board)
# A page of the board at a time: the styling and the rows sent are for what is shown (KPIs and
# downloads cover every row that matches the filters).
offset = controls.pager(len(table), BOARD_PER_PAGE, key="board_page", label=_("Companies shown"))
page = table.iloc[offset : offset + BOARD_PER_PAGE]
styled = summary.board_shown(page).style.map(
    lambda b: f"background-color: {theme.BAND_COLOURS.get(b, theme.NA_COLOUR)}33", subset=["Band"]
)
event = st.dataframe(
    styled,
    key="leaderboard",
    hide_index=True,
    on_select="rerun",
    selection_mode="single-row",
    width="stretch",
    column_order=[c for c in table.columns if c != "company_id"],
    column_config=board_columns(bool(mine)),
)
st.caption(
    _("Select a row to open the company. n/a: no scorable evidence at that date (never counted as 0).")
)
export = present.export_frame(summary.board_export(table))
header = spreadsheet.header_line("leaderboard", as_of, board["methodology"].iloc[0])
buttons = st.container(horizontal=True)  # side by side, each as wide as its label
# Built on click (the Excel file was a third of a warm run): the callables hold this run's table.
buttons.download_button(_("Download leaderboard (CSV)"), downloads.deferred(lambda: spreadsheet.to_csv(export, header), "csv"), key="download_leaderboard", on_click="ignore",
                   file_name=f"cpt-leaderboard-{as_of:%Y-%m-%d}.csv", mime="text/csv")  # fmt: skip
buttons.download_button(_("Download leaderboard (Excel)"), downloads.deferred(lambda: spreadsheet.to_xlsx(export, header, "Leaderboard"), "xlsx"),
                   file_name=f"cpt-leaderboard-{as_of:%Y-%m-%d}.xlsx", key="download_leaderboard_xlsx", on_click="ignore",
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")  # fmt: skip
if kpi["scored"] and shares_below:
    figures.chart(trajectory.band_shares(kpi["band_shares"]), key="band_shares")
if mine:  # an affiliate: what changed for its contracted companies and factories (issue 14)
    last = scoring.last_quarter_end()
    since = next((d for d in sorted(series_all["as_of"].unique(), reverse=True) if d.date() < last), None)
    if since is not None:
        since = since.date()
        changed = contract_cache.what_changed(version, mine, since, last, date.today())
        st.header(md(_("What changed for your contracts since {}"), i18n.day(since)))
        if changed.empty:
            st.info(_("Nothing changed for your contracted companies and their factories."))
        else:
            st.dataframe(labels.in_words(changed.head(5)[["date", "kind", "company", "factory", "product_model", "change"]]),
                         key="changes_short", hide_index=True, width="stretch",
                         column_config={"date": st.column_config.DateColumn(_("Date"), format="YYYY-MM-DD"), "kind": _("Kind"), "company": _("Company"),
                                        "factory": _("Factory"), "product_model": _("Product model"), "change": _("What changed")})  # fmt: skip
        st.page_link("pages/changes.py", label=_("All {} changes, by quarter (CSV)").format(len(changed)),
                     query_params=present.link_params())  # fmt: skip
rows = event.selection.rows if event else []
if rows:
    chosen = page.iloc[rows[0]]["company_id"]
    st.switch_page(
        "pages/company.py",
        query_params={**present.link_params(), "company": chosen, "as_of": as_of.isoformat()},
    )
