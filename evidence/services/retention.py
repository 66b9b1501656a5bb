"""Retention: footage older than RETENTION_DAYS is deleted, file and index row together,
unless an active preservation hold overlaps it."""

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from portal import audit

from ..models import Camera, PreservationHold, Segment
from .holds import lock_holds_of
from .ingest import PathEscapeError, resolve_segment_path

logger = logging.getLogger(__name__)


@dataclass
class PurgeReport:
    cutoff: object = None
    deleted: int = 0
    bytes_freed: int = 0
    files_missing: int = 0
    held: int = 0  # expired segments kept because a hold overlaps them
    per_camera: Counter = field(default_factory=Counter)

    def summary(self):
        return {
            "cutoff": self.cutoff,
            "retention_days": settings.RETENTION_DAYS,
            "deleted": self.deleted,
            "bytes_freed": self.bytes_freed,
            "files_missing": self.files_missing,
            "held": self.held,
            "cameras": dict(self.per_camera),
        }


def _held(segments):
    holds = PreservationHold.objects.filter(
        camera=OuterRef("camera"),
        released_at__isnull=True,
        start__lt=OuterRef("end"),
        end__gt=OuterRef("start"),
    )
    return segments.annotate(held=Exists(holds))


def purge_expired_segments(*, now=None, batch_size=500, actor=None):
    """Delete every segment that ended more than RETENTION_DAYS before `now` and that no active
    hold overlaps: the file first, then the row (a file already gone is not an error).

    Holds and purges of one camera are serialized (holds.lock_holds_of), so a hold placed while
    the purge runs is either seen by it or placed after the deletion.
    Writes one audit event per run that deleted anything. Returns a PurgeReport.
    """
    now = now or timezone.now()
    report = PurgeReport(cutoff=now - timedelta(days=settings.RETENTION_DAYS))
    expired = Segment.objects.filter(end__lt=report.cutoff)
    camera_ids = list(expired.values_list("camera_id", flat=True).distinct().order_by())
    for camera_id in camera_ids:
        while _purge_batch(camera_id, report, batch_size):
            pass
    report.held = _held(expired).filter(held=True).count()
    if report.deleted:
        audit.log("evidence.retention.purged", actor=actor, details=report.summary())
    return report


def _purge_batch(camera_id, report, batch_size):
    """Delete up to `batch_size` unheld expired segments of one camera; True if any were."""
    with transaction.atomic():
        lock_holds_of(camera_id)
        camera = Camera.objects.get(pk=camera_id)
        batch = list(
            _held(Segment.objects.filter(camera=camera, end__lt=report.cutoff))
            .filter(held=False)
            .order_by("start")[:batch_size]
        )
        for segment in batch:
            _delete_file(segment, report)
        Segment.objects.filter(pk__in=[segment.pk for segment in batch]).delete()
        report.deleted += len(batch)
        report.per_camera[camera.code] += len(batch)
    return len(batch) == batch_size


def _delete_file(segment, report):
    try:
        path = resolve_segment_path(segment.path)
    except PathEscapeError:
        logger.error("retention: segment %s has a path outside the root; row only", segment.pk)
        return
    try:
        size = path.stat().st_size
        path.unlink()
    except FileNotFoundError:
        report.files_missing += 1
        return
    report.bytes_freed += size
    # Remove the folders the layout made, once empty, up to (not including) the root.
    root = resolve_segment_path(".")
    folder = path.parent
    while folder != root and folder.is_relative_to(root):
        try:
            folder.rmdir()
        except OSError:
            break
        folder = folder.parent
