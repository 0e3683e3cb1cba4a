"""Benchmark: improvement actions of one company (METHODOLOGY.md section 4), set-based
vs rescoring per action.

    .venv/bin/python bench/bench_actions.py [--scale 40] [--db PATH] [--repeat 5] [--no-write]

Builds the demo world at --scale in a temporary database (or reads --db), and for the
company with the most evidence (and a sample of others) times, in the same run:

* `scoring.actions` + `scoring.next_band` from the whole evidence (what the Company page
  does) and from `load_evidence(con, [company])` (what `python -m scoring --actions` does);
* the naive way the issue rules out: for each open action, add its rows to a copy of the
  whole evidence and rescore the world at the date with `scoring.score`;
* the naive reference (tests/scoring_reference.py) on the company's own evidence.

It checks the three lists agree and appends the result to the "Actions" section of
bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import duckdb
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import scoring  # noqa: E402
from data import demo  # noqa: E402
from data.store import create_schema  # noqa: E402
from tests.scoring_reference import _rows_for_action, reference_actions, with_rows  # noqa: E402

RESULTS = ROOT / "bench" / "RESULTS.md"
SECTION = "## Actions"


def timed(fn, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def rescore_world_per_action(evidence: scoring.Evidence, company: str, as_of, methodology: str = "in-force"):
    """The naive way: every open action's rows added to a copy of the whole evidence,
    the whole world rescored at the date; the company's gains."""
    m = scoring.params.resolve(methodology, as_of)
    base = scoring.score(evidence, [as_of], methodology).set_index("company_id").loc[company]
    out = []
    for action, target, rows in _rows_for_action(evidence.restrict([company]), company, as_of, m):
        after = scoring.score(with_rows(evidence, company, as_of, rows), [as_of], methodology)
        row = after.set_index("company_id").loc[company]
        gain = row["overall"] - (0.0 if np.isnan(base["overall"]) else base["overall"])
        if abs(gain) >= 1e-9:
            out.append((action, target, gain))
    out.sort(key=lambda a: (-round(a[2], 9), a[0], a[1]))
    return out


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--scale", type=int, default=40)
    p.add_argument("--db", help="read this database instead of building the demo world")
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--sample", type=int, default=20, help="also time this many other companies")
    p.add_argument("--no-write", action="store_true", help="print only, do not touch RESULTS.md")
    args = p.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        if args.db:
            path, build = Path(args.db), None
        else:
            path = Path(tmp) / "bench.duckdb"
            con = duckdb.connect(str(path))
            t0 = time.perf_counter()
            create_schema(con)
            demo.fill_demo(con, scale=args.scale)
            con.close()
            build = time.perf_counter() - t0
        con = duckdb.connect(str(path), read_only=True)
        evidence = scoring.load_evidence(con)
        as_of = scoring.series_dates(evidence)[-1]
        # the company with the most requests, cases and findings: the worst case
        sizes = (
            evidence.disclosure_requests["company_id"]
            .value_counts()
            .add(evidence.cases["company_id"].value_counts(), fill_value=0)
            .add(evidence.findings["company_id"].value_counts(), fill_value=0)
        )
        company = str(sizes.idxmax())

        def page_path():
            rows = scoring.actions(evidence, company, as_of)
            overall = scoring.score(evidence.restrict([company]), [as_of])["overall"].iloc[0]
            return rows, scoring.next_band(rows, overall, evidence)

        def cli_path():
            own = scoring.load_evidence(con, [company])
            return scoring.actions(own, company, as_of)

        page, (rows, nb) = timed(page_path, args.repeat)
        cli, _ = timed(cli_path, args.repeat)
        others = [c for c in evidence.companies["company_id"] if c != company]
        others = others[:: max(1, len(others) // max(1, args.sample))][: args.sample]
        per_company = []
        for c in others:
            t, _ = timed(lambda c=c: scoring.actions(evidence, c, as_of), 2)
            per_company.append(t)
        con.close()

    naive_world, world_list = timed(lambda: rescore_world_per_action(evidence, company, as_of), 1)
    own = evidence.restrict([company])
    naive_ref, ref = timed(lambda: reference_actions(own, company, as_of), 1)

    got = list(zip(rows["action"], rows["target_id"], rows["overall_gain"], strict=True))
    same_world = [a[:2] for a in got] == [a[:2] for a in world_list] and np.allclose(
        [a[2] for a in got], [a[2] for a in world_list], atol=1e-9
    )
    same_ref = [a[:2] for a in got] == list(
        zip(ref["action"], ref["target_id"], strict=True)
    ) and np.allclose([a[2] for a in got], ref["overall_gain"].to_numpy(dtype=float), atol=1e-9)
    n_req = int((evidence.disclosure_requests["company_id"] == company).sum())
    n_cases = int((evidence.cases["company_id"] == company).sum())
    n_find = int((evidence.findings["company_id"] == company).sum())
    world = ", ".join(f"{k} {len(v)}" for k, v in evidence.tables().items())
    lines = [
        f"### {datetime.now():%Y-%m-%d %H:%M} — "
        + (
            f"demo scale {args.scale}"
            if not args.db
            else f"database {args.db} (made with --demo --scale {args.scale})"
        )
        + ", "
        f"{platform.node() or 'host'}, nproc {os.cpu_count()}, Python {platform.python_version()}, "
        f"duckdb {duckdb.__version__}",
        "",
        f"World: {world}" + (f" (demo database built in {build:.1f} s)." if build is not None else "."),
        f"Company {company} (the most requests, cases and findings) as of {as_of}: {n_req} requests, "
        f"{n_cases} cases, {n_find} findings; {len(rows)} actions listed"
        + (
            f", {nb.band} reached with the first {len(nb.actions)}."
            if nb is not None
            else ", no next band reachable."
        ),
        "",
        "| what | time | target |",
        "|---|---|---|",
        f"| actions + next_band from the whole evidence (Company page; best of {args.repeat}) | {page:.3f} s | < 0.5 s |",
        f"| load_evidence(company) + actions (`--actions` CLI; best of {args.repeat}) | {cli:.3f} s | < 0.5 s |",
        f"| actions, {len(per_company)} other companies (best of 2 each): median / max | "
        f"{np.median(per_company):.3f} s / {max(per_company):.3f} s | < 0.5 s |",
        f"| naive: rescore the whole world per action (`score`) | {naive_world:.2f} s | |",
        f"| naive reference on the company's own evidence | {naive_ref:.2f} s | |",
        f"| speed-up vs rescoring the world per action | {naive_world / page:.0f}× | |",
        "",
        f"Lists agree: with the per-action rescoring {'yes' if same_world else 'NO'}, with the reference "
        f"{'yes' if same_ref else 'NO'}. Target < 0.5 s {'met' if max(page, cli) < 0.5 else 'MISSED'}. "
        f"Load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores "
        "(the machine was shared with other work); times are the best of the repeats.",
        "",
    ]
    text = "\n".join(lines)
    print(text)
    if not args.no_write:
        existing = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
        if SECTION not in existing:
            existing = (
                existing.rstrip("\n")
                + f"\n\n{SECTION}\n\nbench/bench_actions.py: the improvement actions of "
                "one company (`scoring.actions`, `scoring.next_band`), set-based, vs adding each action's "
                "rows and rescoring the world.\n"
            )
        head, _, rest = existing.partition(SECTION)
        intro, sep, tail = rest.partition("\n### ")
        new_rest = intro.rstrip("\n") + "\n\n" + text + (("\n### " + tail) if sep else "")
        RESULTS.write_text(head + SECTION + new_rest.rstrip("\n") + "\n", encoding="utf-8")
    return 0 if same_world and same_ref else 1


if __name__ == "__main__":
    sys.exit(main())
