"""The Factory page's list and map in Chromium at 1280×720, as an affiliate preparing a meeting
uses them: the link to each factory and the leverage column are on the first screen without
scrolling sideways; a map point's hover names the factory, its country, its open findings and the
affiliates buying; a click on the point opens that factory's page in the same tab, at its top."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from tests.browser.drive import sign_in, wait_for_app

pytestmark = pytest.mark.browser

# The data grid draws on a canvas and keeps, for screen readers, a table of the cells in view.
GRID_HEADERS_IN_VIEW = """() => [...document.querySelectorAll(
  '[data-testid="stDataFrame"] table th[role="columnheader"]')].map((th) => th.textContent)"""


@pytest.fixture
def small_page(browser, server: str):
    ctx = browser.new_context(viewport={"width": 1280, "height": 720})
    pg = ctx.new_page()
    sign_in(pg, server, "demo-affiliate")
    yield pg
    ctx.close()


def test_factory_list_shows_the_link_and_the_leverage_on_the_first_screen(small_page, server: str) -> None:
    pg = small_page
    pg.goto(f"{server}/factory")
    wait_for_app(pg)
    grid = pg.locator("[data-testid='stDataFrame']").first
    grid.wait_for(timeout=30_000)
    pg.wait_for_function(f"() => ({GRID_HEADERS_IN_VIEW})().length > 0", timeout=30_000)
    headers = pg.evaluate(GRID_HEADERS_IN_VIEW)
    assert headers[:4] == ["Legal name", "Factory page", "Affiliates buying", "Open findings"], headers
    box = grid.bounding_box()
    assert box is not None and box["y"] + 120 < 720  # the header and the first rows above the fold
    # The first row's link is a factory page (the grid's cell text is the link's target).
    link = pg.locator("[data-testid='stDataFrame'] table td[aria-colindex='2']").first.text_content()
    assert link is not None and link.startswith("factory?factory=FA")


def test_a_map_point_hovers_its_factory_and_a_click_opens_it_in_the_same_tab(
    small_page, server: str, tmp_path: Path
) -> None:
    pg = small_page
    pg.goto(f"{server}/factory")
    wait_for_app(pg)
    pg.locator("[data-testid='stExpander'] summary", has_text="Map of the disclosed factories").click()
    wait_for_app(pg)
    pg.wait_for_selector(".js-plotly-plot .scattergeo path.point", timeout=60_000)
    point = pg.locator(".js-plotly-plot .scattergeo path.point").nth(5)
    point.scroll_into_view_if_needed()
    box = point.bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2

    pg.mouse.move(x, y)
    hover = pg.locator(".hoverlayer .hovertext").first
    hover.wait_for(timeout=10_000)
    lines = [t.text_content() for t in hover.locator("text tspan.line").all()]
    assert len(lines) == 5, lines  # name, country, open findings, affiliates buying, what a click does
    name, country, findings, buying, action = lines
    assert name and not name.startswith("FA")
    assert country and country.endswith(")") and "(" in country  # "Vietnam (VN)"
    assert findings and findings.startswith("Open findings: ") and findings.split(": ")[1].isdigit()
    assert buying and buying.startswith("Affiliates buying: ") and buying.split(": ")[1].isdigit()
    assert action == "Click to open the factory page"
    pg.screenshot(path=str(tmp_path / "hover.png"))

    pg.mouse.click(x, y)
    pg.wait_for_url(lambda url: "factory=" in url, timeout=30_000)
    wait_for_app(pg)
    assert len(pg.context.pages) == 1  # the same tab, no new window
    factory_id = parse_qs(urlparse(pg.url).query)["factory"][0]
    assert factory_id.startswith("FA")
    # That factory's page, from its top: the hovered factory's name in view under the title.
    header = pg.get_by_text(name, exact=True).first
    header.wait_for(timeout=30_000)
    assert header.is_visible()
    assert pg.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollTop") == 0
    assert pg.get_by_role("heading", name="Disclosed by").count() == 1
    assert pg.locator("[data-testid='stException']").count() == 0
    pg.screenshot(path=str(tmp_path / "factory.png"))
