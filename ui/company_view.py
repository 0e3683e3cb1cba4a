"""Parts of the Company page that draw explanations in words (the logic is in wording.narrative).

Everything shown here is text built from names and labels, never raw ids or internal
codes; data goes into Markdown only escaped.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from data.queries import documents as document_queries
from data.queries import expectations
from reports import report
from scoring import params
from ui import cache, contract_cache, disputes_view, document_cache, present
from ui.text import md_escape
from wording import asks, i18n, narrative, summary, talking
from wording.i18n import N_, _


def bullets(lines: list[str]) -> None:
    """Sentences built from data, as a Markdown list whose every item is escaped."""
    if lines:
        st.markdown("\n".join(f"- {md_escape(line)}" for line in lines))


def names(version: object, company_id: str) -> narrative.Names:
    return narrative.Names.from_frame(cache.company_names(version, company_id))


# The Why tables fit the main area of a 1280 px wide window (about 800 px beside the sidebar):
# what the row is about in one wrapped column, then the columns a reader scans at these widths
# (px), the long text wrapped over up to four lines. The other columns are hidden, one click
# away under the table's "eye" (show columns), and in the table's download.
FIT_WIDTH = 790
IDENTITY = {  # the combined first column: its name, the columns it says, how
    "Asked for": ("Request", ("Product model", "Asked for", "Due"), N_("{} · {} · due {}")),
    "Factory": ("Case", ("Factory", "Opened"), N_("{}, opened {}")),
}
SHORT_COLUMNS = {"Request": 124, "Case": 150, "Now": 92, "Status": 96, "Most severe finding": 124,
                 "Points": 56, "Score": 56, "Source": 184}  # fmt: skip
# Hidden first when the long columns would be narrower than MIN_LONG:
OPTIONAL = ("Most severe finding", "Now")
LONG_COLUMNS = {"Why": 3, "Evidence": 2, "Disputed": 2}  # shares of the width left
MIN_LONG = 120
# The Why tables' column names, as headers in the reader's language (the frames keep English keys).
HEADERS = (N_("Request"), N_("Case"), N_("Now"), N_("Status"), N_("Most severe finding"), N_("Points"),
           N_("Score"), N_("Source"), N_("Why"), N_("Evidence"), N_("Disputed"))  # fmt: skip
WRAPPED_ROW = 86  # px: four lines of text (Streamlit wraps cells only in rows taller than 4rem)


def fitted(table: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, object]]:
    """A Why table as shown, and its column config, fitting FIT_WIDTH: the combined first
    column, short columns at fixed widths, the long text columns sharing what is left, every
    other column hidden (the table's toolbar shows it again on request)."""
    for marker, (name, parts, pattern) in IDENTITY.items():
        if marker in table.columns and name not in table.columns:
            said = zip(*(table[c].astype(str) for c in parts), strict=True)
            table = table.assign(**{name: [_(pattern).format(*v) for v in said]})
            table = table[[name, *(c for c in table.columns if c != name)]]
    columns = list(table.columns)
    short = [c for c in columns if c in SHORT_COLUMNS]
    long = [c for c in columns if c in LONG_COLUMNS]
    for optional in OPTIONAL:
        if optional in short and FIT_WIDTH - sum(SHORT_COLUMNS[c] for c in short) < MIN_LONG * len(long):
            short.remove(optional)
    left = FIT_WIDTH - sum(SHORT_COLUMNS[c] for c in short)
    shares = sum(LONG_COLUMNS[c] for c in long) or 1
    config: dict[str, object] = {}
    for column in columns:
        if column in short:
            width = SHORT_COLUMNS[column]
        elif column in long:
            width = left * LONG_COLUMNS[column] // shares
        else:
            config[column] = {"hidden": True}
            continue
        if column == "Source":
            config[column] = st.column_config.LinkColumn(
                _("Source"), display_text=document_queries.DISPLAY, width=width,
                help=_("The document this row rests on (downloads it)"),
            )  # fmt: skip
        else:
            config[column] = st.column_config.TextColumn(_(column), width=width)
    return table, config


def source_documents(version: object, company_id: str) -> pd.DataFrame:
    """The documents about the company this account may open (none in presentation mode)."""
    return document_cache.linked(lambda: document_cache.company_documents(version, company_id))


def document_list(docs: pd.DataFrame) -> None:
    """Every source document as a link ("Monitoring report, 2025-03-14") with its title, escaped."""
    listing = document_queries.listing(docs)
    if listing.empty:
        return
    with st.expander(_("Source documents ({})").format(len(listing))):
        st.markdown("\n".join(f"- [{md_escape(r.label)}]({r.link.split('#')[0]}): {md_escape(r.title)}"
                               for r in listing.itertuples()))  # fmt: skip


def report_language(container=st) -> str:
    """The language of the report downloads: the page's unless chosen otherwise (an affiliate may
    read the page in English and bring a Spanish report to the meeting)."""
    return container.selectbox(
        _("Report language"),
        list(i18n.LANGUAGES),
        index=list(i18n.LANGUAGES).index(i18n.current()),
        format_func=i18n.LANGUAGES.get,
        key=f"report_language_{i18n.current()}",  # follows the page's language until chosen
    )


def language_part(lang: str) -> str:
    """The file name's language suffix ("-es"); none for English (file names as they were)."""
    return "" if lang == i18n.SOURCE else f"-{lang}"


def _table(scored: pd.DataFrame, left_out: pd.DataFrame, key: str, empty: str, noun: str) -> None:
    if scored.empty:
        st.info(empty)
    else:
        shown, config = fitted(scored)
        st.dataframe(shown, key=f"why_{key}", hide_index=True, width="stretch", row_height=WRAPPED_ROW,
                     column_config=config)  # fmt: skip
    if not left_out.empty:
        with st.expander(_("Left out of the score ({} {}) and why").format(len(left_out), noun)):
            shown, config = fitted(left_out)
            st.dataframe(shown, key=f"left_{key}", hide_index=True, width="stretch", row_height=WRAPPED_ROW,
                         column_config=config)  # fmt: skip


def why_tabs(version: object, company_id: str, why, methodology: str, previous: date | None) -> list[str]:
    """'Why this score': requests, cases and the change since the previous quarter end, in words.
    Returns the change sentences (for the report)."""
    why = cache.plain_explanation(version, company_id, why.as_of, methodology)
    evidence = cache.plain_evidence(version, company_id)
    shown = names(version, company_id)
    docs = source_documents(version, company_id)
    by_request = document_queries.links_by(docs, "request_id") if not present.is_on() else None
    by_case = document_queries.links_by(docs, "case_id") if not present.is_on() else None
    disputed_requests, disputed_cases = disputes_view.why_marks(version, company_id)  # none when presenting
    tab_req, tab_case, tab_change = st.tabs(
        [_("Disclosure requests (SCT)"), _("Monitoring cases (FI)"), _("Changes since last quarter")]
    )
    with tab_req:
        scored, left = narrative.request_table(why, evidence, shown, by_request, disputed_requests)
        _table(scored, left, "requests", _("n/a: no disclosure request is due or answered yet."),
               _("requests"))  # fmt: skip
    with tab_case:
        scored, left = narrative.case_table(why, evidence, shown, by_case, disputed_cases)
        st.caption(
            _(
                "Status: open (no plan or evidence yet), remediation in progress, verified (every finding), "
                "retaliation (confirmed). Age: days from the report to the assessment date."
            )
        )
        _table(scored, left, "cases", _("n/a: no monitoring report with findings yet."),
               _("cases"))  # fmt: skip
    st.caption(_("Each table shows the columns that explain the score; the eye icon above a table shows the others (credit, weight, the points of each step)."))  # fmt: skip
    document_list(docs)
    with tab_change:
        if previous is None:
            st.info(_("n/a: this is the first quarter with scores."))
            return []
        before = cache.plain_explanation(version, company_id, previous, methodology)
        rescored = None
        if before.methodology != why.methodology:
            rescored = cache.plain_explanation(version, company_id, previous, why.methodology)
        lines = narrative.change_sentences(why, before, evidence, shown, rescored)
        st.caption(_("Each change with the evidence behind it, largest effect first. Choose another quarter end "
                     "above to explain its change."))  # fmt: skip
        bullets(lines)
    return lines


def peer_context(version: object, methodology: str, as_of: date, company_id: str) -> dict[str, object]:
    """The rank and medians line under the scores; returns the figures for the report."""
    peer = cache.peer_context(version, methodology, as_of, company_id)
    st.markdown(md_escape(summary.peer_sentence(peer, as_of)))
    return peer


def how_to_improve(version: object, company_id: str, why, methodology: str) -> None:
    """The 'How to improve' panel: the next band, the shortest set of actions that reaches it,
    and every open action with what it would add."""
    st.header(_("How to improve"), anchor="how-to-improve")
    listed, plan = cache.improvement_actions(version, company_id, why.as_of, methodology)
    shown = names(version, company_id)
    m = params.VERSIONS[why.methodology]
    # Who asked: an affiliate's expectation for the very action (in presentation mode "An
    # affiliate", unnamed), else Electronics Watch.
    wished = asks.expected_by_target(contract_cache.action_askers(version, company_id))
    if listed.empty:
        st.info(_("No open action would raise the score at this date."))
        return
    st.caption(
        _(
            "What each open action would add if it were done on {}, under methodology {}; "
            "largest gain in the overall score first."
        ).format(i18n.day(why.as_of), why.methodology)
    )
    if plan is not None:
        bullets_plain = narrative.next_band_sentences(plan, why.overall, shown)
        st.markdown(md_escape(bullets_plain[0]))
        # The sub-item is indented as far as its item's text ("10. " is 4 characters): less ends the list.
        st.markdown("\n".join(f"{i}. {md_escape(line)}\n{' ' * len(f'{i}. ')}- {md_escape(asks.ask_line(row, m, wished))}"
                               for i, (line, row) in enumerate(zip(bullets_plain[1:], plan.actions.to_dict("records"),
                                                                   strict=True), start=1)))  # fmt: skip
    elif why.band == "Leading":
        st.markdown(
            _("Already in the top band, {}: the actions below raise the score within it.").format(
                _("Leading")
            )
        )
    else:
        st.markdown(
            _("No set of the open actions reaches the next band on its own; each still raises the score.")
        )
    top = narrative.action_sentences(listed.head(5), shown)
    st.markdown("**{}**".format(_("The five largest gains")))
    st.markdown("\n".join(f"- {md_escape(line)}\n  - {md_escape(asks.ask_line(row, m, wished))}"
                           for line, row in zip(top, listed.head(5).to_dict("records"), strict=True)))  # fmt: skip
    with st.expander(_("Every open action ({})").format(len(listed))):
        table = asks.with_asks(narrative.actions_table(listed, shown), listed, m, wished)
        # Rows taller than 4rem let the grid wrap text: tall enough for the longest "What to do" (~45 characters a line).
        lines = min(8, max(3, -(-int(table["What to do"].str.len().max()) // 45)))
        st.dataframe(table, key="actions", hide_index=True, width="stretch", row_height=22 * lines + 10,
                     column_config={"What to do": st.column_config.TextColumn("What to do", width="large")})  # fmt: skip


def talking_points(version: object, company_id: str, why, methodology: str) -> pd.DataFrame:
    """The questions for a pre-tender meeting with this company (wording.talking)."""
    actions, _plan = cache.improvement_actions(version, company_id, why.as_of, methodology)
    # Real ids throughout, names from `names` (pseudonyms in presentation mode): one factory is
    # "Factory 73" in every point, as in the why-tables and the report.
    plain = cache.plain_explanation(version, company_id, why.as_of, methodology)
    return talking.talking_points(
        plain, cache.plain_evidence(version, company_id), names(version, company_id), actions
    )


def show_talking_points(points: pd.DataFrame) -> None:
    if points.empty:
        st.write(_("Nothing outstanding on record: ask how the company keeps it that way."))
        return
    st.markdown("\n".join(f"- **{md_escape(t)}**: {md_escape(p)}" for t, p in points.itertuples(index=False)))


def scoring_report(version: object, company_id: str, name: str, why, upto: pd.DataFrame, methodology: str,
                   methodology_label: str, peer: str, changes: list[str]) -> report.CompanyReport:  # fmt: skip
    """The scoring report's content for the page's company, date and methodology."""
    actions, plan = cache.improvement_actions(version, company_id, why.as_of, methodology)
    evidence, shown = cache.plain_evidence(version, company_id), names(version, company_id)
    return report.build_company_report(
        name, None, cache.plain_explanation(version, company_id, why.as_of, methodology), upto,
        cache.open_findings(version, company_id, why.as_of), methodology_label, fictional=cache.is_demo(version),
        peer=peer, evidence=evidence, names=shown, changes=changes, actions=actions, plan=plan,
        expectations=expected(version, company_id, why.as_of),
        sources=document_queries.report_lines(source_documents(version, company_id)),
        disputed=disputes_view.report_lines(version, company_id),
    )  # fmt: skip


def expected(version: object, company_id: str, as_of: date) -> pd.DataFrame:
    """What affiliates expect of the company (those the account may see: an affiliate its own),
    judged at `as_of`, as text (data.queries.expectations.report_table)."""
    found = contract_cache.expectations(version, company_id)
    judged = expectations.assess(found, cache.company_series(version, params.IN_FORCE, company_id), as_of)
    evidence, shown = cache.plain_evidence(version, company_id), names(version, company_id)
    return expectations.report_table(
        judged, lambda target: narrative.expected_action_text(target, evidence, shown)
    )


def briefing_company(version: object, company_id: str, name: str, why, methodology: str,
                     points: pd.DataFrame) -> report.BriefingCompany:  # fmt: skip
    """One company's page of the Compare briefing."""
    peer = cache.peer_context(version, methodology, why.as_of, company_id)
    strong, weak = summary.strongest_and_weakest(summary.components(why.requests, why.cases))  # labels only
    return report.BriefingCompany(
        company_id=company_id, name=name, sct=why.sct, fi=why.fi, overall=why.overall, band=why.band,
        peer=summary.peer_sentence(peer, why.as_of), strongest=strong, weakest=weak,
        why=narrative.why_summary(cache.plain_explanation(version, company_id, why.as_of, methodology),
                                  cache.plain_evidence(version, company_id)),
        points=points, expectations=expectations.briefing_lines(expected(version, company_id, why.as_of)),
        sources=document_queries.report_lines(source_documents(version, company_id)),
        disputed=disputes_view.report_lines(version, company_id),
    )  # fmt: skip
