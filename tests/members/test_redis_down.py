"""Issue 17, finding 3: with Redis down the JSON API answered 500 (the throttles read the
cache and the Redis cache raised). The cache now fails soft (a miss, a write dropped, a
warning logged) and the throttles fail open, so every reader falls through to the database.

The tests use a real unreachable Redis (a closed port) and a private redis-server that is
killed mid-test; none of them touches the shared Redis.
"""

import contextlib
import logging
import shutil
import socket
import subprocess
import time

import pytest
import redis
from django.conf import settings
from django.test import override_settings
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import CategoryFactory, UserFactory
from tests.search.helpers import make

pytestmark = pytest.mark.django_db
PASSWORD = "Secret-pass-2026"
CLOSED = "redis://127.0.0.1:1/0"


@contextlib.contextmanager
def cache_at(location: str, backend: str | None = None):
    """The configured cache backend (with its options), pointed at another Redis."""
    default = {**settings.CACHES["default"], "LOCATION": location}
    if backend:
        default["BACKEND"] = backend
    with override_settings(CACHES={"default": default}):
        yield


def _client(user=None) -> APIClient:
    client = APIClient(raise_request_exception=False)
    if user is not None:
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def _the_api_answers(user, listing) -> None:
    anonymous = _client()
    search = anonymous.get("/api/v1/search/", {"q": "钢管"})
    assert search.status_code == 200, search.content[:300]
    assert [h["id"] for h in search.json()["results"]] == [listing.pk]
    assert anonymous.get("/api/v1/categories/").status_code == 200
    me = _client(user).get("/api/v1/me/")
    assert me.status_code == 200 and me.json()["username"] == user.username
    token = anonymous.post(
        "/api/v1/auth/token/", {"username": user.username, "password": PASSWORD}, format="json"
    )
    assert token.status_code == 200 and token.json()["token"]


def test_the_api_answers_with_redis_unreachable():
    user, listing = UserFactory(), make()
    CategoryFactory()
    with cache_at(CLOSED):
        started = time.monotonic()
        _the_api_answers(user, listing)
        # Views of the listing page still count (the "seen today" cache falls to the DB).
        page = APIClient(raise_request_exception=False, HTTP_USER_AGENT="Mozilla/5.0 Chrome/124")
        assert page.get(f"/listings/{listing.pk}/").status_code == 200
        assert page.get(f"/listings/{listing.pk}/").status_code == 200
        # R-I1's counter is in the cache too: an inquiry is still sent (the limit fails open).
        sent = _client(UserFactory()).post(
            f"/api/v1/listings/{listing.pk}/inquiries/",
            {"message": "请报最低价", "quantity": 10},
            format="json",
        )
        assert sent.status_code == 201, sent.content[:300]
        assert time.monotonic() - started < 5
    assert listing.view_records.count() == 1


def test_throttles_fail_open_even_on_a_cache_that_raises(caplog):
    """A cache backend without the soft failure (Django's own RedisCache): the throttle
    lets the request through and logs a warning, instead of a 500."""
    with (
        cache_at(CLOSED, backend="django.core.cache.backends.redis.RedisCache"),
        caplog.at_level(logging.WARNING),
    ):
        response = _client().get("/api/v1/categories/")
    assert response.status_code == 200
    assert any("throttl" in r.getMessage().lower() for r in caplog.records)


def test_cache_backend_fails_soft_with_short_timeouts():
    from django.core.cache import cache

    for config in (settings.CACHES["default"],):
        assert config["BACKEND"] == "marketplace.cache.ResilientRedisCache"
        assert 0 < config["OPTIONS"]["socket_connect_timeout"] <= 0.5
        assert 0 < config["OPTIONS"]["socket_timeout"] <= 0.5
    with cache_at(CLOSED):
        assert cache.get("k") is None
        assert cache.get("k", "fallback") == "fallback"
        assert cache.set("k", 1) is None
        assert cache.add("k", 1) is False
        assert cache.incr("k") == 1
        assert cache.delete("k") is False
        assert cache.get_many(["a", "b"]) == {}
        assert cache.get_or_set("k", 7) == 7
        assert cache.has_key("k") is False


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server")
def test_the_api_answers_before_and_after_its_redis_is_killed():
    port = _free_port()
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
        + ["--appendonly", "no", "--daemonize", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        probe = redis.Redis(port=port, socket_connect_timeout=0.2)
        for _ in range(50):
            with contextlib.suppress(redis.ConnectionError):
                if probe.ping():
                    break
            time.sleep(0.05)
        user, listing = UserFactory(), make()
        with cache_at(f"redis://127.0.0.1:{port}/0"):
            _the_api_answers(user, listing)
            assert probe.dbsize() > 0  # the throttles did use this Redis
            server.kill()
            server.wait(timeout=5)
            started = time.monotonic()
            _the_api_answers(user, listing)
            assert time.monotonic() - started < 5
    finally:
        if server.poll() is None:
            server.kill()
            server.wait(timeout=5)
