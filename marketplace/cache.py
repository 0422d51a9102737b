"""A Redis cache that fails soft (issue 17, finding 3).

Everything the project keeps in the cache can be lost: rate-limit counters, "seen today"
marks, version stamps. So when Redis is unreachable or slow, a read is a miss, a write is
dropped and a warning is logged (at most once a minute per process), and the caller falls
through to the database instead of answering 500. Short socket timeouts in the cache's
OPTIONS (base.py) keep a hung Redis from holding every request.
"""

from __future__ import annotations

import functools
import logging
import time

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# What "the cache is away" looks like: redis-py wraps socket errors in these two.
CACHE_ERRORS: tuple[type[BaseException], ...] = (RedisConnectionError, RedisTimeoutError, OSError)
WARN_EVERY_SECONDS = 60.0
_last_warning = 0.0


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
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except CACHE_ERRORS as exc:
                warn_cache_error(method.__name__, exc)
                return fallback(*args, **kwargs)

        return wrapper

    return decorate


def _none(*args, **kwargs):
    return None


def _false(*args, **kwargs):
    return False


class ResilientRedisCache(RedisCache):
    """Django's RedisCache whose every call survives Redis being away (see the module)."""

    get = _soft(lambda key, default=None, version=None: default)(RedisCache.get)
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
