"""Embedded default for `make run`: SQLite and in-process tasks unless the env says otherwise."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
# Links in e-mails (and from shop hosts) point at the development server.
MAIN_SITE_URL = env("MAIN_SITE_URL", default="http://127.0.0.1:8000")

if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    # The embedded SQLite default cannot enforce UNIQUE ... NULLS NOT DISTINCT (one inquiry
    # thread per storefront and counterpart); SQLite serialises writers, and PostgreSQL,
    # where the constraint exists, is the real database.
    SILENCED_SYSTEM_CHECKS = ["models.W047"]
