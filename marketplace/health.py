"""`/healthz` and `/readyz` (API.md, Operations; issue 17, item 6).

- `/healthz`: 200 while the process answers; touches neither the database nor the cache
  (a load balancer restarting processes because PostgreSQL is away would only add to it).
- `/readyz`: 200 `{"database": "ok", "cache": "ok", "migrations": "ok"}` when every
  configured database (`database`, and `database_<alias>` for a replica) and the cache answer
  and no migration is pending; 503 naming what failed otherwise, e.g.
  `{"database": "error: OperationalError", "cache": "ok", "migrations": "unknown"}` or
  `{"migrations": "pending: 2", …}`. Errors name the exception's class only (the message, with
  hosts and ports, is logged instead: the endpoint is public).
- Where tasks go to workers (not CELERY_TASK_ALWAYS_EAGER) through Redis, also `workers`
  (issue 16): the broker's Redis answers and every queue of CELERY_TASK_QUEUES has a worker
  heartbeat younger than WORKER_HEARTBEAT_MAX_AGE (60 s; ops/broker.py), else e.g.
  `"workers": "error: no heartbeat from review, mail"` or `"error: ConnectionError"` (the
  broker away). WORKER_HEARTBEAT_MAX_AGE = 0 leaves the workers out (a web-only test, or a
  deployment whose load balancer should not take web processes out for want of workers).

Kept as plain views rather than django-health-check: API.md fixes the body (`{"database":
"ok", …}`, 503 naming what failed, no detail of hosts), which that library's views do not
give, and each check here is a few lines over what Django and redis-py already offer.

Plain Django views: no authentication, no throttling, never cached.
"""

from __future__ import annotations

import logging
import uuid

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from ops import broker

logger = logging.getLogger(__name__)

OK = "ok"


def _error(what: str, exc: Exception) -> str:
    logger.warning("readyz: %s failed: %s: %s", what, type(exc).__name__, exc)
    return f"error: {type(exc).__name__}"


def check_database(alias: str) -> str:
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        return _error(f"database {alias}", exc)
    return OK


def check_migrations() -> str:
    """`ok`, or `pending: N` when migrations on disk are not applied to the database."""
    try:
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception as exc:
        return _error("migrations", exc)
    return f"pending: {len(plan)}" if plan else OK


def check_cache(alias: str = "default") -> str:
    """A probe key written and read back for real: ResilientRedisCache swallows Redis errors
    (marketplace/cache.py), so Redis is asked through its raw client."""
    cache = caches[alias]
    name, token = f"readyz:{uuid.uuid4().hex}", uuid.uuid4().hex  # one key per probe
    try:
        if isinstance(cache, RedisCache):
            key = cache.make_and_validate_key(name)
            client = cache._cache.get_client(key, write=True)
            client.set(key, token, ex=30)
            read = client.get(key)
            client.delete(key)
            ok = read == token.encode()
        else:
            cache.set(name, token, 30)
            ok = cache.get(name) == token
            cache.delete(name)
    except Exception as exc:
        return _error("cache", exc)
    return OK if ok else "error: probe not read back"


def check_workers(max_age: float) -> str:
    """`ok` when every queue has a fresh heartbeat (read from the broker's Redis)."""
    try:
        return broker.heartbeat_check(max_age)
    except Exception as exc:
        return _error("workers", exc)


def _worker_heartbeat_max_age() -> float:
    """0 where no worker is expected: tasks run in-process, or not through Redis."""
    if settings.CELERY_TASK_ALWAYS_EAGER or not broker.is_redis_broker():
        return 0
    return float(getattr(settings, "WORKER_HEARTBEAT_MAX_AGE", 60) or 0)


@never_cache
@require_safe
def healthz(request):
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


@never_cache
@require_safe
def readyz(request):
    checks = {}
    for alias in connections:
        name = "database" if alias == DEFAULT_DB_ALIAS else f"database_{alias}"
        checks[name] = check_database(alias)
    checks["cache"] = check_cache()
    checks["migrations"] = check_migrations() if checks["database"] == OK else "unknown"
    max_age = _worker_heartbeat_max_age()
    if max_age > 0:
        checks["workers"] = check_workers(max_age)
    ready = all(value == OK for value in checks.values())
    return JsonResponse(
        checks, status=200 if ready else 503, json_dumps_params={"ensure_ascii": False}
    )
