"""A person opens the dashboard in a browser and sees the demo overview."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.drive import wait_for_app

pytestmark = pytest.mark.browser


def test_overview_opens_with_demo_data(page, server: str, tmp_path: Path) -> None:
    page.goto(server)  # signed in as demo-affiliate: the root opens the overview
    wait_for_app(page)
    page.get_by_text("Fictional demo data").first.wait_for(timeout=30_000)
    # st.dataframe draws on a canvas; its accessible grid cells hold the text.
    page.get_by_text("Auroline Systems").first.wait_for(state="attached", timeout=30_000)
    page.locator("[data-testid='stDataFrame']").first.wait_for(timeout=30_000)
    page.screenshot(path=str(tmp_path / "overview.png"), full_page=True)
    assert (tmp_path / "overview.png").stat().st_size > 10_000
    assert page.locator("[data-testid='stException']").count() == 0
