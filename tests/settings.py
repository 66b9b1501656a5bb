"""Test settings: the real settings module, with a test key and fast password hashing."""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("DATA_DIR", tempfile.mkdtemp(prefix="portal-test-data-"))
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ["DEBUG"] = "0"  # tests run as production does, whatever the shell says
# Each test has its own SIGNING_DIR; the export certificate key is generated there on first use.
os.environ.setdefault("SIGNING_ALLOW_GENERATE", "1")

from portal.settings import *  # noqa: E402, F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
