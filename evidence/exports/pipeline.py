"""One attempt of an export job: check the sources, master copy, working copy, hashes, certificate.

Every output is written under a temporary name (`.partial-*`) in the job's folder and renamed
into place only when complete and probed. An attempt starts by clearing the folder and a failed
attempt removes it, so a retry after a crash produces the same files and never finds a half file
that looks finished.
"""

import errno
import logging
import shutil
import time
from pathlib import Path

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from portal import audit

from .. import hashing, media, signing
from ..models import ExportFile, ExportJob
from ..services import exports
from . import certificate, sources, working

logger = logging.getLogger(__name__)

PARTIAL = ".partial-"
MASTER_NAME, WORKING_NAME, CERTIFICATE_NAME = "master.mp4", "working.mp4", "certificate.pdf"


class ExportFailure(Exception):
    """Ends the attempt with a readable reason (stored on the job and in the audit log)."""

    def __init__(self, message, **details):
        super().__init__(message)
        self.details = details


class Superseded(Exception):
    """The job was given to another run (the sweeper thought this one dead): stop quietly."""


def job_folder(job):
    return Path(settings.MEDIA_ROOT) / "exports" / job.token


def media_relpath(path):
    return Path(path).relative_to(settings.MEDIA_ROOT).as_posix()


class Progress:
    """Reports progress and liveness at most once a second; stops the run if superseded."""

    def __init__(self, job, run_token):
        self.job, self.run_token, self.last = job, run_token, 0.0

    def at(self, fraction, *, force=False):
        now = time.monotonic()
        if not force and now - self.last < 1.0:
            return
        self.last = now
        if not exports.heartbeat(job=self.job, run_token=self.run_token, progress=fraction * 100):
            raise Superseded

    def stage(self, low, high):
        return lambda fraction: self.at(low + (high - low) * fraction)


def run_claimed(*, job, run_token):
    """Run the claimed attempt to a final state: succeeded, or failed with a reason."""
    folder = job_folder(job)
    try:
        _run(job, run_token, folder, Progress(job, run_token))
    except Superseded:
        logger.warning("export job %s: run %s superseded, stopping", job.pk, run_token)
    except ExportFailure as failure:
        _fail(job, run_token, folder, str(failure), failure.details)
    except SoftTimeLimitExceeded:
        reason = _("The export took longer than the time limit and was stopped.")
        _fail(job, run_token, folder, reason, {"time_limit": settings.EXPORT_SOFT_TIME_LIMIT})
    except media.FfmpegError as error:
        if error.disk_full:
            _fail(job, run_token, folder, _disk_full(), {})
        else:
            reason = _("ffmpeg failed: %(error)s") % {"error": error}
            _fail(job, run_token, folder, reason, {"returncode": error.returncode})
    except OSError as error:
        if error.errno == errno.ENOSPC:
            _fail(job, run_token, folder, _disk_full(), {})
        else:
            _fail(job, run_token, folder, _("File error: %(error)s") % {"error": error}, {})
    except Exception as error:
        logger.exception("export job %s failed unexpectedly", job.pk)
        _fail(job, run_token, folder, _("Unexpected error: %(error)r") % {"error": error}, {})


def _disk_full():
    return _("The disk holding the exports is full; free space and retry.")


def _fail(job, run_token, folder, reason, details):
    logger.error("export job %s failed: %s", job.pk, reason)
    with transaction.atomic():
        try:
            _ensure_current(job, run_token)
        except Superseded:
            return  # a newer run owns the folder now: leave its files alone
        _clear(job, folder, recreate=False)
        exports.mark_failed(job=job, run_token=run_token, reason=reason, details=details)


def _clear(job, folder, *, recreate=True):
    ExportFile.objects.filter(job=job).delete()
    shutil.rmtree(folder, ignore_errors=True)
    if recreate:
        folder.mkdir(parents=True)


def _ensure_current(job, run_token):
    current = ExportJob.objects.select_for_update().get(pk=job.pk)
    if current.run_token != run_token or current.status != ExportJob.Status.RUNNING:
        raise Superseded


def _check_free_space(folder, needed):
    free = shutil.disk_usage(folder).free
    if free < needed + settings.EXPORT_MIN_FREE_BYTES:
        raise ExportFailure(
            _(
                "Not enough free disk space for the export: %(free)s MB free, about %(needed)s MB "
                "needed plus a reserve of %(reserve)s MB."
            )
            % {
                "free": free // 2**20,
                "needed": needed // 2**20,
                "reserve": settings.EXPORT_MIN_FREE_BYTES // 2**20,
            },
            free=free,
            needed=needed,
        )


def _finalize(partial, final, *, kind):
    """Probe the finished temporary file, hash it, and rename it into place."""
    try:
        probed = media.probe(partial) if kind != ExportFile.Kind.CERTIFICATE else None
    except Exception as error:  # PyAV raises its own error types for unreadable files
        raise ExportFailure(
            _("The %(kind)s written by ffmpeg is not readable: %(error)s")
            % {"kind": kind, "error": error}
        ) from error
    digest = hashing.sha256_file(partial)
    size = partial.stat().st_size
    partial.replace(final)
    return {
        "kind": kind,
        "path": media_relpath(final),
        "sha256": digest,
        "size": size,
        "duration": probed.duration if probed else None,
        "codec": probed.codec if probed else "pdf",
        "frames": probed.frames if probed else None,
    }


def _run(job, run_token, folder, progress):
    _clear(job, folder)
    plan = sources.plan(job, on_progress=progress.stage(0, 0.1), failure=ExportFailure)
    _check_free_space(folder, needed=2 * plan.source_bytes)
    progress.at(0.1, force=True)

    (folder / f"{PARTIAL}sources.ffconcat").write_text(plan.concat_text)
    partial = folder / f"{PARTIAL}{MASTER_NAME}"
    media.run_ffmpeg(
        working.master_args(f"{PARTIAL}sources.ffconcat", partial.name),
        duration=plan.expected_duration,
        on_progress=progress.stage(0.1, 0.2),
        cwd=folder,
    )
    master = _finalize(partial, folder / MASTER_NAME, kind=ExportFile.Kind.MASTER)
    covered_end = plan.covered_start + _seconds(master["duration"])

    working.write_watermark(job, folder / f"{PARTIAL}watermark.png", height=plan.height)
    partial = folder / f"{PARTIAL}{WORKING_NAME}"
    trim_start = max(0.0, (job.start - plan.covered_start).total_seconds())
    trim_end = (job.end - plan.covered_start).total_seconds()
    media.run_ffmpeg(
        working.working_args(
            f"{PARTIAL}sources.ffconcat",
            partial.name,
            watermark=f"{PARTIAL}watermark.png",
            trim_start=trim_start,
            trim_end=trim_end,
            epoch=plan.covered_start.timestamp(),
            height=plan.height,
        ),
        duration=max(0.1, min(trim_end, master["duration"]) - trim_start),
        on_progress=progress.stage(0.2, 0.9),
        cwd=folder,
    )
    work = _finalize(partial, folder / WORKING_NAME, kind=ExportFile.Kind.WORKING)
    progress.at(0.92, force=True)

    with transaction.atomic():
        _ensure_current(job, run_token)
        job.covered_start = plan.covered_start
        job.covered_end = covered_end
        job.gaps = [[a.isoformat(), b.isoformat()] for a, b in plan.coverage.gaps]
        job.sources = plan.source_rows
        job.save(update_fields=["covered_start", "covered_end", "gaps", "sources"])
        for row in (master, work):
            ExportFile.objects.create(job=job, **row)
        audit.log(
            "evidence.export.outputs_hashed",
            obj=job,
            details={
                "algorithm": hashing.ALGORITHM,
                "master_sha256": master["sha256"],
                "working_sha256": work["sha256"],
                "covered_start": job.covered_start,
                "covered_end": job.covered_end,
                "gaps": job.gaps,
                "sources": len(plan.source_rows),
            },
        )

    partial = folder / f"{PARTIAL}{CERTIFICATE_NAME}"
    try:
        signed = certificate.signed_certificate(job, outages=plan.outages)
    except signing.SigningNotConfigured as error:
        raise ExportFailure(str(error)) from error
    partial.write_bytes(signed)
    cert = _finalize(partial, folder / CERTIFICATE_NAME, kind=ExportFile.Kind.CERTIFICATE)
    for leftover in folder.glob(f"{PARTIAL}*"):
        leftover.unlink()

    with transaction.atomic():
        _ensure_current(job, run_token)
        ExportFile.objects.create(job=job, **cert)
        audit.log(
            "evidence.export.succeeded",
            obj=job,
            details={"attempt": job.attempts, "certificate_sha256": cert["sha256"]},
        )
        exports.mark_succeeded(job=job, run_token=run_token)


def _seconds(value):
    from datetime import timedelta

    return timedelta(seconds=value)
