from datetime import timedelta

import pytest
from django.conf import settings

from evidence.models import Outage, Segment
from evidence.services.coverage import availability, coverage
from evidence.services.ingest import ingest_recordings

from .conftest import T0

S = timedelta(seconds=1)
M = timedelta(minutes=1)


def rows(camera, *spans, status=Segment.Status.OK):
    """Index rows for [(start offset, end offset)] in minutes from T0."""
    for a, b in spans:
        Segment.objects.create(
            camera=camera,
            start=T0 + a * M,
            end=T0 + b * M,
            path=f"{camera.code}/{a}-{b}-{status}.mp4",
            status=status,
        )


def test_real_footage_with_a_missing_file_has_one_gap_at_the_segment_boundary(camera, footage):
    footage("cam-a", T0, 12, segment_seconds=4)
    (settings.RECORDINGS_ROOT / "cam-a/2026-11-20/10-00-04.mp4").unlink()
    ingest_recordings(settle_seconds=0)
    cov = coverage(camera, T0, T0 + 12 * S)
    assert cov.covered == [(T0, T0 + 4 * S), (T0 + 8 * S, T0 + 12 * S)]
    assert cov.gaps == [(T0 + 4 * S, T0 + 8 * S)]
    assert cov.percent == pytest.approx(66.67)
    assert not cov.complete


def test_contiguous_segments_merge_into_one_covered_span(camera):
    rows(camera, (0, 1), (1, 2), (2, 3))
    cov = coverage(camera, T0, T0 + 3 * M)
    assert cov.covered == [(T0, T0 + 3 * M)]
    assert cov.complete and cov.percent == 100.0


def test_gaps_at_both_window_edges(camera):
    rows(camera, (2, 3), (3, 4))
    cov = coverage(camera, T0, T0 + 6 * M)
    assert cov.gaps == [(T0, T0 + 2 * M), (T0 + 4 * M, T0 + 6 * M)]
    assert cov.covered == [(T0 + 2 * M, T0 + 4 * M)]
    assert cov.percent == pytest.approx(33.33)


def test_segments_overhanging_the_window_are_clipped(camera):
    rows(camera, (-5, 2), (4, 9))
    cov = coverage(camera, T0, T0 + 6 * M)
    assert cov.covered == [(T0, T0 + 2 * M), (T0 + 4 * M, T0 + 6 * M)]
    assert cov.gaps == [(T0 + 2 * M, T0 + 4 * M)]


def test_a_window_inside_one_segment_is_complete(camera):
    rows(camera, (0, 10))
    cov = coverage(camera, T0 + 3 * M, T0 + 4 * M)
    assert cov.complete and cov.covered == [(T0 + 3 * M, T0 + 4 * M)]


def test_sub_second_slivers_at_boundaries_are_not_gaps(camera):
    Segment.objects.create(camera=camera, start=T0, end=T0 + M - 0.4 * S, path="a.mp4")
    Segment.objects.create(camera=camera, start=T0 + M, end=T0 + 2 * M - 0.3 * S, path="b.mp4")
    cov = coverage(camera, T0, T0 + 2 * M)
    assert cov.complete


def test_unreadable_segments_and_other_cameras_do_not_count(camera, make_camera):
    rows(camera, (0, 1), status=Segment.Status.UNREADABLE)
    rows(make_camera("cam-b"), (0, 2))
    cov = coverage(camera, T0, T0 + 2 * M)
    assert cov.covered == [] and cov.gaps == [(T0, T0 + 2 * M)]


NOW = T0 + timedelta(hours=2)


def test_availability_covered(camera):
    rows(camera, (0, 30))
    result = availability(camera, T0, T0 + 30 * M, now=NOW)
    assert result.status == "covered"


def test_availability_partial_names_the_outage(camera):
    rows(camera, (0, 10))
    Outage.objects.create(camera=camera, started_at=T0 + 10 * M, ended_at=T0 + 20 * M)
    result = availability(camera, T0, T0 + 30 * M, now=NOW)
    assert result.status == "partial"
    assert result.coverage.percent == pytest.approx(33.33)
    assert len(result.outages) == 1 and "not recording" in result.message


def test_availability_outage_of_the_recorder_counts_for_its_cameras(camera):
    Outage.objects.create(recorder=camera.recorder, started_at=T0, ended_at=None)
    result = availability(camera, T0, T0 + 30 * M, now=NOW)
    assert result.status == "outage"


def test_availability_expired_beyond_retention(camera, settings):
    settings.RETENTION_DAYS = 30
    result = availability(camera, T0, T0 + 30 * M, now=T0 + timedelta(days=31))
    assert result.status == "expired"
    assert "30-day" in result.message


def test_availability_none(camera):
    result = availability(camera, T0, T0 + 30 * M, now=NOW)
    assert result.status == "none"
