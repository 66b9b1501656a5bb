from datetime import timedelta

from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from evidence import demo, tasks
from evidence.models import Camera, Outage, Recorder, Segment
from evidence.services.coverage import coverage
from evidence.services.ingest import file_sha256


def test_demo_cameras_and_footage_are_idempotent(db):
    assert all(created for _camera, created in demo.seed_cameras())
    assert not any(created for _camera, created in demo.seed_cameras())
    assert Recorder.objects.count() == 2 and Camera.objects.count() == 4
    assert all(
        r.make and r.model and r.serial_number and r.mac_address for r in Recorder.objects.all()
    )

    now = timezone.now()
    first = demo.extend_footage(now=now, hours=0.1)  # six minutes, one with a gap
    assert first.written == {
        "bpl-jumerati-01": 6,
        "bpl-chowk-02": 6,
        "bpl-rkmp-03": 4,
        "bpl-mpnagar-04": 6,
    }
    assert first.ingest.indexed == 22
    broken = Camera.objects.get(code=demo.BROKEN_CAMERA)
    outage = Outage.objects.get(camera=broken)
    horizon = (now - timedelta(hours=0.1)).replace(second=0, microsecond=0)
    cov = coverage(broken, horizon, horizon + timedelta(minutes=6))
    assert cov.gaps == [(outage.started_at, outage.ended_at)]
    oldest = Segment.objects.order_by("start").first()
    oldest_hash = file_sha256(settings.RECORDINGS_ROOT / oldest.path)

    again = demo.extend_footage(now=now, hours=0.1)
    assert sum(again.written.values()) == 0 and again.ingest.indexed == 0
    later = demo.extend_footage(now=now + timedelta(minutes=2), hours=0.1)
    assert set(later.written.values()) == {2}
    assert Outage.objects.count() == 1
    assert file_sha256(settings.RECORDINGS_ROOT / oldest.path) == oldest_hash  # never rewritten
    for camera in Camera.objects.all():
        assert camera.last_segment_end >= horizon + timedelta(minutes=8)


def test_the_demo_footage_task_does_nothing_unless_enabled(db, settings):
    settings.DEMO_FOOTAGE = False
    demo.seed_cameras()
    tasks.extend_demo_footage()
    assert Segment.objects.count() == 0


def test_seed_demo_generates_and_indexes_footage(db, capsys):
    call_command("seed_demo", "--footage-hours=0.05")
    out = capsys.readouterr().out
    assert "bpl-jumerati-01" in out and "(created)" in out
    assert "indexed" in out
    assert Segment.objects.filter(camera__code="bpl-chowk-02").count() == 3
    call_command("seed_demo", "--footage-hours=0.05")
    assert "(created)" not in capsys.readouterr().out
