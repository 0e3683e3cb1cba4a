"""Right of reply on the dashboard (issue 23): the scoped dispute queries, the marks on the
Company page's Why rows, the company's own disputes and form, and the staff queue.

Confidentiality rides on the queries: `company_disputes` is scoped to one company (a company
account gets only its own: `cache.scoped` refuses another), and every dispute query returns
nothing in presentation mode (`_none_when_presenting`), so no page can show one there. The
logic and the words are in data/queries/disputes.py and wording/disputes.py.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from data import store
from data.documents import sniff, uploads
from data.queries import disputes as q
from data.queries import documents as document_queries
from data.queries.contracts import Viewer
from ui import cache, present
from ui.text import md, md_escape
from wording import disputes as words
from wording import i18n
from wording.i18n import N_, _

FORM_KEYS = ("dispute_point", "dispute_reason", "dispute_file", "dispute_visibility")
RESOLVE_KEYS = ("resolve_reason",)
OUTCOME_WORDS = {
    "upheld": N_("Upheld: the company is right"),
    "rejected": N_("Rejected: the evidence stands"),
}
UPLOAD_TYPES = ["pdf", "png", "jpg", "jpeg", "xlsx", "txt", "csv"]  # a first filter; the content decides
DOCUMENT_SHARING = {
    "affiliates_and_company": N_("Staff, affiliates and your company"),
    "staff": N_("Staff only (kept from affiliates)"),
}
SHARED_WITH = {  # who may open a document, as the queue says it after the link
    "staff": N_("staff only"),
    "affiliates": N_("staff and affiliates"),
    "affiliates_and_company": N_("staff, affiliates and the company concerned"),
}


def _none_when_presenting(found: pd.DataFrame) -> pd.DataFrame:
    """Presentation mode never shows a dispute (nor that there is one)."""
    return found.iloc[0:0] if present.is_on() else found


@cache.scoped(company="company_id", viewer="viewer", after=_none_when_presenting)
def company_disputes(version: object, company_id: str, viewer: Viewer | None = None) -> pd.DataFrame:
    """One company's disputes (every status), oldest first: staff and affiliates any company's,
    a company account only its own."""
    return q.visible(cache.reader().cursor(), viewer, company_id)


@cache.scoped(company="company_id", after=_none_when_presenting, disguise=None)
def dispute_points(version: object, company_id: str) -> pd.DataFrame:
    """The company's data points it may dispute (for its own form; never shown to others)."""
    return q.points(cache.reader().cursor(), company_id)


@cache.scoped(companies="company_ids", viewer="viewer", after=_none_when_presenting)
def disputes(
    version: object,
    status: str | None = None,
    company_ids: tuple[str, ...] | None = None,
    viewer: Viewer | None = None,
) -> pd.DataFrame:
    """Every dispute the account may see (of one status, or all), oldest first (the staff queue)."""
    found = q.visible(cache.reader().cursor(), viewer, None, status)
    return (
        found if company_ids is None else found[found["company_id"].isin(company_ids)].reset_index(drop=True)
    )


def why_marks(version: object, company_id: str) -> tuple[dict[str, str], dict[str, str]]:
    """The open disputes' marks for the Why rows (by request id, by case id); none when presenting."""
    return words.why_marks(company_disputes.plain(version, company_id))


def case_marks(version: object) -> dict[str, str]:
    """The marks of open disputes by case id (a case, its findings, its events), of the disputes
    the account may see (a company its own); none when presenting (the factory page)."""
    return words.case_marks(disputes(version, "open"))


def report_lines(version: object, company_id: str) -> list[str]:
    """The company's points under open dispute, for its scoring report; none when presenting."""
    return words.report_lines(company_disputes(version, company_id))


def note_for_readers(version: object, company_id: str) -> None:
    """For staff and affiliates: how many points the company disputes (marked in the Why rows)."""
    found = company_disputes(version, company_id)
    open_ = found[found["status"] == "open"] if not found.empty else found
    if len(open_):
        st.warning(
            md(
                _(
                    "The company disputes {} data point shown below (see the Disputed column of the Why "
                    "tables). Until staff decide, the score counts the evidence as recorded."
                )
                if len(open_) == 1
                else _(
                    "The company disputes {} data points shown below (see the Disputed column of the Why "
                    "tables). Until staff decide, the score counts the evidence as recorded."
                ),
                len(open_),
            )
        )


def _options(points: pd.DataFrame) -> dict[str, tuple[str, str]]:
    """The points in words -> (kind, key); two alike get a number."""
    options: dict[str, tuple[str, str]] = {}
    for row in points.to_dict("records"):
        text = words.point_words(row)
        n = 2
        while text in options:
            text = f"{words.point_words(row)} ({n})"
            n += 1
        options[text] = (row["kind"], row["point_key"])
    return options


def company_section(version: object, company_id: str, username: str) -> None:
    """For a company account: its disputes with their outcome, and the form to dispute a point."""
    st.header(_("Right of reply"), anchor="right-of-reply")
    if st.session_state.pop("dispute_sent", False):
        for key in FORM_KEYS:
            st.session_state.pop(key, None)
        st.success(_("Your dispute was sent. Staff review it; the point shows as disputed meanwhile."))
    st.caption(
        _(
            "If a data point on this page is wrong, say so here: staff and the affiliates see that you "
            "dispute it. The score counts the evidence as recorded until staff decide; you see the outcome here."
        )
    )
    mine = company_disputes(version, company_id)
    if not mine.empty:
        st.markdown("\n".join(f"- {md_escape(line)}" for line in words.company_lines(mine)))
    options = _options(dispute_points(version, company_id))
    with st.form("dispute_form", clear_on_submit=False):
        chosen = st.selectbox(
            _("The data point you dispute"), list(options), index=None, key="dispute_point",
            placeholder=_("Choose a request, disclosure, case, finding or case event"),
        )  # fmt: skip
        reason = st.text_area(
            _("Why it is wrong (required, at most {} characters)").format(i18n.number(q.MAX_REASON)), key="dispute_reason",
            max_chars=q.MAX_REASON, height=100,
        )  # fmt: skip
        upload = st.file_uploader(
            _("A document that supports your reason (optional: {accepted}; at most {mb} MB; its content is checked, not its name)").format(
                accepted=sniff.ACCEPTED, mb=sniff.MAX_FILE_BYTES // (1024 * 1024)),
            type=UPLOAD_TYPES, key="dispute_file",
        )  # fmt: skip
        visibility = st.radio(
            _("Who may open the document"), list(uploads.DISPUTE_VISIBILITY), key="dispute_visibility",
            format_func=lambda v: _(DOCUMENT_SHARING[v]), horizontal=True,
        )  # fmt: skip
        submitted = st.form_submit_button(_("Send the dispute"), key="dispute_submit")
    if not submitted:
        return
    try:
        if chosen is None:
            raise q.DisputeError(_("choose the data point you dispute"))
        kind, key = options[chosen]
        q.open_dispute(
            store.db_path(), company_id=company_id, kind=kind, key=key, reason=reason, who=username,
            document=None if upload is None else (upload.name, upload.getvalue()), visibility=visibility,
        )  # fmt: skip
    except q.DisputeError as problem:  # what the company typed and chose stays in the form
        st.error(md(_("Not sent: {}."), str(problem)))
    else:
        cache.clear()
        st.session_state["dispute_sent"] = True
        st.rerun()


# Widths (px) that fit a 1280 px window (about 800 px beside the sidebar), long text wrapped
# over four lines (Streamlit wraps only in rows taller than 4rem).
def queue_columns() -> dict[str, object]:
    """The queue's column headers in the reader's language, at widths that fit 1280 px."""
    return {
        "Dispute": st.column_config.TextColumn(_("Dispute"), width=64),
        "Opened": st.column_config.TextColumn(_("Opened"), width=86),
        "Company": st.column_config.TextColumn(_("Company"), width=100),
        "Data point": st.column_config.TextColumn(_("Data point"), width=200),
        "Reason": st.column_config.TextColumn(_("Reason"), width=160),
        "Document": st.column_config.LinkColumn(
            _("Document"), display_text=document_queries.DISPLAY, width=190,
            help=_("The document the company sent (downloads it)"),
        ),
        "Outcome": st.column_config.TextColumn(_("Outcome"), width=170),
    }  # fmt: skip


QUEUE_ROW = 86


def with_documents(table: pd.DataFrame, found: pd.DataFrame) -> pd.DataFrame:
    """The queue with a Document column: the link to the document the company sent with the
    dispute (who it is shared with after the link's words), empty when it sent none."""
    links = []
    for row in found.to_dict("records"):
        has = isinstance(row.get("document_id"), str) and isinstance(row.get("document_kind"), str)
        links.append(
            f"{document_queries.url(row['document_id'], row['document_kind'], row['document_date'])} "
            f"({_(SHARED_WITH.get(row['document_visibility'], N_('staff only')))})"
            if has
            else ""
        )
    return table.assign(Document=links) if any(links) else table


def staff_queue(version: object, username: str) -> None:
    """Staff: the open disputes, oldest first, and the form to resolve one."""
    if (done := st.session_state.pop("dispute_resolved", None)) is not None:
        for key in RESOLVE_KEYS:
            st.session_state.pop(key, None)
        st.success(done)
    waiting = disputes(version, "open")
    st.header(md(_("Open disputes ({})"), len(waiting)), anchor=False)
    if waiting.empty:
        st.info(_("No dispute is waiting: every dispute a company sent has been resolved."))
    else:
        st.dataframe(with_documents(words.queue_table(waiting), waiting), key="dispute_queue", hide_index=True,
                     width="stretch", column_config=queue_columns(), row_height=QUEUE_ROW)  # fmt: skip
        _resolve_form(waiting, username)
    resolved = disputes(version)
    resolved = resolved[resolved["status"] != "open"] if not resolved.empty else resolved
    with st.expander(_("Resolved disputes ({})").format(len(resolved))):
        if resolved.empty:
            st.write(_("None yet."))
        else:
            table = words.queue_table(resolved).assign(
                Outcome=[words.outcome(r) for r in resolved.to_dict("records")]
            )
            st.dataframe(with_documents(table, resolved).iloc[::-1], key="disputes_resolved", hide_index=True,
                         width="stretch", column_config=queue_columns(), row_height=QUEUE_ROW)  # fmt: skip


def _resolve_form(waiting: pd.DataFrame, username: str) -> None:
    labels = {
        int(r["dispute_id"]): f"{r['dispute_id']} · {r['company']} · {words.point_words(r)}"
        for r in waiting.to_dict("records")
    }
    with st.form("resolve_form", clear_on_submit=False):
        chosen = st.selectbox(_("Dispute"), list(labels), format_func=labels.get, key="resolve_dispute")
        outcome = st.radio(
            _("Outcome"), list(q.OUTCOMES), key="resolve_outcome", horizontal=True,
            format_func=lambda o: _(OUTCOME_WORDS[o]) if o in OUTCOME_WORDS else o,
        )  # fmt: skip
        reason = st.text_area(
            _("Note for an upheld dispute, or the reason the company reads for a rejected one (required, at "
              "most {} characters)").format(i18n.number(q.MAX_REASON)), key="resolve_reason", max_chars=q.MAX_REASON, height=100,
        )  # fmt: skip
        submitted = st.form_submit_button(_("Resolve the dispute"), key="resolve_submit")
    st.caption(
        _(
            "Upheld: correct the evidence through an import on the Data page (a corrected row, or "
            "corrections.csv for a wrong owner; README, 'Right of reply'). The score changes when that import is applied."
        )
    )
    st.page_link("pages/data.py", label=_("Open the Data page to correct the evidence"))
    if not submitted:
        return
    try:
        q.resolve(store.db_path(), chosen, outcome=outcome, reason=reason, who=username)
    except q.DisputeError as problem:
        st.error(md(_("Not resolved: {}."), str(problem)))
    else:
        cache.clear()
        st.session_state["dispute_resolved"] = (
            _("Dispute {} upheld. The company sees the outcome on its page.")
            if outcome == "upheld"
            else _("Dispute {} rejected. The company sees the outcome on its page.")
        ).format(chosen)
        st.rerun()
