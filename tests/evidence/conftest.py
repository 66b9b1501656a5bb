from datetime import timedelta

import pytest
from django.conf import settings

from evidence.footage import generate_segments, utc
from evidence.models import Camera, Recorder

T0 = utc(2026, 11, 20, 10, 0, 0)  # a fixed morning (UTC) for the footage tests


@pytest.fixture
def recorder(db):
    return Recorder.objects.create(
        code="nvr-test", name="Test NVR", make="Hikvision", model="DS-7608", serial_number="S1"
    )


@pytest.fixture
def make_camera(recorder):
    def make(code="cam-a", **fields):
        fields.setdefault("name", f"Camera {code}")
        fields.setdefault("recorder", recorder)
        return Camera.objects.create(code=code, **fields)

    return make


@pytest.fixture
def camera(make_camera):
    return make_camera("cam-a", name="MG Road & Church St", zone="Central")


@pytest.fixture
def footage():
    """footage("cam-a", start, seconds, segment_seconds=4): real tiny H.264 segments."""

    def write(code, start, seconds, segment_seconds=4):
        return generate_segments(
            settings.RECORDINGS_ROOT,
            code,
            start,
            seconds,
            segment_seconds=segment_seconds,
            size="160x90",
            fps=10,
            gop_seconds=2,
        )

    return write


def minutes(n):
    return timedelta(minutes=n)
