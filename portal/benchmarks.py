"""Plumbing shared by the benchmark commands (bench_coverage, bench_export, bench_pages).

Benchmarks are management commands run on demand (`bash scripts/bench` runs them all); they are
never part of the test suite. Each can write a machine-readable summary (`--json FILE`) that the
runner collects into one table.
"""

import json
import os
import statistics
import subprocess
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection


def throwaway_url():
    """(name, DATABASE_URL) of a new database next to the configured PostgreSQL one."""
    db = connection.settings_dict
    name = f"{db['NAME']}_bench_{os.getpid()}"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    url = (
        f"postgres://{db.get('USER') or ''}{password}@{db.get('HOST') or '127.0.0.1'}:"
        f"{db.get('PORT') or 5432}/{name}"
    )
    return name, url


def run_in_throwaway_database(command, forwarded, *, stdout):
    """Run `manage.py <command> --inside <forwarded...>` in a fresh, migrated PostgreSQL
    database created next to the configured one, and drop that database afterwards, so the
    real data is never touched and the numbers do not depend on it."""
    if connection.vendor != "postgresql":
        raise CommandError(f"{command} needs PostgreSQL: set DATABASE_URL=postgres://...")
    name, url = throwaway_url()
    env = {**os.environ, "DATABASE_URL": url}
    manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    stdout.write(f"Throwaway database {name}: migrating...")
    try:
        subprocess.run([*manage, "migrate", "-v0"], env=env, check=True)
        subprocess.run([*manage, command, "--inside", *forwarded], env=env, check=True)
    except subprocess.CalledProcessError as error:
        raise CommandError(f"benchmark failed: {error}") from None
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        stdout.write(f"Dropped {name}.")


def median_p95(timings):
    """(median, 95th percentile) of a list of numbers (nearest-rank, as the commands print)."""
    ordered = sorted(timings)
    return statistics.median(ordered), ordered[int(0.95 * (len(ordered) - 1))]


@dataclass
class Figure:
    """One line of the summary table. `ok` is None for figures without a target."""

    benchmark: str
    measure: str
    value: float
    unit: str
    target: str = ""
    ok: bool | None = None
    note: str = ""


class Summary:
    """The figures of one benchmark run, written as JSON for scripts/bench's table."""

    def __init__(self, benchmark):
        self.benchmark = benchmark
        self.figures = []

    def add(self, measure, value, unit, *, target="", ok=None, note=""):
        self.figures.append(
            Figure(self.benchmark, measure, round(float(value), 3), unit, target, ok, note)
        )

    def write(self, path):
        if path:
            Path(path).write_text(json.dumps([asdict(f) for f in self.figures], indent=1))
