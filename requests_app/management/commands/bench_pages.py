"""Benchmark: the request and audit pages with 100,000 requests and 1,000,000 audit entries.

Runs in a throwaway PostgreSQL database (created next to the configured one, dropped at the
end). Fills it with COPY (requests_app.benchmark_data), then requests every list and detail page
with the Django test client, logged in as each role that sees it, and prints per page the
median and 95th-percentile time and the number of SQL queries; then times verify_audit over
the whole chain.
"""

import io
import time
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, reset_queries
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal import benchmarks
from requests_app.benchmark_data import Cast, Filler, Sizes
from requests_app.models import FootageRequest, Status

TARGET_P95_MS = 300.0


class Command(BaseCommand):
    help = (
        "Time the request list and detail pages and the audit log with 100,000 requests and "
        "1,000,000 audit entries in a throwaway PostgreSQL database; print median/p95 ms and "
        "SQL queries per page, and the time of verify_audit over the whole chain."
    )

    def add_arguments(self, parser):
        parser.add_argument("--requests", type=int, help=f"default {Sizes.requests:,}")
        parser.add_argument("--audit-entries", type=int, help=f"default {Sizes.audit_entries:,}")
        parser.add_argument("--runs", type=int, help="timed requests per page (default 30)")
        parser.add_argument(
            "--quick",
            action="store_true",
            help="smaller defaults: a few hundred requests, 3,000 entries, 5 runs",
        )
        parser.add_argument("--json", help="also write the figures to this file (scripts/bench)")
        parser.add_argument(
            "--here",
            action="store_true",
            help="fill and measure the configured database itself (tests: an empty test DB)",
        )
        parser.add_argument(
            "--reuse",
            action="store_true",
            help="measure the configured database as an earlier --here run left it (no fill)",
        )
        parser.add_argument("--inside", action="store_true", help="(internal)")

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError("bench_pages needs PostgreSQL: set DATABASE_URL=postgres://...")
        defaults = Sizes.quick() if options["quick"] else Sizes()
        options["requests"] = options["requests"] or defaults.requests
        options["audit_entries"] = options["audit_entries"] or defaults.audit_entries
        options["runs"] = options["runs"] or (5 if options["quick"] else 30)
        if options["inside"] or options["here"] or options["reuse"]:
            self.bench(options)
            return
        forwarded = [
            f"--requests={options['requests']}",
            f"--audit-entries={options['audit_entries']}",
            f"--runs={options['runs']}",
        ]
        if options["quick"]:
            forwarded.append("--quick")
        if options["json"]:
            forwarded.append(f"--json={Path(options['json']).resolve()}")
        benchmarks.run_in_throwaway_database("bench_pages", forwarded, stdout=self.stdout)

    def bench(self, options):
        sizes = Sizes.quick() if options["quick"] else Sizes()
        sizes.requests, sizes.audit_entries = options["requests"], options["audit_entries"]
        sizes.citizens = min(sizes.citizens, max(10, sizes.requests // 3))
        if options["reuse"]:
            cast = Cast.find()
            sizes.requests = FootageRequest.objects.count()
            sizes.audit_entries = connection_count("portal_auditentry")
        else:
            self.stdout.write(
                f"Filling {sizes.requests:,} requests and {sizes.audit_entries:,} audit entries..."
            )
            cast = Filler(sizes, log=self.stdout.write).fill()
        summary = benchmarks.Summary("pages")
        scale = f"{sizes.requests:,} requests, {sizes.audit_entries:,} audit entries"
        pages = self.pages(cast)
        width = max(len(label) for label, *_ in pages)
        self.stdout.write(f"\n{'page':<{width}}  {'median ms':>9}  {'p95 ms':>8}  {'queries':>7}")
        # DEBUG=False as in production: the numbers must not include Django's query log.
        with override_settings(DEBUG=False, SECURE_SSL_REDIRECT=False, ALLOWED_HOSTS=["*"]):
            for label, user, url in pages:
                median, p95, queries = self.measure(user, url, options["runs"])
                ok = p95 <= TARGET_P95_MS
                mark = "" if ok else f"  (over {TARGET_P95_MS:.0f} ms)"
                self.stdout.write(
                    f"{label:<{width}}  {median:>9.1f}  {p95:>8.1f}  {queries:>7}{mark}"
                )
                summary.add(
                    f"{label}, p95",
                    p95,
                    "ms",
                    target=f"<= {TARGET_P95_MS:.0f} ms",
                    ok=ok,
                    note=f"median {median:.1f} ms, {queries} SQL queries",
                )
        self.stdout.write("")
        seconds, checked = self.verify_audit()
        self.stdout.write(
            f"verify_audit over {checked:,} entries: {seconds:.1f} s "
            f"({checked / seconds:,.0f} entries/s)"
        )
        summary.add(
            "verify_audit, whole chain",
            seconds,
            "s",
            note=f"{checked / seconds:,.0f} entries/s; data: {scale}",
        )
        summary.write(options["json"])

    def pages(self, cast):
        """(label, user, url) of every page measured."""
        mine = FootageRequest.objects.filter(filed_by=cast.citizen).order_by("-filed_at").first()
        station_request = (
            FootageRequest.objects.filter(station=cast.station).order_by("-filed_at").first()
        )
        # The control room's view of a request with several items and exports.
        busy = (
            FootageRequest.objects.filter(status=Status.DELIVERED)
            .order_by("-filed_at")
            .filter(items__position=1)
            .first()
        ) or station_request
        camera = busy.items.first().camera.code
        audit_pages = max(1, connection_count("portal_auditentry") // 50)
        list_url = reverse("requests-list")
        queue = reverse("requests-queue")
        return [
            ("citizen: my requests", cast.citizen, list_url),
            ("citizen: request detail", cast.citizen, detail(mine)),
            ("officer: station requests", cast.officer, list_url),
            ("officer: endorsements", cast.officer, reverse("requests-endorsements")),
            ("officer: downloads", cast.officer, reverse("requests-downloads")),
            ("officer: request detail", cast.officer, detail(station_request)),
            ("operator: review queue", cast.operator, queue),
            (
                "operator: queue, status+station",
                cast.operator,
                f"{queue}?status=under_review&station={cast.station.code}",
            ),
            ("operator: queue, camera", cast.operator, f"{queue}?camera={camera}"),
            ("operator: all, reference search", cast.operator, f"{list_url}?q={busy.reference}"),
            ("operator: due soon", cast.operator, reverse("requests-due-soon")),
            ("operator: overdue", cast.operator, reverse("requests-overdue")),
            ("operator: all requests", cast.operator, list_url),
            ("operator: all requests, page 2000", cast.operator, f"{list_url}?page=2000"),
            ("supervisor: request detail", cast.supervisor, detail(busy)),
            ("auditor: all requests", cast.auditor, list_url),
            ("auditor: request detail", cast.auditor, detail(busy)),
            ("auditor: audit log", cast.auditor, reverse("portal-audit")),
            (
                "auditor: audit log, middle page",
                cast.auditor,
                f"{reverse('portal-audit')}?page={audit_pages // 2}",
            ),
            (
                "auditor: audit log, last page",
                cast.auditor,
                f"{reverse('portal-audit')}?page={audit_pages}",
            ),
            (
                "auditor: audit log, action filter",
                cast.auditor,
                f"{reverse('portal-audit')}?action=evidence.export",
            ),
        ]

    def measure(self, user, url, runs):
        """(median ms, p95 ms, queries) of GET `url` as `user`, after two warm-up requests."""
        client = Client()
        client.force_login(user)
        for _ in range(2):
            response = client.get(url, secure=True)
            if response.status_code != 200:
                raise CommandError(f"{url} as {user}: HTTP {response.status_code}")
        reset_queries()  # a full query log (DEBUG=1 while filling) would hide the count
        with CaptureQueriesContext(connection) as queries:
            client.get(url, secure=True)
        count = len(queries)  # now: the next request clears the log that `queries` reads
        timings = []
        for _ in range(runs):
            began = time.perf_counter()
            client.get(url, secure=True)
            timings.append((time.perf_counter() - began) * 1000)
        median, p95 = benchmarks.median_p95(timings)
        return median, p95, count

    def verify_audit(self):
        out = io.StringIO()
        began = time.perf_counter()
        call_command("verify_audit", stdout=out)  # exits 1 (SystemExit) on a broken chain
        seconds = time.perf_counter() - began
        checked = int(out.getvalue().split("intact, ")[1].split()[0])
        return seconds, checked


def detail(footage_request):
    return reverse("requests-detail", args=[footage_request.reference])


def connection_count(table):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 (a fixed table name)
        return cursor.fetchone()[0]
