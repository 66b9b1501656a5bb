from datetime import timedelta

import pytest

from evidence.models import Segment
from evidence.services.holds import HoldError, place_hold, release_hold, release_holds
from evidence.services.ingest import ingest_recordings
from evidence.services.retention import purge_expired_segments
from portal.models import AuditEntry

from .conftest import T0

S = timedelta(seconds=1)
LATER = T0 + timedelta(days=31)  # RETENTION_DAYS (30) after the footage


@pytest.fixture
def indexed(camera, footage):
    """Three 4-second segments of cam-a from T0, ingested."""
    paths = footage("cam-a", T0, 12, segment_seconds=4)
    ingest_recordings(settle_seconds=0)
    return paths


def test_purge_deletes_expired_unheld_segments_file_and_row(indexed, settings):
    settings.RETENTION_DAYS = 30
    report = purge_expired_segments(now=LATER)
    assert report.deleted == 3 and report.files_missing == 0 and report.bytes_freed > 0
    assert Segment.objects.count() == 0
    assert not any(path.exists() for path in indexed)
    assert not (settings.RECORDINGS_ROOT / "cam-a").exists()  # emptied folders go too
    event = AuditEntry.objects.get(action="evidence.retention.purged")
    assert event.details["deleted"] == 3 and event.details["cameras"] == {"cam-a": 3}


def test_nothing_is_purged_inside_the_retention_period(indexed):
    report = purge_expired_segments(now=T0 + timedelta(days=29))
    assert report.deleted == 0 and Segment.objects.count() == 3
    assert all(path.exists() for path in indexed)
    assert not AuditEntry.objects.filter(action="evidence.retention.purged").exists()


def test_an_active_hold_protects_the_overlapping_segments(camera, indexed, cast):
    place_hold(
        camera=camera,
        start=T0 + 5 * S,
        end=T0 + 6 * S,
        reason="FIR 12/2026",
        actor=cast["operator"],
        linked_type="requests.item",
        linked_id=7,
    )
    report = purge_expired_segments(now=LATER)
    assert report.deleted == 2 and report.held == 1
    kept = Segment.objects.get()
    assert kept.start == T0 + 4 * S
    assert indexed[1].exists() and not indexed[0].exists() and not indexed[2].exists()


def test_a_hold_on_another_camera_protects_nothing(camera, make_camera, indexed):
    place_hold(camera=make_camera("cam-b"), start=T0, end=T0 + 12 * S, reason="other camera")
    assert purge_expired_segments(now=LATER).deleted == 3


def test_released_holds_no_longer_protect(camera, indexed, cast):
    place_hold(camera=camera, start=T0, end=T0 + 12 * S, reason="r", linked_type="t", linked_id=1)
    assert purge_expired_segments(now=LATER).deleted == 0
    assert release_holds(linked_type="t", linked_id=1, actor=cast["supervisor"]) == 1
    assert purge_expired_segments(now=LATER).deleted == 3


def test_release_hold_releases_once_and_logs(camera, cast):
    hold = place_hold(camera=camera, start=T0, end=T0 + S, reason="r")
    assert release_hold(hold=hold, actor=cast["admin"]) is True
    assert release_hold(hold=hold, actor=cast["admin"]) is False
    assert AuditEntry.objects.filter(action="evidence.hold.released").count() == 1


def test_a_hold_must_end_after_it_starts(camera):
    with pytest.raises(HoldError):
        place_hold(camera=camera, start=T0, end=T0, reason="r")


def test_a_missing_file_is_not_an_error(indexed):
    indexed[0].unlink()
    report = purge_expired_segments(now=LATER)
    assert report.deleted == 3 and report.files_missing == 1
    assert Segment.objects.count() == 0


def test_purge_works_in_batches(indexed):
    assert purge_expired_segments(now=LATER, batch_size=2).deleted == 3
    assert Segment.objects.count() == 0
