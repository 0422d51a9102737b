"""`/healthz` and `/readyz` (API.md, Operations; issue 17, item 6).

- `/healthz`: 200 while the process answers; touches neither the database nor the cache
  (a load balancer restarting processes because PostgreSQL is away would only add to it).
- `/readyz`: 200 `{"database": "ok", "cache": "ok", "migrations": "ok"}` when every
  configured database (`database`, and `database_<alias>` for a replica) and the cache answer
  and no migration is pending; 503 naming what failed otherwise, e.g.
  `{"database": "error: OperationalError", "cache": "ok", "migrations": "unknown"}` or
  `{"migrations": "pending: 2", …}`. Errors name the exception's class only (the message, with
  hosts and ports, is logged instead: the endpoint is public).

Plain Django views: no authentication, no throttling, never cached.
"""

from __future__ import annotations

import logging
import uuid

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

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
    ready = all(value == OK for value in checks.values())
    return JsonResponse(
        checks, status=200 if ready else 503, json_dumps_params={"ensure_ascii": False}
    )
