"""Faults on the real thing: the broker (Redis) is unreachable at the moment of approval."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from evidence import export_tasks
from evidence.footage import generate_segments
from evidence.models import ExportJob
from evidence.services import ingest
from portal.models import AuditEntry
from requests_app import services
from requests_app.models import Status as S
from tests.services import broker_unreachable, wait_for

pytestmark = [pytest.mark.services, pytest.mark.slow]


def test_approval_while_redis_is_down_loses_no_job_and_doubles_none(
    celery_worker, cast, camera, camera2, file_for, client_for, settings
):
    start = timezone.now().replace(microsecond=0) - timedelta(minutes=10)
    for cam in (camera, camera2):
        generate_segments(settings.RECORDINGS_ROOT, cam.code, start, 6, segment_seconds=6)
    ingest.ingest_recordings(settle_seconds=0)
    windows = [
        (cam, start + timedelta(seconds=1), start + timedelta(seconds=4))
        for cam in (camera, camera2)
    ]
    request = file_for(cast["citizen"], items=windows, at=timezone.now())
    services.transition(request, S.UNDER_REVIEW, actor=cast["officer"])
    services.mark_prepared(request=request, actor=cast["operator"])

    with broker_unreachable():
        response = client_for(cast["supervisor"]).post(
            reverse("requests-transition", args=[request.reference]), {"to": S.APPROVED}
        )
    assert response.status_code == 302  # the approval stands: no server error
    request.refresh_from_db()
    assert request.status == S.EXPORTING
    jobs = list(ExportJob.objects.order_by("pk"))
    assert len(jobs) == 2
    assert all(j.status == "queued" and j.dispatched_at is None for j in jobs)
    assert AuditEntry.objects.filter(action="evidence.export.dispatch_failed").count() == 2

    # Redis is back: the periodic sweeper hands the jobs over; running it twice (or a late
    # duplicate message) must not run any job twice.
    settings.EXPORT_REDISPATCH_SECONDS = 0
    export_tasks.sweep_stale_exports()
    export_tasks.sweep_stale_exports()

    def ready():
        """the request to become ready after the re-dispatched jobs ran"""
        request.refresh_from_db()
        failed = ExportJob.objects.filter(status="failed").first()
        assert failed is None, failed.error
        return request.status == S.READY

    wait_for(ready, timeout=180)
    for job in ExportJob.objects.all():
        assert job.attempts == 1
        assert job.dispatched_at is not None
        started = AuditEntry.objects.filter(action="evidence.export.started", object_id=str(job.pk))
        assert started.count() == 1
