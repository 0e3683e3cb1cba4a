"""The factory map: disclosed factories by producing country (choropleth) and, where a factory
has coordinates, a point for it. DataFrame in, Figure out.

Plotly draws its base map from a world topojson that it fetches from the internet unless
told otherwise. The app serves the file itself (static/topojson/, `TOPOJSON_URL`), and pages
pass `config=map_config()` to st.plotly_chart, so the map draws offline.
"""

from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go
import pycountry

from charts import theme
from wording import i18n
from wording.i18n import N_, _

# Relative to the page's URL: Streamlit serves static/ at app/static/ (server.enableStaticServing).
TOPOJSON_URL = "app/static/topojson/"
COLOUR_BY = {
    "open_findings": (N_("Open findings"), "Reds"),
    "affiliates_buying": (N_("Affiliates buying"), "Blues"),
    "factories": (N_("Factories disclosed"), "Greens"),
}


def map_config() -> dict[str, object]:
    """The st.plotly_chart config that makes the map load its shapes from the app."""
    return {"topojsonURL": TOPOJSON_URL, "displaylogo": False}


def alpha3(code: str) -> str | None:
    country = pycountry.countries.get(alpha_2=str(code))
    return country.alpha_3 if country else None


def by_country(factories: pd.DataFrame) -> pd.DataFrame:
    """Per producing country (from one row per factory with country, open_findings and
    affiliates_buying): factories, open findings (sum) and affiliates buying (the largest
    number at one factory there: affiliates are not added up across factories)."""
    frame = factories.copy()
    for column in ("open_findings", "affiliates_buying"):
        if column not in frame:
            frame[column] = 0
    out = (
        frame.groupby("country", as_index=False)
        .agg(
            factories=("country", "size"),
            open_findings=("open_findings", "sum"),
            affiliates_buying=("affiliates_buying", "max"),
        )
        .sort_values("country")
    )
    out["iso3"] = out["country"].map(alpha3)
    return out[out["iso3"].notna()].reset_index(drop=True)


POINT_LIMIT = 300
"""Factories drawn as points at most (the first located rows: the list's order, most leverage
first); the countries are coloured over every factory given. Thousands of points made the
Supplier transparency page's map 438 kB and slow to draw at scale 40 (bench/RESULTS.md)."""


def located_count(factories: pd.DataFrame) -> int:
    if not {"latitude", "longitude"} <= set(factories.columns):
        return 0
    return int((factories["latitude"].notna() & factories["longitude"].notna()).sum())


def factory_map(
    factories: pd.DataFrame, colour: str = "open_findings", points: bool = True, max_points: int | None = None
) -> go.Figure:
    """Choropleth of `colour` per country plus a point per factory with coordinates, the first
    `max_points` (POINT_LIMIT) of them (when `points`; presentation mode leaves them out, coordinates being
    as telling as an address)."""
    label, scale = COLOUR_BY[colour]
    label = _(label)
    countries = by_country(factories)
    names = [html.escape(theme_country(c)) for c in countries["country"]]
    fig = go.Figure(
        go.Choropleth(
            locations=countries["iso3"],
            locationmode="ISO-3",
            z=countries[colour],
            text=names,
            customdata=countries[["factories", "open_findings", "affiliates_buying"]].to_numpy(),
            colorscale=scale,
            marker_line_color="white",
            colorbar={"title": {"text": label}},
            hovertemplate="%{text}<br>"
            + _("Factories disclosed: {n}").format(n="%{customdata[0]}")
            + "<br>"
            + _("Open findings: {n}").format(n="%{customdata[1]}")
            + "<br>"
            + _("Most affiliates buying at one factory: {n}").format(n="%{customdata[2]}")
            + "<extra></extra>",
            name=label,
        )
    )
    if points and {"latitude", "longitude"} <= set(factories.columns):
        located = factories[factories["latitude"].notna() & factories["longitude"].notna()]
        located = located.head(POINT_LIMIT if max_points is None else max_points)
        if len(located):
            fig.add_trace(
                go.Scattergeo(
                    lat=located["latitude"],
                    lon=located["longitude"],
                    text=point_hover(located),
                    customdata=located[["factory_id"]].to_numpy() if "factory_id" in located else None,
                    mode="markers",
                    marker={"size": 8, "color": theme.SCORE_COLOURS["overall"], "opacity": 0.75},
                    hovertemplate="%{text}<extra></extra>",
                    name=_("Factory with coordinates"),
                )
            )
    fig.update_geos(
        projection_type="natural earth",
        showcountries=True,
        countrycolor="#bdbdbd",
        showland=True,
        landcolor="#f5f5f5",
        showframe=False,
        fitbounds="locations",
        resolution=110,
    )
    fig.update_layout(
        title={
            "text": _("Disclosed factories by country: {what}").format(what=label.lower()),
            "x": 0,
            "xanchor": "left",
        },
        margin={"l": 0, "r": 0, "t": 50, "b": 0},
        font={"family": theme.FONT},
        showlegend=False,
        height=420,
        # Dark text on white (the default hover text is a grey that reads poorly on white).
        hoverlabel={
            "bgcolor": "white",
            "bordercolor": "#595959",
            "font": {"color": "#262730", "family": theme.FONT},
        },
    )
    return theme.localise(fig)


def point_hover(located: pd.DataFrame) -> list[str]:
    """A factory point's hover: its name, country, open findings and affiliates buying (every
    value from data escaped: Plotly reads hover text as HTML), and that a click opens it."""
    out = []
    for r in located.itertuples(index=False):
        findings = int(getattr(r, "open_findings", 0) or 0)
        buying = int(getattr(r, "affiliates_buying", 0) or 0)
        out.append(
            f"<b>{html.escape(str(r.legal_name))}</b><br>{html.escape(theme_country(r.country))}"
            + "<br>"
            + _("Open findings: {n}").format(n=findings)
            + "<br>"
            + _("Affiliates buying: {n}").format(n=buying)
            + ("<br><i>" + _("Click to open the factory page") + "</i>" if "factory_id" in located else "")
        )
    return out


def clicked_factory(selection: object) -> str | None:
    """The factory id of the first clicked factory point in a st.plotly_chart selection (the
    points carry their id as customdata; a click on a country carries none), or None."""
    points = getattr(selection, "points", None)
    if points is None and isinstance(selection, dict):
        points = selection.get("points")
    for point in points or []:
        data = point.get("customdata") if isinstance(point, dict) else None
        if isinstance(data, (list, tuple)) and len(data) == 1 and isinstance(data[0], str) and data[0]:
            return data[0]
    return None


def theme_country(code: str) -> str:
    country = pycountry.countries.get(alpha_2=str(code))
    if country and i18n.current() != i18n.SOURCE:
        return f"{i18n.country(str(code))} ({code})"
    return f"{getattr(country, 'common_name', country.name)} ({code})" if country else str(code)
