"""The factory map draws with no internet: every request outside the app's own host is
aborted, and the map's country shapes (served by the app from static/topojson/) are drawn."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.browser.drive import sign_in, wait_for_app

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("path", ["/transparency", "/contracts"])
def test_factory_map_draws_offline(context, server: str, tmp_path: Path, path: str) -> None:
    app_host = urlparse(server).netloc
    blocked: list[str] = []
    served: list[tuple[str, int]] = []

    def only_the_app(route) -> None:
        if urlparse(route.request.url).netloc == app_host:
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    context.route("**/*", only_the_app)
    page = context.new_page()
    page.on("response", lambda r: served.append((r.url, r.status)) if "topojson" in r.url else None)
    sign_in(page, server, "demo-affiliate")
    page.goto(f"{server}{path}")
    wait_for_app(page)
    page.locator("[data-testid='stExpander'] summary", has_text="Map of these factories").click()  # folded
    wait_for_app(page)
    geo = page.locator(".js-plotly-plot .geo")
    geo.first.wait_for(timeout=60_000)
    # Base map layers and the choropleth's country shapes are SVG paths inside the geo subplot.
    page.wait_for_function(
        "() => document.querySelectorAll('.js-plotly-plot .geo .choroplethlocation').length > 0"
        " && document.querySelectorAll('.js-plotly-plot .geo .layer.countries path, "
        ".js-plotly-plot .geo .layer.land path').length > 0",
        timeout=60_000,
    )
    shapes = page.locator(".js-plotly-plot .geo path.choroplethlocation").count()
    assert shapes >= 5  # the demo world's producing countries
    assert any(
        url.endswith("/app/static/topojson/world_110m.json") and status == 200 for url, status in served
    )
    assert all(urlparse(u).netloc != app_host for u in blocked)
    page.screenshot(path=str(tmp_path / "map.png"), full_page=True)
    assert page.locator("[data-testid='stException']").count() == 0
