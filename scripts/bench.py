"""Run the project's benchmarks one after another and print one table of their figures.

Started by scripts/bench (which sets up the environment). Each benchmark is a management command
that writes its figures with --json; this script only runs them and prints the table.
Exit status: 0 when every benchmark ran and met its targets (with --quick: when every benchmark
ran), 1 otherwise.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import dj_database_url
import psycopg

ROOT = Path(__file__).resolve().parent.parent
# name: (command, its options in quick mode, what it measures)
BENCHMARKS = {
    "coverage": (
        "bench_coverage",
        ["--cameras=20", "--days=1", "--queries=100", "--files=3"],
        "coverage query on a 2,016,000-segment index; ingest rate of real files",
    ),
    "export": (
        "bench_export",
        ["--seconds=60", "--size=640x360", "--fps=10"],
        "10-minute 720p export against bare ffmpeg; hashing against sha256sum",
    ),
    "pages": (
        "bench_pages",
        ["--quick"],
        "request and audit pages with 100,000 requests and 1,000,000 audit entries",
    ),
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--only",
        default=",".join(BENCHMARKS),
        help=f"comma-separated subset of: {', '.join(BENCHMARKS)}",
    )
    parser.add_argument("--quick", action="store_true", help="small sizes, to try it out")
    args = parser.parse_args()
    chosen = [name.strip() for name in args.only.split(",") if name.strip()]
    if unknown := [name for name in chosen if name not in BENCHMARKS]:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}")

    prepare_database()
    figures, failures = [], []
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        for name in chosen:
            command, quick_options, about = BENCHMARKS[name]
            out = Path(tmp) / f"{name}.json"
            argv = [command, f"--json={out}", *(quick_options if args.quick else [])]
            print(f"\n=== {name}: {about}{' (quick)' if args.quick else ''}", flush=True)
            began = time.monotonic()
            status = manage(*argv)
            print(f"=== {name}: {time.monotonic() - began:.0f} s", flush=True)
            if status != 0 or not out.exists():
                failures.append(f"{name} (exit {status})")
                continue
            figures += json.loads(out.read_text())
    print_table(figures, failures, quick=args.quick)
    # Quick sizes are not what the targets are set for (a 1-minute export is mostly fixed
    # costs), so quick mode fails only when a benchmark could not run.
    missed = [] if args.quick else [f for f in figures if f["ok"] is False]
    return 1 if failures or missed else 0


def manage(*argv):
    return subprocess.run([sys.executable, str(ROOT / "manage.py"), *argv], check=False).returncode


def prepare_database():
    """Create the configured PostgreSQL database if it is missing, and migrate it."""
    url = os.environ.get("DATABASE_URL", "")
    config = dj_database_url.parse(url) if url else {}
    if "postgresql" not in config.get("ENGINE", ""):
        sys.exit("The benchmarks need PostgreSQL: set DATABASE_URL=postgres://...")
    with psycopg.connect(
        dbname="postgres",
        user=config.get("USER") or None,
        password=config.get("PASSWORD") or None,
        host=config.get("HOST") or "127.0.0.1",
        port=config.get("PORT") or 5432,
        autocommit=True,
    ) as conn:
        name = config["NAME"]
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"Created database {name}.")
    if manage("migrate", "--noinput", "-v0") != 0:
        sys.exit("migrate failed")


def print_table(figures, failures, *, quick):
    header = ("benchmark", "measure", "value", "target", "result", "note")
    rows = [
        (
            f["benchmark"],
            f["measure"],
            f"{f['value']:,.2f} {f['unit']}",
            f["target"],
            {True: "OK", False: "MISSED", None: ""}[f["ok"]],
            f["note"],
        )
        for f in figures
    ]
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header) - 1)]
    line = "  ".join("-" * w for w in widths)
    print(f"\nSummary{' (quick mode: small sizes, figures not comparable to targets)' * quick}")
    print(line)
    for row in [header, *rows]:
        print("  ".join(str(cell).ljust(w) for cell, w in zip(row, widths, strict=False)), end="")
        print(f"  {row[-1]}".rstrip())
        if row is header:
            print(line)
    print(line)
    met = sum(f["ok"] is True for f in figures)
    targets = sum(f["ok"] is not None for f in figures)
    print(f"{met} of {targets} targets met.")
    for failure in failures:
        print(f"FAILED to run: {failure}")


if __name__ == "__main__":
    sys.exit(main())
