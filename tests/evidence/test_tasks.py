"""The periodic ingest through a real Celery worker process on Redis."""

import os
import time
from datetime import timedelta

from django.utils import timezone

from evidence import tasks
from evidence.models import Segment
from portal.models import AuditEntry
from tests.services import wait_for


def test_periodic_ingest_task_indexes_new_footage_in_a_real_worker(celery_worker, camera, footage):
    start = (timezone.now() - timedelta(minutes=10)).replace(microsecond=0)
    paths = footage("cam-a", start, 8, segment_seconds=4)
    settled = time.time() - 600  # written ten minutes ago: past the settling time
    for path in paths:
        os.utime(path, (settled, settled))

    tasks.ingest_new_segments.delay()

    def indexed():
        """both segments indexed by the worker"""
        return Segment.objects.filter(camera=camera).count() == 2

    wait_for(indexed, timeout=60)
    event = wait_for(lambda: AuditEntry.objects.filter(action="evidence.ingest.completed").first())
    assert event.details["indexed"] == 2
    camera.refresh_from_db()
    assert camera.last_segment_end == start + timedelta(seconds=8)
