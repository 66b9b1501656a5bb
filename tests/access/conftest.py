import pytest
from django.conf import settings

from tests.access.request_rules import request_world


@pytest.fixture
def world(cast):
    """The objects the access rules point at, owned by `citizen` and by `officer`'s station."""
    from evidence.models import Camera, ExportFile, ExportJob, Recorder
    from evidence.services import exports

    recorder = Recorder.objects.create(code="nvr-1", name="NVR 1")
    camera = Camera.objects.create(code="cam-gate", name="Main gate", recorder=recorder)
    world = {"cast": cast, "camera": camera, **request_world(cast)}

    # A finished export of the officer's station (rows and a small file; no ffmpeg needed).
    item = world["footage_request"].items.get()
    job = ExportJob.objects.create(
        camera=item.camera,
        start=item.start,
        end=item.end,
        status=ExportJob.Status.SUCCEEDED,
        linked_type="requests_app.requestitem",
        linked_id=str(item.pk),
    )
    path = settings.MEDIA_ROOT / "exports" / "matrix-working.mp4"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"not really a video")
    export_file = ExportFile.objects.create(
        job=job,
        kind=ExportFile.Kind.WORKING,
        path="exports/matrix-working.mp4",
        sha256="0" * 64,
        size=path.stat().st_size,
    )
    exports.grant_download(job=job, user=cast["officer"])
    world.update(export_job=job, export_file=export_file)
    return world
