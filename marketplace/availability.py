"""The database is away (issue 17, item 6): what that looks like and how it is logged.

PostgreSQL stopped, restarting or unreachable shows up as Django's `OperationalError`
(connecting failed, the server closed the connection, "the database system is starting up")
or `InterfaceError` (a connection already closed). A request that meets one answers 503 with
`Retry-After` (marketplace/middleware.py for pages, marketplace.exceptions for the API)
instead of 500, and the site recovers by itself once PostgreSQL answers again
(`CONN_HEALTH_CHECKS` replaces the broken connection on the next request).

During an outage every request fails the same way: the cause is logged as one line at most
once a minute per process, and Django's traceback for it is dropped (`DropTracebacks`).
"""

from __future__ import annotations

import logging
import time

from django.db import InterfaceError, OperationalError

logger = logging.getLogger(__name__)

DATABASE_UNAVAILABLE_ERRORS: tuple[type[BaseException], ...] = (OperationalError, InterfaceError)
# Seconds a client is asked to wait (`Retry-After`): about one PostgreSQL restart.
RETRY_AFTER_SECONDS = 10
WARN_EVERY_SECONDS = 60.0
_last_warning = 0.0


def is_database_unavailable(exc: BaseException | None) -> bool:
    return isinstance(exc, DATABASE_UNAVAILABLE_ERRORS)


def warn_database_unavailable(where: str, exc: BaseException) -> None:
    """Log the outage as one line, at most once every WARN_EVERY_SECONDS per process."""
    global _last_warning
    now = time.monotonic()
    if not _last_warning or now - _last_warning >= WARN_EVERY_SECONDS:
        _last_warning = now
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        logger.warning(
            "Database unavailable (%s: %s: %s); answering 503",
            where,
            type(exc).__name__,
            first_line,
        )


class DropTracebacks(logging.Filter):
    """Drops log records whose exception is the database being away (logged once above)."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc_info = record.exc_info
        return not (exc_info and is_database_unavailable(exc_info[1]))
