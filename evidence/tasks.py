"""Periodic recordings jobs. Thin: each calls one service; all are light (default queue)."""

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from .export_tasks import run_export_job, sweep_stale_exports  # noqa: F401
from .services import ingest, retention, watchdog

logger = logging.getLogger(__name__)


@shared_task(soft_time_limit=600, time_limit=660)
def ingest_new_segments():
    """Index the segments written since the last run (dated folders of the lookback only)."""
    since = timezone.now() - timedelta(hours=settings.INGEST_LOOKBACK_HOURS)
    report = ingest.ingest_recordings(since=since)
    logger.info("ingest: %s", report.summary())


@shared_task(soft_time_limit=120, time_limit=150)
def check_recording_health():
    report = watchdog.check_recording_health()
    logger.info("watchdog: %d opened, %d closed", len(report.opened), len(report.closed))


@shared_task(soft_time_limit=1800, time_limit=1860)
def purge_expired_segments():
    report = retention.purge_expired_segments()
    logger.info("retention: %s", report.summary())


@shared_task(soft_time_limit=300, time_limit=330)
def extend_demo_footage():
    """Demo only (DEMO_FOOTAGE=1): keep the demo cameras recording up to now."""
    if not settings.DEMO_FOOTAGE:
        return
    from . import demo

    report = demo.extend_footage()
    logger.info("demo footage: %s", report.written)
