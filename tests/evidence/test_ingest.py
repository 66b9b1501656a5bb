import os
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.management import call_command

from evidence.models import Camera, Segment
from evidence.services.ingest import (
    PathEscapeError,
    file_sha256,
    ingest_recordings,
    resolve_segment_path,
)
from portal.models import AuditEntry

from .conftest import T0


def ingest(**kwargs):
    kwargs.setdefault("settle_seconds", 0)
    return ingest_recordings(**kwargs)


def test_ingest_indexes_generated_segments_with_probe_and_hash(camera, footage):
    paths = footage("cam-a", T0, 8, segment_seconds=4)
    report = ingest()
    assert report.indexed == 2 and report.unreadable == 0
    first, second = Segment.objects.order_by("start")
    assert first.path == "cam-a/2026-11-20/10-00-00.mp4"
    assert second.path == "cam-a/2026-11-20/10-00-04.mp4"
    assert first.start == T0 and first.end == T0 + timedelta(seconds=4)
    assert second.start == first.end
    assert first.status == Segment.Status.OK
    assert (first.codec, first.width, first.height, first.fps) == ("h264", 160, 90, 10.0)
    assert first.keyframe_interval == pytest.approx(2.0)
    assert first.size == os.path.getsize(paths[0])
    assert first.sha256 == file_sha256(paths[0])
    camera.refresh_from_db()
    assert camera.last_segment_end == T0 + timedelta(seconds=8)
    event = AuditEntry.objects.get(action="evidence.ingest.completed")
    assert event.details["indexed"] == 2 and event.details["cameras"] == {"cam-a": 2}


def test_reingest_finds_nothing_new_and_logs_nothing(camera, footage):
    footage("cam-a", T0, 4)
    assert ingest().indexed == 1
    again = ingest()
    assert (again.indexed, again.unreadable, again.already_known) == (0, 0, 1)
    assert AuditEntry.objects.filter(action="evidence.ingest.completed").count() == 1
    footage("cam-a", T0 + timedelta(seconds=4), 4)
    assert ingest().indexed == 1
    assert Segment.objects.count() == 2


def test_corrupt_and_truncated_files_are_unreadable_and_do_not_stop_the_run(camera, footage):
    good, to_truncate = footage("cam-a", T0, 8)
    data = to_truncate.read_bytes()
    to_truncate.write_bytes(data[: len(data) // 2])
    garbage = settings.RECORDINGS_ROOT / "cam-a/2026-11-20/10-00-30.mp4"
    garbage.write_bytes(b"this is not a video" * 100)
    report = ingest()
    assert report.indexed == 1 and report.unreadable == 2
    bad = Segment.objects.filter(status=Segment.Status.UNREADABLE).order_by("start")
    assert [s.path for s in bad] == [
        "cam-a/2026-11-20/10-00-04.mp4",
        "cam-a/2026-11-20/10-00-30.mp4",
    ]
    assert all(s.error and s.sha256 and s.end == s.start for s in bad)
    camera.refresh_from_db()
    assert camera.last_segment_end == T0 + timedelta(seconds=4)
    assert ingest().unreadable == 0  # reported once, not on every run


def test_symlink_leaving_the_root_is_refused(camera, footage, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    secret = outside / "10-00-00.mp4"
    secret.write_bytes(b"not footage")
    day = settings.RECORDINGS_ROOT / "cam-a" / "2026-11-20"
    day.mkdir(parents=True)
    (day / "10-00-00.mp4").symlink_to(secret)
    (settings.RECORDINGS_ROOT / "cam-a" / "2026-11-21").symlink_to(outside)
    report = ingest()
    assert sorted(report.refused) == ["cam-a/2026-11-20/10-00-00.mp4", "cam-a/2026-11-21"]
    assert Segment.objects.count() == 0


@pytest.mark.parametrize("relpath", ["../etc/passwd", "/etc/passwd", "cam-a/../../x.mp4"])
def test_resolve_segment_path_refuses_escapes(relpath, db):
    with pytest.raises(PathEscapeError):
        resolve_segment_path(relpath)


def test_unknown_camera_codes_are_reported_not_indexed(camera, footage):
    footage("cam-zz", T0, 4)
    report = ingest()
    assert report.unknown_cameras == {"cam-zz": 1}
    assert Segment.objects.count() == 0
    Camera.objects.create(code="cam-zz", name="Added later", recorder=camera.recorder)
    assert ingest().indexed == 1


def test_files_outside_the_layout_are_ignored(camera, footage):
    footage("cam-a", T0, 4)
    (settings.RECORDINGS_ROOT / "cam-a" / "2026-11-20" / "notes.txt").write_text("hello")
    (settings.RECORDINGS_ROOT / "README").write_text("hello")
    report = ingest()
    assert report.indexed == 1 and report.ignored == 2


def test_files_still_being_written_wait_for_the_next_run(camera, footage):
    footage("cam-a", T0, 4)
    report = ingest_recordings(settle_seconds=3600)
    assert report.still_writing == 1 and Segment.objects.count() == 0


def test_a_custom_layout_is_parsed(camera, footage, settings):
    settings.RECORDINGS_LAYOUT = "{date:%Y}/{date:%m}/{date:%d}/{camera}_{date:%H%M%S}.mp4"
    source = footage("cam-a", T0, 4)[0]
    target = settings.RECORDINGS_ROOT / "2026/11/20/cam-a_100000.mp4"
    target.parent.mkdir(parents=True)
    source.rename(target)
    report = ingest()
    assert report.indexed == 1
    assert Segment.objects.get().start == T0


def test_since_skips_older_dated_folders(camera, footage):
    footage("cam-a", T0, 4)
    footage("cam-a", T0 + timedelta(days=2), 4)
    report = ingest(since=T0 + timedelta(days=1))
    assert report.indexed == 1
    assert Segment.objects.get().start == T0 + timedelta(days=2)


def test_ingest_command_prints_a_summary(camera, footage, capsys):
    footage("cam-a", T0, 4)
    footage("cam-zz", T0, 4)
    call_command("ingest_recordings", "--settle-seconds=0")
    out = capsys.readouterr().out
    assert "indexed:        1" in out
    assert "unknown camera code 'cam-zz'" in out
