"""Real services in tests: skip without them, fail in CI (PORTAL_REQUIRE_SERVICES=1)."""

import os
import socket
import subprocess
import sys
import time
import uuid
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.db import connection

REQUIRED = os.environ.get("PORTAL_REQUIRE_SERVICES") == "1"
BASE_DIR = settings.BASE_DIR


def unavailable(reason):
    """Skip with the reason on a laptop; fail in CI, where every service must be there."""
    if REQUIRED:
        pytest.fail(f"required service not available: {reason}", pytrace=False)
    pytest.skip(reason)


def require_postgres():
    if connection.vendor != "postgresql":
        unavailable("needs PostgreSQL: set DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal")


def require_redis():
    url = settings.REDIS_URL
    if not url:
        unavailable("needs Redis: set REDIS_URL=redis://127.0.0.1:6379/0")
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname, parsed.port or 6379), timeout=2):
            pass
    except OSError as error:
        unavailable(f"Redis at {url} is not reachable: {error}")
    return url


def database_url():
    """A DATABASE_URL for the test database, for child processes (workers, servers)."""
    db = connection.settings_dict
    user = db.get("USER") or ""
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"


def child_env(**extra):
    env = os.environ.copy()
    env.update(
        DJANGO_SETTINGS_MODULE="tests.settings",
        DATABASE_URL=database_url(),
        REDIS_URL=settings.REDIS_URL,
        MEDIA_ROOT=str(settings.MEDIA_ROOT),
        RECORDINGS_ROOT=str(settings.RECORDINGS_ROOT),
        SIGNING_DIR=str(settings.SIGNING_DIR),
        DATA_DIR=str(settings.DATA_DIR),
    )
    env.update({key: str(value) for key, value in extra.items()})
    return env


class WorkerProcess:
    """A real `celery worker` process on Redis, against the test database."""

    def __init__(self, queues="default,exports", **env):
        self.name = f"test-{uuid.uuid4().hex[:8]}@localhost"
        self.queues = queues
        self.env = env
        self.process = None

    def start(self, timeout=60):
        from portal.celery import app

        app.control.purge()
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "portal",
                "worker",
                "--pool=prefork",
                "--concurrency=1",
                f"--queues={self.queues}",
                "-n",
                self.name,
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
            ],
            cwd=BASE_DIR,
            env=child_env(**self.env),
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"celery worker exited with {self.process.returncode}")
            if app.control.ping(destination=[self.name], timeout=1):
                return self
        self.stop()
        raise RuntimeError("celery worker did not start in time")

    def stop(self):
        import signal

        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def wait_for(predicate, timeout=60, interval=0.2):
    """Poll until predicate() is truthy; return its value or fail the test on timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    pytest.fail(f"timed out after {timeout}s waiting for {predicate.__doc__ or predicate}")


class broker_unreachable:  # noqa: N801  (used as a context manager)
    """Point this process's Celery producer at a closed port, as if Redis were down."""

    CLOSED = "redis://127.0.0.1:9/0"  # the discard port: nothing listens there

    def __enter__(self):
        from portal.celery import app

        self.app = app
        self.original = app.conf.broker_url
        self._switch(self.CLOSED)
        return self

    def __exit__(self, *exc):
        self._switch(self.original)

    def _switch(self, url):
        self.app.conf.broker_url = url
        # Celery caches the connection and producer pools; drop them so the next publish
        # connects to `url`.
        self.app._pool = None
        self.app.amqp._producer_pool = None
