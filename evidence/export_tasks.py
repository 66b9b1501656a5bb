"""Celery tasks of the export pipeline (queue `exports`). Thin: ids in, services called."""

import logging
import socket

from celery import shared_task
from django.conf import settings

logger = logging.getLogger(__name__)


@shared_task(name="evidence.run_export_job", acks_late=True)
def run_export_job(job_id):
    """Run one attempt of an export job, if it is queued (or its last worker died)."""
    from .exports.pipeline import run_claimed
    from .services import exports

    job, run_token = exports.claim(job_id=job_id, worker=f"{socket.gethostname()}")
    if job is None:
        logger.info("export job %s: nothing to do", job_id)
        return
    run_claimed(job=job, run_token=run_token)


@shared_task(name="evidence.sweep_stale_exports")
def sweep_stale_exports():
    """Periodic: re-queue jobs stuck in running after their worker died, and hand over queued
    jobs whose message never reached the broker (it was down when they were queued)."""
    from .services import exports

    for job in exports.sweep_stale():
        logger.warning("export job %s re-queued: its worker stopped", job.pk)
    for job_id in exports.redispatch_undelivered():
        logger.warning("export job %s dispatched again: the broker had been unreachable", job_id)


def queue_export(job_id):
    """Send the job to the `exports` queue with its time limits (the sender's settings win)."""
    run_export_job.apply_async(
        (job_id,),
        soft_time_limit=settings.EXPORT_SOFT_TIME_LIMIT,
        time_limit=settings.EXPORT_SOFT_TIME_LIMIT + 120,
    )
