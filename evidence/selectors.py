"""Reads for screens: camera search and per-camera coverage totals."""

from datetime import timedelta

from django.db.models import DateTimeField, DurationField, Q, Sum, Value
from django.db.models.functions import Greatest, Least

from .models import Camera, Segment
from .services.coverage import max_segment_seconds

SEARCH_FIELDS = ("code", "name", "location_description", "zone")


def search_cameras(text, queryset=None):
    """Cameras matching every word of `text` in their code, name, location or zone."""
    cameras = Camera.objects.all() if queryset is None else queryset
    for word in text.split()[:8]:
        match = Q()
        for name in SEARCH_FIELDS:
            match |= Q(**{f"{name}__icontains": word})
        cameras = cameras.filter(match)
    return cameras


def coverage_percent_by_camera(start, end):
    """{camera id: percent of [start, end) with readable footage}, in one query.

    Sums the clipped segment durations (segments of one camera do not overlap; the result is
    capped at 100 in case a recorder wrote overlapping files).
    """
    seconds = (end - start).total_seconds()
    if seconds <= 0:
        return {}
    window_start = Value(start, output_field=DateTimeField())
    window_end = Value(end, output_field=DateTimeField())
    rows = (
        Segment.objects.filter(
            status=Segment.Status.OK,
            start__gte=start - timedelta(seconds=max_segment_seconds()),
            start__lt=end,
            end__gt=start,
        )
        .order_by()
        .values("camera_id")
        .annotate(
            covered=Sum(
                Least("end", window_end) - Greatest("start", window_start),
                output_field=DurationField(),
            )
        )
    )
    return {
        row["camera_id"]: min(100.0, round(100 * row["covered"].total_seconds() / seconds, 1))
        for row in rows
    }
