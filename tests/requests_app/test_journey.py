"""The request journey on the real thing: PostgreSQL, Redis, a Celery worker, ffmpeg.

Filing holds the footage, the station endorses, the supervisor approves, the worker exports
each item, the request becomes ready by itself, and the station's first download delivers it.
"""

from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from evidence.footage import generate_segments
from evidence.models import ExportJob
from evidence.services import ingest
from requests_app import services
from requests_app.models import FootageRequest
from requests_app.models import Status as S
from tests.services import wait_for

pytestmark = [pytest.mark.services, pytest.mark.slow]


def test_from_filing_to_delivery_on_a_real_worker(
    celery_worker, cast, camera, file_for, client_for
):
    start = timezone.now().replace(microsecond=0) - timedelta(minutes=10)
    generate_segments(settings.RECORDINGS_ROOT, camera.code, start, 8, segment_seconds=4)
    ingest.ingest_recordings(settle_seconds=0)

    window = (camera, start + timedelta(seconds=1), start + timedelta(seconds=6))
    request = file_for(cast["citizen"], items=[window], at=timezone.now())
    assert request.items.get().availability_status == "covered"
    services.transition(request, S.UNDER_REVIEW, actor=cast["officer"])
    services.mark_prepared(request=request, actor=cast["operator"])
    services.transition(request, S.APPROVED, actor=cast["supervisor"])
    assert request.status == S.EXPORTING

    def ready():
        """the request to become ready once its export job succeeded"""
        request.refresh_from_db()
        job = ExportJob.objects.get()
        assert job.status != ExportJob.Status.FAILED, job.error
        return request.status == S.READY

    wait_for(ready, timeout=180)
    job = request.items.get().export_job
    working = job.files.get(kind="working")

    page = client_for(cast["officer"]).get(reverse("requests-detail", args=[request.reference]))
    assert reverse("evidence-export-download", args=[working.token]) in page.content.decode()
    response = client_for(cast["officer"]).get(
        reverse("evidence-export-download", args=[working.token])
    )
    assert response.status_code == 200
    b"".join(response.streaming_content)
    request.refresh_from_db()
    assert request.status == S.DELIVERED

    services.transition(request, S.CLOSED, actor=cast["officer"])
    assert FootageRequest.objects.get(pk=request.pk).status == S.CLOSED
    assert not request.items.filter(hold__released_at__isnull=True).exists()
