"""Settings for the footage portal.

Every value comes from the environment, with defaults that suit one machine (the embedded mode:
SQLite and a Celery broker that needs no server). Production sets DEBUG=0 and must then give a
real SECRET_KEY; start-up refuses the built-in one.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {value!r}")


def envint(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, got {value!r}") from None


def envsecret(name, default):
    """Read NAME, or the contents of the file named by NAME_FILE (for Docker/K8s secrets)."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        try:
            return Path(path).read_text().strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE: cannot read {path}: {exc}") from None
    return os.environ.get(name, default)


def envlist(name, default):
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = envbool("DEBUG", False)

# The data folder holds everything that belongs to one installation and never to git:
# the SQLite database, the broker's folders, media, recordings and the signing keys.
DATA_DIR = Path(os.environ.get("DATA_DIR", BASE_DIR / "data")).resolve()

DEFAULT_SECRET_KEY = "insecure-default-key-for-the-embedded-demo-only"  # noqa: S105
SECRET_KEY = envsecret("SECRET_KEY", DEFAULT_SECRET_KEY)
if not DEBUG and SECRET_KEY == DEFAULT_SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY is the built-in default. Set SECRET_KEY (or SECRET_KEY_FILE) to a long random "
        "value, or set DEBUG=1 for the local demo."
    )

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = os.environ.get("SITE_URL", "http://localhost:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "guardian",
    "portal",
    "evidence",
    "requests_app",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "portal.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "portal.middleware.UserPreferencesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "portal.middleware.AccessDeniedAuditMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.navigation",
            ],
        },
    },
]

# Database: DATABASE_URL (postgres://user@host:5432/name), else SQLite in the data folder.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'portal.sqlite3'}",
        conn_max_age=envint("DB_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # IMMEDIATE transactions take the write lock at BEGIN, so concurrent writers (web server
    # and worker) queue up instead of failing with "database is locked" mid-transaction.
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 30}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "portal.User"
AUTHENTICATION_BACKENDS = [
    # Inactive users reach the form's own check, which tells them to confirm their email; a
    # deactivated user's session stops working (portal/backends.py).
    "portal.backends.AccountBackend",
    "guardian.backends.ObjectPermissionBackend",
]
ANONYMOUS_USER_NAME = None  # anonymous visitors hold no object permissions
LOGIN_URL = "portal-login"
LOGIN_REDIRECT_URL = "portal-dashboard"
LOGOUT_REDIRECT_URL = "portal-login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Failed-login lockout: this many failures for one username within the window locks it.
LOGIN_MAX_FAILURES = envint("LOGIN_MAX_FAILURES", 5)
LOGIN_LOCKOUT_MINUTES = envint("LOGIN_LOCKOUT_MINUTES", 15)

# Internationalisation. Times are stored in UTC and shown in the user's zone.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("hi", _("Hindi"))]
LOCALE_PATHS = [BASE_DIR / "portal" / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = os.environ.get("DISPLAY_TIME_ZONE", "Asia/Kolkata")

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", DATA_DIR / "static"))
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", DATA_DIR / "media"))
MEDIA_URL = "media/"  # never served directly: downloads go through checked views
RECORDINGS_ROOT = Path(os.environ.get("RECORDINGS_ROOT", DATA_DIR / "recordings"))
SIGNING_DIR = Path(os.environ.get("SIGNING_DIR", DATA_DIR / "signing"))

# Mail: the console in the embedded mode, SMTP when EMAIL_HOST is set.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = envint("EMAIL_PORT", 587)
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = envsecret("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "footage-portal@localhost")
CONTROL_ROOM_EMAILS = envlist("CONTROL_ROOM_EMAILS", [])

# Sessions and cookies. Behind TLS in production; plain HTTP only for the local demo.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", 8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = envbool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; media-src 'self' blob:; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
if envbool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Celery: Redis when REDIS_URL is set; otherwise a folder-based broker that needs no server,
# with a real worker process still running the jobs.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
else:
    CELERY_BROKER_URL = "filesystem://"
    _broker_dir = DATA_DIR / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
    for _folder in ("queue", "control"):
        (_broker_dir / _folder).mkdir(parents=True, exist_ok=True)
CELERY_TASK_ALWAYS_EAGER = envbool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_IGNORE_RESULT = True  # job rows in the database are the source of truth
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True  # a job whose worker dies is delivered again
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = envint("CELERY_TASK_TIME_LIMIT", 3 * 3600)
CELERY_TASK_SOFT_TIME_LIMIT = envint("CELERY_TASK_SOFT_TIME_LIMIT", 3 * 3600 - 120)
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "verify-audit-chain": {"task": "portal.tasks.verify_audit_chain", "schedule": 3600.0},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# Recordings: the layout under RECORDINGS_ROOT, how long footage is kept, the longest segment.
RECORDINGS_LAYOUT = os.environ.get(
    "RECORDINGS_LAYOUT", "{camera}/{date:%Y-%m-%d}/{date:%H-%M-%S}.mp4"
)
RETENTION_DAYS = envint("RETENTION_DAYS", 30)
SEGMENT_MAX_SECONDS = envint("SEGMENT_MAX_SECONDS", 3600)

# --- recordings ---
# Ingest: files younger than INGEST_SETTLE_SECONDS may still be being written and wait for the
# next run; the periodic run only walks dated folders of the last INGEST_LOOKBACK_HOURS
# (`manage.py ingest_recordings` walks everything).
INGEST_SETTLE_SECONDS = envint("INGEST_SETTLE_SECONDS", 30)
INGEST_LOOKBACK_HOURS = envint("INGEST_LOOKBACK_HOURS", 48)
# Watchdog: a camera whose newest footage is older than this is not recording.
WATCHDOG_THRESHOLD_MINUTES = envint("WATCHDOG_THRESHOLD_MINUTES", 5)
# Demo: keep generating the demo cameras' footage up to now (scripts/serve turns it on).
DEMO_FOOTAGE = envbool("DEMO_FOOTAGE", False)
CELERY_BEAT_SCHEDULE.update(
    {
        "ingest-recordings": {"task": "evidence.tasks.ingest_new_segments", "schedule": 60.0},
        "recording-watchdog": {"task": "evidence.tasks.check_recording_health", "schedule": 60.0},
        "purge-expired-segments": {
            "task": "evidence.tasks.purge_expired_segments",
            "schedule": 3600.0,
        },
    }
)
if DEMO_FOOTAGE:
    CELERY_BEAT_SCHEDULE["demo-footage"] = {
        "task": "evidence.tasks.extend_demo_footage",
        "schedule": 60.0,
    }
TEMPLATES[0]["OPTIONS"]["context_processors"].append("evidence.context_processors.staff_banners")

# --- Evidence exports ---
# Clip jobs run on their own queue, so CPU-heavy ffmpeg work never blocks light tasks.
CELERY_TASK_ROUTES = {
    "evidence.run_export_job": {"queue": "exports"},
}
CELERY_BEAT_SCHEDULE["sweep-stale-exports"] = {
    "task": "evidence.sweep_stale_exports",
    "schedule": 60.0,
}
# Export what exists and state the gaps on the certificate (1), or fail the job (0).
EXPORT_ALLOW_GAPS = envbool("EXPORT_ALLOW_GAPS", True)
# A running job whose worker has not reported for this long is re-queued by the sweeper.
EXPORT_STALE_SECONDS = envint("EXPORT_STALE_SECONDS", 300)
# A queued job whose task message has not reached the broker after this long is dispatched again.
EXPORT_REDISPATCH_SECONDS = envint("EXPORT_REDISPATCH_SECONDS", 30)
# After this many attempts whose worker died, the sweeper fails the job instead of re-queuing.
EXPORT_MAX_ATTEMPTS = envint("EXPORT_MAX_ATTEMPTS", 3)
# Soft limit for one attempt: ffmpeg is killed and the job fails (retryable) after this.
EXPORT_SOFT_TIME_LIMIT = envint("EXPORT_SOFT_TIME_LIMIT", 2 * 3600)
# Working-copy encoder settings (H.264, yuv420p).
EXPORT_X264_PRESET = os.environ.get("EXPORT_X264_PRESET", "veryfast")
EXPORT_X264_CRF = envint("EXPORT_X264_CRF", 21)
# Refuse to start an export when less than this many bytes are free in MEDIA_ROOT.
EXPORT_MIN_FREE_BYTES = envint("EXPORT_MIN_FREE_BYTES", 256 * 1024 * 1024)
# Signing: a key the city already has (PEM files), or one generated on first use in SIGNING_DIR
# from a local CA. With DEBUG=0 generation is refused unless SIGNING_ALLOW_GENERATE=1.
SIGNING_KEY_FILE = os.environ.get("SIGNING_KEY_FILE", "")
SIGNING_CERT_FILE = os.environ.get("SIGNING_CERT_FILE", "")
SIGNING_CA_FILE = os.environ.get("SIGNING_CA_FILE", "")
SIGNING_KEY_PASSPHRASE = envsecret("SIGNING_KEY_PASSPHRASE", "")
SIGNING_ALLOW_GENERATE = envbool("SIGNING_ALLOW_GENERATE", DEBUG)
SIGNING_SUBJECT = os.environ.get("SIGNING_SUBJECT", "CCTV Control Room")
# The certificate PDF upload limit on the public verification page.
VERIFY_MAX_UPLOAD_BYTES = envint("VERIFY_MAX_UPLOAD_BYTES", 5 * 1024 * 1024)

# --- footage requests ---
# Service level: the control room decides within this many hours of filing (paused time not
# counted); "due soon" lists requests due within REQUEST_DUE_SOON_HOURS.
REQUEST_REVIEW_HOURS = envint("REQUEST_REVIEW_HOURS", 72)
REQUEST_DUE_SOON_HOURS = envint("REQUEST_DUE_SOON_HOURS", 24)
# The longest window of one item (Genetec Clearance's limit is a sensible default) and the most
# items in one request.
REQUEST_MAX_ITEM_MINUTES = envint("REQUEST_MAX_ITEM_MINUTES", 120)
REQUEST_MAX_ITEMS = envint("REQUEST_MAX_ITEMS", 10)
