"""Export jobs: request, retry, claim, progress, finish, sweep and download rights.

The job row is the source of truth; the Celery task only calls `claim` and the pipeline.
Every status change writes an audit event and, after commit, sends `export_job_changed`.
"""

import logging
import uuid
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import Permission
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as KombuOperationalError

from portal import audit, roles

from ..models import ExportJob, ExportJobGroupObjectPermission, ExportJobUserObjectPermission
from ..signals import export_file_downloaded, export_job_changed

logger = logging.getLogger(__name__)

CASE_KEYS = (
    "reference",
    "fir_number",
    "fir_year",
    "fir_date",
    "station_code",
    "station_name",
    "requester",
    "approver",
    "operator",
    "purpose",
    "incident_place",
)
DOWNLOAD_PERMISSION = "download_exportjob"


class ExportError(Exception):
    """A domain error with a message a person can read (shown in the UI and the audit log)."""


def _queue(job):
    transaction.on_commit(lambda: dispatch(job_id=job.pk))


def dispatch(*, job_id):
    """Hand a queued job to the broker; True when the message was accepted.

    The job row is the outbox: when the broker cannot be reached the job stays queued with
    `dispatched_at` unset (nothing is lost and the caller's change stands), and
    `redispatch_undelivered` hands it over once the broker is back. A job delivered twice runs
    once, because `claim` only starts a queued job.
    """
    from .. import export_tasks

    try:
        export_tasks.queue_export(job_id)
    except (KombuOperationalError, OSError) as error:
        logger.warning("export job %s stays queued: the broker is unreachable (%s)", job_id, error)
        audit.log(
            "evidence.export.dispatch_failed",
            object_type="evidence.exportjob",
            object_id=str(job_id),
            details={"error": str(error)[:300]},
        )
        return False
    ExportJob.objects.filter(pk=job_id, status=ExportJob.Status.QUEUED).update(
        dispatched_at=timezone.now()
    )
    return True


def redispatch_undelivered(*, older_than=None):
    """Dispatch queued jobs whose message never reached the broker. Returns their ids."""
    cutoff = timezone.now() - timedelta(
        seconds=settings.EXPORT_REDISPATCH_SECONDS if older_than is None else older_than
    )
    pending = ExportJob.objects.filter(
        status=ExportJob.Status.QUEUED, dispatched_at__isnull=True, created_at__lt=cutoff
    ).values_list("pk", flat=True)
    return [pk for pk in pending if dispatch(job_id=pk)]


def _announce(job):
    transaction.on_commit(lambda: export_job_changed.send(sender=ExportJob, job=job))


def _window_details(job):
    return {
        "camera": job.camera.code,
        "start": job.start,
        "end": job.end,
        "reference": job.reference,
        "linked": f"{job.linked_type}:{job.linked_id}" if job.linked_type else "",
    }


def request_export(
    *,
    camera,
    start,
    end,
    case,
    actor,
    linked_type="",
    linked_id="",
    linked_label="",
    allow_gaps=None,
):
    """Create a queued export job for one camera-window and queue its task after commit.

    `case` is frozen into the job as given (only the known keys, as strings), so later changes
    to the request never change the certificate. `allow_gaps=None` takes EXPORT_ALLOW_GAPS.
    Raises ExportError for an empty or inverted window.
    """
    if start.tzinfo is None or end.tzinfo is None:
        raise ExportError(_("The export window needs time-zone-aware times."))
    if end <= start:
        raise ExportError(_("The export window must end after it starts."))
    if allow_gaps is None:
        allow_gaps = settings.EXPORT_ALLOW_GAPS
    frozen = {key: "" if case.get(key) is None else str(case.get(key)) for key in CASE_KEYS}
    with transaction.atomic():
        job = ExportJob.objects.create(
            camera=camera,
            start=start,
            end=end,
            case=frozen,
            allow_gaps=allow_gaps,
            linked_type=linked_type,
            linked_id=str(linked_id),
            linked_label=linked_label[:200],
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit.log(
            "evidence.export.requested",
            actor=actor,
            obj=job,
            details={**_window_details(job), "allow_gaps": allow_gaps},
        )
        _announce(job)
        _queue(job)
    return job


def retry_export(*, job, actor):
    """Put a failed job back in the queue (the next attempt starts from scratch).

    Raises ExportError unless the job has failed.
    """
    with transaction.atomic():
        job = ExportJob.objects.select_for_update().get(pk=job.pk)
        if job.status != ExportJob.Status.FAILED:
            raise ExportError(_("Only a failed export can be retried."))
        previous_error = job.error
        job.status = ExportJob.Status.QUEUED
        job.progress = 0
        job.error = ""
        job.run_token = ""
        job.dispatched_at = None
        job.save(update_fields=["status", "progress", "error", "run_token", "dispatched_at"])
        audit.log(
            "evidence.export.retried",
            actor=actor,
            obj=job,
            details={"attempts": job.attempts, "previous_error": previous_error[:500]},
        )
        _announce(job)
        _queue(job)
    return job


def stale_after():
    return timedelta(seconds=settings.EXPORT_STALE_SECONDS)


def claim(*, job_id, worker=""):
    """Start an attempt on a queued job, or on a running one whose worker stopped beating.

    Returns (job, run_token), or (None, None) when there is nothing to do (finished, or
    another live worker holds it). Safe to call twice for one delivery.
    """
    now = timezone.now()
    with transaction.atomic():
        job = ExportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None:
            return None, None
        stale = job.status == ExportJob.Status.RUNNING and (
            job.heartbeat_at is None or job.heartbeat_at < now - stale_after()
        )
        if job.status != ExportJob.Status.QUEUED and not stale:
            return None, None
        job.status = ExportJob.Status.RUNNING
        job.attempts += 1
        job.run_token = uuid.uuid4().hex
        job.worker = worker[:200]
        job.progress = 0
        job.error = ""
        job.started_at = job.heartbeat_at = now
        job.save(
            update_fields=[
                "status",
                "attempts",
                "run_token",
                "worker",
                "progress",
                "error",
                "started_at",
                "heartbeat_at",
            ]
        )
        audit.log(
            "evidence.export.started",
            obj=job,
            details={"attempt": job.attempts, "worker": job.worker, "after_crash": stale},
        )
        _announce(job)
    return job, job.run_token


def heartbeat(*, job, run_token, progress=None):
    """Record that the run is alive (and its progress). Returns False if the run was superseded."""
    fields = {"heartbeat_at": timezone.now()}
    if progress is not None:
        fields["progress"] = max(0, min(100, int(progress)))
    updated = ExportJob.objects.filter(
        pk=job.pk, run_token=run_token, status=ExportJob.Status.RUNNING
    ).update(**fields)
    if updated and progress is not None:
        job.progress = fields["progress"]
    return bool(updated)


def _finish(job, run_token, status, **fields):
    with transaction.atomic():
        current = ExportJob.objects.select_for_update().get(pk=job.pk)
        if current.run_token != run_token or current.status != ExportJob.Status.RUNNING:
            return False
        for name, value in fields.items():
            setattr(job, name, value)
        job.status = status
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "finished_at", *fields])
        _announce(job)
    return True


def mark_succeeded(*, job, run_token):
    """Close the run as succeeded (the pipeline writes the audit event with the hashes)."""
    return _finish(job, run_token, ExportJob.Status.SUCCEEDED, progress=100, error="")


def mark_failed(*, job, run_token, reason, details=None):
    """Close the run as failed with a readable reason; writes `evidence.export.failed`."""
    with transaction.atomic():
        done = _finish(job, run_token, ExportJob.Status.FAILED, error=reason[:2000])
        if done:
            audit.log(
                "evidence.export.failed",
                obj=job,
                details={"attempt": job.attempts, "reason": reason[:1000], **(details or {})},
            )
    return done


def sweep_stale(*, older_than=None):
    """Re-queue running jobs whose worker stopped beating (it died). Returns the re-queued jobs.

    A job whose worker died EXPORT_MAX_ATTEMPTS times is failed instead, with the reason.
    """
    cutoff = timezone.now() - (stale_after() if older_than is None else older_than)
    requeued = []
    candidates = ExportJob.objects.filter(
        status=ExportJob.Status.RUNNING, heartbeat_at__lt=cutoff
    ).values_list("pk", flat=True)
    for pk in candidates:
        with transaction.atomic():
            job = (
                ExportJob.objects.select_for_update()
                .filter(pk=pk, status=ExportJob.Status.RUNNING, heartbeat_at__lt=cutoff)
                .first()
            )
            if job is None:
                continue
            details = {"attempts": job.attempts, "last_heartbeat": job.heartbeat_at}
            if job.attempts >= settings.EXPORT_MAX_ATTEMPTS:
                # Something kills the worker on every attempt: stop and let a person look.
                job.status = ExportJob.Status.FAILED
                job.error = _(
                    "The worker stopped during %(n)s attempts in a row; the export was given up."
                ) % {"n": job.attempts}
                job.finished_at = timezone.now()
                job.save(update_fields=["status", "error", "finished_at"])
                audit.log(
                    "evidence.export.failed", obj=job, details={**details, "reason": job.error}
                )
                _announce(job)
                continue
            job.status = ExportJob.Status.QUEUED
            job.run_token = ""
            job.dispatched_at = None
            job.save(update_fields=["status", "run_token", "dispatched_at"])
            audit.log("evidence.export.requeued", obj=job, details=details)
            _announce(job)
            _queue(job)
            requeued.append(job)
    return requeued


# --- Download rights ---------------------------------------------------------------------


def _permission():
    return Permission.objects.get(content_type__app_label="evidence", codename=DOWNLOAD_PERMISSION)


def grant_download(*, job, user, actor=None):
    """Give `user` the object permission to download this job's files (idempotent).

    Only station officers may hold it: citizens and auditors never download footage, and the
    control room needs no grant. Raises ExportError for other roles.
    """
    if user.role != roles.STATION_OFFICER:
        raise ExportError(_("Only station officers can be given access to an export."))
    _grant(ExportJobUserObjectPermission, job, actor, user=user)


def grant_download_to_group(*, job, group, actor=None):
    """Give every member of `group` the download permission on this job (idempotent).

    requests_app grants to a station's officer group, so officers who join later may download.
    """
    _grant(ExportJobGroupObjectPermission, job, actor, group=group)


def _grant(permission_rows, job, actor, **holder):
    """One permission row for the holder (user= or group=), logged the first time only."""
    with transaction.atomic():
        _row, created = permission_rows.objects.get_or_create(
            permission=_permission(), content_object=job, **holder
        )
        if created:
            ((kind, who),) = holder.items()
            name = who.get_username() if kind == "user" else who.name
            audit.log("evidence.export.access_granted", actor=actor, obj=job, details={kind: name})


def downloadable_jobs(user):
    """The export jobs whose files `user` may download, filtered in the database."""
    if not user.is_authenticated:
        return ExportJob.objects.none()
    if user.role in roles.CONTROL_ROOM:
        return ExportJob.objects.all()
    if user.role != roles.STATION_OFFICER:
        return ExportJob.objects.none()
    by_user = ExportJobUserObjectPermission.objects.filter(
        user=user, permission__codename=DOWNLOAD_PERMISSION
    ).values("content_object_id")
    by_group = ExportJobGroupObjectPermission.objects.filter(
        group__in=user.groups.all(), permission__codename=DOWNLOAD_PERMISSION
    ).values("content_object_id")
    return ExportJob.objects.filter(Q(pk__in=by_user) | Q(pk__in=by_group))


def can_download(user, job):
    """Control-room roles always; station officers with the grant; nobody else, ever."""
    return downloadable_jobs(user).filter(pk=job.pk).exists()


def record_download(*, file, user, request=None):
    """Write the custody event of one download and, after commit, announce it."""
    job = file.job
    audit.log(
        "evidence.export.downloaded",
        actor=user,
        request=request,
        obj=job,
        details={
            "file": file.kind,
            "file_token": file.token,
            "sha256": file.sha256,
            "size": file.size,
            "name": download_name(file),
        },
    )
    transaction.on_commit(
        lambda: export_file_downloaded.send(sender=ExportJob, job=job, file=file, user=user)
    )


def file_path(export_file):
    from pathlib import Path

    return Path(settings.MEDIA_ROOT) / export_file.path


def download_name(export_file):
    """A readable file name: the request reference (made file-safe), camera and kind."""
    import re

    job = export_file.job
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", job.reference or f"export-{job.pk}").strip("-")
    extension = export_file.path.rsplit(".", 1)[-1]
    return f"{stem}-{job.camera.code}-{export_file.kind}.{extension}"
