import pytest


@pytest.fixture
def world(cast):
    """The objects the access rules point at, owned by `citizen` and by `officer`'s station.

    Apps add their objects here as they gain object URLs.
    """
    from evidence.models import Camera, Recorder

    recorder = Recorder.objects.create(code="nvr-1", name="NVR 1")
    camera = Camera.objects.create(code="cam-gate", name="Main gate", recorder=recorder)
    return {"cast": cast, "camera": camera}
