"""The export job's rules, called directly (no worker): request, retry, claim, sweep, rights."""

from datetime import timedelta

import pytest
from django.utils import timezone

from evidence.models import ExportJob
from evidence.services import exports
from evidence.signals import export_job_changed
from portal.models import AuditEntry

from .export_support import *  # noqa: F403 (fixtures)
from .export_support import CASE, T0


@pytest.fixture
def queued(camera, cast, django_capture_on_commit_callbacks, monkeypatch):
    from evidence import export_tasks

    sent = []
    monkeypatch.setattr(export_tasks, "queue_export", sent.append)
    with django_capture_on_commit_callbacks(execute=True):
        job = exports.request_export(
            camera=camera,
            start=T0,
            end=T0 + timedelta(seconds=5),
            case={**CASE, "unknown": "dropped"},
            actor=cast["operator"],
            linked_type="requests_app.item",
            linked_id=7,
            linked_label="FR-2026-000123 / 1",
        )
    job.sent = sent
    return job


def test_request_export_freezes_the_case_logs_and_queues(queued, cast):
    job = ExportJob.objects.get(pk=queued.pk)
    assert job.status == ExportJob.Status.QUEUED
    assert job.case["reference"] == "FR-2026-000123"
    assert "unknown" not in job.case
    assert job.allow_gaps is True
    assert job.linked_id == "7"
    assert queued.sent == [job.pk]
    entry = AuditEntry.objects.get(action="evidence.export.requested")
    assert entry.actor == cast["operator"] and entry.object_id == str(job.pk)


def test_request_export_refuses_an_inverted_window(camera, cast):
    with pytest.raises(exports.ExportError):
        exports.request_export(camera=camera, start=T0, end=T0, case=CASE, actor=cast["operator"])
    assert not ExportJob.objects.exists()


def test_claim_runs_a_queued_job_once(queued):
    job, token = exports.claim(job_id=queued.pk, worker="w1")
    assert job.status == ExportJob.Status.RUNNING and job.attempts == 1 and token
    assert exports.claim(job_id=queued.pk, worker="w2") == (None, None)


def test_a_superseded_run_cannot_finish(queued):
    job, token = exports.claim(job_id=queued.pk)
    exports.sweep_stale(older_than=timedelta(seconds=-1))
    again, token2 = exports.claim(job_id=queued.pk)
    assert again.attempts == 2
    assert not exports.mark_failed(job=job, run_token=token, reason="old run")
    assert exports.heartbeat(job=again, run_token=token2, progress=40)
    assert not exports.heartbeat(job=job, run_token=token, progress=10)


def test_sweeper_requeues_only_stale_running_jobs(queued, django_capture_on_commit_callbacks):
    exports.claim(job_id=queued.pk)
    assert exports.sweep_stale() == []
    ExportJob.objects.filter(pk=queued.pk).update(
        heartbeat_at=timezone.now() - exports.stale_after() - timedelta(seconds=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        swept = exports.sweep_stale()
    assert [job.pk for job in swept] == [queued.pk]
    assert ExportJob.objects.get(pk=queued.pk).status == ExportJob.Status.QUEUED
    assert queued.sent == [queued.pk, queued.pk]
    assert AuditEntry.objects.filter(action="evidence.export.requeued").count() == 1


def test_retry_only_after_failure(queued, cast, django_capture_on_commit_callbacks):
    with pytest.raises(exports.ExportError):
        exports.retry_export(job=queued, actor=cast["operator"])
    job, token = exports.claim(job_id=queued.pk)
    assert exports.mark_failed(job=job, run_token=token, reason="ffmpeg failed")
    with django_capture_on_commit_callbacks(execute=True):
        exports.retry_export(job=job, actor=cast["operator"])
    job.refresh_from_db()
    assert job.status == ExportJob.Status.QUEUED and job.error == ""
    assert AuditEntry.objects.filter(action="evidence.export.retried").count() == 1


def test_every_status_change_sends_the_signal_after_commit(
    queued, django_capture_on_commit_callbacks
):
    seen = []

    def receiver(sender, job, **kwargs):
        seen.append(job.status)

    export_job_changed.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            job, token = exports.claim(job_id=queued.pk)
        with django_capture_on_commit_callbacks(execute=True):
            exports.mark_failed(job=job, run_token=token, reason="x")
    finally:
        export_job_changed.disconnect(receiver)
    assert seen == [ExportJob.Status.RUNNING, ExportJob.Status.FAILED]


def test_download_rights_by_role_and_grant(queued, cast):
    officer, stranger = cast["officer"], cast["officer_other"]
    assert not exports.can_download(officer, queued)
    exports.grant_download(job=queued, user=officer)
    exports.grant_download(job=queued, user=officer)  # idempotent
    assert exports.can_download(officer, queued)
    assert not exports.can_download(stranger, queued)
    assert exports.can_download(cast["operator"], queued)
    assert exports.can_download(cast["supervisor"], queued)
    for name in ("citizen", "auditor", "admin"):
        assert not exports.can_download(cast[name], queued), name
    for name in ("citizen", "auditor"):
        with pytest.raises(exports.ExportError):
            exports.grant_download(job=queued, user=cast[name])
    assert AuditEntry.objects.filter(action="evidence.export.access_granted").count() == 1


def test_sweeper_gives_up_after_the_maximum_attempts(queued, settings):
    settings.EXPORT_MAX_ATTEMPTS = 2
    for _attempt in range(2):
        exports.claim(job_id=queued.pk)
        swept = exports.sweep_stale(older_than=timedelta(seconds=-1))
    assert swept == []
    job = ExportJob.objects.get(pk=queued.pk)
    assert job.status == ExportJob.Status.FAILED and "2 attempts" in job.error
    assert AuditEntry.objects.filter(action="evidence.export.failed").count() == 1
