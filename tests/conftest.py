import pytest
from django.test import Client

from portal import roles
from portal.models import PoliceStation, User
from tests import services

PASSWORD = "correct-horse-battery-9"


@pytest.fixture(autouse=True)
def _isolated_files(settings, tmp_path):
    """Every test gets its own media, recordings and signing folders."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.RECORDINGS_ROOT = tmp_path / "recordings"
    settings.SIGNING_DIR = tmp_path / "signing"
    for path in (settings.MEDIA_ROOT, settings.RECORDINGS_ROOT):
        path.mkdir()


@pytest.fixture
def station(db):
    return PoliceStation.objects.create(code="ps-central", name="Central PS", district="Central")


@pytest.fixture
def other_station(db):
    return PoliceStation.objects.create(code="ps-north", name="North PS", district="North")


@pytest.fixture
def make_user(db):
    """make_user("alice", roles.CITIZEN) -> an active user with PASSWORD and that role."""

    def make(username, role=None, station=None, **fields):
        user = User.objects.create_user(
            username=username, email=f"{username}@example.com", password=PASSWORD, **fields
        )
        if role:
            roles.assign_role(user=user, role=role, station=station)
        return user

    return make


@pytest.fixture
def cast(make_user, station, other_station):
    """One user per role, plus a second officer at another station (the stranger)."""
    return {
        "citizen": make_user("alice", roles.CITIZEN),
        "citizen2": make_user("charlie", roles.CITIZEN),
        "officer": make_user("bob", roles.STATION_OFFICER, station=station),
        "officer_other": make_user("dave", roles.STATION_OFFICER, station=other_station),
        "operator": make_user("olga", roles.OPERATOR),
        "supervisor": make_user("sam", roles.SUPERVISOR),
        "supervisor2": make_user("sue", roles.SUPERVISOR),
        "auditor": make_user("audrey", roles.AUDITOR),
        "admin": make_user("ada", roles.ADMIN),
    }


@pytest.fixture
def client_for():
    def make(user):
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def postgres(db):
    services.require_postgres()


@pytest.fixture
def redis_url():
    return services.require_redis()


@pytest.fixture
def celery_worker(transactional_db, redis_url):
    """A real Celery worker process on Redis, sharing the (committed) test database."""
    services.require_postgres()
    worker = services.WorkerProcess().start()
    yield worker
    worker.stop()


def pytest_collection_modifyitems(config, items):
    """Browser tests run last: Playwright's sync API keeps an event loop running in the main
    thread, and code that calls asyncio.run() (pyHanko's signing) cannot run after it starts."""
    items.sort(key=lambda item: "/e2e/" in str(item.path))
