"""Methodology: the rules and the v1/v2 parameters, rendered from scoring.params (never retyped) in
words (wording.labels: "full disclosure", "final assembly", never the codes)."""

import html

import streamlit as st

from charts.theme import BAND_COLOURS
from scoring import params
from ui import nav
from ui.text import md
from wording import i18n, labels
from wording.i18n import _

nav.through_app("methodology")

v1, v2 = params.VERSIONS["v1"], params.VERSIONS["v2"]
st.title(_("How CPT scores companies"))
st.write(
    _(
        "Two scores, each 0–100, computed as of an assessment date from the evidence dated on or before it: "
        "**Supply Chain Transparency (SCT)**, whether the company discloses the legal names and complete "
        "addresses of the factories behind the product models affiliates buy, completely and on time, or at "
        "least shows due diligence; and **Factory Improvement (FI)**, whether it engages with and remedies "
        "the breaches a monitoring report finds. The trajectory is the score at each quarter end."
    )
)
st.info(
    md(_("The methodology is versioned. v1 applies to assessment dates before {}, v2 from then on. "
         "Any page can instead rescore the whole history under one version (what-if)."), i18n.day(v2.in_force_from))
)  # fmt: skip

st.header(_("Parameters per version"))
st.table(labels.parameter_table().set_index("Parameter"))

st.header(_("Supply Chain Transparency"))
level = {code: _(label).lower() for code, label in labels.LEVEL_LABELS.items()}
st.markdown(
    "* "
    + _(
        "A request counts when its scope has a non-zero weight, it is due (or already answered), and, "
        "where the version has a window, it fell due within that many days before the date."
    )
    + "\n* "
    + _(
        "Its **level**: {full} (disclosed factories, all complete: legal name and full address), "
        "{partial} (some incomplete), {due_diligence} (a documented formal request to the "
        "supplier, no disclosure), {none}."
    ).format(
        full=level["FULL"], partial=level["PARTIAL"], due_diligence=level["DUE_DILIGENCE"], none=level["NONE"]
    )
    + "\n* "
    + _(
        "**Credit**: before the deadline, the credit of the level now. After it, what was in place by the "
        "deadline counts fully and what came later counts with the late factor, whichever is better: "
        "`max(credit(level at due), late factor × credit(level now))`."
    )
    + "\n* "
    + _("`SCT = 100 × Σ weight × credit / Σ weight`; with no scorable request SCT is n/a (never 0).")
)
st.header(_("Factory Improvement"))
st.markdown(
    "* "
    + _(
        "A monitoring case counts once opened, if it has findings. Its score adds up: acknowledged within "
        "the window ({ack} points; later: {ack_late}), monitors given access ({access}), a remediation plan "
        "({plan}), remediation evidence ({evidence} × the severity-weighted share of findings evidenced) and "
        "verified remediation ({verified} × the share verified). A verified finding counts as evidenced too."
    ).format(ack=v1.ack_on_time_points, ack_late=v1.ack_late_points, access=v1.access_points, plan=v1.plan_points,
             evidence=v1.evidence_points, verified=v1.verified_points)
    + "\n* "
    + _("Confirmed retaliation against workers applies the version's rule to the case score.")
    + "\n* "
    + _("`FI` is the average of the case scores weighted by each case's most severe finding; n/a without cases.")
    + "\n* "
    + _(
        "A case's status, as every page, download and report shows it on a date: **verified** when every "
        "finding of the case has been verified by the monitor on or before that date (one verified finding of "
        "six is not a verified case); **remediation in progress** when the company submitted a plan or "
        "evidence, or a finding was verified, while a finding is still open; **retaliation** when retaliation "
        "against workers was confirmed (this outranks the others); **open** otherwise."
    )
)  # fmt: skip
st.header(_("Overall and bands"))
st.write(
    _("overall = a × SCT + b × FI when both apply, the one that applies otherwise, n/a when neither does.")
)
cols = st.columns(len(params.BANDS))
overall_word = html.escape(_("overall"))
for col, band in zip(cols, params.BANDS, strict=True):
    upper = "≤" if band is params.BANDS[-1] else "<"
    col.markdown(
        f"<div style='border-left: 8px solid {BAND_COLOURS[band.name]}; padding-left: 8px'>"
        f"<b>{html.escape(_(band.name))}</b><br>{band.lower:g} ≤ {overall_word} {upper} {band.upper:g}</div>",
        unsafe_allow_html=True,  # constant text from the parameters and the catalogs, escaped; no data
    )

st.header(_("Worked example (company EX, as of 2021-12-31)"))
st.markdown(
    _(
        "Requests: R1 final assembly due 2021-03-31, fully disclosed on time → credit 1.0 (weight 3). "
        "R2 components due 2021-06-30, nothing by the deadline, partial later → max(0, 0.8 × 0.5) = 0.4 (weight 2). "
        "R3 components due 2021-09-30, due diligence by the deadline → 0.25 (weight 2). R4 not due yet; R5 "
        "compliance findings, not scored in v1. **SCT = 100 × 4.3 / 7 = 61.43.**"
    )
    + "\n\n"
    + _(
        "Cases: C1 (findings major, minor, critical) acknowledged after 19 days (10), access (15), plan (20), "
        "evidence for 3 of 6 severity points (12.5), verified 2 of 6 (10): 67.5, weight 3. C2 acknowledged after "
        "44 days: 5, weight 1. **FI = (3 × 67.5 + 5) / 4 = 51.875.** Overall = 0.5 × 61.43 + 0.5 × 51.875 = "
        "**56.65, Good**."
    )
    + "\n\n"
    + _(
        "Rescored under v2 the same evidence gives SCT 51.5, FI 48.43 and overall **49.66, Developing**: the "
        "methodology change alone moves this company down a band."
    )
)
