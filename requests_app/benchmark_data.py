"""Bulk data for bench_pages: stations, users, requests with their items, holds, export jobs,
timelines and object permissions, and a valid audit hash chain, written with COPY.

Only for a throwaway benchmark database: rows are written directly, not through the services,
but in the shape the services leave them (the same columns, the same guardian rows as
permissions.grant_view(), the same hash chain as audit.log()).
"""

import hashlib
import itertools
import json
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from random import Random

from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.db.models import Count

from evidence.models import Camera, ExportFile, ExportJob, PreservationHold, Recorder
from portal import audit, roles
from portal.models import AuditEntry, PoliceStation, User

from . import permissions, services
from .models import (
    FootageRequest,
    FootageRequestGroupObjectPermission,
    FootageRequestUserObjectPermission,
    RequestItem,
    Status,
    StatusChange,
)

S = Status
# How a request reaches each status (citizen requests pass through the station's endorsement).
PATHS = {
    S.AWAITING_ENDORSEMENT: [S.SUBMITTED, S.AWAITING_ENDORSEMENT],
    S.UNDER_REVIEW: [S.SUBMITTED, S.UNDER_REVIEW],
    S.NEEDS_INFORMATION: [S.SUBMITTED, S.UNDER_REVIEW, S.NEEDS_INFORMATION],
    S.REJECTED: [S.SUBMITTED, S.UNDER_REVIEW, S.REJECTED],
    S.WITHDRAWN: [S.SUBMITTED, S.WITHDRAWN],
    S.FOOTAGE_UNAVAILABLE: [S.SUBMITTED, S.UNDER_REVIEW, S.FOOTAGE_UNAVAILABLE],
    S.APPROVED: [S.SUBMITTED, S.UNDER_REVIEW, S.APPROVED],
    S.EXPORTING: [S.SUBMITTED, S.UNDER_REVIEW, S.APPROVED, S.EXPORTING],
    S.READY: [S.SUBMITTED, S.UNDER_REVIEW, S.APPROVED, S.EXPORTING, S.READY],
    S.DELIVERED: [S.SUBMITTED, S.UNDER_REVIEW, S.APPROVED, S.EXPORTING, S.READY, S.DELIVERED],
    S.CLOSED: [
        S.SUBMITTED,
        S.UNDER_REVIEW,
        S.APPROVED,
        S.EXPORTING,
        S.READY,
        S.DELIVERED,
        S.CLOSED,
    ],
}
# A city's archive: most requests are long finished, a few hundred are open at any time.
WEIGHTS = {
    S.CLOSED: 45,
    S.DELIVERED: 14,
    S.REJECTED: 8,
    S.WITHDRAWN: 5,
    S.FOOTAGE_UNAVAILABLE: 5,
    S.READY: 3,
    S.EXPORTING: 1,
    S.APPROVED: 1,
    S.UNDER_REVIEW: 4,
    S.AWAITING_ENDORSEMENT: 3,
    S.NEEDS_INFORMATION: 1,
}
OPEN = (S.AWAITING_ENDORSEMENT, S.UNDER_REVIEW, S.NEEDS_INFORMATION)
EXPORTED = (S.EXPORTING, S.READY, S.DELIVERED, S.CLOSED)
RELEASED = (S.REJECTED, S.WITHDRAWN, S.FOOTAGE_UNAVAILABLE, S.CLOSED)
AUDIT_ACTIONS = [
    ("portal.auth.login", 30),
    ("requests.request.filed", 10),
    ("requests.request.under_review", 10),
    ("requests.request.approved", 6),
    ("evidence.hold.placed", 10),
    ("evidence.export.succeeded", 6),
    ("evidence.export.downloaded", 8),
    ("evidence.ingest.indexed", 15),
    ("portal.access.denied", 2),
    ("requests.request.closed", 3),
]


@dataclass
class Sizes:
    requests: int = 100_000
    audit_entries: int = 1_000_000
    stations: int = 40
    cameras: int = 300
    citizens: int = 30_000
    officers_per_station: int = 3

    @classmethod
    def quick(cls):
        return cls(requests=400, audit_entries=3_000, stations=4, cameras=10, citizens=100)


@dataclass
class Cast:
    """The users bench_pages logs in as."""

    citizen: User
    officer: User
    operator: User
    supervisor: User
    auditor: User

    @property
    def station(self):
        return self.officer.station

    @classmethod
    def find(cls):
        """The cast of a filled database: the citizen with the longest "My requests" list,
        the first officer of the first station, the first of each control-room role."""
        top = (
            FootageRequest.objects.filter(origin=FootageRequest.Origin.CITIZEN)
            .values("filed_by")
            .annotate(n=Count("pk"))
            .order_by("-n", "filed_by")
            .first()
        )
        return cls(
            citizen=User.objects.get(pk=top["filed_by"]),
            officer=User.objects.select_related("station").get(username="officer-ps-000-0"),
            operator=User.objects.get(username="operator0"),
            supervisor=User.objects.get(username="supervisor0"),
            auditor=User.objects.get(username="auditor0"),
        )


def copy_rows(model, columns, rows):
    """COPY `rows` (tuples in `columns` order) into `model`'s table; every other column gets
    its field default, as the ORM would write it. Returns the number of rows."""
    meta = model._meta
    rest = [f for f in meta.concrete_fields if f.name not in columns and not f.primary_key]
    defaults = tuple(
        json.dumps(value) if isinstance(value, dict | list) else value
        for value in (f.get_default() for f in rest)
    )
    names = ", ".join(f'"{meta.get_field(c).column}"' for c in columns)
    names += "".join(f', "{f.column}"' for f in rest)
    count = 0
    sql = f"COPY {meta.db_table} ({names}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row + defaults)
            count += 1
    return count


def reset_sequence(model):
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608 (a model's table)
            f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
        )


class Filler:
    """Writes one data set of `sizes` (reproducible for a seed); fill() returns its Cast."""

    def __init__(self, sizes, *, now=None, seed=42, log=print):
        self.sizes = sizes
        self.now = now or datetime.now(UTC)
        self.rng = Random(seed)
        self.log = log

    def fill(self):
        began = time.perf_counter()
        self.people()
        self.log(f"  stations, cameras, users: {time.perf_counter() - began:.1f} s")
        began = time.perf_counter()
        self.requests()
        self.log(f"  requests and their rows: {time.perf_counter() - began:.1f} s")
        began = time.perf_counter()
        self.audit_chain()
        self.log(f"  audit chain: {time.perf_counter() - began:.1f} s")
        with connection.cursor() as cursor:
            # What autovacuum does after a bulk load: statistics and the visibility map (which
            # lets the lists' key queries be index-only scans). VACUUM cannot run in a
            # transaction (the tests' database), ANALYZE alone can.
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
        return Cast.find()

    # --- people ---------------------------------------------------------------------------

    def people(self):
        sizes = self.sizes
        self.stations = PoliceStation.objects.bulk_create(
            PoliceStation(code=f"ps-{n:03d}", name=f"Station {n:03d}", district=f"D{n % 8}")
            for n in range(sizes.stations)
        )
        recorder = Recorder.objects.create(code="bench-nvr", name="Benchmark NVR")
        self.cameras = Camera.objects.bulk_create(
            Camera(
                code=f"cam-{n:04d}",
                name=f"Junction {n}",
                location_description=f"Ring road junction {n}",
                zone=f"Zone {n % 12}",
                recorder=recorder,
            )
            for n in range(sizes.cameras)
        )
        groups = {g.name: g for g in Group.objects.filter(name__in=roles.ALL_ROLES)}
        password = "!unusable"  # noqa: S105 (an unusable hash: force_login needs none)
        users, memberships = [], []

        def user(username, role, station=None):
            users.append(
                User(
                    username=username,
                    email=f"{username}@bench.invalid",
                    password=password,
                    first_name=username.title(),
                    station=station,
                )
            )
            memberships.append(role)

        for n in range(sizes.citizens):
            user(f"citizen{n:05d}", roles.CITIZEN)
        for station in self.stations:
            for n in range(sizes.officers_per_station):
                user(f"officer-{station.code}-{n}", roles.STATION_OFFICER, station)
        for n in range(5):
            user(f"operator{n}", roles.OPERATOR)
        for n in range(3):
            user(f"supervisor{n}", roles.SUPERVISOR)
        for n in range(2):
            user(f"auditor{n}", roles.AUDITOR)
        users = User.objects.bulk_create(users, batch_size=2000)
        station_groups = {s.pk: permissions.station_group(s) for s in self.stations}
        through = User.groups.through
        rows = [
            through(user_id=u.pk, group_id=groups[r].pk)
            for u, r in zip(users, memberships, strict=True)
        ]
        rows += [
            through(user_id=u.pk, group_id=station_groups[u.station_id].pk)
            for u in users
            if u.station_id
        ]
        through.objects.bulk_create(rows, batch_size=5000)
        by_role = {}
        for u, r in zip(users, memberships, strict=True):
            by_role.setdefault(r, []).append(u)
        self.users = users
        self.citizens = by_role[roles.CITIZEN]
        self.officers = {}
        for officer in by_role[roles.STATION_OFFICER]:
            self.officers.setdefault(officer.station_id, []).append(officer)
        self.operators = by_role[roles.OPERATOR]
        self.supervisors = by_role[roles.SUPERVISOR]
        self.station_groups = station_groups

    # --- requests -------------------------------------------------------------------------

    def requests(self):
        rng, now = self.rng, self.now
        statuses = list(WEIGHTS)
        weights = list(WEIGHTS.values())
        # A few citizens come back often; most file once or twice.
        citizen_weights = list(
            itertools.accumulate(1 / (1 + n) ** 0.6 for n in range(len(self.citizens)))
        )
        view = Permission.objects.get(
            codename=permissions.VIEW_PERMISSION, content_type__app_label="requests_app"
        )
        requests, items, holds, jobs, files, history = [], [], [], [], [], []
        user_perms, group_perms = [], []
        for pk in range(1, self.sizes.requests + 1):
            status = rng.choices(statuses, weights)[0]
            station = rng.choice(self.stations)
            officers = self.officers[station.pk]
            citizen = rng.random() < 0.6
            if not citizen and status == S.AWAITING_ENDORSEMENT:
                status = S.UNDER_REVIEW  # a station's own requests need no endorsement
            if citizen:
                filer = rng.choices(self.citizens, cum_weights=citizen_weights)[0]
            else:
                filer = rng.choice(officers)
            path = list(PATHS[status])
            if citizen and status != S.AWAITING_ENDORSEMENT:
                path.insert(1, S.AWAITING_ENDORSEMENT)
            if status in OPEN:
                filed = now - timedelta(hours=rng.uniform(1, 110))
            else:
                filed = now - timedelta(days=rng.uniform(4, 730))
            step = timedelta(hours=rng.uniform(1, 20))
            changed = filed + step * (len(path) - 1)
            due = filed + timedelta(hours=72)
            approved = status in (S.APPROVED, *EXPORTED)
            requests.append(
                (
                    pk,
                    f"FR-{filed.year}-{pk:06d}",
                    "citizen" if citizen else "station",
                    filer.pk,
                    station.pk,
                    str(rng.randint(1, 999)),
                    filed.year,
                    filed.date(),
                    f"Complainant {pk}" if citizen else "",
                    f"98{pk:08d}" if citizen else "",
                    "Ring road, near the bus stand",
                    "A phone was stolen in an auto-rickshaw near the market. " * 3,
                    "Identify the vehicle",
                    status,
                    changed,
                    filed,
                    due,
                    0,
                    "",
                    rng.choice(officers).pk if citizen and len(path) > 2 else None,
                    rng.choice(self.operators).pk if approved else None,
                    rng.choice(self.supervisors).pk if approved else None,
                    changed,
                )
            )
            user_perms.append((view.pk, filer.pk, pk))
            group_perms.append((view.pk, self.station_groups[station.pk].pk, pk))
            for n, (before, after) in enumerate(zip(["", *path], path, strict=False)):
                actor = filer if n <= 1 else rng.choice(self.operators)
                history.append((pk, before, after, actor.pk, "", filed + step * max(0, n - 1)))
            for position in range(rng.choice((1, 1, 1, 2, 2, 3))):
                item_pk = len(items) + 1
                camera = rng.choice(self.cameras)
                start = filed - timedelta(hours=rng.uniform(2, 96))
                end = start + timedelta(minutes=rng.choice((15, 30, 60, 120)))
                holds.append(
                    (
                        item_pk,
                        camera.pk,
                        start,
                        end,
                        f"Footage request FR-{filed.year}-{pk:06d}",
                        services.REQUEST_LINK,
                        str(pk),
                        f"FR-{filed.year}-{pk:06d}",
                        filer.pk,
                        filed,
                        changed if status in RELEASED else None,
                    )
                )
                job_pk = None
                if status in EXPORTED:
                    job_pk = len(jobs) + 1
                    failed = status == S.EXPORTING and rng.random() < 0.3
                    jobs.append(
                        self.job_row(job_pk, camera, start, end, item_pk, failed, filed + step * 3)
                    )
                    if not failed:
                        for kind in ("master", "working", "certificate"):
                            files.append(self.file_row(len(files) + 1, job_pk, kind))
                items.append(
                    (item_pk, pk, position, camera.pk, start, end, "covered", "", 100.0)
                    + (item_pk, job_pk)
                )
        self.write_requests(requests, items, holds, jobs, files, history, user_perms, group_perms)

    def job_row(self, pk, camera, start, end, item_pk, failed, at):
        status = "failed" if failed else "succeeded"
        return (
            pk,
            secrets.token_hex(16),
            camera.pk,
            start,
            end,
            True,
            "{}",
            services.ITEM_LINK,
            str(item_pk),
            "",
            status,
            0 if failed else 100,
            "ffmpeg failed: benchmark" if failed else "",
            1,
            at,
            at,
            at,
        )

    def file_row(self, pk, job_pk, kind):
        suffix = "pdf" if kind == "certificate" else "mp4"
        return (
            pk,
            job_pk,
            kind,
            secrets.token_hex(16),
            f"exports/{job_pk}/{kind}.{suffix}",
            hashlib.sha256(f"{job_pk}-{kind}".encode()).hexdigest(),
            50_000_000,
            self.now,
        )

    def write_requests(self, requests, items, holds, jobs, files, history, user_p, group_p):
        copy_rows(
            FootageRequest,
            [
                "id",
                "reference",
                "origin",
                "filed_by",
                "station",
                "fir_number",
                "fir_year",
                "fir_date",
                "complainant_name",
                "complainant_phone",
                "incident_place",
                "incident_description",
                "purpose",
                "status",
                "status_changed_at",
                "filed_at",
                "due_at",
                "paused_seconds",
                "paused_from",
                "endorsed_by",
                "prepared_by",
                "approved_by",
                "updated_at",
            ],
            requests,
        )
        copy_rows(
            PreservationHold,
            [
                "id",
                "camera",
                "start",
                "end",
                "reason",
                "linked_type",
                "linked_id",
                "linked_label",
                "created_by",
                "created_at",
                "released_at",
            ],
            holds,
        )
        copy_rows(
            ExportJob,
            [
                "id",
                "token",
                "camera",
                "start",
                "end",
                "allow_gaps",
                "case",
                "linked_type",
                "linked_id",
                "linked_label",
                "status",
                "progress",
                "error",
                "attempts",
                "created_at",
                "started_at",
                "finished_at",
            ],
            jobs,
        )
        copy_rows(
            ExportFile,
            ["id", "job", "kind", "token", "path", "sha256", "size", "created_at"],
            files,
        )
        copy_rows(
            RequestItem,
            [
                "id",
                "request",
                "position",
                "camera",
                "start",
                "end",
                "availability_status",
                "availability_message",
                "coverage_percent",
                "hold",
                "export_job",
            ],
            items,
        )
        copy_rows(
            StatusChange, ["request", "from_status", "to_status", "actor", "reason", "at"], history
        )
        copy_rows(
            FootageRequestUserObjectPermission, ["permission", "user", "content_object"], user_p
        )
        copy_rows(
            FootageRequestGroupObjectPermission, ["permission", "group", "content_object"], group_p
        )
        for model in (FootageRequest, PreservationHold, ExportJob, ExportFile, RequestItem):
            reset_sequence(model)
        self.log(
            f"  {len(requests):,} requests, {len(items):,} items and holds, {len(jobs):,} export"
            f" jobs, {len(files):,} files, {len(history):,} timeline rows, "
            f"{len(user_p) + len(group_p):,} object permissions"
        )

    # --- the audit chain ------------------------------------------------------------------

    def audit_chain(self):
        """Append `audit_entries` entries after the current head, hashed exactly as
        audit.log() hashes them, so that verify_audit passes over the whole chain."""
        rng, total = self.rng, self.sizes.audit_entries
        seq, prev = audit.chain_head()
        actions = [a for a, _w in AUDIT_ACTIONS]
        weights = [w for _a, w in AUDIT_ACTIONS]
        actors = [(u.pk, u.username) for u in rng.sample(self.users, min(2000, len(self.users)))]
        first = self.now - timedelta(days=730)
        spacing = timedelta(days=729) / max(1, total)
        requests = self.sizes.requests

        def rows():
            nonlocal seq, prev
            for n in range(total):
                seq += 1
                action = rng.choices(actions, weights)[0]
                actor_id, actor_label = rng.choice(actors)
                request_id = str(rng.randint(1, requests))
                entry = {
                    "seq": seq,
                    "at": first + spacing * n + timedelta(microseconds=rng.randrange(1000)),
                    "actor_id": actor_id,
                    "actor_label": actor_label,
                    "ip": f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}",
                    "action": action,
                    "object_type": "requests_app.footagerequest",
                    "object_id": request_id,
                    "object_label": f"FR-2026-{int(request_id):06d}",
                    "details": {"station": f"ps-{n % 40:03d}", "n": n},
                    "prev_hash": prev,
                }
                digest = hashlib.sha256(audit.canonical_bytes(**entry)).hexdigest()
                prev = digest
                yield (
                    entry["seq"],
                    entry["at"],
                    actor_id,
                    actor_label,
                    entry["ip"],
                    action,
                    entry["object_type"],
                    request_id,
                    entry["object_label"],
                    json.dumps(entry["details"]),
                    entry["prev_hash"],
                    digest,
                )

        count = copy_rows(
            AuditEntry,
            [
                "seq",
                "at",
                "actor",
                "actor_label",
                "ip",
                "action",
                "object_type",
                "object_id",
                "object_label",
                "details",
                "prev_hash",
                "entry_hash",
            ],
            rows(),
        )
        reset_sequence(AuditEntry)
        self.log(f"  {count:,} audit entries (chain head #{seq})")
        return count
