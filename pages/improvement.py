"""Factory improvement: how companies engage after a monitoring report finds breaches at a factory."""

from datetime import date

import pandas as pd
import streamlit as st

import scoring
from charts import improvement as charts
from data.exports import spreadsheet
from ui import cache, controls, downloads, figures, nav, present
from ui import evidence_cache as ev
from ui.text import md
from wording import i18n, labels
from wording.i18n import _

nav.through_app("improvement")

CASES_PER_PAGE = 50  # cases per page of the timeline and the table (a taller timeline drew slowly)


def date_col(label: str) -> st.column_config.TextColumn:
    """A date column of the cases table: YYYY-MM-DD text, "—" when it did not happen (never "None")."""
    return st.column_config.TextColumn(label)


def days(value: float | None) -> str:
    if value is None or pd.isna(value):
        return _("n/a")
    return _("{} days").format(f"{value:.0f}" if i18n.current() == i18n.SOURCE else i18n.number(value))


version = cache.db_version()
companies = cache.companies(version)
names = dict(zip(companies["company_id"], companies["name"], strict=True))

st.title(_("Factory improvement"))
st.caption(
    _(
        "A monitoring case is a report about labour-rights breaches (findings) at one factory, sent to one company. "
        "The company is expected to acknowledge it, let monitors in, submit a remediation plan and show remediation "
        "that monitors then verify."
    )
)

choice = controls.company_or_all(companies, key="improvement_company")
scope = None if choice is None else (choice,)
who = _("any company") if choice is None else names[choice]

summary = ev.improvement_summary(version, scope).to_dict("records")[0]
if summary["cases"] == 0:
    st.info(md(_("n/a: no monitoring case has been opened with {} yet, so there is nothing to show."), who))
    st.stop()

retaliation = ev.retaliation_cases(version, scope)
if not retaliation.empty:
    lines = "\n".join(
        md("- " + _("**{}** ({}): {}, {}; report of {}, retaliation confirmed on {}"),
           r.case_id, r.company, r.factory, r.country, i18n.day(r.opened_on), i18n.day(r.confirmed_on))
        + (md(": {}", r.note) if r.note else "")
        for r in retaliation.itertuples()
    )  # fmt: skip
    st.error(
        md(_("**Retaliation against workers confirmed in {} case.** ") if len(retaliation) == 1
           else _("**Retaliation against workers confirmed in {} cases.** "), len(retaliation))
        + _("See the Methodology page for how a confirmed retaliation lowers the case score.") + f"\n\n{lines}",
        icon=":material/report:",
    )  # fmt: skip

m1, m2, m3, m4 = st.columns(4)
m1.metric(_("Monitoring cases"), summary["cases"])
m2.metric(_("Findings verified"), _("{} of {}").format(summary["findings_verified"], summary["findings"]))
m3.metric(
    _("Median time to acknowledge"),
    days(summary["median_days_to_acknowledge"]),
    help=_("From the report to the company's first acknowledgement, over the {} acknowledged cases.").format(
        summary["cases_acknowledged"]
    ),
)
m4.metric(
    _("Median time to verify"),
    days(summary["median_days_to_verify"]),
    help=_("From the report to the verification of each verified finding."),
)

left, right = st.columns(2)
if summary["findings"] == 0:
    st.info(md(_("n/a: the monitoring reports for {} record no findings yet."), who))
else:
    areas = ev.findings_by_area(version, scope)
    figures.chart(charts.findings_by_area(areas), key="areas_chart", where=left)
    status = ev.findings_status_by_quarter(version, scope, scoring.last_quarter_end())
    figures.chart(charts.findings_status(status), key="status_chart", where=right)

# A page of cases at a time, open cases first and the worst first: the timeline and the table
# show what a person can read, not every case (155,797 at scale 1000); the CSV has them all.
total = int(summary["cases"])
offset = controls.pager(
    total, CASES_PER_PAGE, key="cases_page", label=_("Cases shown (open first, the worst first)")
)
cases = ev.case_page(version, scope, CASES_PER_PAGE, offset)
shown = (
    _("{} cases").format(len(cases))
    if len(cases) == total
    else _("{}–{} of {} cases").format(
        i18n.number(offset + 1), i18n.number(offset + len(cases)), i18n.number(total)
    )
)
# Every company's cases make a very tall chart: folded away until asked for.
with st.expander(_("Case timeline ({})").format(shown), expanded=scope is not None):
    figures.chart(charts.case_timeline(cases), key="timeline_chart")

st.header(_("Cases"))
st.caption(
    _(
        "Open cases (a finding not yet verified) first, then the worst: confirmed retaliation, the most severe "
        "finding, most findings not yet verified, the oldest report."
    )
)
st.dataframe(labels.with_gaps_in_words(cases), hide_index=True, key="cases_table", column_config={
    "case_id": _("Case"), "company_id": None, "company": _("Company"), "factory_id": None, "factory": _("Factory"),
    "country": _("Country"), "title": _("Report"), "opened_on": date_col(_("Opened")), "acknowledged_on": date_col(_("Acknowledged")),
    "access_granted_on": date_col(_("Access")), "plan_submitted_on": date_col(_("Plan")), "evidence_on": date_col(_("First evidence")),
    "verified_on": date_col(_("First verified")), "retaliation_on": date_col(_("Retaliation confirmed")), "findings": _("Findings"),
    "findings_evidenced": _("With evidence"), "findings_verified": _("Verified"), "most_severe": _("Most severe"),
    "days_to_acknowledge": _("Days to acknowledge"), "case_label": None, "status": _("Status"),
})  # fmt: skip
all_cases = ev.case_progress.later(version, scope)  # built on click: every case, in the table's old order
header = spreadsheet.header_line("monitoring cases", date.today(), None)
columns = present.export_frame(
    cases.drop(columns=["case_label", "status"]).head(0)
).columns  # as the page shows them
st.download_button(
    _("Download all {} cases (CSV)").format(i18n.number(total)),
    downloads.deferred(lambda: spreadsheet.to_csv(all_cases()[columns], header), "csv"),
    file_name=f"improvement_cases_{'all' if choice is None else present.file_part(choice)}.csv",
    mime="text/csv",
    key="cases_csv",
    on_click="ignore",
)
