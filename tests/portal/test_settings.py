import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from portal.settings import envbool, envint, envlist, envsecret

BASE_ENV = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "portal.settings"}


def run_django(code, **env):
    from django.conf import settings

    full_env = {**BASE_ENV, "DATA_DIR": str(settings.DATA_DIR), **env}
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=settings.BASE_DIR,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_envbool_parses_and_refuses_nonsense(monkeypatch):
    monkeypatch.setenv("X_FLAG", "yes")
    assert envbool("X_FLAG", False) is True
    monkeypatch.setenv("X_FLAG", "0")
    assert envbool("X_FLAG", True) is False
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="X_FLAG"):
        envbool("X_FLAG", False)
    monkeypatch.delenv("X_FLAG")
    assert envbool("X_FLAG", True) is True


def test_envint_refuses_words(monkeypatch):
    monkeypatch.setenv("X_NUM", "12")
    assert envint("X_NUM", 1) == 12
    monkeypatch.setenv("X_NUM", "twelve")
    with pytest.raises(ImproperlyConfigured, match="whole number"):
        envint("X_NUM", 1)


def test_envsecret_reads_file(monkeypatch, tmp_path):
    secret = tmp_path / "key"
    secret.write_text("from-a-file\n")
    monkeypatch.setenv("X_SECRET_FILE", str(secret))
    assert envsecret("X_SECRET", "default") == "from-a-file"
    monkeypatch.setenv("X_SECRET_FILE", str(tmp_path / "missing"))
    with pytest.raises(ImproperlyConfigured, match="cannot read"):
        envsecret("X_SECRET", "default")


def test_envlist_splits_commas(monkeypatch):
    monkeypatch.setenv("X_HOSTS", "a.example, b.example,,")
    assert envlist("X_HOSTS", []) == ["a.example", "b.example"]


def test_production_refuses_the_default_secret_key():
    result = run_django("print('started')", DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY is the built-in default" in result.stderr


def test_debug_mode_starts_with_the_default_key():
    result = run_django("print('started')", DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


def test_defaults_are_sqlite_and_a_serverless_broker():
    result = run_django(
        "from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_BROKER_URL, s.TIME_ZONE, s.USE_TZ)",
        DEBUG="1",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        "filesystem://",
        "Asia/Kolkata",
        "True",
    ]


def test_database_and_redis_urls_are_read():
    result = run_django(
        "from django.conf import settings as s; d = s.DATABASES['default']; "
        "print(d['ENGINE'], d['HOST'], d['NAME'], s.CELERY_BROKER_URL)",
        DEBUG="1",
        DATABASE_URL="postgres://postgres@db.example:5432/portal",
        REDIS_URL="redis://cache.example:6379/2",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "db.example",
        "portal",
        "redis://cache.example:6379/2",
    ]


def test_check_deploy_is_clean_in_production():
    from django.conf import settings

    env = {
        **BASE_ENV,
        "DATA_DIR": str(settings.DATA_DIR),
        "DEBUG": "0",
        "SECRET_KEY": "a-production-key-with-enough-length-and-variety-0123456789-XYZ!",
        "ALLOWED_HOSTS": "footage.example.gov.in",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
