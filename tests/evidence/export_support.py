"""Fixtures and helpers for the export tests (imported by tests/evidence/test_export_*.py)."""

from datetime import timedelta

import pytest
from django.conf import settings

from evidence import hashing
from evidence.footage import generate_segments, utc
from evidence.models import Camera, Recorder, Segment

__all__ = ["camera", "footage"]  # the fixtures, for `import *` in test modules

T0 = utc(2026, 3, 1, 10, 0, 0)
CASE = {
    "reference": "FR-2026-000123",
    "fir_number": "45",
    "fir_year": "2026",
    "fir_date": "2026-03-01",
    "station_code": "ps-central",
    "station_name": "Central PS",
    "requester": "Alice Citizen",
    "approver": "Sam Supervisor",
    "operator": "Olga Operator",
    "purpose": "Theft investigation",
    "incident_place": "MG Road auto stand",
}


@pytest.fixture
def camera(db):
    recorder = Recorder.objects.create(
        code="nvr-1",
        name="NVR 1",
        make="Hikvision",
        model="DS-7732",
        serial_number="SN-0042",
        mac_address="00:11:22:33:44:55",
        clock_offset_seconds=1.5,
    )
    return Camera.objects.create(code="cam-mg-road", name="MG Road", recorder=recorder)


def index_segments(camera, paths, start, segment_seconds, fps=10):
    """Index generated segments the way ingest does: path, times, size, hash, codec."""
    rows = []
    for index, path in enumerate(paths):
        seg_start = start + timedelta(seconds=index * segment_seconds)
        rows.append(
            Segment.objects.create(
                camera=camera,
                start=seg_start,
                end=seg_start + timedelta(seconds=segment_seconds),
                path=path.relative_to(settings.RECORDINGS_ROOT).as_posix(),
                size=path.stat().st_size,
                sha256=hashing.sha256_file(path),
                codec="h264",
                width=320,
                height=180,
                fps=fps,
                keyframe_interval=2,
            )
        )
    return rows


@pytest.fixture
def footage(camera):
    """12 seconds of footage from T0 in three 4-second segments, indexed."""
    paths = generate_segments(
        settings.RECORDINGS_ROOT, camera.code, T0, 12, segment_seconds=4, gop_seconds=2
    )
    return index_segments(camera, paths, T0, 4)


def framemd5(path):
    """[(seconds, md5)] of every decoded frame, from ffmpeg's framemd5 muxer."""
    import subprocess
    from fractions import Fraction

    from evidence.ffmpeg import ffmpeg_exe

    out = subprocess.run(
        [ffmpeg_exe(), "-v", "error", "-i", str(path), "-map", "0:v:0", "-f", "framemd5", "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    base, frames = Fraction(1), []
    for line in out.splitlines():
        if line.startswith("#tb 0:"):
            base = Fraction(line.split(":", 1)[1].strip())
        elif line and not line.startswith("#"):
            fields = [field.strip() for field in line.split(",")]
            frames.append((float(int(fields[2]) * base), fields[5]))
    return frames


def source_frames(segments, start, end):
    """framemd5 hashes of the source frames whose wall-clock time lies in [start, end)."""
    hashes = []
    for segment in segments:
        path = settings.RECORDINGS_ROOT / segment.path
        for seconds, digest in framemd5(path):
            moment = segment.start + timedelta(seconds=seconds)
            if start <= moment < end - timedelta(microseconds=500):
                hashes.append(digest)
    return hashes


def run_direct(job):
    """One attempt in this process (unit tests of the pipeline's rules; job tests use a worker)."""
    from evidence.exports import pipeline
    from evidence.services import exports

    claimed, run_token = exports.claim(job_id=job.pk)
    pipeline.run_claimed(job=claimed, run_token=run_token)
    job.refresh_from_db()
    return job


def new_job(camera, start_s, end_s, *, actor=None, **kwargs):
    from evidence.services import exports

    return exports.request_export(
        camera=camera,
        start=T0 + timedelta(seconds=start_s),
        end=T0 + timedelta(seconds=end_s),
        case=kwargs.pop("case", CASE),
        actor=actor,
        linked_type="tests.item",
        linked_id="1",
        **kwargs,
    )


def media_file(export_file):
    return settings.MEDIA_ROOT / export_file.path


@pytest.fixture
def done_job(footage, cast):
    """A succeeded export (run in this process) for view tests."""
    job = run_direct(new_job(footage[0].camera, 3, 9.5, actor=cast["operator"]))
    assert job.status == "succeeded", job.error
    return job


__all__ += ["done_job"]
