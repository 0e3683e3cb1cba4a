"""Colours used by every chart and table, so a score or band looks the same everywhere; the labels
are wording.labels' (named here too for the chart builders)."""

from __future__ import annotations

import html
import math
import re

import plotly.graph_objects as go
from babel import Locale

from wording import i18n, labels
from wording.i18n import N_

SCORE_LABELS = labels.SCORE_LABELS
SCORE_COLOURS = {"sct": "#1f77b4", "fi": "#e07b00", "overall": "#2f2f2f"}

# Red to blue (not red to green): told apart with deuteranopia, protanopia and tritanopia too
# (tests/test_palette_cvd.py; the green "Leading" was 6.8 CAM02-UCS from "Developing" for protanopes).
BAND_COLOURS = {
    "Insufficient": "#d7301f",
    "Developing": "#fdae61",
    "Good": "#91bfdb",
    "Leading": "#1a5fa8",
}
NA_COLOUR = "#bdbdbd"

LEVEL_LABELS = labels.LEVEL_LABELS
LEVEL_COLOURS = {"FULL": "#1a9850", "PARTIAL": "#91cf60", "DUE_DILIGENCE": "#fee08b", "NONE": "#d73027"}

TIER_COLOURS = {"final_assembly": "#3f6fb5", "components": "#8fb3e0"}
TIER_LABELS = labels.TIER_LABELS

SEVERITY_COLOURS = {"minor": "#fdd49e", "major": "#fc8d59", "critical": "#b30000"}

STAGE_COLOURS = {
    "opened": "#969696",
    "acknowledged": "#9ecae1",
    "access_granted": "#6baed6",
    "plan_submitted": "#4292c6",
    "evidence_submitted": "#2171b5",
    "verified": "#1a9850",
    "retaliation_confirmed": "#b30000",
}
STAGE_LABELS = labels.STAGE_LABELS

FONT = "Source Sans Pro, Arial, sans-serif"

# ---------------------------------------------------------------- evidence pages (appended)

SEVERITY_LABELS = labels.SEVERITY_LABELS

SCOPE_LABELS = labels.SCOPE_LABELS

CODE_AREA_LABELS = labels.CODE_AREA_LABELS

FINDING_STATUS_LABELS = labels.FINDING_STATUS_LABELS
FINDING_STATUS_COLOURS = {"open": "#fc8d59", "verified": STAGE_COLOURS["verified"]}

ON_TIME_LABEL = N_("Disclosed on time<br>(first disclosure by the deadline)")
ON_TIME_COLOUR = "#2f2f2f"
CASE_LINE_COLOUR = "#d9d9d9"

# One colour per compared company (Compare chart and briefing), in the order chosen; Okabe-Ito,
# distinguishable with the common colour-vision deficiencies. Up to six companies are compared.
COMPANY_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00")


def company_colours(order: list[str]) -> dict[str, str]:
    """Each company's colour, by its position in `order` (the same on screen and in the briefing)."""
    return {c: COMPANY_COLOURS[i % len(COMPANY_COLOURS)] for i, c in enumerate(order)}


# ---------------------------------------------------------------- text from data on charts

# Control and bidirectional formatting characters: never shown.
_INVISIBLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b\u200c\u200e\u200f\u202a-\u202e\u2060-\u2069\ufeff]+")


def plain(value: object, limit: int | None = None) -> str:
    """Text from the data (a name, title, id, note) as Plotly shows it literally.

    Plotly reads titles, legend names, hover text and category labels as a small HTML
    dialect (<a href>, <b>, <br>, <span style>, entities): escaping <, > and & makes it
    show the characters instead of drawing a link, bold text or a line break. Control and
    bidirectional formatting characters become a space; `limit` cuts long text with "…".
    """
    text = "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)
    text = _INVISIBLE.sub(" ", text)
    if limit is not None and len(text) > limit:
        text = text[: max(0, limit - 1)].rstrip() + "…"
    return html.escape(text, quote=False)  # Plotly decodes &lt; &gt; &amp; but not &quot;


NAME_LIMIT = 60  # a company or factory name in a legend or on an axis
TITLE_LIMIT = 120


def localise(fig: go.Figure) -> go.Figure:
    """`fig` with the current language's decimal and group separators on its axes and hover
    numbers ("61,3" in Spanish; English figures stay as Plotly writes them)."""
    lang = i18n.current()
    if lang != i18n.SOURCE:
        symbols = Locale.parse(lang).number_symbols["latn"]
        fig.update_layout(separators=symbols["decimal"] + symbols["group"].replace("\u202f", "\xa0"))
    return fig
