"""Benchmark: each page as a user's browser sees it (headless Chromium, signed in).

    .venv/bin/python bench/bench_browser.py [--scale 1 40] [--repeat 3] [--sessions 10 25]
        [--db-dir /tmp] [--app-dir DIR --label NAME] [--no-record]

For every scale: a demo database (`python -m data init --demo --scale N`, kept in
--db-dir and reused), then for each page and repetition a fresh `streamlit run`
server: sign in as demo-admin on the Data page (which loads no scores), open the
page once (cold: empty caches) and again (warm). A page is *settled* when the app
root says `data-test-script-state="notRunning"`, the main area has content, every
`.js-plotly-plot` is drawn, and the DOM has had no mutation for 300 ms; the time
reported is that of the last mutation, from the start of the navigation. Also:
websocket bytes received per page load, the server's resident memory after one
pass over every page (and its peak, VmHWM), and N simultaneous signed-in sessions
(one Chromium, one context each) signing in and loading overview then company
(median and worst settled time, errors, server CPU seconds per flow from
/proc/<pid>/stat).

--baseline REV measures the same pages and sessions, in the same run and on the same
databases, with the code of git revision REV (checked out once with `git worktree
add` under --db-dir), at the scales up to --baseline-max-scale: the "before" columns.
--app-dir runs everything from another checkout instead. Results go to the
"Browser: <label>" section of bench/RESULTS.md. The targets (DESIGN.md, issue 15)
are recorded, not asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.results import replace_section  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
USER, PASSWORD = "demo-admin", "cpt-demo"
PAGES = {
    "overview": "",
    "company": "company=CO0010",
    "compare": "company=CO0001,CO0007,CO0010",
    "transparency": "",
    "improvement": "",
    "contracts": "",
    "changes": "",
    "accounts": "",
}
PAYLOAD_BUDGET = 1_000_000  # bytes per page load at scale 40
LINK_FROM = "changes"  # a light page from which the "link" time follows the sidebar link to a page

# Installed before any page script: the time of the last DOM mutation since navigation start.
WATCH_DOM = """
window.__cptLast = performance.now();
new MutationObserver(() => { window.__cptLast = performance.now(); })
  .observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
"""
# null until settled; then the time of the last mutation (ms since navigation start).
SETTLED = """
([quietMs, since]) => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return null;
  const main = document.querySelector('[data-testid="stMain"]');
  if (!main || !main.innerText.trim()) return null;
  for (const p of document.querySelectorAll('.js-plotly-plot')) {
    if (!p._fullLayout || !p.querySelector('.main-svg')) return null;
  }
  if (window.__cptLast <= since || performance.now() - window.__cptLast < quietMs) return null;
  return window.__cptLast;
}
"""


# ---------------------------------------------------------------- server


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """One `streamlit run app.py` on a free port, with its /proc readings."""

    def __init__(self, db: Path, app_dir: Path) -> None:
        self.port = _free_port()
        env = {**os.environ, "CPT_DB": str(db), "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"}
        entry = "serve.py" if (app_dir / "serve.py").exists() else "app.py"  # serve.py sets the cookie
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", entry, "--server.headless=true",
             f"--server.port={self.port}", "--server.address=127.0.0.1"],
            cwd=app_dir, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        self.url = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2):
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("the dashboard did not start within 120 s")

    def _status(self, key: str) -> float:
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def rss_mb(self) -> float:
        return self._status("VmRSS")

    def peak_mb(self) -> float:
        return self._status("VmHWM")

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


# ---------------------------------------------------------------- browser


class Tab:
    """One signed-in browser context and page, counting the websocket bytes it receives."""

    def __init__(self, page) -> None:
        self.page = page
        self.received = 0
        page.on("websocket", lambda ws: ws.on("framereceived", self._count))

    def _count(self, payload) -> None:
        self.received += len(payload)

    @classmethod
    async def open(cls, browser) -> Tab:
        context = await browser.new_context(viewport={"width": 1400, "height": 1000})
        await context.add_init_script(WATCH_DOM)
        return cls(await context.new_page())

    async def close(self) -> None:
        await self.page.context.close()

    async def settle(self, timeout_s: float, since: float = -1) -> float:
        """Seconds from the navigation start to the last DOM change (after `since` ms) of the settled page."""
        handle = await self.page.wait_for_function(
            SETTLED, arg=[300, since], timeout=timeout_s * 1000, polling=100
        )
        return (await handle.json_value()) / 1000

    async def follow_link(self, name: str, timeout_s: float) -> tuple[float, int]:
        """Click the page's link in the sidebar (no page reload, as a user moves between
        pages); (seconds from the click to settled, websocket bytes received for it)."""
        self.received = 0
        since = await self.page.evaluate("performance.now()")
        await self.page.locator(f"[data-testid='stSidebar'] a[href='{name}']").first.click()
        await self.page.wait_for_url(f"**/{name}*", timeout=timeout_s * 1000)
        return await self.settle(timeout_s, since) - since / 1000, self.received

    async def visit(self, url: str, timeout_s: float) -> tuple[float, int]:
        """Open `url`; (settled seconds, websocket bytes received for it)."""
        self.received = 0
        await self.page.goto(url, wait_until="commit")
        return await self.settle(timeout_s), self.received

    async def sign_in(
        self, server: Server, timeout_s: float, user: str = USER, password: str = PASSWORD
    ) -> None:
        """Sign in on the Data page (it loads no scores, so every other page stays cold)."""
        await self.page.goto(f"{server.url}/data", wait_until="commit")
        await self.page.get_by_role("textbox", name="Username").fill(user, timeout=timeout_s * 1000)
        await self.page.get_by_role("textbox", name="Password").fill(password)
        await self.page.get_by_role("button", name="Sign in").click()
        await self.page.get_by_text(f"Signed in as {user}").wait_for(timeout=timeout_s * 1000)
        deadline = time.monotonic() + timeout_s  # the session cookie may be HttpOnly: ask the context
        while not any(c["name"] == "cpt_session" for c in await self.page.context.cookies()):
            if time.monotonic() > deadline:
                raise TimeoutError("no session cookie after signing in")
            await asyncio.sleep(0.2)
        await self.settle(timeout_s)


async def launch(p):
    return await p.chromium.launch(
        executable_path=CHROMIUM,
        headless=True,
        args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
              "--disable-component-update", "--no-first-run", "--disable-sync"],
    )  # fmt: skip


# ---------------------------------------------------------------- measurements


async def page_runs(p, db: Path, app_dir: Path, repeat: int, timeout_s: float, log) -> dict:
    """Per page: cold and warm settled times and bytes (each repetition on a fresh server)."""
    out: dict[str, dict[str, list]] = {}
    browser = await launch(p)
    try:
        for name, query in PAGES.items():
            rec = out.setdefault(
                name,
                {
                    "cold": [],
                    "warm": [],
                    "link": [],
                    "cold_bytes": [],
                    "warm_bytes": [],
                    "cold_cpu": [],
                    "warm_cpu": [],
                },  # fmt: skip
            )
            for _ in range(repeat):
                server = Server(db, app_dir)
                try:
                    tab = await Tab.open(browser)
                    await tab.sign_in(server, timeout_s)
                    url = f"{server.url}/{name}" + (f"?{query}" if query else "")
                    for kind in ("cold", "warm"):
                        cpu = server.cpu_seconds()
                        try:
                            seconds, size = await tab.visit(url, timeout_s)
                        except Exception as exc:  # noqa: BLE001 - a page that never settles is a result
                            log(f"  {name} {kind}: not settled ({type(exc).__name__})")
                            seconds, size = float("inf"), tab.received
                        cpu = server.cpu_seconds() - cpu
                        rec[kind].append(seconds)
                        rec[f"{kind}_bytes"].append(size)
                        rec[f"{kind}_cpu"].append(cpu)
                        log(f"  {name} {kind}: {seconds:.2f} s, {size / 1e6:.2f} MB, server CPU {cpu:.2f} s")
                    if name != LINK_FROM:  # warm, reached from another page's sidebar link
                        try:
                            await tab.visit(f"{server.url}/{LINK_FROM}", timeout_s)
                            seconds, _ = await tab.follow_link(name, timeout_s)
                        except Exception as exc:  # noqa: BLE001 - a page that never settles is a result
                            log(f"  {name} link: not settled ({type(exc).__name__})")
                            seconds = float("inf")
                        rec["link"].append(seconds)
                        log(f"  {name} link: {seconds:.2f} s")
                    await tab.close()
                finally:
                    server.stop()
    finally:
        await browser.close()
    return out


async def memory_pass(p, db: Path, app_dir: Path, timeout_s: float) -> tuple[float, float]:
    """Server RSS and peak RSS (MB) after one signed-in pass over every page."""
    server = Server(db, app_dir)
    browser = await launch(p)
    try:
        tab = await Tab.open(browser)
        await tab.sign_in(server, timeout_s)
        for name, query in PAGES.items():
            try:
                await tab.visit(f"{server.url}/{name}" + (f"?{query}" if query else ""), timeout_s)
            except Exception:  # noqa: BLE001, S110 - memory is still worth reading
                pass
        await tab.close()
        return server.rss_mb(), server.peak_mb()
    finally:
        await browser.close()
        server.stop()


async def one_flow(
    browser, server: Server, timeout_s: float, user: str = USER, password: str = PASSWORD
) -> tuple[list[float], str | None]:
    """Sign in, open the overview, then a company page; settled seconds of the two pages."""
    tab = await Tab.open(browser)
    try:
        await tab.sign_in(server, timeout_s, user, password)
        times = []
        for name in ("overview", "company"):
            query = PAGES[name]
            seconds, _ = await tab.visit(f"{server.url}/{name}" + (f"?{query}" if query else ""), timeout_s)
            if await tab.page.locator("[data-testid='stException']").count():
                return times, f"{name}: exception shown"
            times.append(seconds)
        return times, None
    except Exception as exc:  # noqa: BLE001 - an error is a result here
        return [], f"{type(exc).__name__}: {str(exc).splitlines()[0][:80]}"
    finally:
        await tab.close()


SESSION_PASSWORD = "bench-session-passphrase"


def session_users(n: int) -> list[str]:
    return [f"bench-affiliate-{i:02d}" for i in range(1, n + 1)]


def add_session_accounts(db: Path, n: int) -> None:
    """One affiliate account per simultaneous session (one account signing in 25 times at once
    would meet the sign-in throttle, which lets 5 attempts per name be checked at a time)."""
    import duckdb

    from data.access import accounts

    with duckdb.connect(str(db), read_only=True) as con:
        have = {u["username"] for u in accounts.list_users(con.cursor())}
        affiliates = [
            a for (a,) in con.execute("SELECT affiliate_id FROM affiliates ORDER BY affiliate_id").fetchall()
        ]
    for i, name in enumerate(session_users(n)):
        if name not in have:
            accounts.add_user(db, name, SESSION_PASSWORD, "affiliate", affiliate_id=affiliates[i % len(affiliates)],
                              who="bench")  # fmt: skip


async def sessions_run(p, db: Path, app_dir: Path, counts: list[int], timeout_s: float, log) -> list[dict]:
    """N simultaneous sessions on one warm server (one flow run first to fill the caches), each
    signed in as its own affiliate account."""
    rows = []
    add_session_accounts(db, max(counts))
    server = Server(db, app_dir)
    browser = await launch(p)
    try:
        await one_flow(browser, server, timeout_s)
        for n in counts:
            cpu0, start = server.cpu_seconds(), time.monotonic()
            results = await asyncio.gather(
                *(one_flow(browser, server, timeout_s, name, SESSION_PASSWORD) for name in session_users(n))
            )
            wall, cpu = time.monotonic() - start, server.cpu_seconds() - cpu0
            times = [t for ts, _ in results for t in ts]
            errors = [e for _, e in results if e]
            row = {
                "n": n,
                "median": statistics.median(times) if times else float("nan"),
                "worst": max(times) if times else float("nan"),
                "errors": errors,
                "cpu_per_flow": cpu / n,
                "wall": wall,
                "rss": server.rss_mb(),
            }
            log(f"  {n} sessions: {row}")
            rows.append(row)
    finally:
        await browser.close()
        server.stop()
    return rows


# ---------------------------------------------------------------- databases and report


def database(scale: int, db_dir: Path, log) -> tuple[Path, str]:
    """The demo database at `scale` (reused when present); how it was built."""
    path = db_dir / f"cpt-bench-scale{scale}.duckdb"
    if path.exists():
        from data.store import series_cache

        series_cache.warm(path)  # as `init` and `import` leave a file (scoring code may have changed)
        return path, "reused"
    start = time.monotonic()
    run = subprocess.run(
        ["/usr/bin/time", "-v", sys.executable, "-m", "data", "init", "--demo", "--scale", str(scale),
         "--db", str(path)],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    peak = next((ln.split()[-1] for ln in run.stderr.splitlines() if "Maximum resident" in ln), "?")
    note = (
        f"built in {time.monotonic() - start:.1f} s, max RSS {int(peak) / 1024:.0f} MB" if peak != "?" else ""
    )
    log(f"scale {scale}: {note}")
    return path, note


def fmt_s(values: list[float]) -> str:
    if not values:
        return "–"
    m = statistics.median(values)
    return "never" if m == float("inf") else f"{m:.2f} s"


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def report(
    label: str,
    args,
    per_scale: dict,
    sessions: list[dict],
    load: tuple[float, float],
    before: dict | None = None,
    sessions_before: list[dict] | None = None,
) -> str:
    now = datetime.now(UTC)
    before = before or {}
    base = (
        f" beside the baseline {args.baseline} (same run, same databases, median of "
        f"{args.baseline_repeat or args.repeat})"
        if args.baseline
        else ""
    )
    lines = [
        f"Measured {now:%Y-%m-%d %H:%M} UTC by `bench/bench_browser.py` ({label}){base}; headless Chromium "
        f"({CHROMIUM}) signed in as {USER}; {os.cpu_count()} cores, Python {platform.python_version()}; "
        f"load average {load[0]:.1f} at the start, {load[1]:.1f} at the end. Median of {args.repeat}"
        + (f" ({args.repeat_large} above scale 40)" if args.repeat_large else "")
        + "; "
        "cold = first visit on a fresh server (signed in on the Data page first; the series saved beside "
        "the database file is read, as on any restart), warm = the same page again (a reload), warm by "
        f"link = from the {LINK_FROM} page, a click on the page's sidebar link (how people move between "
        "pages: no reload, the page's address without parameters). Settled = the app "
        "root's script state is notRunning, every chart is drawn and the DOM has been quiet for 300 ms "
        "(the time of the last change is reported). Server CPU = the server process's CPU seconds for "
        "the page load (from /proc/<pid>/stat).",
        "",
    ]
    for scale, (data, mem, note) in per_scale.items():
        prev, prev_mem = before.get(scale, ({}, None))
        lines += [
            f"Scale {scale}" + (f" (database {note})" if note else "") + ":",
            "",
            "| page | warm | cold | warm, by link | websocket warm | websocket cold | server CPU warm "
            "| server CPU cold | targets |" + (" before: warm / cold / websocket cold |" if prev else ""),
            "|---|---|---|---|---|---|---|---|---|" + ("---|" if prev else ""),
        ]
        for name, rec in data.items():
            warm, cold = _median(rec["warm"]), _median(rec["cold"])
            wb, cb = _median(rec["warm_bytes"]), _median(rec["cold_bytes"])
            if scale <= 40:
                ok = warm < 1.5 and cold < 3 and max(wb, cb) < PAYLOAD_BUDGET
                verdict = "met" if ok else "MISSED"
            else:
                verdict = "met" if warm < 5 else "MISSED"
            cpu = {k: f"{_median(rec[k]):.2f} s" if rec.get(k) else "–" for k in ("warm_cpu", "cold_cpu")}
            row = (
                f"| {name} | {fmt_s(rec['warm'])} | {fmt_s(rec['cold'])} | {fmt_s(rec['link'])} "
                f"| {wb / 1e3:,.0f} kB | {cb / 1e3:,.0f} kB "
                f"| {cpu['warm_cpu']} | {cpu['cold_cpu']} | {verdict} |"
            )
            if prev:
                p = prev.get(name)
                row += (
                    f" {fmt_s(p['warm'])} / {fmt_s(p['cold'])} / {_median(p['cold_bytes']) / 1e3:,.0f} kB |"
                    if p
                    else " – |"
                )
            lines.append(row)
        if mem:
            limit = 600 if scale <= 40 else 2048
            lines += [
                "",
                f"Server memory after one pass over these pages: {mem[0]:.0f} MB resident, peak {mem[1]:.0f} MB "
                f"(target < {limit} MB: {'met' if mem[1] < limit else 'MISSED'})"
                + (f"; before: {prev_mem[0]:.0f} MB, peak {prev_mem[1]:.0f} MB." if prev_mem else "."),
            ]
        lines.append("")
    lines.append(
        "Targets: settled < 1.5 s warm and < 3 s cold and websocket < 1 MB per page at scale ≤ 40; "
        "< 5 s warm at scale 1000."
    )
    for title, rows in (("", sessions), (f" (baseline {args.baseline})", sessions_before or [])):
        if not rows:
            continue
        lines += [
            "",
            f"Simultaneous sessions at scale {args.sessions_scale}{title} (one Chromium, one context each, on "
            "one server whose caches were filled by one flow first): each signs in as its own affiliate account, "
            "opens the overview, then a company page. Settled times of those two pages:",
            "",
            "| sessions | median | worst | errors | server CPU per flow | wall | server RSS after | target |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for r in rows:
            errors = len(r["errors"])
            target = "met" if r["worst"] < 10 and not errors else "MISSED"
            lines.append(
                f"| {r['n']} | {r['median']:.2f} s | {r['worst']:.2f} s | {errors} | {r['cpu_per_flow']:.2f} s "
                f"| {r['wall']:.1f} s | {r['rss']:.0f} MB | {target} |"
            )
    if sessions:
        lines += ["", "Target: 25 sessions with a worst settled time < 10 s and no error."]
    return "\n".join(lines)


async def amain(args) -> str:
    from playwright.async_api import async_playwright

    def log(msg: str) -> None:
        print(msg, flush=True)

    load_start = os.getloadavg()[0]
    per_scale = {}
    before: dict = {}
    sessions: list[dict] = []
    sessions_before: list[dict] = []
    app_dir = Path(args.app_dir).resolve()
    base_dir = checkout(args.baseline, Path(args.db_dir), log) if args.baseline else None
    async with async_playwright() as p:
        for scale in args.scale:
            db, note = database(scale, Path(args.db_dir), log)
            log(f"scale {scale}: pages")
            repeat = args.repeat if scale <= 40 or args.repeat_large is None else args.repeat_large
            data = await page_runs(p, db, app_dir, repeat, args.timeout, log)
            mem = await memory_pass(p, db, app_dir, args.timeout) if not args.no_memory else None
            per_scale[scale] = (data, mem, note)
            if base_dir is not None and scale <= args.baseline_max_scale:
                log(f"scale {scale}: pages, baseline {args.baseline}")
                base = await page_runs(p, db, base_dir, args.baseline_repeat or repeat, args.timeout, log)
                base_mem = await memory_pass(p, db, base_dir, args.timeout) if not args.no_memory else None
                before[scale] = (base, base_mem)
        if args.sessions:
            db, _ = database(args.sessions_scale, Path(args.db_dir), log)
            log(f"scale {args.sessions_scale}: sessions {args.sessions}")
            sessions = await sessions_run(p, db, app_dir, args.sessions, args.timeout, log)
            if base_dir is not None:
                log(f"scale {args.sessions_scale}: sessions {args.sessions}, baseline {args.baseline}")
                sessions_before = await sessions_run(p, db, base_dir, args.sessions, args.timeout, log)
    return report(
        args.label, args, per_scale, sessions, (load_start, os.getloadavg()[0]), before, sessions_before
    )


def checkout(rev: str, where: Path, log) -> Path:
    """A worktree of git revision `rev` (the baseline's code), made once and reused."""
    sha = subprocess.run(["git", "rev-parse", "--short", rev], cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout.strip()  # fmt: skip
    path = where / f"cpt-bench-baseline-{sha}"
    if not (path / "app.py").exists():
        subprocess.run(["git", "worktree", "add", "--detach", "--force", str(path), sha], cwd=ROOT,
                       check=True, capture_output=True)  # fmt: skip
        log(f"baseline {rev} ({sha}) checked out in {path}")
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, nargs="*", default=[1, 40], help="(none: sessions only)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--repeat-large", type=int, help="repetitions at scales above 40 (default: --repeat)")
    parser.add_argument("--sessions", type=int, nargs="*", default=[10, 25])
    parser.add_argument("--sessions-scale", type=int, default=40)
    parser.add_argument("--db-dir", default="/tmp")
    parser.add_argument("--app-dir", default=str(ROOT))
    parser.add_argument("--label", default="this version")
    parser.add_argument("--baseline", metavar="REV", help="also measure git revision REV (the page before)")
    parser.add_argument("--baseline-max-scale", type=int, default=40)
    parser.add_argument(
        "--baseline-repeat", type=int, help="repetitions of the baseline (default: as measured)"
    )
    parser.add_argument(
        "--timeout", type=float, default=240, help="seconds before a page counts as never settled"
    )
    parser.add_argument("--pages", nargs="+", choices=list(PAGES), help="only these pages (default: all)")
    parser.add_argument("--no-memory", action="store_true")
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()
    for name in set(PAGES) - set(args.pages or PAGES):
        del PAGES[name]
    if not os.path.exists(CHROMIUM):
        print(f"bench_browser: no Chromium at {CHROMIUM}; skipped")
        return 0
    body = asyncio.run(amain(args))
    print(body)
    if not args.no_record:
        replace_section(f"Browser: {args.label}", body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
