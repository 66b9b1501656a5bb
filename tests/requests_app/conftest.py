from datetime import date, timedelta

import pytest
from django.utils import timezone

from evidence.models import Camera, Recorder, Segment
from requests_app import filing
from requests_app.models import FootageRequest


@pytest.fixture
def now():
    """A fixed "now" for the services' injectable clock (a whole minute, in the past)."""
    return timezone.now().replace(second=0, microsecond=0) - timedelta(minutes=1)


@pytest.fixture
def recorder(db):
    return Recorder.objects.create(code="nvr-1", name="NVR 1")


@pytest.fixture
def camera(recorder):
    return Camera.objects.create(code="cam-market", name="Market gate", recorder=recorder)


@pytest.fixture
def camera2(recorder):
    return Camera.objects.create(code="cam-bus", name="Bus stand", recorder=recorder)


@pytest.fixture
def add_segments():
    """add_segments(camera, start, minutes, each=1): index rows only, no files."""

    def add(camera, start, minutes, each=1):
        for i in range(0, minutes, each):
            seg_start = start + timedelta(minutes=i)
            Segment.objects.create(
                camera=camera,
                start=seg_start,
                end=seg_start + timedelta(minutes=each),
                path=f"{camera.code}/{seg_start:%Y-%m-%d/%H-%M-%S}.mp4",
            )

    return add


@pytest.fixture
def file_for(cast, station, camera, now):
    """file_for(user, **overrides) files a request through the service and returns it."""

    def file(user, *, items=None, at=None, **overrides):
        at = at or now
        fields = {
            "filer": user,
            "station": station,
            "fir_number": "123",
            "fir_year": at.year,
            "fir_date": date(at.year, 1, 1),
            "complainant_name": "Asha Verma",
            "complainant_phone": "9876543210",
            "incident_place": "Auto-rickshaw near the market gate",
            "incident_description": "My phone was stolen in an auto-rickshaw.",
            "purpose": "Identify the auto-rickshaw",
            "items": items or [(camera, at - timedelta(hours=2), at - timedelta(hours=1))],
            "now": at,
        }
        fields.update(overrides)
        request, created = filing.file_request(**fields)
        assert created
        return request

    return file


def set_status(request, status, **fields):
    """Put a request into a state directly (test set-up only; the app uses transition())."""
    FootageRequest.objects.filter(pk=request.pk).update(status=status, **fields)
    request.refresh_from_db()
    return request
