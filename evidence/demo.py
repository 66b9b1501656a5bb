"""Demo cameras and real generated footage for the recent hours, with one deliberate outage.

Idempotent: cameras are created once; footage is only ever appended after the newest existing
segment of each camera (an existing file is never rewritten, since its hash is evidence).
"""

from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from portal import audit

from .footage import generate_segments
from .models import Camera, Outage, Recorder
from .services.ingest import ingest_recordings
from .services.layout import current_layout

HOURS = 2  # how far back the demo's footage reaches
SEGMENT_SECONDS = 60
# Small and cheap: a mostly still scene at 5 fps compresses to ~60 kB a minute.
FOOTAGE_OPTIONS = {
    "size": "320x180",
    "fps": 5,
    "gop_seconds": 2,
    "source": "smptebars",
    "crf": 30,
    "preset": "superfast",
}
# The broken camera's outage, as fractions of the first seeding's window (2 h: 48 to 78 min).
OUTAGE_WITHIN_WINDOW = (0.4, 0.65)
OUTAGE_REASON = "Demo: power cut at the junction box; the camera's UPS had failed"

RECORDERS = [
    {
        "code": "nvr-iccc-01",
        "name": "ICCC Bhopal NVR 1 (Old City)",
        "kind": Recorder.Kind.NVR,
        "make": "Hikvision",
        "model": "DS-9664NI-M8",
        "serial_number": "DS9664NIM8-20240117-K2214",
        "mac_address": "44:19:B6:2A:71:0C",
        "location": "Integrated Command and Control Centre, Smart City office, TT Nagar, Bhopal",
        "clock_offset_seconds": 0.4,
    },
    {
        "code": "nvr-iccc-02",
        "name": "ICCC Bhopal NVR 2 (South)",
        "kind": Recorder.Kind.NVR,
        "make": "Dahua",
        "model": "NVR5864-EI",
        "serial_number": "7J0A2F3PAZ91C4E",
        "mac_address": "3C:EF:8C:5D:12:A7",
        "location": "Integrated Command and Control Centre, Smart City office, TT Nagar, Bhopal",
        "clock_offset_seconds": -1.2,
    },
]

CAMERAS = [
    {
        "code": "bpl-jumerati-01",
        "name": "Jumerati Gate junction",
        "location_description": "Jumerati Gate junction, Old City, facing Hamidia Road",
        "zone": "Old City",
        "latitude": "23.263700",
        "longitude": "77.400300",
        "recorder": "nvr-iccc-01",
        "make": "Hikvision",
        "model": "DS-2CD2T47G2-L",
        "serial_number": "E41283577",
        "mac_address": "44:19:B6:31:0A:5E",
    },
    {
        "code": "bpl-chowk-02",
        "name": "Chowk Bazaar, Kotwali Road",
        "location_description": "Kotwali Road at Chowk Bazaar, near Kotwali police station",
        "zone": "Old City",
        "latitude": "23.264600",
        "longitude": "77.404400",
        "recorder": "nvr-iccc-01",
        "make": "Hikvision",
        "model": "DS-2CD2T47G2-L",
        "serial_number": "E41283581",
        "mac_address": "44:19:B6:31:0A:62",
    },
    {
        "code": "bpl-rkmp-03",
        "name": "Rani Kamlapati station approach",
        "location_description": "Rani Kamlapati (Habibganj) railway station, platform 1 approach",
        "zone": "South",
        "latitude": "23.222200",
        "longitude": "77.439300",
        "recorder": "nvr-iccc-02",
        "make": "CP Plus",
        "model": "CP-UNC-TA41PL3",
        "serial_number": "CPU3A7720418",
        "mac_address": "00:1E:6E:4B:92:13",
    },
    {
        "code": "bpl-mpnagar-04",
        "name": "Board Office Square, MP Nagar",
        "location_description": "Board Office Square, MP Nagar Zone-I, towards Habibganj naka",
        "zone": "South",
        "latitude": "23.233200",
        "longitude": "77.434300",
        "recorder": "nvr-iccc-02",
        "make": "Dahua",
        "model": "IPC-HFW2431S-S-S2",
        "serial_number": "6G03E8BPAG00917",
        "mac_address": "3C:EF:8C:77:40:0B",
    },
]
BROKEN_CAMERA = "bpl-rkmp-03"


@transaction.atomic
def seed_cameras():
    """Create the demo recorders and cameras that are missing. Returns [(camera, created)]."""
    recorders = {}
    for data in RECORDERS:
        recorder, created = Recorder.objects.get_or_create(code=data["code"], defaults=data)
        if created:
            audit.log("evidence.recorder.created", obj=recorder, details={"by": "seed_demo"})
        recorders[recorder.code] = recorder
    result = []
    for data in CAMERAS:
        defaults = {**data, "recorder": recorders[data["recorder"]]}
        camera, created = Camera.objects.get_or_create(code=data["code"], defaults=defaults)
        if created:
            audit.log("evidence.camera.created", obj=camera, details={"by": "seed_demo"})
        result.append((camera, created))
    return result


@dataclass
class FootageReport:
    written: dict = field(default_factory=dict)  # camera code -> segments generated
    ingest: object = None


def _first_free_start(root, code, start, layout):
    """Never overwrite: move past segment files that exist but are not indexed yet."""
    while (root / layout.format(code, start)).exists():
        start += timedelta(seconds=SEGMENT_SECONDS)
    return start


def extend_footage(*, now=None, root=None, hours=HOURS):
    """Generate each demo camera's missing whole minutes up to `now` (at most `hours` back),
    then index them. The broken camera's first seeding leaves a gap, recorded as an outage."""
    now = now or timezone.now()
    root = Path(settings.RECORDINGS_ROOT if root is None else root)
    root.mkdir(parents=True, exist_ok=True)
    layout = current_layout()
    report = FootageReport()
    horizon = (now - timedelta(hours=hours)).replace(second=0, microsecond=0)
    cameras = Camera.objects.filter(code__in=[c["code"] for c in CAMERAS])
    for camera in cameras:
        fresh = camera.last_segment_end is None
        start = horizon if fresh else max(horizon, _whole_second(camera.last_segment_end))
        start = _first_free_start(root, camera.code, start, layout)
        windows = [(start, now)]
        if fresh and camera.code == BROKEN_CAMERA:
            gap_start, gap_end = (
                horizon + timedelta(minutes=round(fraction * hours * 60))
                for fraction in OUTAGE_WITHIN_WINDOW
            )
            windows = [(start, gap_start), (gap_end, now)]
            _record_demo_outage(camera, gap_start, gap_end)
        written = 0
        for a, b in windows:
            minutes = int((b - a).total_seconds()) // SEGMENT_SECONDS
            if minutes <= 0:
                continue
            generate_segments(
                root,
                camera.code,
                a,
                minutes * SEGMENT_SECONDS,
                segment_seconds=SEGMENT_SECONDS,
                **FOOTAGE_OPTIONS,
            )
            written += minutes
        report.written[camera.code] = written
    # The files were just written whole (renamed into place), so no settling time is needed.
    report.ingest = ingest_recordings(root=root, since=horizon, settle_seconds=0)
    return report


def _whole_second(moment):
    return (moment + timedelta(milliseconds=500)).replace(microsecond=0)


def _record_demo_outage(camera, start, end):
    if Outage.objects.filter(camera=camera, reason=OUTAGE_REASON).exists():
        return
    outage = Outage.objects.create(
        camera=camera,
        started_at=start,
        ended_at=end,
        reason=OUTAGE_REASON,
        alerted_at=start + timedelta(minutes=settings.WATCHDOG_THRESHOLD_MINUTES),
        recovery_notified_at=end + timedelta(minutes=1),
    )
    audit.log(
        "evidence.outage.recorded",
        obj=outage,
        details={"camera": camera.code, "started_at": start, "ended_at": end, "by": "seed_demo"},
    )
