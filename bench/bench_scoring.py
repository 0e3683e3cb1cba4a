"""Benchmark: the full quarterly series for every company, set-based vs the naive loop.

    .venv/bin/python bench/bench_scoring.py [--scale 40] [--sample 100] [--repeat 5] [--no-write]

Builds the demo world at --scale in a temporary database (`data.demo.fill_demo`),
loads the evidence, then times `scoring.score` (set-based) and the naive reference
(tests/scoring_reference.py, a Python loop per company and date) in the same run,
checks they agree, and appends the result to the "Scoring" section of
bench/RESULTS.md. The naive loop runs over all companies by default (a few seconds at
scale 40); with --sample N it is timed on N companies and scaled linearly, which
overstates it (the reference indexes all the evidence whatever the sample).
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
from tests.scoring_reference import reference_score  # noqa: E402

RESULTS = ROOT / "bench" / "RESULTS.md"
SECTION = "## Scoring"


def timed(fn, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--scale", type=int, default=40)
    p.add_argument(
        "--sample", type=int, default=0, help="time the naive loop on this many companies only (0: all)"
    )
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--no-write", action="store_true", help="print only, do not touch RESULTS.md")
    args = p.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.duckdb"
        con = duckdb.connect(str(path))
        t0 = time.perf_counter()
        create_schema(con)
        demo.fill_demo(con, scale=args.scale)
        con.close()
        build = time.perf_counter() - t0
        con = duckdb.connect(str(path), read_only=True)
        load, evidence = timed(lambda: scoring.load_evidence(con), 3)
        con.close()

    dates = scoring.series_dates(evidence)
    sizes = {name: len(df) for name, df in evidence.tables().items()}
    companies = evidence.companies["company_id"].tolist()
    n = len(companies)
    set_time, series = timed(lambda: scoring.score(evidence, dates), args.repeat)
    load_and_score = load + set_time

    sample = companies if args.sample <= 0 else companies[:: max(1, n // args.sample)][: args.sample]
    naive_sample, ref = timed(lambda: reference_score(evidence, dates, company_ids=sample), 1)
    naive_full = naive_sample * n / len(sample)
    got = series[series["company_id"].isin(sample)].reset_index(drop=True)
    diff = float(
        np.nanmax(np.abs(got[["sct", "fi", "overall"]].to_numpy() - ref[["sct", "fi", "overall"]].to_numpy()))
    )
    ratio = naive_full / set_time

    lines = [
        f"### {datetime.now():%Y-%m-%d %H:%M} — demo scale {args.scale}, {platform.node() or 'host'}, "
        f"nproc {os.cpu_count()}, Python {platform.python_version()}, duckdb {duckdb.__version__}",
        "",
        f"World: {n} companies × {len(dates)} quarter ends ({dates[0]} .. {dates[-1]}) = {len(series)} scores; "
        + ", ".join(f"{k} {v}" for k, v in sizes.items() if k != "companies"),
        f"(demo database built in {build:.1f} s).",
        "",
        "| what | time | target |",
        "|---|---|---|",
        f"| load_evidence (all tables) | {load:.3f} s | |",
        f"| score(), full quarterly series, in force (best of {args.repeat}) | {set_time:.3f} s | < 2 s |",
        f"| load_evidence + score() | {load_and_score:.3f} s | |",
        (
            f"| naive loop, all {n} companies | {naive_full:.2f} s | |"
            if len(sample) == n
            else f"| naive loop, {len(sample)} companies, extrapolated to {n} | {naive_full:.2f} s | |"
        ),
        f"| speed-up set-based vs naive | {ratio:.1f}× | ≥ 20× |",
        "",
        f"Set-based and naive agree within {diff:.1e}. Targets: < 2 s "
        f"{'met' if set_time < 2 else 'MISSED'}, ≥ 20× {'met' if ratio >= 20 else 'MISSED'}. "
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
                existing.rstrip("\n") + f"\n\n{SECTION}\n\nbench/bench_scoring.py: the full quarterly "
                "series for all companies, set-based (`scoring.score`) vs the naive per-company, per-date "
                "loop (tests/scoring_reference.py).\n"
            )
        head, _, rest = existing.partition(SECTION)
        # insert this run right under the section's intro paragraph, keep older runs and other sections
        intro, sep, tail = rest.partition("\n### ")
        new_rest = intro.rstrip("\n") + "\n\n" + text + (("\n### " + tail) if sep else "")
        RESULTS.write_text(head + SECTION + new_rest.rstrip("\n") + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
