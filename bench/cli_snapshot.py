"""Every read-only CLI output on the demo database, saved to a folder, to compare a refactor
byte for byte (issue 24: "a before/after comparison of every CLI output on the demo database
(series, actions, exports) is byte-identical").

    .venv/bin/python bench/cli_snapshot.py OUT_DIR [--compare BEFORE_DIR] [--work DIR]

Creates the demo database (`python -m data init --demo`) in the work folder (the same folder
for both runs, default /tmp/cli_snapshot_work: paths appear in the outputs),
then runs, each as its own process: `python -m scoring` --series quarterly and --as-of (three
dates) under every --methodology, csv and json, for every company and all at once; --actions
for every company at two dates (csv, and json at the last quarter end) and under v1 and v2 at
the last one; usage and input errors; `python -m data export` (every CSV's bytes),
`template` (the CSV templates' bytes; the .xlsx is a zip with a timestamp, so its sheets are
compared as cell values), `check`, `users list` and `import --dry-run` of the export. Each
command's stdout, stderr and exit code are saved as one file; the import's timing lines on
stderr (seconds) and the accounts' creation times in `users list` are the only text left out. With --compare, prints every file that differs
and exits 1 if any does.
"""

from __future__ import annotations

import argparse
import filecmp
import hashlib
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _run(argv: list[str]) -> tuple[str, str, int]:
    done = subprocess.run(
        [sys.executable, "-m", *argv], cwd=ROOT, capture_output=True, text=True, check=False
    )
    return done.stdout, done.stderr, done.returncode


def _save(out: Path, name: str, argv: list[str], result: tuple[str, str, int]) -> None:
    stdout, stderr, rc = result
    (out / f"{name}.txt").write_text(
        f"$ python -m {' '.join(argv)}\n--- exit {rc}\n--- stdout\n{stdout}--- stderr\n{stderr}"
    )


def _files_digest(folder: Path, pattern: str) -> str:
    lines = []
    for f in sorted(folder.glob(pattern)):
        lines.append(f"{f.name} {hashlib.sha256(f.read_bytes()).hexdigest()}")
    return "\n".join(lines) + "\n"


def _xlsx_cells(path: Path) -> str:
    from openpyxl import load_workbook

    book = load_workbook(path)
    lines = []
    for sheet in book.worksheets:
        lines.append(f"[{sheet.title}]")
        for row in sheet.iter_rows(values_only=True):
            lines.append(repr(row))
    return "\n".join(lines) + "\n"


def record(out: Path, work: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    db = work / "demo.duckdb"
    init = ["data", "init", "--demo", "--db", str(db)]
    _save(out, "data_init", init, _run(init))
    d = ["--db", str(db)]

    series, _, _ = _run(["scoring", *d, "--series", "quarterly"])
    rows = [line.split(",") for line in series.splitlines()[1:]]
    companies = sorted({r[0] for r in rows})
    dates = sorted({r[1] for r in rows})
    last, middle, first = dates[-1], dates[len(dates) // 2], dates[0]

    jobs: dict[str, list[str]] = {}
    for m in ("in-force", "v1", "v2"):
        for fmt in ("csv", "json"):
            jobs[f"scoring_series_{m}_{fmt}"] = [
                "scoring",
                *d,
                "--series",
                "quarterly",
                "--methodology",
                m,
                "--format",
                fmt,
            ]
            for when in (first, middle, last):
                jobs[f"scoring_asof_{when}_{m}_{fmt}"] = [
                    "scoring",
                    *d,
                    "--as-of",
                    when,
                    "--methodology",
                    m,
                    "--format",
                    fmt,
                ]
    for c in companies:
        jobs[f"scoring_series_{c}"] = ["scoring", *d, "--series", "quarterly", "--company", c]
        for when in (middle, last):
            jobs[f"scoring_actions_{c}_{when}"] = [
                "scoring",
                *d,
                "--actions",
                "--company",
                c,
                "--as-of",
                when,
            ]
        jobs[f"scoring_actions_{c}_{last}_json"] = [
            "scoring",
            *d,
            "--actions",
            "--company",
            c,
            "--as-of",
            last,
            "--format",
            "json",
        ]
        for m in ("v1", "v2"):
            jobs[f"scoring_actions_{c}_{last}_{m}"] = [
                "scoring",
                *d,
                "--actions",
                "--company",
                c,
                "--as-of",
                last,
                "--methodology",
                m,
            ]
    jobs["scoring_error_unknown_company"] = ["scoring", *d, "--as-of", last, "--company", "CO9999"]
    jobs["scoring_error_usage"] = ["scoring", *d, "--actions", "--as-of", last]
    jobs["scoring_error_bad_date"] = ["scoring", *d, "--as-of", "2025-02-30"]
    jobs["data_check"] = ["data", "check", *d]
    jobs["data_users_list"] = ["data", "users", "list", *d]

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = dict(zip(jobs, pool.map(_run, jobs.values()), strict=True))
    stdout, stderr, rc = results["data_users_list"]  # created_at (last column) is the time of init
    results["data_users_list"] = (
        "".join(line.rpartition("\t")[0] + "\n" for line in stdout.splitlines()),
        stderr,
        rc,
    )
    for name, argv in jobs.items():
        _save(out, name, argv, results[name])

    export = work / "export"
    argv = ["data", "export", *d, "--out", str(export)]
    _save(out, "data_export", argv, _run(argv))
    (out / "data_export_files.txt").write_text(_files_digest(export, "*.csv"))

    templates = work / "templates"
    argv = ["data", "template", "--out", str(templates)]
    _save(out, "data_template", argv, _run(argv))
    (out / "data_template_files.txt").write_text(_files_digest(templates, "*.csv"))
    for book in sorted(templates.glob("*.xlsx")):
        (out / f"data_template_{book.stem}_cells.txt").write_text(_xlsx_cells(book))

    argv = ["data", "import", *d, "--dry-run", str(export)]
    stdout, stderr, rc = _run(argv)
    stderr = "".join(line for line in stderr.splitlines(True) if " rows/s)" not in line)
    _save(out, "data_import_dry_run", argv, (stdout, stderr, rc))


def _texts(folder: Path) -> set[str]:
    return {f.name for f in folder.glob("*.txt")}


def compare(before: Path, after: Path) -> int:
    names = _texts(before) | _texts(after)
    _, mismatch, errors = filecmp.cmpfiles(before, after, sorted(names), shallow=False)
    for name in mismatch + errors:
        print(f"differs: {name}")
    print(f"{len(names) - len(mismatch) - len(errors)} of {len(names)} outputs byte-identical")
    return 1 if mismatch or errors else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--compare", type=Path, metavar="BEFORE_DIR")
    parser.add_argument("--work", type=Path, default=Path("/tmp/cli_snapshot_work"))
    args = parser.parse_args()
    record(args.out, args.work)
    return compare(args.compare, args.out) if args.compare else 0


if __name__ == "__main__":
    sys.exit(main())
