"""Compare: 2–6 companies side by side for a pre-tender market engagement meeting."""

import streamlit as st

from charts import trajectory
from data.exports import spreadsheet
from data.presentation import pseudonyms
from reports import report
from ui import cache, company_view, compare_view, controls, downloads, figures, nav, present
from ui.text import md_escape
from wording import i18n, summary
from wording.i18n import N_, _

nav.through_app("compare")
SCORES_SHOWN = {
    "overall": N_("Overall"),
    "sct": N_("Supply Chain Transparency"),
    "fi": N_("Factory Improvement"),
}

version = cache.db_version()
st.title(_("Compare companies"))
st.caption(
    _(
        "Put the likely bidders side by side: current scores and bands with where they come from, trajectories, "
        "and every component against the median of all scored companies and of the same role."
    )
)

companies = cache.companies(version)
chosen = controls.companies_multi(companies)  # a row of its own: six names fit at 1280 px
top = st.columns([1, 2])
methodology = controls.methodology(container=top[1])
series_all = cache.series(version, methodology)
as_of = controls.as_of(series_all["as_of"].unique(), container=top[0])
if len(chosen) < 2:
    st.info(_("Choose at least two companies to compare (up to six)."))
    st.stop()
if as_of is None:
    st.info(_("n/a: no evidence in the database yet."))
    st.stop()

names = companies.set_index("company_id")["name"].to_dict()
explanations = {c: cache.explanation(version, c, as_of, methodology) for c in chosen}
if present.is_on():  # columns, rows, legend and tabs by score, then pseudonym: never the order chosen by name
    chosen = sorted(chosen, key=lambda c: (-(explanations[c].overall if explanations[c].overall == explanations[c].overall
                                              and explanations[c].overall is not None else -1), pseudonyms.position(names.get(c))))  # fmt: skip
table = summary.comparison({c: explanations[c] for c in chosen}, names)  # in the order shown

cols = st.columns(len(chosen))
for col, c, row in zip(cols, chosen, table.itertuples(index=False), strict=True):
    with col:
        compare_view.card(version, c, row, explanations[c], methodology)

st.dataframe(
    table.style.format(
        {k: "{:.1f}" if i18n.current() == i18n.SOURCE else i18n.score for k in ("SCT", "FI", "Overall")},
        na_rep=_("n/a"),
    ),  # fmt: skip
    key="comparison",
    hide_index=True,
    width="stretch",
    column_order=[c for c in table.columns if c != "company_id"],
    column_config={"Company": _("Company"), "Overall": _("Overall"), "Band": _("Band")},
)
score = st.segmented_control(
    _("Score on the chart"), ["overall", "sct", "fi"], default="overall", key="compare_score",
    format_func=lambda k: _(SCORES_SHOWN[k]),
)  # fmt: skip
shown = series_all[
    series_all["company_id"].isin(chosen) & (series_all["as_of"] <= summary.to_timestamp(as_of))
]
figure = trajectory.compare(shown, names, chosen, score or "overall")
figures.chart(figure, key="compare_chart")

roles = companies.set_index("company_id")["role"].to_dict()
compare_view.breakdown_section(version, chosen, explanations, names, roles, methodology, as_of)

st.header(_("Talking points for the meeting"))
st.caption(
    _(
        "Questions built from the evidence as of the chosen date: overdue disclosure, open findings, cases without "
        "acknowledgement or access, stale cases (no event for 180 days), retaliation, and the three improvement "
        "actions with the largest gains."
    )
)
points = {c: company_view.talking_points(version, c, explanations[c], methodology) for c in chosen}
for tab, c in zip(st.tabs([md_escape(names.get(c, c), limit=60) for c in chosen]), chosen, strict=True):
    with tab:
        company_view.show_talking_points(points[c])

st.header(_("Take it to the meeting"))
d1, d2, d3, d4 = st.columns(4, vertical_alignment="bottom")
briefing_language = company_view.report_language(d4)  # the briefing's own language (issue 25)
with i18n.use(briefing_language):
    briefing_pages = [company_view.briefing_company(version, c, names.get(c, c), explanations[c], methodology,
                                                    points[c]) for c in chosen]  # fmt: skip
version_applied = explanations[chosen[0]].methodology
export = present.export_frame(summary.board_export(table.assign(Trend=None)))
header = spreadsheet.header_line("comparison", as_of, version_applied)
fictional = cache.is_demo(version)  # read in this run: the PDF is built outside it
d1.download_button(_("Download comparison (CSV)"), downloads.deferred(lambda: spreadsheet.to_csv(export, header), "csv"), key="download_comparison", on_click="ignore",
                   file_name=f"cpt-comparison-{as_of:%Y-%m-%d}.csv", mime="text/csv")  # fmt: skip
d2.download_button(_("Download comparison (Excel)"), downloads.deferred(lambda: spreadsheet.to_xlsx(export, header, "Comparison"), "xlsx"),
                   file_name=f"cpt-comparison-{as_of:%Y-%m-%d}.xlsx", key="download_comparison_xlsx", on_click="ignore")  # fmt: skip
d3.download_button(
    _("Download briefing (PDF)"),
    downloads.deferred(lambda: report.briefing_pdf(table, as_of, version_applied, figure, fictional=fictional,
                                                   companies=briefing_pages, language=briefing_language), "pdf"),
    file_name=f"cpt-briefing-{as_of:%Y-%m-%d}{company_view.language_part(briefing_language)}.pdf", mime="application/pdf", key="download_briefing", on_click="ignore",
)  # fmt: skip
