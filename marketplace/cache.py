"""A Redis cache that fails soft (issue 17, finding 3).

Everything the project keeps in the cache can be lost: rate-limit counters, "seen today"
marks, version stamps. So when Redis is unreachable or slow, a read is a miss, a write is
dropped and a warning is logged (at most once a minute per process), and the caller falls
through to the database instead of answering 500. Short socket timeouts in the cache's
OPTIONS (base.py) keep a hung Redis from holding every request.

Every call is timed for Prometheus (issue 16): `django_cache_operation_duration_seconds`
by operation, failures in `django_cache_operation_errors_total`, and reads in
django-prometheus's get/hit/miss/fail counters (backend "redis").
"""

from __future__ import annotations

import functools
import logging
import time

from django.core.cache.backends.redis import RedisCache
from django_prometheus.cache.metrics import (
    django_cache_get_fail_total,
    django_cache_get_total,
    django_cache_hits_total,
    django_cache_misses_total,
)
from prometheus_client import Counter, Histogram
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# What "the cache is away" looks like: redis-py wraps socket errors in these two.
CACHE_ERRORS: tuple[type[BaseException], ...] = (RedisConnectionError, RedisTimeoutError, OSError)
WARN_EVERY_SECONDS = 60.0
_last_warning = 0.0

OPERATION_SECONDS = Histogram(
    "django_cache_operation_duration_seconds",
    "Time of cache operations (the Redis round trip included), by operation",
    ["operation"],
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, float("inf")),
)
OPERATION_ERRORS = Counter(
    "django_cache_operation_errors_total",
    "Cache operations that failed (answered by the fallback), by operation",
    ["operation"],
)
_BACKEND = "redis"


def warn_cache_error(what: str, exc: BaseException) -> None:
    """Log that the cache failed, at most once every WARN_EVERY_SECONDS per process."""
    global _last_warning
    now = time.monotonic()
    if now - _last_warning >= WARN_EVERY_SECONDS or not _last_warning:
        _last_warning = now
        logger.warning("Cache unavailable (%s: %s); going on without it", what, exc)


def _soft(fallback):
    """Run the method; on a cache error log it and answer `fallback(*args, **kwargs)`."""

    def decorate(method):
        name = method.__name__
        seconds = OPERATION_SECONDS.labels(name)

        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            started = time.perf_counter()
            try:
                return method(self, *args, **kwargs)
            except CACHE_ERRORS as exc:
                OPERATION_ERRORS.labels(name).inc()
                warn_cache_error(name, exc)
                return fallback(*args, **kwargs)
            finally:
                seconds.observe(time.perf_counter() - started)

        return wrapper

    return decorate


def _none(*args, **kwargs):
    return None


def _false(*args, **kwargs):
    return False


_MISS = object()


def _counted_get(self, key, default=None, version=None):
    """RedisCache.get, counted as django-prometheus counts its own backends' reads."""
    django_cache_get_total.labels(backend=_BACKEND).inc()
    try:
        value = RedisCache.get(self, key, _MISS, version)
    except CACHE_ERRORS:
        django_cache_get_fail_total.labels(backend=_BACKEND).inc()
        raise
    if value is _MISS:
        django_cache_misses_total.labels(backend=_BACKEND).inc()
        return default
    django_cache_hits_total.labels(backend=_BACKEND).inc()
    return value


_counted_get.__name__ = "get"


class ResilientRedisCache(RedisCache):
    """Django's RedisCache whose every call survives Redis being away (see the module)."""

    get = _soft(lambda key, default=None, version=None: default)(_counted_get)
    get_many = _soft(lambda keys, version=None: {})(RedisCache.get_many)
    has_key = _soft(_false)(RedisCache.has_key)
    add = _soft(_false)(RedisCache.add)
    set = _soft(_none)(RedisCache.set)
    # The keys that could not be set, as set_many() reports them.
    set_many = _soft(lambda data, timeout=None, version=None: list(data))(RedisCache.set_many)
    touch = _soft(_false)(RedisCache.touch)
    delete = _soft(_false)(RedisCache.delete)
    delete_many = _soft(_none)(RedisCache.delete_many)
    # A counter that cannot be read starts afresh: rate limits fail open.
    incr = _soft(lambda key, delta=1, version=None: delta)(RedisCache.incr)
    clear = _soft(_false)(RedisCache.clear)
