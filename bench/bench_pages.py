"""Benchmark: each page's server-side run (AppTest) on the demo data and at --scale 40.

    .venv/bin/python bench/bench_pages.py [--scale 40] [--repeat 3] [--no-record]

For each database and page, signed in as the demo admin: the first run with empty
caches (app.py, evidence loaded, series scored, page drawn) and a cached rerun, best
of --repeat. Then the resident memory of a
real `streamlit run` server after every page was opened once at scale 40 (needs
Debian's chromium; skipped without it). Writes the "Pages" section of
bench/RESULTS.md. Targets (DESIGN.md): first run < 1 s on the demo data and
< 2 s at scale 40, cached rerun < 0.2 s, app memory < 600 MB at scale 40.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from bench.results import replace_section  # noqa: E402
from data import demo  # noqa: E402
from data.store import writes  # noqa: E402
from tests import apptest  # noqa: E402

PAGES = {
    "overview": {},
    "company": {"company": "CO0010"},
    "compare": {"company": "CO0001,CO0007,CO0010"},
    "transparency": {"company": "CO0004"},
    "improvement": {"company": "CO0011"},
    "methodology": {},
    "data": {},
}


def time_page(db: Path, page: str, params: dict[str, str], repeat: int) -> tuple[float, float]:
    """Best first run (caches cleared) and best cached rerun of one page as demo-admin, in seconds."""
    os.environ["CPT_DB"] = str(db)
    first, again = [], []
    for _ in range(repeat):
        st.cache_data.clear()
        st.cache_resource.clear()
        start = time.perf_counter()
        at = apptest.open_page(page, role="admin", db=db, **params)
        first.append(time.perf_counter() - start)
        assert not at.exception, [e.value for e in at.exception]
        start = time.perf_counter()
        at.run()
        again.append(time.perf_counter() - start)
    return min(first), min(again)


def server_memory_mb(db: Path) -> float | None:
    """Resident memory of a real server after every page was opened once in Chromium."""
    chromium = shutil.which("chromium")
    if not chromium:
        return None
    from playwright.sync_api import sync_playwright

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "CPT_DB": str(db)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless=true",
         f"--server.port={port}", "--server.address=127.0.0.1"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                urllib.request.urlopen(f"{url}/_stcore/health", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=chromium, headless=True, args=["--no-sandbox", "--disable-dev-shm-usage"]
            )
            page = browser.new_page()
            for name, params in PAGES.items():
                query = "&".join(f"{k}={v}" for k, v in params.items())
                if name == "overview":  # sign in once, as the demo admin
                    page.goto(url)
                    page.wait_for_selector("[data-testid='stApp']")
                    page.get_by_role("textbox", name="Username").fill("demo-admin")
                    page.get_by_role("textbox", name="Password").fill("cpt-demo")
                    page.get_by_role("button", name="Sign in").click()
                    page.get_by_text("Signed in as demo-admin").wait_for(timeout=60_000)
                    page.wait_for_function("() => document.cookie.includes('cpt_session=')", timeout=60_000)
                page.goto(f"{url}/{name}?{query}")
                page.wait_for_selector("[data-testid='stApp']")
                page.wait_for_timeout(1500)
                page.wait_for_function(
                    "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=120_000
                )
            browser.close()
        status = Path(f"/proc/{proc.pid}/status").read_text()
        rss_kb = int(next(line for line in status.splitlines() if line.startswith("VmRSS")).split()[1])
        return rss_kb / 1024
    finally:
        proc.terminate()
        proc.wait(10)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()

    rows = []
    memory = None
    with tempfile.TemporaryDirectory() as tmp:
        dbs = {"demo": Path(tmp) / "demo.duckdb", f"scale {args.scale}": Path(tmp) / "large.duckdb"}
        writes.create(dbs["demo"], demo.fill_demo)
        writes.create(dbs[f"scale {args.scale}"], lambda con: demo.fill_demo(con, scale=args.scale))
        times = {
            (label, page): time_page(db, page, params, args.repeat)
            for label, db in dbs.items()
            for page, params in PAGES.items()
        }
        memory = server_memory_mb(dbs[f"scale {args.scale}"])

    large = f"scale {args.scale}"
    for page in PAGES:
        d_first, d_again = times[("demo", page)]
        l_first, l_again = times[(large, page)]
        ok = d_first < 1 and l_first < 2 and max(d_again, l_again) < 0.2
        rows.append(
            f"| {page} | {d_first:.2f} s | {d_again:.3f} s | {l_first:.2f} s | {l_again:.3f} s | "
            f"{'met' if ok else 'MISSED'} |"
        )
    mem = "not measured (no chromium)" if memory is None else f"{memory:.0f} MB"
    body = "\n".join(
        [
            f"Measured {date.today():%Y-%m-%d} on {os.cpu_count()} cores by `bench/bench_pages.py`: "
            f"AppTest server-side run of each page, best of {args.repeat}; first run with empty caches "
            f"(evidence loaded and every quarter scored), then a cached rerun. Load average "
            f"{os.getloadavg()[0]:.1f}.",
            "",
            f"| page | demo first | demo rerun | {large} first | {large} rerun | targets |",
            "|---|---|---|---|---|---|",
            *rows,
            "",
            "Targets: first run < 1 s (demo) and < 2 s (scale 40), cached rerun < 0.2 s.",
            "",
            f"Resident memory of a `streamlit run` server at {large} after opening every page once: {mem} "
            "(target < 600 MB).",
        ]
    )
    print(body)
    if not args.no_record:
        replace_section("Pages", body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
