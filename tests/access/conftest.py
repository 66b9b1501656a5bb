import pytest


@pytest.fixture
def world(cast):
    """The objects the access rules point at, owned by `citizen` and by `officer`'s station.

    Apps add their objects here as they gain object URLs.
    """
    return {"cast": cast}
