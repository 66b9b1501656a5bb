from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse

from evidence.models import Camera, Outage, Segment
from evidence.services.watchdog import check_recording_health
from portal.models import AuditEntry

from .conftest import T0

M = timedelta(minutes=1)


class Clock:
    """A controllable clock for the watchdog: starts at T0, moves when told."""

    def __init__(self, start):
        self.now = start

    def advance(self, **delta):
        self.now += timedelta(**delta)
        return self.now


@pytest.fixture
def clock():
    return Clock(T0)


@pytest.fixture(autouse=True)
def control_room(settings, cast):
    settings.CONTROL_ROOM_EMAILS = ["iccc-duty@city.example"]
    settings.WATCHDOG_THRESHOLD_MINUTES = 5


def record(camera, until):
    """Index one minute of footage of `camera` ending at `until` (as ingest would)."""
    Segment.objects.create(
        camera=camera, start=until - M, end=until, path=f"{camera.code}/{until:%H%M%S}.mp4"
    )
    Camera.objects.filter(pk=camera.pk).update(last_segment_end=until)


@pytest.fixture
def run(clock, django_capture_on_commit_callbacks):
    """One watchdog run at the clock's time; its mail leaves on commit, as in production."""

    def check():
        with django_capture_on_commit_callbacks(execute=True):
            return check_recording_health(now=clock.now)

    return check


def test_camera_outage_opens_alerts_once_and_closes_with_a_recovery_notice(
    camera, make_camera, clock, run
):
    other = make_camera("cam-b")  # keeps recording, so this is not a recorder outage
    record(camera, T0)
    record(other, T0)
    assert run().opened == []
    assert Camera.objects.get(pk=camera.pk).status == Camera.Status.RECORDING

    record(other, clock.advance(minutes=4))
    run()
    record(other, clock.advance(minutes=3))  # 7 minutes of silence: open and alert
    report = run()
    assert [o.camera for o in report.opened] == [camera]
    outage = Outage.objects.get()
    assert outage.started_at == T0 and outage.open and outage.alerted_at == clock.now
    assert Camera.objects.get(pk=camera.pk).status == Camera.Status.NOT_RECORDING
    assert len(mail.outbox) == 1
    assert "cam-a" in mail.outbox[0].subject
    assert set(mail.outbox[0].to) == {
        "iccc-duty@city.example",
        "olga@example.com",
        "sam@example.com",
        "sue@example.com",
    }

    for _minute in range(5):  # still silent: no second alert, no second outage
        record(other, clock.advance(minutes=1))
        run()
    assert len(mail.outbox) == 1 and Outage.objects.count() == 1

    returned = clock.advance(minutes=1)
    record(camera, returned)  # footage returns (a one-minute segment starting a minute ago)
    record(other, returned)
    report = run()
    outage.refresh_from_db()
    assert report.closed == [outage]
    assert outage.ended_at == returned - M and outage.recovery_notified_at == clock.now
    assert len(mail.outbox) == 2 and "resumed" in mail.outbox[1].subject.lower()
    assert Camera.objects.get(pk=camera.pk).status == Camera.Status.RECORDING

    run()
    assert len(mail.outbox) == 2
    actions = list(
        AuditEntry.objects.filter(action__startswith="evidence.outage").values_list(
            "action", flat=True
        )
    )
    assert actions == [
        "evidence.outage.opened",
        "evidence.outage.alerted",
        "evidence.outage.closed",
        "evidence.outage.recovery_notified",
    ]


def test_cameras_of_one_recorder_failing_together_are_one_recorder_outage(
    recorder, make_camera, clock, run
):
    cameras = [make_camera(f"cam-{n}") for n in range(3)]
    for offset, camera in enumerate(cameras):
        record(camera, T0 + offset * 20 * timedelta(seconds=1))  # stop seconds apart
    for _minute in range(10):
        clock.advance(minutes=1)
        run()
    outage = Outage.objects.get()
    assert outage.recorder == recorder and outage.camera is None
    assert outage.started_at == T0
    assert len(mail.outbox) == 1 and "nvr-test" in mail.outbox[0].subject
    assert all(c.code in mail.outbox[0].body for c in cameras)

    record(cameras[0], clock.advance(minutes=1))
    record(cameras[1], clock.now)
    run()
    outage.refresh_from_db()
    assert not outage.open
    # The camera that is still silent now has its own outage.
    still_down = Outage.objects.get(ended_at__isnull=True)
    assert still_down.camera == cameras[2]


def test_a_camera_that_never_recorded_is_an_outage(camera, clock, run):
    report = run()
    assert [o.camera for o in report.opened] == [camera]
    assert Outage.objects.get().started_at == clock.now


def test_inactive_cameras_are_not_watched(make_camera, run):
    make_camera("cam-off", active=False)
    assert run().opened == [] and Outage.objects.count() == 0


def test_open_outages_show_a_banner_on_staff_pages_only(camera, cast, client_for, run):
    run()
    staff_page = client_for(cast["officer"]).get(reverse("portal-dashboard"))
    assert "Recording outage: camera cam-a" in staff_page.content.decode()
    citizen_page = client_for(cast["citizen"]).get(reverse("portal-dashboard"))
    assert "Recording outage" not in citizen_page.content.decode()


def test_deactivating_a_camera_closes_its_outage_without_a_recovery_notice(camera, run):
    run()
    assert len(mail.outbox) == 1
    Camera.objects.filter(pk=camera.pk).update(active=False)
    run()
    outage = Outage.objects.get()
    assert not outage.open and "out of service" in outage.reason
    assert len(mail.outbox) == 1
