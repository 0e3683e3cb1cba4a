"""Benchmark: import 100,000 disclosure rows from CSV (DESIGN.md target: under 10 s).

    python bench/bench_import.py [--rows N] [--no-record]

Generates disclosures.csv with N rows (default 100,000) plus the companies,
factories and disclosure requests they refer to, imports the parents, then
times the disclosures import three ways on fresh copies of the database:
validation only (the dry run), `importer.apply_import` in process, and the
whole CLI (`python -m data import`, a subprocess, interpreter start included).
Every run includes the score-impact preview (scores of the affected companies at
the last quarter end before and after, on the staged copy), as the CLI prints it;
the requests belong to 50 companies so that the impact covers many of them.
Peak memory is the CLI subprocess's maximum resident set size. The result is
written to the "Import" section of bench/RESULTS.md (other sections are kept).
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import duckdb  # noqa: E402

from bench.results import replace_section  # noqa: E402
from data.importing import importer  # noqa: E402
from data.store import writes  # noqa: E402

TARGET_S = 10.0
N_COMPANIES = 50


def generate(folder: Path, rows: int, seed: int = 7) -> dict[str, Path]:
    """Write the parents and `rows` disclosures; every key unique, every rule satisfied."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    n_factories = 1_000
    n_requests = max(1, rows // 20)
    files = {
        name: folder / f"{name}.csv"
        for name in ("companies", "factories", "disclosure_requests", "disclosures")
    }
    files["companies"].write_text(
        "company_id,name,role,hq_country\n"
        + "".join(f"CO{c},Bench Co {c},brand,NL\n" for c in range(1, N_COMPANIES + 1)),
        encoding="utf-8",
    )
    with open(files["factories"], "w", encoding="utf-8") as f:
        f.write("factory_id,legal_name,address,city,country,tier,component_type\n")
        for i in range(n_factories):
            f.write(
                f"FA{i:05d},Factory {i} Ltd,{i} Road,Town,{rng.choice(['CN', 'MY', 'VN', 'TH'])},"
                f"{rng.choice(['final_assembly', 'components'])},\n"
            )
    start = date.today() - timedelta(days=700)  # inside the v2 SCT window at the last quarter end
    requested = []
    with open(files["disclosure_requests"], "w", encoding="utf-8") as f:
        f.write("request_id,company_id,product_model_id,scope,requested_on,due_on\n")
        for i in range(n_requests):
            day = start + timedelta(days=rng.randrange(0, 500))
            requested.append(day)
            company = 1 + i % N_COMPANIES
            f.write(
                f"RQ{i:07d},CO{company},,components,{day.isoformat()},{(day + timedelta(days=60)).isoformat()}\n"
            )
    with open(files["disclosures"], "w", encoding="utf-8") as f:
        f.write("request_id,factory_id,disclosed_on,complete\n")
        for i in range(rows):
            r = i // 20
            day = requested[r] + timedelta(days=rng.randrange(0, 90))
            f.write(
                f"RQ{r:07d},FA{(i * 37) % n_factories:05d},{day.isoformat()},"
                f"{rng.choice(['true', 'false', 'yes', '1', 'No'])}\n"
            )
    return files


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--no-record", action="store_true", help="print only; do not touch bench/RESULTS.md")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="cpt-bench-import-"))
    try:
        files = generate(work / "csv", args.rows)
        base = work / "base.duckdb"
        writes.create(base)
        parents = [
            (str(files[n]), files[n].read_bytes()) for n in ("companies", "factories", "disclosure_requests")
        ]
        t0 = time.perf_counter()
        plan = importer.apply_import(base, parents, "bench", keep=0)
        parents_s = time.perf_counter() - t0
        assert plan.applied, plan.errors[:5]
        disclosures = [(str(files["disclosures"]), files["disclosures"].read_bytes())]
        size_mb = files["disclosures"].stat().st_size / 1e6

        def fresh(name: str) -> Path:
            target = work / name
            shutil.copyfile(base, target)
            return target

        con = duckdb.connect(str(base), read_only=True)
        steps: dict[str, float] = {}
        c0 = time.process_time()
        t0 = time.perf_counter()
        dry = importer.validate_files(
            disclosures, con, progress=lambda what, _n, s: steps.__setitem__(what, s)
        )
        validate_s = time.perf_counter() - t0
        validate_cpu = time.process_time() - c0
        con.close()
        assert dry.ok, dry.errors[:5]
        impact_s = steps["score impact"]
        assert len(dry.score_changes) == N_COMPANIES, len(dry.score_changes)

        db = fresh("inprocess.duckdb")
        c0 = time.process_time()
        t0 = time.perf_counter()
        plan = importer.apply_import(db, disclosures, "bench", keep=1)
        apply_s = time.perf_counter() - t0
        apply_cpu = time.process_time() - c0
        assert plan.applied and plan.counts["disclosures"].inserted == args.rows

        db = fresh("cli.duckdb")
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        run = subprocess.run(
            [sys.executable, "-m", "data", "import", "--db", str(db), str(files["disclosures"])],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        cli_s = time.perf_counter() - t0
        if run.returncode != 0:
            print(run.stderr, file=sys.stderr)
            return 1
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cli_cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
        peak_mb = after.ru_maxrss / 1024  # Linux: KiB

        t0 = time.perf_counter()
        again = importer.apply_import(db, disclosures, "bench", keep=1)
        again_s = time.perf_counter() - t0
        assert again.counts["disclosures"].unchanged == args.rows
    finally:
        shutil.rmtree(work, ignore_errors=True)

    verdict = "meets" if cli_s < TARGET_S else "MISSES"
    lines = [
        "## Import",
        "",
        f"Measured {date.today().isoformat()} on {os.cpu_count()} cores (`nproc`), Python "
        f"{sys.version.split()[0]}, DuckDB {duckdb.__version__}, by `bench/bench_import.py`.",
        f"{args.rows:,} disclosure rows ({size_mb:.1f} MB CSV) into a database already holding "
        f"1,000 factories and {max(1, args.rows // 20):,} disclosure requests.",
        "",
        "| step | wall time | CPU time | rows/s (wall) |",
        "|---|---|---|---|",
        f"| parents (companies, factories, requests) | {parents_s:.2f} s | | |",
        f"| validate only (`--dry-run` work, preview included) | {validate_s:.2f} s | {validate_cpu:.2f} s "
        f"| {args.rows / validate_s:,.0f} |",
        f"| of which the score-impact preview ({N_COMPANIES} companies) | {impact_s:.2f} s | | |",
        f"| `apply_import` in process (validate + preview + publish) | {apply_s:.2f} s | {apply_cpu:.2f} s "
        f"| {args.rows / apply_s:,.0f} |",
        f"| whole CLI `python -m data import` (subprocess) | {cli_s:.2f} s | {cli_cpu:.2f} s "
        f"| {args.rows / cli_s:,.0f} |",
        f"| same file again (all rows unchanged) | {again_s:.2f} s | | {args.rows / again_s:,.0f} |",
        "",
        f"Peak resident memory of the CLI import: {peak_mb:.0f} MB. Target: under {TARGET_S:.0f} s "
        f"for the whole CLI, score-impact preview included; this run {verdict} it on wall time"
        f"{'' if cli_cpu < TARGET_S else ' and MISSES it on CPU time'}. The machine was shared with "
        f"other work while it ran (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores), "
        "so wall times are upper bounds; CPU time is what the import itself used.",
        "",
    ]
    section = "\n".join(lines)
    print(section)
    if not args.no_record:
        title, _, body = section.partition("\n")
        replace_section(title.removeprefix("## "), body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
