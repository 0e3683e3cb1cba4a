"""The dashboard on the hostile world (tests/hostile_world.py), in Chromium (issue 11).

One server on a database whose names, titles and notes carry Markdown links and images,
`:red[...]`, HTML, URLs, formulas, 4,000-character strings and control characters. Signed
in, the test visits every page (and the URL-injection links of the issue), clicks every
download, and checks:

* no network request leaves the app's host (a rendered image or link target would);
* no link, image or colour from the data is in the DOM (also inside Plotly's SVG);
* no downloaded CSV or Excel file has a formula cell, and each carries its header line;
* the downloaded HTML report, opened in the browser, loads nothing from outside.
"""

from __future__ import annotations

import csv
import io
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from openpyxl import load_workbook

from data.exports import spreadsheet
from tests.browser.drive import click_download, sign_in, wait_for_app
from tests.hostile_world import EMAIL_ADMIN, EVIL_HOST, PUNCTUATION

pytestmark = pytest.mark.browser

PHISH = (
    "[Session expired - sign in again here](https://evil.example/login) "
    "![t](http://evil.example/x.png) :red[**Data breach**]"
)
Q = urllib.parse.quote(PHISH)

PAGES = [
    "/overview",
    "/company?company=CO0001",
    "/company?company=CO0002",
    "/company?company=CO0003",
    "/company?company=CO0011",
    "/company?company=CO0013",
    "/compare?company=CO0002,CO0003,CO0011,CO0013",
    "/transparency",
    "/transparency?company=CO0002",
    "/improvement",
    "/improvement?company=CO0011",
    "/methodology",
    "/data",
    "/accounts",
    # The URL-injection links of issue 11, item 2.
    f"/company?company={Q}",
    f"/overview?as_of={Q}",
    f"/company?as_of={Q}&methodology={Q}",
    f"/transparency?company={Q}",
    f"/improvement?company={Q}",
    f"/compare?company={Q}",
    f"/compare?company=CO0002,CO0003&as_of={Q}",
]
DOWNLOAD_PAGES = {  # path: how many download buttons it shows
    "/overview": 2,
    "/company?company=CO0002": 2,
    "/compare?company=CO0004,CO0006,CO0008,CO0014": 3,
    "/transparency": 1,
    "/improvement": 1,
    "/data": 1,  # the import templates; the full export after "Prepare a full export"
}

# What the DOM must not hold: anything that points at the attacker's host, and Markdown that
# the data would have produced had it been rendered (bold or coloured "Data breach").
DOM_CHECK = """() => {
  const bad = [];
  for (const el of document.querySelectorAll('a, img, image, iframe, source, video, audio, link, script')) {
    for (const attr of ['href', 'src', 'xlink:href', 'srcset', 'data']) {
      const v = el.getAttribute(attr) || '';
      if (!v) continue;
      let target;
      try { target = new URL(v, location.href); } catch (e) { target = null; }
      // A link or source that leads to the attacker (a same-origin link carrying text is no harm).
      const outside = !target || target.host.includes('evil.example') || target.protocol === 'mailto:'
        || target.protocol === 'javascript:';
      if (outside && v.includes('evil')) bad.push(el.tagName + ' ' + attr + '=' + v.slice(0, 120));
    }
  }
  for (const el of document.querySelectorAll('strong, b, em, span, mark')) {
    if (el.textContent.trim() === 'Data breach') bad.push('styled: ' + el.outerHTML.slice(0, 160));
  }
  for (const el of document.querySelectorAll('[data-testid="stIconMaterial"], .katex')) {
    const owner = el.closest('[data-testid="stMarkdownContainer"]');
    if (owner && owner.textContent.includes('evil')) bad.push('icon/math: ' + owner.textContent.slice(0, 120));
  }
  return bad;
}"""


class Requests:
    """Every request the browser context makes, and those that left the app's host."""

    def __init__(self, server: str) -> None:
        self.host = urllib.parse.urlsplit(server).netloc
        self.all: list[str] = []

    def __call__(self, request) -> None:
        self.all.append(request.url)

    def outside(self) -> list[str]:
        out = []
        for url in self.all:
            parts = urllib.parse.urlsplit(url)
            if parts.scheme in ("data", "blob", "about", "file"):
                continue
            if parts.netloc != self.host:
                out.append(url)
        return out


@pytest.fixture
def hostile_context(browser, hostile_server: str):
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    requests = Requests(hostile_server)
    ctx.on("request", requests)
    yield ctx, requests
    ctx.close()


FOLDED = "[data-testid='stExpander'] details:not([open]) > summary"


def unfold_visible(pg) -> None:
    """Open every folded expander that can be seen (one in a tab not chosen cannot be clicked);
    some rerun the page when opened (the what-if, the factory map), so wait after each."""
    for _ in range(40):
        folded = [s for s in pg.locator(FOLDED).all() if s.is_visible()]
        if not folded:
            return
        folded[0].click()
        wait_for_app(pg)


def open_path(pg, server: str, path: str) -> None:
    """Open a page and everything folded on it: every tab, and every expander in each
    (the charts' data tables, the what-if, the maps), so hidden parts are checked too."""
    pg.goto(f"{server}{path}")
    wait_for_app(pg)
    unfold_visible(pg)
    for tab in pg.get_by_role("tab").all():
        if tab.is_visible():
            tab.click()
            unfold_visible(pg)


def formula_cells(cells: list[object]) -> list[object]:
    return [c for c in cells if isinstance(c, str) and spreadsheet.is_formula(c)]


def check_download(name: str, payload: bytes) -> None:
    if name.endswith(".csv"):
        text = payload.decode("utf-8")
        header, body = text.split("\n", 1)
        assert header.startswith("# CPT ") and header.endswith(spreadsheet.CONFIDENTIAL), name
        cells = [c for row in csv.reader(io.StringIO(body)) for c in row]
        assert formula_cells(cells) == [], name
    elif name.endswith(".xlsx"):
        book = load_workbook(io.BytesIO(payload))
        cells = [c for ws in book.worksheets for row in ws.iter_rows() for c in row]
        assert [c.coordinate for c in cells if c.data_type == "f"] == [], name
        assert formula_cells([c.value for c in cells]) == [], name
        assert str(book.active["A1"].value).endswith(spreadsheet.CONFIDENTIAL), name
    elif name.endswith(".html"):
        text = payload.decode("utf-8")
        assert "<a href=https://evil.example" not in text and "<img src=http://evil.example" not in text
    elif name.endswith(".zip"):  # import templates, and the full table export with its README
        import zipfile

        with zipfile.ZipFile(io.BytesIO(payload)) as archive:
            for member in archive.namelist():
                data = archive.read(member)
                if member.endswith(".csv"):
                    cells = [c for row in csv.reader(io.StringIO(data.decode("utf-8"))) for c in row]
                    assert formula_cells(cells) == [], f"{name}/{member}"
                elif member.endswith(".xlsx"):
                    book = load_workbook(io.BytesIO(data))
                    assert not any(
                        c.data_type == "f" for ws in book.worksheets for r in ws.iter_rows() for c in r
                    )
                elif member == "README.txt":
                    assert spreadsheet.CONFIDENTIAL in data.decode("utf-8")
    elif name.endswith(".pdf"):
        assert payload.startswith(b"%PDF") and len(payload) > 1000, name


def test_every_page_shows_hostile_text_as_text_and_loads_nothing_from_outside(
    hostile_context, hostile_server
):
    ctx, requests = hostile_context
    pg = ctx.new_page()
    sign_in(pg, hostile_server, "demo-admin")
    problems: dict[str, list[str]] = {}
    for path in PAGES:
        open_path(pg, hostile_server, path)
        bad = pg.evaluate(DOM_CHECK)
        if bad:
            problems[path] = bad
        assert not pg.locator("[data-testid='stException']").count(), f"{path}: an exception is shown"
    assert problems == {}
    # The hostile text did reach the pages (shown as its characters), e.g. the phishing link text.
    open_path(pg, hostile_server, "/company?company=CO0002")
    main = pg.locator("[data-testid='stMain']").inner_text()
    assert "[Session expired - sign in again here](https:" in main.replace("\u2060", "")
    open_path(pg, hostile_server, "/company?company=CO0001")
    assert PUNCTUATION[0] in pg.locator("[data-testid='stMain'] h1").inner_text()
    assert requests.outside() == []
    assert not any(EVIL_HOST in urllib.parse.urlsplit(url).netloc for url in requests.all)
    assert len(requests.all) > 50  # the recorder did see the app's own traffic


def test_every_download_is_neutralised_and_the_html_report_stays_offline(
    hostile_context, hostile_server, tmp_path
):
    ctx, requests = hostile_context
    pg = ctx.new_page()
    sign_in(pg, hostile_server, "demo-admin")
    seen: list[str] = []
    buttons = pg.locator("[data-testid='stDownloadButton'] button")

    def download_all(count: int) -> None:
        for i in range(count):
            buttons.nth(i).wait_for(timeout=120_000)  # a heavy page draws its buttons last
            download = click_download(pg, buttons.nth(i), hostile_server)
            target = tmp_path / download.suggested_filename
            download.save_as(target)
            check_download(target.name, target.read_bytes())
            seen.append(target.name)
            wait_for_app(pg)

    for path, count in DOWNLOAD_PAGES.items():
        open_path(pg, hostile_server, path)
        download_all(count)
    pg.get_by_role("button", name="Prepare a full export").click()
    pg.get_by_role("button", name="Download export (zip)").wait_for(timeout=120_000)
    download = click_download(pg, pg.get_by_role("button", name="Download export (zip)"), hostile_server)
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    check_download(target.name, target.read_bytes())
    seen.append(target.name)
    html_report = next((tmp_path / n for n in seen if n.endswith(".html")), None)
    kinds = {Path(name).suffix for name in seen}
    assert {".csv", ".xlsx", ".pdf", ".html", ".zip"} <= kinds, seen
    assert "cpt-export.zip" in seen
    assert requests.outside() == []
    assert html_report is not None
    offline = ctx.new_page()
    offline.goto(html_report.as_uri())
    offline.wait_for_selector(".plotly", timeout=60_000)
    assert offline.evaluate(DOM_CHECK) == []
    assert requests.outside() == []


def test_a_username_like_an_address_is_not_a_link(hostile_context, hostile_server):
    ctx, requests = hostile_context
    pg = ctx.new_page()
    pg.goto(f"{hostile_server}/")
    wait_for_app(pg)
    pg.get_by_role("textbox", name="Username").fill(EMAIL_ADMIN)
    pg.get_by_role("textbox", name="Password").fill("cpt-demo")
    pg.get_by_role("button", name="Sign in").click()
    pg.get_by_text("Signed in as").wait_for(timeout=30_000)  # the name holds an invisible word joiner
    wait_for_app(pg)
    sidebar = pg.locator("[data-testid='stSidebar']")
    assert EMAIL_ADMIN in sidebar.inner_text().replace("\u2060", "")
    assert sidebar.locator("a[href^='mailto:']").count() == 0
    assert requests.outside() == []
