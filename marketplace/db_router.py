"""Reads that may be a little stale go to a read replica (issue 16, part 2).

With `DATABASE_REPLICA_URL` set, settings add a `replica` database (a PostgreSQL streaming
standby of the primary) and this router. What goes there:

- the GET/HEAD of the public pages and API endpoints named in `REPLICA_READS` (search,
  categories, listings, companies, credit archives, storefronts, the search API), for visitors
  and for members outside their sticky window: their queries through the ORM, and the search's
  own SQL (`search.prepared.search_connection` asks this router);
- nothing else: every write (`db_for_write` is always the primary), every read inside a
  transaction of the primary, who the caller is (sessions, API tokens, users:
  `PRIMARY_MODELS`), staff, members' own pages, the API's writes, Celery tasks and management
  commands (no request, no replica).

A member who has just written reads from the primary for `DATABASE_REPLICA_STICKY_SECONDS`
(10): any request other than GET/HEAD/OPTIONS sets a signed cookie lasting that long (browser
sessions), and for a caller with an `Authorization` header (API tokens) a cache entry keyed by
a hash of it; while either holds, the request is served from the primary, so nobody sees their
own change vanish behind the replication lag.

Replica away: connecting to it (once per request, with Django's health check of a kept
connection) raises `OperationalError`; the request then reads from the primary, and so do the
requests of this process for `DATABASE_REPLICA_RETRY_SECONDS` (5) before the replica is tried
again. A replica that fails in the middle of a request (its query raises) has that GET run
once more on the primary. Either way no visitor gets a 5xx for it. `/readyz` names the replica
(`database_replica`) like every configured database (marketplace/health.py).

Replica lagging: once per `DATABASE_REPLICA_RETRY_SECONDS` a process asks the standby how far
its replay is behind (`replica_lag_seconds`); past `DATABASE_REPLICA_MAX_LAG_SECONDS` (30; 0
switches the check off) the replica is left alone as if it were away, so a standby that stopped
replaying (a stuck `recovery`, a broken WAL stream) does not serve visitors an ever older site.

The state is one `ContextVar` per request, set by `ReplicaRoutingMiddleware`.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import time
from contextvars import ContextVar
from dataclasses import dataclass
from fnmatch import fnmatchcase

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

from .availability import is_database_unavailable

logger = logging.getLogger(__name__)

REPLICA = "replica"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
STICKY_COOKIE = "mp_primary"
_STICKY_SALT = "marketplace.db_router.sticky"
_STICKY_CACHE_PREFIX = "replica-sticky:"

# URL names (exact, or an `fnmatch` pattern) whose GET may read from the replica: public pages
# and endpoints that show the same to everyone (or nearly: a buy lead's contact is shown to
# TrustPass callers, read from the replica too), where a fraction of a second of replication
# lag harms nobody. Members' own pages (`my/…`), staff and every write stay on the primary.
# tests/test_db_router.py checks that each entry names a URL and none is a member's own page.
REPLICA_READS: tuple[str, ...] = (
    "home",
    "sitemap",
    "sitemap-section",
    "search:search",
    "search:category",
    "search:buy_leads",
    "search:buy_lead_detail",
    "listings:detail",
    "members:company",
    "credit:archive",
    "storefront:home",
    "storefront:products",
    "storefront:introduction",
    "storefront:credit",
    "storefront:contact",
    "api-search",
    "api-suppliers",
    "api-categories",
    "api-company",
    "api-company-credit",
    "api-company-credit-reviews",
    "api-buy-leads",
    "api-buy-lead",
)


# Read from the primary even in a replica read: authentication (DRF authenticates inside the
# view, so an API token is looked up there; a client that just signed in uses its new token at
# once, before the replica may have it).
# The user model (AUTH_USER_MODEL) too.
PRIMARY_MODELS = frozenset({"authtoken.token", "authtoken.tokenproxy", "sessions.session"})


def is_replica_read(view_name: str) -> bool:
    return any(
        view_name == pattern or ("*" in pattern and fnmatchcase(view_name, pattern))
        for pattern in REPLICA_READS
    )


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


def sticky_seconds() -> int:
    return int(getattr(settings, "DATABASE_REPLICA_STICKY_SECONDS", 10))


@dataclass
class RequestState:
    """Where this request's reads may go."""

    replica: bool = False  # eligible: a public read outside a sticky window
    available: bool | None = None  # the replica answered (None: not tried yet this request)
    used: bool = False  # a read was sent to the replica
    failed: bool = False  # a query on the replica raised a connection error


_state: ContextVar[RequestState | None] = ContextVar("replica_request_state", default=None)


# --- health, per process ------------------------------------------------------------------

_down_until = 0.0
_last_warning = 0.0
_lag_checked_at: float | None = None

# How far the standby's replay is behind, in seconds: 0 when it has replayed all the WAL it
# received (an idle primary sends none, so the age of the last replayed transaction would
# be no lag at all), else the age of the last transaction it replayed; 0 on a server that is
# not in recovery (a replica URL pointing at a primary, as in the test settings). A primary
# idle for longer than the limit and then written to can read as lagging while that one write
# is replayed: the replica is then left alone for one retry window, which costs nothing.
LAG_SQL = """
SELECT CASE
    WHEN NOT pg_is_in_recovery() THEN 0
    WHEN pg_last_wal_receive_lsn() IS NOT DISTINCT FROM pg_last_wal_replay_lsn() THEN 0
    ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0)
END
"""


def retry_seconds() -> float:
    return float(getattr(settings, "DATABASE_REPLICA_RETRY_SECONDS", 5))


def max_lag_seconds() -> float:
    return float(getattr(settings, "DATABASE_REPLICA_MAX_LAG_SECONDS", 30))


def mark_replica_down(exc: BaseException | None = None, reason: str = "") -> None:
    """Leave the replica alone for DATABASE_REPLICA_RETRY_SECONDS (this process)."""
    global _down_until, _last_warning
    now = time.monotonic()
    _down_until = now + retry_seconds()
    with contextlib.suppress(Exception):  # a broken connection may fail to close; dropped
        connections[REPLICA].close()
    if now - _last_warning >= 60 or not _last_warning:
        _last_warning = now
        if exc is not None:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
            reason = f"{type(exc).__name__}: {first}"
        logger.warning(
            "Read replica unavailable (%s); reading from the primary", reason or "query failed"
        )


def replica_down() -> bool:
    return time.monotonic() < _down_until


def replica_lag_seconds(conn=None) -> float:
    """The standby's replay lag in seconds (LAG_SQL); raises DatabaseError when it is away."""
    conn = conn or connections[REPLICA]
    if conn.vendor != "postgresql":
        return 0.0
    with conn.cursor() as cursor:
        cursor.execute(LAG_SQL)
        return float(cursor.fetchone()[0])


def _lag_check_due() -> bool:
    global _lag_checked_at
    if max_lag_seconds() <= 0:
        return False
    now = time.monotonic()
    if _lag_checked_at is not None and now - _lag_checked_at < retry_seconds():
        return False
    _lag_checked_at = now
    return True


def _probe() -> bool:
    """Connect to the replica (or health-check the kept connection): True when it answers and
    is not lagging past DATABASE_REPLICA_MAX_LAG_SECONDS."""
    if replica_down():
        return False
    conn = connections[REPLICA]
    try:
        conn.close_if_health_check_failed()
        conn.ensure_connection()
        if _lag_check_due():
            lag = replica_lag_seconds(conn)
            if lag > max_lag_seconds():
                mark_replica_down(
                    reason=f"replay {lag:.0f} s behind, limit {max_lag_seconds():g} s"
                )
                return False
    except DatabaseError as exc:
        mark_replica_down(exc)
        return False
    return True


def _watch_replica(execute, sql, params, many, context):
    """execute_wrapper of the replica's connection during an eligible request: notes a failed
    query so the middleware can run the request again on the primary."""
    try:
        return execute(sql, params, many, context)
    except DatabaseError as exc:
        state = _state.get()
        if state is not None and is_database_unavailable(exc):
            state.failed = True
        raise


def _replica_broken() -> bool:
    """After a 5xx of a request that read from the replica: did the replica fail under it
    (rather than the code or the primary)?"""
    conn = connections[REPLICA]
    try:
        return conn.connection is None or not conn.is_usable()
    except Exception:  # noqa: BLE001 (whatever it raises, it is not usable)
        return True


# --- the router -------------------------------------------------------------------------


class ReplicaRouter:
    """DATABASE_ROUTERS entry: reads of a replica-eligible request to `replica`, everything
    else to the primary."""

    def db_for_read(self, model, **hints):
        state = _state.get()
        if state is None or not state.replica:
            return None  # Django: the instance's database, else the primary
        label = model._meta.label_lower
        if label in PRIMARY_MODELS or label == settings.AUTH_USER_MODEL.lower():
            return None  # who the caller is: a token or session made a moment ago counts
        instance = hints.get("instance")
        if instance is not None and instance._state.db:
            return instance._state.db  # related rows from where the row came from
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return None  # a transaction on the primary reads its own writes
        if state.available is None:
            state.available = _probe()
        if not state.available:
            return None
        state.used = True
        return REPLICA

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the primary's rows

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS  # a standby replays the primary's schema


# --- the sticky window ------------------------------------------------------------------


def _authorization_key(request) -> str | None:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if not header:
        return None
    return _STICKY_CACHE_PREFIX + hashlib.sha256(header.encode()).hexdigest()[:40]


def in_sticky_window(request) -> bool:
    seconds = sticky_seconds()
    if seconds <= 0:
        return False
    if STICKY_COOKIE in request.COOKIES:
        value = request.get_signed_cookie(
            STICKY_COOKIE, default=None, salt=_STICKY_SALT, max_age=seconds
        )
        if value is not None:
            return True
    key = _authorization_key(request)
    return key is not None and bool(cache.get(key))


def start_sticky_window(request, response) -> None:
    seconds = sticky_seconds()
    if seconds <= 0:
        return
    response.set_signed_cookie(
        STICKY_COOKIE,
        "1",
        salt=_STICKY_SALT,
        max_age=seconds,
        httponly=True,
        samesite="Lax",
        secure=getattr(settings, "SESSION_COOKIE_SECURE", False),
    )
    key = _authorization_key(request)
    if key is not None:
        cache.set(key, 1, seconds)


def _is_staff(request) -> bool:
    user = getattr(request, "user", None)
    return bool(user is not None and getattr(user, "is_staff", False))


# --- the middleware ---------------------------------------------------------------------


class ReplicaRoutingMiddleware:
    """Decides, once the URL is resolved (process_view), whether this request's reads may go
    to the replica; starts the sticky window after a write; runs a GET once more on the primary
    when the replica failed under it. Right after DatabaseUnavailableMiddleware in MIDDLEWARE."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not replica_configured():
            return self.get_response(request)
        state = RequestState()
        token = _state.set(state)
        try:
            with connections[REPLICA].execute_wrapper(_watch_replica):
                response = self.get_response(request)
            if (
                state.used
                and request.method in SAFE_METHODS
                and response.status_code >= 500
                and (state.failed or _replica_broken())
            ):
                mark_replica_down()
                _state.set(RequestState(available=False))  # every read from the primary
                response = self.get_response(request)
        finally:
            _state.reset(token)
        if request.method not in SAFE_METHODS:
            start_sticky_window(request, response)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        state = _state.get()
        if state is None or request.method not in SAFE_METHODS:
            return None
        match = getattr(request, "resolver_match", None)
        if match is None or not is_replica_read(match.view_name):
            return None
        if _is_staff(request) or in_sticky_window(request):
            return None
        state.replica = True
        return None
