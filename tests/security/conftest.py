from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from tests.access.conftest import world  # noqa: F401 (the access matrix's world, reused)
from tests.security.hostile import (
    FIR_PATTERN,
    HINDI,
    REQUEST_FIELDS,
    file_through_the_form,
    payload,
    register_citizen,
    short,
)


def _succeed(job):
    """Finish an export job with one working-copy row and file (no ffmpeg needed here)."""
    from evidence.models import ExportFile, ExportJob

    path = settings.MEDIA_ROOT / "exports" / f"hostile-{job.pk}.mp4"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"not really a video")
    ExportFile.objects.create(
        job=job,
        kind=ExportFile.Kind.WORKING,
        path=f"exports/hostile-{job.pk}.mp4",
        sha256="1" * 64,
        size=path.stat().st_size,
    )
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportJob.Status.SUCCEEDED, finished_at=timezone.now()
    )
    job.refresh_from_db()
    return job


@pytest.fixture
def hostile_world(world):  # noqa: F811
    """The access world plus hostile text in every free-text field, and a request of the
    station in every state a page renders differently: awaiting endorsement, needs information
    (asked, answered, asked again), under review and prepared, rejected, footage unavailable,
    exporting, ready, and one filed by the station itself."""
    from evidence.models import Camera, Outage, Recorder
    from requests_app import filing, services
    from requests_app.models import Status as S

    cast = world["cast"]
    station = cast["officer"].station
    station.name = payload("station_name")
    station.fir_number_pattern = FIR_PATTERN
    station.save()
    for key in ("officer", "operator", "supervisor", "auditor"):
        user = cast[key]
        user.first_name, user.last_name = short(f"{key}_first"), HINDI
        user.save()

    recorder = Recorder.objects.create(
        code="nvr-hostile",
        name=payload("recorder_name"),
        make=short("recorder_make"),
        model=short("recorder_model"),
        serial_number=short("recorder_serial"),
        location=payload("recorder_location"),
    )
    camera = Camera.objects.create(
        code="cam-hostile",
        name=payload("camera_name"),
        location_description=payload("camera_location"),
        zone=short("camera_zone"),
        recorder=recorder,
    )
    Outage.objects.create(
        camera=camera,
        started_at=timezone.now() - timedelta(minutes=30),
        reason=payload("outage_reason"),
    )

    eve_client = Client()
    eve = register_citizen(eve_client, f"{short('user_name')} {HINDI}")
    eve_client.force_login(eve)
    users = {**cast, "eve": eve}

    def file(filer=eve):
        now = timezone.now()
        request, _created = filing.file_request(
            filer=filer,
            station=station,
            fir_year=now.year,
            fir_date=now.date().replace(month=1, day=1),
            items=[(camera, now - timedelta(hours=2), now - timedelta(hours=1))],
            **REQUEST_FIELDS,
        )
        return request

    def step(request, to, who, reason=""):
        return services.transition(request, to, actor=users[who], reason=reason)

    requests = {
        "awaiting": file_through_the_form(
            eve_client, station=station, camera=camera, fields=REQUEST_FIELDS
        )
    }

    r = requests["needs_information"] = file()
    step(r, S.NEEDS_INFORMATION, "officer", payload("station_question"))
    step(r, S.AWAITING_ENDORSEMENT, "eve", payload("citizen_answer"))
    step(r, S.UNDER_REVIEW, "officer")
    step(r, S.NEEDS_INFORMATION, "operator", payload("control_room_question"))

    r = requests["under_review"] = file()
    step(r, S.UNDER_REVIEW, "officer")
    services.mark_prepared(request=r, actor=cast["operator"], note=payload("prepare_note"))

    r = requests["rejected"] = file()
    step(r, S.UNDER_REVIEW, "officer")
    step(r, S.REJECTED, "supervisor", payload("reject_reason"))

    r = requests["unavailable"] = file()
    step(r, S.FOOTAGE_UNAVAILABLE, "operator", payload("unavailable_reason"))

    for state in ("exporting", "ready"):
        r = requests[state] = file()
        step(r, S.UNDER_REVIEW, "officer")
        services.mark_prepared(request=r, actor=cast["operator"])
        step(r, S.APPROVED, "supervisor")
    job = _succeed(requests["ready"].items.get().export_job)
    services.export_job_changed(job=job)

    requests["station_filed"] = file(filer=cast["officer"])
    for request in requests.values():
        request.refresh_from_db()
    assert requests["ready"].status == S.READY
    assert requests["exporting"].status == S.EXPORTING
    assert requests["needs_information"].status == S.NEEDS_INFORMATION

    return {
        **world,
        "users": users,
        "eve_client": eve_client,
        "hostile_station": station,
        "hostile_camera": camera,
        "requests": requests,
        "ready_job": job,
    }
