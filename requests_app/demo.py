"""Demo requests in a few states, for the embedded mode. Idempotent: each has a fixed token."""

import uuid
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from evidence.models import Camera

from . import filing, services
from .models import FootageRequest, Status

# (token name, filer, FIR number, how many cameras, minutes ago, the steps after filing)
DEMO = [
    ("demo-request-awaiting", "citizen", "101", 2, 50, []),
    ("demo-request-review", "officer", "202", 1, 90, [("prepare", "operator", "")]),
    (
        "demo-request-question",
        "citizen",
        "303",
        1,
        30,
        [
            (Status.UNDER_REVIEW, "officer", ""),
            (Status.NEEDS_INFORMATION, "operator", "Which side of the road was the auto?"),
        ],
    ),
]


def seed_requests(out=None):
    """File the demo requests that do not exist yet (needs demo users and cameras)."""
    write = out.write if out is not None else (lambda line: None)
    users = {user.username: user for user in get_user_model().objects.all()}
    cameras = list(Camera.objects.filter(active=True).order_by("code")[:2])
    if not cameras or not {"citizen", "officer", "operator"} <= set(users):
        write("No demo cameras or users: no demo requests.")
        return []
    now = timezone.now().replace(microsecond=0)
    station = users["officer"].station
    filed = []
    write("Demo requests:")
    for name, filer, fir, count, minutes_ago, steps in DEMO:
        token = uuid.uuid5(uuid.NAMESPACE_URL, f"footage-portal/{name}")
        existing = FootageRequest.objects.filter(submission_token=token).first()
        if existing is None:
            start = now - timedelta(minutes=minutes_ago)
            existing, _created = filing.file_request(
                filer=users[filer],
                station=station,
                fir_number=fir,
                fir_year=(now - timedelta(days=1)).year,
                fir_date=(now - timedelta(days=1)).date(),
                complainant_name="Asha Verma" if filer == "citizen" else "",
                complainant_phone="9876500000" if filer == "citizen" else "",
                incident_place="Auto-rickshaw stand near the market gate",
                incident_description="A phone was stolen in a shared auto-rickshaw.",
                purpose="Identify the auto-rickshaw and the suspect",
                items=[
                    (camera, start, start + timedelta(minutes=10)) for camera in cameras[:count]
                ],
                token=token,
            )
            for step, actor, reason in steps:
                if step == "prepare":
                    services.mark_prepared(request=existing, actor=users[actor])
                else:
                    services.transition(existing, step, actor=users[actor], reason=reason)
        write(f"  {existing.reference:<16} {existing.get_status_display()}")
        filed.append(existing)
    return filed
