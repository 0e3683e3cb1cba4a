"""Every code of the data and the methodology in words: the one place pages, charts, reports and
exports read a label from (issue 24: one labels module; issue 22: words, not codes).

The codes themselves live where they are defined (scoring/params.py for levels, scopes and
case points; data/store/tables.py for tiers, severities, code areas); this module only says
them in words. Point maxima are read from scoring.params, never retyped. No Streamlit.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import numpy as np
import pandas as pd

from scoring import params
from wording import i18n
from wording.i18n import N_

# ---------------------------------------------------------------- scores

SCORE_LABELS = {
    "sct": N_("Supply Chain Transparency"),
    "fi": N_("Factory Improvement"),
    "overall": N_("Overall"),
}
"""The three scores, in full."""
SCORE_NAMES = {"sct": "SCT", "fi": "FI", "overall": "Overall"}
"""The three scores, short (tables, narrative)."""

BAND_LABELS = {
    "Insufficient": N_("Insufficient"),
    "Developing": N_("Developing"),
    "Good": N_("Good"),
    "Leading": N_("Leading"),
}
"""The bands of the overall score (scoring.params.BANDS): the names are the English wording,
translated where shown (`i18n._(band)`)."""
TERMS = (
    N_("Band"),
    N_("Due diligence"),
    N_("Component factory"),
    N_("Disclosure request"),
    N_("Monitoring case"),
    N_("Remediation"),
    N_("Methodology"),
    N_("Affiliate"),
    N_("Retaliation"),
)
"""The methodology's terms used in sentences: one official wording per language, kept in
locales/glossary.csv (tests/test_i18n.py checks the catalogs use it)."""

# ---------------------------------------------------------------- disclosure (SCT)

SCOPE_LABELS = {
    "final_assembly": N_("Final assembly"),
    "components": N_("Components"),
    "compliance_findings": N_("Compliance findings"),
}
"""What a disclosure request asks for (the scopes of scoring.params' scope weights)."""
TIER_LABELS = {"final_assembly": N_("Final assembly"), "components": N_("Components")}
"""A factory's tier."""
LEVEL_LABELS = {
    "FULL": N_("Full disclosure"),
    "PARTIAL": N_("Partial disclosure"),
    "DUE_DILIGENCE": N_("Due diligence only"),
    "NONE": N_("No response"),
}
"""The response levels of scoring.params.LEVELS, best first."""
COMPONENT_LABELS = {
    "final_assembly": N_("Disclosure: final assembly"),
    "components": N_("Disclosure: components"),
    "compliance_findings": N_("Disclosure: compliance findings"),
}
"""The SCT components (one per scope) as the leaderboard and Compare name them."""

# ---------------------------------------------------------------- monitoring cases (FI)

SEVERITY_LABELS = {"minor": N_("Minor"), "major": N_("Major"), "critical": N_("Critical")}
CODE_AREA_LABELS = {
    "wages": N_("Wages"),
    "working_hours": N_("Working hours"),
    "health_safety": N_("Health and safety"),
    "forced_labour": N_("Forced labour"),
    "child_labour": N_("Child labour"),
    "freedom_of_association": N_("Freedom of association"),
    "discrimination": N_("Discrimination"),
    "harsh_treatment": N_("Harsh treatment"),
    "employment_relationship": N_("Employment relationship"),
    "environment": N_("Environment"),
    "other": N_("Other"),
}
STAGE_LABELS = {
    "opened": N_("Report opened"),
    "acknowledged": N_("Acknowledged"),
    "access_granted": N_("Monitors given access"),
    "plan_submitted": N_("Remediation plan"),
    "evidence_submitted": N_("Remediation evidence"),
    "verified": N_("Remediation verified"),
    "retaliation_confirmed": N_("Retaliation confirmed"),
}
"""A case's engagement stages (the event types of a case, and the report itself)."""
FINDING_STATUS_LABELS = {"open": N_("Not yet verified"), "verified": N_("Remediation verified")}

CASE_COMPONENT_LABELS = {
    "ack_points": N_("Acknowledging reports"),
    "access_points": N_("Access for monitors"),
    "plan_points": N_("Remediation plans"),
    "evidence_points": N_("Remediation evidence"),
    "verified_points": N_("Verified remediation"),
}
"""The FI components: the points of a case score (METHODOLOGY.md section 2)."""
_CASE_COMPONENT_PARAMETER = {
    "ack_points": "ack_on_time_points",
    "access_points": "access_points",
    "plan_points": "plan_points",
    "evidence_points": "evidence_points",
    "verified_points": "verified_points",
}


def case_component_maximum(component: str, methodology: params.Methodology | None = None) -> float:
    """The most points a case can earn for `component` (a CASE_COMPONENT_LABELS key) under
    `methodology` (default: the latest version), read from scoring.params."""
    m = methodology or list(params.VERSIONS.values())[-1]
    return float(getattr(m, _CASE_COMPONENT_PARAMETER[component]))


CASE_POINTS_SHORT = {
    "ack_points": N_("Acknowledged"),
    "access_points": N_("Access"),
    "plan_points": N_("Plan"),
    "evidence_points": N_("Evidence"),
    "verified_points": N_("Verified"),
}
"""The FI components as short column headers."""


def case_points_headers(methodology: params.Methodology | None = None) -> dict[str, str]:
    """Column headers of a case's points with their maxima: "Acknowledged (of 10)", ..."""
    return {
        c: f"{short} (of {case_component_maximum(c, methodology):g})"
        for c, short in CASE_POINTS_SHORT.items()
    }


def case_components(methodology: params.Methodology | None = None) -> dict[str, tuple[str, float]]:
    """Each FI component: its label and maximum points (column -> (label, maximum))."""
    return {c: (label, case_component_maximum(c, methodology)) for c, label in CASE_COMPONENT_LABELS.items()}


# ---------------------------------------------------------------- companies, affiliates, products

ROLE_LABELS = {"brand": N_("Brand"), "contractor": N_("Contractor"), "reseller": N_("Reseller")}
AFFILIATE_KIND_LABELS = {
    "university": N_("University"),
    "municipality": N_("Municipality"),
    "region": N_("Region"),
    "ministry": N_("Ministry"),
    "hospital": N_("Hospital"),
    "consortium": N_("Consortium"),
}
EXPECTATION_LABELS = {
    "overall": N_("Overall score"),
    "sct": N_("SCT score"),
    "fi": N_("FI score"),
    "band": N_("Band"),
    "action": N_("Improvement action"),
}
"""What an affiliate's expectation is about."""

# ---------------------------------------------------------------- countries and places


def _territories() -> Mapping[str, str]:
    """Country names by ISO 3166-1 alpha-2 code (and region codes), in the current language."""
    return i18n.territories()


def country_name(code: object) -> object:
    """The name of an ISO 3166-1 alpha-2 country code in the current language, from Babel's
    locale data ("GB" -> "United Kingdom", "Reino Unido", "Verenigd Koninkrijk"); anything else
    (a region in presentation mode, an empty cell) as it is."""
    return i18n.country(code)


def place(*parts: object, country: object = None) -> str:
    """An address from its parts (street address, city, ...; `country` as a code or a name),
    joined with ", ": empty parts left out, and a part that repeats what is just before it shown
    once ("No. 24 Harbour Road, Ciudad Juárez" and the city "Ciudad Juárez" read "No. 24 Harbour
    Road, Ciudad Juárez"; a city equal to its region is named once)."""
    shown: list[str] = []
    for part in (*parts, country_name(country)):
        if is_missing(part):
            continue
        for piece in str(part).split(","):
            text = piece.strip()
            if text and not (shown and shown[-1].casefold() == text.casefold()):
                shown.append(text)
    return ", ".join(shown)


# ---------------------------------------------------------------- tables in words

VALUE_LABELS: dict[str, Mapping[str, str]] = {
    "scope": SCOPE_LABELS,
    "tier": TIER_LABELS,
    "level": LEVEL_LABELS,
    "level_now": LEVEL_LABELS,
    "level_by_deadline": LEVEL_LABELS,
    "severity": SEVERITY_LABELS,
    "most_severe": SEVERITY_LABELS,
    "code_area": CODE_AREA_LABELS,
    "role": ROLE_LABELS,
    "kind": AFFILIATE_KIND_LABELS,
    "stage": STAGE_LABELS,
    "what": EXPECTATION_LABELS,
}
"""Columns whose codes a table shows in words, by column name."""
COUNTRY_COLUMNS = ("country", "hq_country")


NOT_RECORDED = "—"
"""A text cell with nothing recorded (never an empty "None" cell)."""
CONFIDENTIAL = N_("confidential")
"""What another affiliate's hidden contract field says (never "open-ended" or "not recorded",
which read as facts)."""


def _is_text(values: pd.Series) -> bool:
    return values.dtype == object or isinstance(values.dtype, pd.StringDtype)


def in_words(frame: pd.DataFrame, missing: str = NOT_RECORDED) -> pd.DataFrame:
    """A copy of `frame` as a table shows it: every coded column in words (scopes, tiers,
    levels, severities, code areas, roles, kinds as labels, country codes as country names)
    and `missing` in a text cell with nothing recorded. Values without a label (already
    words, a presentation-mode region) stay as they are."""
    out = frame.copy()
    for column, words in VALUE_LABELS.items():
        if column in out.columns:
            out[column] = out[column].map(lambda v, words=words: words.get(v, v) if isinstance(v, str) else v)
    for column in COUNTRY_COLUMNS:
        if column in out.columns:
            out[column] = out[column].map(country_name)
    for column in out.columns:
        values = out[column]
        if _is_text(values) and values.map(is_missing).any():
            out[column] = values.astype(object).map(lambda v: missing if is_missing(v) else v)
    return out


def euros(value: object) -> str:
    """An amount in euros as a table shows it ("€ 1,657,500"); a text (a presentation-mode band) as it is."""
    if isinstance(value, str):
        return value
    return NOT_RECORDED if is_missing(value) else i18n.euros(float(value))  # the locale's ("1.657.500 €" es)


def _cell(value: object, column: str) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list | tuple | np.ndarray):
        return ", ".join(map(str, value))
    if "spend" in column:
        return euros(value)
    return f"{value:g}" if isinstance(value, float | np.floating) else str(value)


def confidential(frame: pd.DataFrame, columns: list[str], rows: pd.Series | None = None) -> pd.DataFrame:
    """`frame` with `columns` as text, and CONFIDENTIAL where another affiliate's contract field
    is hidden (an empty cell of `rows`, default every row): what it says, never "open-ended" or
    "not recorded", which read as facts."""
    out = frame.copy()
    hidden = pd.Series(True, index=out.index) if rows is None else rows
    for column in (c for c in columns if c in out.columns):
        out[column] = [
            CONFIDENTIAL if hide and is_missing(v) else NOT_RECORDED if is_missing(v) else _cell(v, column)
            for v, hide in zip(out[column].astype(object), hidden, strict=True)
        ]
    return out


def with_gaps_in_words(frame: pd.DataFrame, text: str = NOT_RECORDED) -> pd.DataFrame:
    """`frame` in words (in_words), with every date or number column that has an empty cell as
    text, and every date as text: YYYY-MM-DD, `text` where nothing is recorded. (st.dataframe shows an empty
    date or number as "None", whatever a Styler or column format says.)"""
    out = in_words(frame, text)
    for column in out.columns:
        values = out[column]
        if pd.api.types.is_datetime64_any_dtype(values):  # every date as text: one kind per column
            out[column] = [text if is_missing(v) else f"{v:%Y-%m-%d}" for v in values]
        elif not _is_text(values) and values.map(is_missing).any():
            out[column] = [text if is_missing(v) else _cell(v, str(column)) for v in values.astype(object)]
    return out


# ---------------------------------------------------------------- the methodology's parameters


def parameter_table() -> pd.DataFrame:
    """scoring.params.parameter_table() with each parameter in words (scopes and levels as
    labels, never their codes): columns "Parameter" and one per version."""
    table = params.parameter_table()
    levels = " / ".join(LEVEL_LABELS[level].lower() for level in params.LEVELS)

    def human(parameter: str, text: str) -> str:
        if parameter.startswith("scope_weight."):
            return f"SCT request weight: {SCOPE_LABELS[parameter.split('.', 1)[1]].lower()}"
        if parameter == "credits":
            return f"credit: {levels}"
        return text

    words = [human(p, h) for p, h in zip(table["parameter"], table["human"], strict=True)]
    return table.drop(columns=["parameter", "human"]).assign(Parameter=words)[["Parameter", *params.VERSIONS]]


def is_missing(value: object) -> bool:
    """None, NaN, NaT or pd.NA."""
    return (
        value is None
        or value is pd.NA
        or value is pd.NaT
        or (isinstance(value, float | np.floating) and value != value)
    )


# ---------------------------------------------------------------- downloads

# Column headers of the page downloads (CSV and Excel) in words; a snake_case name not listed
# here is shown in sentence case. The full table export (python -m data export) keeps the
# schema's names: it is the import format (DATA_FORMAT.md).
DOWNLOAD_HEADERS = {
    "company_id": "Company id",
    "company": "Company",
    "product_model_id": "Product model id",
    "product_model": "Product model",
    "category": "Category",
    "scope": "Disclosure asked for",
    "request_id": "Request id",
    "factory_id": "Factory id",
    "factory": "Factory",
    "legal_name": "Factory (legal name)",
    "country": "Country",
    "tier": "Tier",
    "disclosed_on": "Disclosed on",
    "complete": "Name and address complete",
    "case_id": "Case id",
    "title": "Monitoring report",
    "opened_on": "Report sent on",
    "acknowledged_on": "Acknowledged on",
    "access_granted_on": "Access granted on",
    "plan_submitted_on": "Remediation plan on",
    "evidence_on": "Remediation evidence on",
    "verified_on": "Remediation verified on",
    "retaliation_on": "Retaliation confirmed on",
    "findings": "Findings",
    "findings_evidenced": "Findings with remediation evidence",
    "findings_verified": "Findings with verified remediation",
    "most_severe": "Most severe finding",
    "days_to_acknowledge": "Days to acknowledge",
    "due_on": "Due on",
    "deadline": "Deadline",
    "state": "State",
    "contracts": "Contracts",
    "days_to_due": "Days until due (negative: overdue)",
    "date": "Date",
    "kind": "Change kind",
    "change": "Change",
    "item_id": "Item id",
}
# Coded values shown in words in a download's column (by the column's schema name).
DOWNLOAD_VALUES = {
    "scope": SCOPE_LABELS,
    "tier": TIER_LABELS,
    "most_severe": SEVERITY_LABELS,
    "severity": SEVERITY_LABELS,
}


def download_header(column: object) -> str:
    """A download's column header in words ("days_to_due" -> "Days until due (negative: overdue)")."""
    name = str(column)
    if name in DOWNLOAD_HEADERS:
        return DOWNLOAD_HEADERS[name]
    if re.fullmatch(r"[a-z0-9]+(_[a-z0-9]+)+", name):
        return name.replace("_", " ").capitalize()
    return name


def for_download(frame: pd.DataFrame) -> pd.DataFrame:
    """A page's table as its CSV/Excel download shows it: headers in words, coded values (scopes,
    tiers, severities, country codes) in words; numbers, dates and ids as they are."""
    out = frame.copy()
    for column in out.columns:
        mapping = DOWNLOAD_VALUES.get(str(column))
        if mapping is not None:
            out[column] = out[column].map(lambda v, m=mapping: m.get(v, v) if isinstance(v, str) else v)
        elif str(column) in COUNTRY_COLUMNS:
            out[column] = out[column].map(country_name)
    out.columns = [download_header(c) for c in out.columns]
    return out
