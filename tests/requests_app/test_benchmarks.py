"""The benchmark commands work (tiny sizes). Correctness only: no timing is asserted here."""

import importlib.util
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from portal import audit
from portal.models import AuditEntry, User
from requests_app import selectors
from requests_app.benchmark_data import Filler, Sizes
from requests_app.models import FootageRequest
from tests import services

PAGE_LABELS = ("citizen: my requests", "officer: station requests", "auditor: audit log")


def _figures(path):
    return {f["measure"]: f for f in json.loads(Path(path).read_text())}


@pytest.mark.services
def test_bench_pages_fills_a_valid_chain_and_prints_every_page(postgres, tmp_path, capsys):
    summary = tmp_path / "pages.json"
    before = AuditEntry.objects.count()
    call_command(
        "bench_pages",
        "--here",
        "--quick",
        "--requests=60",
        "--audit-entries=500",
        "--runs=1",
        f"--json={summary}",
    )
    out = capsys.readouterr().out
    assert "median ms" in out and "queries" in out
    for label in PAGE_LABELS:
        line = next(line for line in out.splitlines() if line.startswith(label))
        assert int(line.split()[-1]) > 0  # the query count of a real page
    report = audit.verify_chain()
    # 500 bulk entries after the test's own, then one login entry per page measured.
    assert report.ok and report.checked == AuditEntry.objects.count() > before + 500
    assert f"verify_audit over {report.checked:,} entries" in out
    assert FootageRequest.objects.count() == 60
    figures = _figures(summary)
    assert "SQL queries" in figures["auditor: audit log, last page, p95"]["note"]
    assert figures["verify_audit, whole chain"]["unit"] == "s"


def test_bench_data_grants_what_the_real_code_grants(postgres):
    """The guardian rows written in bulk give each role the same lists as grant_view()."""
    cast = Filler(Sizes(requests=80, audit_entries=10, stations=3, cameras=4, citizens=20)).fill()
    own = FootageRequest.objects.filter(filed_by=cast.citizen)
    assert own.exists()
    assert set(selectors.visible_requests(cast.citizen)) == set(own)
    station = FootageRequest.objects.filter(station=cast.officer.station)
    assert set(selectors.visible_requests(cast.officer)) == set(station)
    assert selectors.visible_requests(cast.operator).count() == 80
    stranger = User.objects.filter(username__startswith="citizen").exclude(pk=cast.citizen.pk)
    assert not set(selectors.visible_requests(stranger.first())) & set(own)


def test_a_tampered_bench_chain_fails_verification(postgres):
    """The bulk chain is checked for real: one changed byte breaks it at that entry."""
    Filler(Sizes(requests=5, audit_entries=50, stations=1, cameras=1, citizens=3)).fill()
    assert audit.verify_chain().ok
    victim = AuditEntry.objects.order_by("seq")[20]
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")  # bypasses the trigger
        cursor.execute(
            "UPDATE portal_auditentry SET object_label = 'FR-2026-999999' WHERE seq = %s",
            [victim.seq],
        )
        cursor.execute("SET session_replication_role = DEFAULT")
    report = audit.verify_chain()
    assert not report.ok and report.bad_seq == victim.seq


@pytest.mark.services
@pytest.mark.slow
def test_bench_pages_runs_in_a_throwaway_database_and_drops_it(transactional_db, tmp_path):
    services.require_postgres()
    summary = tmp_path / "pages.json"
    call_command(
        "bench_pages", "--quick", "--requests=40", "--audit-entries=200", "--runs=1",
        f"--json={summary}",
    )  # fmt: skip
    assert "citizen: my requests, p95" in _figures(summary)
    assert not _throwaway_databases()


@pytest.mark.services
@pytest.mark.slow
def test_bench_coverage_writes_its_figures(transactional_db, tmp_path):
    services.require_postgres()
    summary = tmp_path / "coverage.json"
    call_command(
        "bench_coverage", "--cameras=2", "--days=1", "--queries=5", "--files=1",
        f"--json={summary}",
    )  # fmt: skip
    figures = _figures(summary)
    p95 = figures["coverage query, 2 h window: p95"]
    assert p95["target"] == "< 20 ms" and p95["ok"] in (True, False)
    assert figures["ingest rate (real files)"]["value"] > 0
    assert not _throwaway_databases()


@pytest.mark.slow
def test_bench_export_writes_its_figures(db, tmp_path):
    summary = tmp_path / "export.json"
    call_command(
        "bench_export", "--seconds=4", "--size=320x180", "--fps=10", "--segment-seconds=2",
        f"--json={summary}",
    )  # fmt: skip
    figures = _figures(summary)
    assert figures["export pipeline / bare ffmpeg"]["target"] == "<= 1.15"
    assert figures["hashing / sha256sum"]["value"] > 0
    assert Path(settings.DATA_DIR, "bench-footage").is_dir()


def _throwaway_databases():
    name = connection.settings_dict["NAME"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT datname FROM pg_database WHERE datname LIKE %s", [f"{name}_bench_%"])
        return cursor.fetchall()


def _runner():
    path = Path(settings.BASE_DIR) / "scripts" / "bench.py"
    spec = importlib.util.spec_from_file_location("bench_runner", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_runner_table_marks_targets(capsys):
    figure = {"benchmark": "pages", "unit": "ms", "note": ""}
    _runner().print_table(
        [
            {**figure, "measure": "fast page", "value": 12.5, "target": "<= 300 ms", "ok": True},
            {**figure, "measure": "slow page", "value": 900, "target": "<= 300 ms", "ok": False},
            {**figure, "measure": "rate", "value": 64, "target": "", "ok": None},
        ],
        ["export (exit 1)"],
        quick=False,
    )
    lines = capsys.readouterr().out.splitlines()
    assert next(line for line in lines if "fast page" in line).split()[-1] == "OK"
    assert "MISSED" in next(line for line in lines if "slow page" in line)
    assert "1 of 2 targets met." in lines
    assert "FAILED to run: export (exit 1)" in lines
