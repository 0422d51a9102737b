"""Test settings: PostgreSQL and Redis are required (no SQLite)."""

import os

from .base import *  # noqa: F403
from .base import REDIS_CACHE_OPTIONS, REDIS_URL, env

DATABASES = {
    "default": env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/marketplace")
}
DATABASES["default"]["TEST"] = {"NAME": env("TEST_DATABASE_NAME", default=None)}
if DATABASE_REPLICA_URL:  # noqa: F405  (a mirror of the test database: marketplace/db_router.py)
    DATABASES["replica"] = replica_database(DATABASES["default"], DATABASE_REPLICA_URL)  # noqa: F405
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tests read a page again right after changing what it shows; tests/test_page_cache.py turns
# the visitors' page cache on where it is the subject.
PUBLIC_PAGE_CACHE_SECONDS = 0
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Unit tests run tasks in-process; integration tests start a real worker on this Redis.
CELERY_TASK_ALWAYS_EAGER = True
TEST_REDIS_URL = REDIS_URL or "redis://127.0.0.1:6379/15"
CACHES = {
    "default": {
        "BACKEND": "marketplace.cache.ResilientRedisCache",
        "LOCATION": TEST_REDIS_URL,
        "KEY_PREFIX": f"test{os.getpid()}",
        "OPTIONS": REDIS_CACHE_OPTIONS,
    }
}
CELERY_BROKER_URL = TEST_REDIS_URL
CELERY_RESULT_BACKEND = TEST_REDIS_URL
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(BASE_DIR / "test-artifacts" / "media"))  # noqa: F405
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost", ".localhost"]
REST_FRAMEWORK = {**REST_FRAMEWORK}  # noqa: F405
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = {
    **REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],  # noqa: F405  (sign-in, sign-up: as configured)
    "anon": "10000/min",
    "user": "10000/min",
}
# Serve static files from the apps' folders without collectstatic (also for live_server).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
