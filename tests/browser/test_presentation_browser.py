"""A webinar presenter in Chromium: presentation mode on every page, for the demo world and a
world of names full of punctuation. Nothing the browser receives (websocket frames, the
page, the address bar, every download) holds a real name, id, address or city; at 1280×720
nothing is cut off, the sidebar starts collapsed, the leaderboard is on the first screen
and chart axes stay within the data."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser.drive import click_download, sign_in, wait_for_app
from tests.presentation_check import download_text, leaks, secrets_of

pytestmark = pytest.mark.browser

PAGES = ["overview", "company?company=CO0011", "compare?company=CO0001,CO0011,CO0007", "transparency",
         "improvement", "improvement?company=CO0011", "transparency?company=CO0011", "methodology"]  # fmt: skip
SHOTS = Path(os.environ.get("CPT_SCREENSHOTS", "")) if os.environ.get("CPT_SCREENSHOTS") else None


def with_present(path: str) -> str:
    return f"{path}{'&' if '?' in path else '?'}present=1"


def long_prefixes(secrets: list[str]) -> list[str]:
    """Long values may show cut short: their first 40 characters must not show either."""
    return sorted({*secrets, *(s[:40] for s in secrets if len(s) > 40)})


def settle(pg) -> None:
    """The script has finished and the browser has drawn everything: no element still a
    placeholder (tables, download buttons and charts load their code on first use), and the
    page quiet for a second (a redirect or a long run starts a second script run a moment
    after the first ends; the quiet time is measured from the last change of the DOM)."""
    wait_for_app(pg, timeout=120_000, quiet_ms=1000)
    pg.wait_for_function(
        '() => !document.querySelector(\'[data-testid="stMain"] [data-testid="stSkeleton"]\')'
        " && document.querySelectorAll('[data-testid=\"stPlotlyChart\"]').length"
        " === document.querySelectorAll('.js-plotly-plot').length",
        timeout=60_000,
        polling=100,
    )
    wait_for_app(pg, timeout=120_000, quiet_ms=500)


def presenter(browser, server: str, width: int = 1280, height: int = 720):
    ctx = browser.new_context(viewport={"width": width, "height": height}, accept_downloads=True)
    pg = ctx.new_page()
    sign_in(pg, server, "demo-affiliate")
    return ctx, pg


def check_world(browser, server: str, db: Path, pages: list[str], tmp_path: Path) -> dict[str, list[str]]:
    """Open every page in presentation mode; check the websocket frames, the page, the URL
    and every download. Returns the download file names per page."""
    secrets = long_prefixes(secrets_of(db))
    ctx, pg = presenter(browser, server)
    frames: list[bytes] = []
    pg.on(
        "websocket",
        lambda ws: ws.on("framereceived", lambda p: frames.append(p if isinstance(p, bytes) else p.encode())),
    )
    files: dict[str, list[str]] = {}
    try:
        for path in pages:
            frames.clear()
            pg.goto(f"{server}/{with_present(path)}")
            settle(pg)
            assert pg.locator("[data-testid='stException']").count() == 0, path
            received = b"\n".join(frames).decode("utf-8", "replace")
            assert received, path  # the page did arrive over the websocket
            for where, text in (("websocket", received), ("page", pg.content()), ("url", pg.url)):
                found = leaks(text, secrets)
                assert found == [], (path, where, found[:5])
            files[path] = []
            count = pg.locator("[data-testid='stDownloadButton'] button").count()
            for i in range(count):
                button = pg.locator("[data-testid='stDownloadButton'] button").nth(i)
                download = click_download(pg, button, server)
                name = download.suggested_filename
                content = download_text(Path(download.path()).read_bytes())
                assert leaks(name, secrets) == [], (path, name)
                found = leaks(content, secrets)
                assert found == [] and "company_id" not in content, (path, name, found[:5])
                files[path].append(name)
                wait_for_app(pg)  # a button that reruns the page: waited for by the quiet time
            frames.clear()
    finally:
        ctx.close()
    return files


def test_demo_world_shows_no_real_name_id_address_or_city(
    browser, server: str, browser_db: Path, tmp_path: Path
) -> None:
    files = check_world(browser, server, browser_db, PAGES, tmp_path)
    every = [n for names in files.values() for n in names]
    assert every, files
    assert any(n.endswith(".pdf") for n in every) and any(n.endswith(".html") for n in every), every
    assert any(n.endswith(".csv") for n in every) and any(n.endswith(".xlsx") for n in every)
    assert any(n.startswith("cpt-report-Company-") for n in every)  # the handle, not the id


def test_punctuation_world_shows_no_real_name(
    browser, hostile_server: str, hostile_browser_db: Path, tmp_path: Path
) -> None:
    check_world(browser, hostile_server, hostile_browser_db, PAGES, tmp_path)


# ---------------------------------------------------------------- projector layout

CLIPPED_JS = """
() => {
  const main = document.querySelector('[data-testid="stMain"]');
  const out = [];
  for (const el of main.querySelectorAll('*')) {
    if (el.closest('[data-testid="stDataFrame"], .js-plotly-plot, [data-testid="stSidebar"], svg, canvas')) continue;
    if (!el.offsetParent || el.clientWidth === 0) continue;
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    if (!own) continue;
    const cs = getComputedStyle(el);
    const clips = cs.overflowX !== 'visible' || cs.textOverflow === 'ellipsis';
    if (clips && el.scrollWidth > el.clientWidth + 1) {
      out.push({text: el.innerText.slice(0, 60), scroll: el.scrollWidth, client: el.clientWidth,
                testid: el.closest('[data-testid]')?.dataset.testid});
    }
  }
  return out;
}
"""

CHARTS_JS = """
() => [...document.querySelectorAll('.js-plotly-plot')].map(el => {
  const fl = el._fullLayout, rect = el.getBoundingClientRect();
  const axes = [];
  for (const name of Object.keys(fl).filter(k => /^xaxis\\d*$/.test(k))) {
    const ax = fl[name];
    const id = name.replace('axis', '');
    const xs = [];
    const when = v => Date.parse(String(v).replace(' ', 'T'));
    for (const tr of el._fullData) {
      if ((tr.xaxis || 'x') !== id || !tr.x || tr.x.length === undefined || tr.visible === false) continue;
      for (const v of Array.from(tr.x)) if (v !== null && v !== undefined) xs.push(ax.type === 'date' ? when(v) : +v);
    }
    const range = ax.range.map(v => ax.type === 'date' ? when(v) : +v);
    axes.push({name, type: ax.type, range, min: Math.min(...xs), max: Math.max(...xs), n: xs.length,
               fixed: ax.autorange === false});
  }
  const box = s => { const e = el.querySelector(s); if (!e) return null; const r = e.getBoundingClientRect();
                     return r.width ? {l: r.left, r: r.right, t: r.top, b: r.bottom} : null; };
  const title = box('.gtitle');
  return {title: fl.title && fl.title.text, width: rect.width, left: rect.left, right: rect.right, titleBox: title,
          legend: box('.legend'), xtitles: [...el.querySelectorAll('.xtitle, .ytitle')].map(e => {
            const r = e.getBoundingClientRect(); return {l: r.left, r: r.right, t: r.top, b: r.bottom}; }),
          axes};
})
"""


def _overlap(a: dict, b: dict) -> bool:
    return a["l"] < b["r"] - 1 and b["l"] < a["r"] - 1 and a["t"] < b["b"] - 1 and b["t"] < a["b"] - 1


DAY = 86_400_000


@pytest.mark.parametrize("size", [(1280, 720), (1440, 900)])
def test_projector_layout(browser, server: str, size: tuple[int, int], tmp_path: Path) -> None:
    ctx, pg = presenter(browser, server, *size)
    problems: list[object] = []
    try:
        for path in PAGES:
            pg.goto(f"{server}/{with_present(path)}")
            settle(pg)
            name = path.replace("?", "-").replace("=", "-").replace(",", "-")
            shot = (SHOTS or tmp_path) / f"present-{size[0]}-{name}.png"
            shot.parent.mkdir(parents=True, exist_ok=True)
            pg.screenshot(path=str(shot))
            sidebar = pg.locator("[data-testid='stSidebar']")
            if sidebar.count():
                box = sidebar.bounding_box()
                expanded = sidebar.get_attribute("aria-expanded")
                if expanded == "true" or (box and box["x"] + box["width"] > 5):
                    problems.append((path, "sidebar open", expanded, box))
            for clipped in pg.evaluate(CLIPPED_JS):
                problems.append((path, "cut off", clipped))
            for chart in pg.evaluate(CHARTS_JS):
                t = chart["titleBox"]
                if t and (t["r"] > chart["right"] + 1 or t["l"] < chart["left"] - 1):
                    problems.append((path, "chart title cut", chart["title"]))
                if chart["legend"] and any(_overlap(chart["legend"], x) for x in chart["xtitles"]):
                    problems.append((path, "legend over an axis title", chart["title"]))
                for ax in chart["axes"]:
                    if ax["type"] != "date" or not ax["n"]:
                        continue
                    lo, hi = ax["range"]
                    if hi > ax["max"] + 100 * DAY or lo < ax["min"] - 100 * DAY:
                        problems.append((path, "axis beyond the data", chart["title"], ax))
            if path == "overview":
                board = pg.locator("[data-testid='stDataFrame']").first.bounding_box()
                if board is None or board["y"] + 150 > size[1]:
                    problems.append((path, "leaderboard not on the first screen", board))
    finally:
        ctx.close()
    assert problems == [], "\n".join(map(str, problems))


# ---------------------------------------------------------------- order and own marker (issue 21)


def test_company_list_order_and_no_own_marker_in_the_browser(browser, server: str, browser_db: Path) -> None:
    """The Company selector as the browser draws it is in neither real-name nor id order, and
    the Factory page of a factory the presenter buys from says nothing of "You" or of euros."""
    import re

    from tests import apptest
    from tests.presentation_check import EXACT_EUROS, busiest_factory, names_of, real_orders, spearman

    names, orders = names_of(browser_db), real_orders(browser_db)
    ctx, pg = presenter(browser, server)
    frames: list[bytes] = []
    pg.on(
        "websocket",
        lambda ws: ws.on("framereceived", lambda p: frames.append(p if isinstance(p, bytes) else p.encode())),
    )
    try:
        pg.goto(f"{server}/{with_present('company')}")
        settle(pg)
        pg.locator("[data-testid='stMain'] [data-testid='stSelectbox']").first.click()  # the Company selector
        pg.get_by_role("option").first.wait_for()
        shown = [t.strip() for t in pg.get_by_role("option").all_inner_texts()]
        pg.keyboard.press("Escape")
        ids = [names.resolve(label.replace(" ", "-")) for label in shown]
        assert len(ids) >= 8 and all(i in orders["company"][1] for i in ids), shown
        by_name, by_id = orders["company"]
        assert abs(spearman(list(range(len(ids))), [by_name[i] for i in ids])) < 0.5, shown
        assert abs(spearman(list(range(len(ids))), [by_id[i] for i in ids])) < 0.5, shown
        factory = busiest_factory(browser_db, apptest.demo_user(browser_db, "affiliate").affiliate_id)
        frames.clear()
        pg.goto(f"{server}/factory?factory={factory}&present=1")
        settle(pg)
        received = b"\n".join(frames).decode("utf-8", "replace") + pg.inner_text("[data-testid='stMain']")
        assert "Factory " in received
        assert not re.search(r"\bYou\b|Your contracts|\(you\)", received)
        assert not EXACT_EUROS.search(received), EXACT_EUROS.search(received)
    finally:
        ctx.close()
