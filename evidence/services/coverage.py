"""Coverage of a camera's recordings over a window, from the segment index alone (no file scans)."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Outage, Segment

# Segments closer than this are treated as contiguous (container timestamps are not exact).
JOIN_TOLERANCE = timedelta(seconds=1)


@dataclass(frozen=True)
class Coverage:
    start: datetime
    end: datetime
    covered: list = field(default_factory=list)  # [(start, end)], merged, clipped to the window
    gaps: list = field(default_factory=list)  # [(start, end)] inside the window

    @property
    def seconds(self):
        return (self.end - self.start).total_seconds()

    @property
    def covered_seconds(self):
        return sum((b - a).total_seconds() for a, b in self.covered)

    @property
    def percent(self):
        if self.seconds <= 0:
            return 0.0
        return round(100.0 * self.covered_seconds / self.seconds, 2)

    @property
    def complete(self):
        return not self.gaps


def max_segment_seconds():
    return getattr(settings, "SEGMENT_MAX_SECONDS", 3600)


def segments_overlapping(camera, start, end):
    """Readable segments of `camera` that overlap [start, end), in time order.

    The lower bound on `start` lets the (camera, start) index bound the scan.
    """
    earliest = start - timedelta(seconds=max_segment_seconds())
    return Segment.objects.filter(
        camera=camera,
        status=Segment.Status.OK,
        start__gte=earliest,
        start__lt=end,
        end__gt=start,
    ).order_by("start")


def merge_intervals(intervals, start, end, tolerance=JOIN_TOLERANCE):
    """Clip intervals to [start, end) and merge those that touch within `tolerance`."""
    merged = []
    for a, b in sorted(intervals):
        a, b = max(a, start), min(b, end)
        if b <= a:
            continue
        if merged and a - merged[-1][1] <= tolerance:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    # Snap the edges: a sub-tolerance sliver at either end of the window is not a gap.
    if merged and merged[0][0] - start <= tolerance:
        merged[0] = (start, merged[0][1])
    if merged and end - merged[-1][1] <= tolerance:
        merged[-1] = (merged[-1][0], end)
    return merged


def gaps_between(covered, start, end):
    gaps, cursor = [], start
    for a, b in covered:
        if a > cursor:
            gaps.append((cursor, a))
        cursor = max(cursor, b)
    if cursor < end:
        gaps.append((cursor, end))
    return gaps


def coverage(camera, start, end):
    """Covered intervals, gaps and percentage of `camera` over [start, end)."""
    rows = segments_overlapping(camera, start, end).values_list("start", "end")
    covered = merge_intervals(rows, start, end)
    return Coverage(start=start, end=end, covered=covered, gaps=gaps_between(covered, start, end))


def outages_overlapping(camera, start, end):
    """Outages of the camera or its recorder that overlap the window."""
    return Outage.objects.filter(
        Q(camera=camera) | Q(recorder_id=camera.recorder_id, camera__isnull=True),
        started_at__lt=end,
    ).filter(Q(ended_at__isnull=True) | Q(ended_at__gt=start))


@dataclass(frozen=True)
class Availability:
    status: str  # one of COVERED, PARTIAL, OUTAGE, EXPIRED, NONE
    coverage: Coverage
    outages: list
    message: str


COVERED, PARTIAL, OUTAGE, EXPIRED, NONE = "covered", "partial", "outage", "expired", "none"


def availability(camera, start, end, *, now=None):
    """The answer to "does footage exist for this camera and window?" for request forms."""
    now = now or timezone.now()
    cov = coverage(camera, start, end)
    outages = list(outages_overlapping(camera, start, end))
    retention_limit = now - timedelta(days=settings.RETENTION_DAYS)
    if cov.complete:
        return Availability(COVERED, cov, outages, _("Footage exists for the whole window."))
    if cov.covered:
        message = _("Footage exists for %(percent)s%% of the window; the rest is missing.") % {
            "percent": cov.percent
        }
        if outages:
            message += " " + _("The camera was not recording for part of it.")
        return Availability(PARTIAL, cov, outages, message)
    if outages:
        return Availability(
            OUTAGE, cov, outages, _("The camera was not recording during this window.")
        )
    if start < retention_limit:
        return Availability(
            EXPIRED,
            cov,
            outages,
            _(
                "This window is older than the %(days)s-day retention period; the footage has "
                "probably been overwritten."
            )
            % {"days": settings.RETENTION_DAYS},
        )
    return Availability(NONE, cov, outages, _("No footage is indexed for this window."))
