"""PostgreSQL stopped: requests fail fast with 503, and the site recovers by itself (issue 17,
item 6).

A private PostgreSQL server (tests/integration/private_pg.py; the machine's server on 5432 is
never touched) is migrated and a real gunicorn process serves the site on it with kept
connections (CONN_MAX_AGE=600, as in production). The server is stopped: the API, a page, a
shop host (the company is looked up in a middleware, before any view) and /readyz answer 503
within seconds, /healthz still 200. It is started again: the same requests answer 200 from
the same gunicorn worker, nothing restarted.

A server that accepts TCP but never answers (hung, or a black-holed network) is left after
DATABASE_CONNECT_TIMEOUT seconds instead of holding the request until gunicorn kills it.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from django.conf import settings

from tests.integration.conftest import start_gunicorn, stop
from tests.integration.private_pg import PrivatePostgres

pytestmark = pytest.mark.integration

DETAIL = "系统暂时无法访问数据库，请稍后重试。"
UPPER_BOUND_SECONDS = 8.0
API = "/api/v1/categories/"
PAGE = "/search/?" + urllib.parse.urlencode({"q": "钢管"})
SHOP_HOST = "co0001.shop.localhost"


def _env(**extra) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "marketplace.settings.local",
        "REDIS_URL": settings.CELERY_BROKER_URL,
        "CACHE_KEY_PREFIX": f"pgdown{os.getpid()}",
        # No Celery worker here: /readyz is about the database, not worker heartbeats.
        "WORKER_HEARTBEAT_MAX_AGE": "0",
        # The search page must be rendered (and meet the outage) each time, not be a visitor's
        # kept copy from before the stop (marketplace/page_cache.py).
        "PUBLIC_PAGE_CACHE_SECONDS": "0",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "DEBUG": "false",
        "CONN_MAX_AGE": "600",
        "ALLOWED_HOSTS": "127.0.0.1",
        "LOG_LEVEL": "WARNING",
        **extra,
    }


def _request(base: str, path: str, host: str | None = None) -> dict:
    request = urllib.request.Request(base + path, headers={"Host": host} if host else {})
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status, headers, body = response.status, response.headers, response.read()
    except urllib.error.HTTPError as exc:
        status, headers, body = exc.code, exc.headers, exc.read()
    except OSError as exc:
        status, headers, body = 0, {}, repr(exc).encode()
    return {
        "status": status,
        "headers": headers,
        "body": body,
        "seconds": round(time.monotonic() - started, 3),
    }


@pytest.fixture(scope="module")
def private_pg():
    pg = PrivatePostgres()
    try:
        pg.init_and_start()
        pg.migrate(_env())
        yield pg
    except subprocess.CalledProcessError as exc:
        pytest.fail(f"private PostgreSQL: {exc.cmd}: {exc.stderr!r}\n{pg.log()}")
    finally:
        pg.destroy()


@pytest.fixture
def web(private_pg, tmp_path):
    log_path = tmp_path / "gunicorn.log"
    proc, base = start_gunicorn(_env(DATABASE_URL=private_pg.url), log_path)
    try:
        yield {"base": base, "log": log_path}
    finally:
        stop(proc)


def _assert_503(result: dict, what: str, log: str) -> None:
    assert result["status"] == 503, f"{what}: {result}\n{log}"
    assert result["seconds"] < UPPER_BOUND_SECONDS, f"{what}: {result['seconds']} s"


def test_postgresql_stopped_503_fast_then_recovers_by_itself(private_pg, web, capsys):
    base = web["base"]

    def log() -> str:
        return web["log"].read_text(errors="replace")[-4000:]

    # Twice, so each kept connection is in use when the server goes away.
    for _ in range(2):
        for path in (API, PAGE, "/readyz"):
            assert _request(base, path)["status"] == 200, f"{path}\n{log()}"

    private_pg.stop()
    timings = {}
    for _ in range(2):  # the kept (now dead) connection, then a fresh refused one
        api = _request(base, API)
        _assert_503(api, "api", log())
        assert json.loads(api["body"]) == {
            "code": "service_unavailable",
            "detail": DETAIL,
            "rule": None,
        }
        assert api["headers"]["Retry-After"] == "10"

        page = _request(base, PAGE)
        _assert_503(page, "page", log())
        assert DETAIL in page["body"].decode()
        assert page["headers"]["Retry-After"] == "10"

        shop = _request(base, "/", host=SHOP_HOST)  # the company is looked up in a middleware
        _assert_503(shop, "shop host", log())
        assert DETAIL in shop["body"].decode()

        ready = _request(base, "/readyz")
        _assert_503(ready, "readyz", log())
        body = json.loads(ready["body"])
        assert body["database"].startswith("error: ") and body["cache"] == "ok", body

        health = _request(base, "/healthz")
        assert health["status"] == 200
        for name, result in (("api", api), ("page", page), ("shop", shop), ("readyz", ready)):
            timings.setdefault(name, []).append(result["seconds"])

    private_pg.start()
    for path in (API, PAGE, "/readyz", "/healthz"):
        result = _request(base, path)
        assert result["status"] == 200, f"{path}: {result}\n{log()}"
        timings.setdefault(f"{path} after start", []).append(result["seconds"])
    assert json.loads(_request(base, "/readyz")["body"]) == {
        "database": "ok",
        "cache": "ok",
        "migrations": "ok",
    }
    assert _request(base, "/", host=SHOP_HOST)["status"] == 400  # no such company: as before

    text = web["log"].read_text(errors="replace")
    assert text.count("Booting worker") == 1, text[-4000:]  # the same worker throughout
    assert "Traceback" not in text, text[-4000:]  # the cause is logged once, as one line
    assert text.count("Database unavailable") == 1, text[-4000:]
    with capsys.disabled():
        print(f"\nseconds per request while PostgreSQL was stopped, then started: {timings}")


@pytest.fixture
def hung_server():
    """Accepts TCP connections (the kernel's backlog) and never answers."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(1)
        yield sock.getsockname()[1]


def test_hung_database_server_answers_503_after_the_connect_timeout(hung_server, tmp_path, capsys):
    env = _env(
        DATABASE_URL=f"postgres://postgres@127.0.0.1:{hung_server}/mp",
        DATABASE_CONNECT_TIMEOUT="2",
    )
    proc, base = start_gunicorn(env, tmp_path / "gunicorn.log")
    try:
        timings = {}
        for path in (API, PAGE, "/readyz"):
            result = _request(base, path)
            _assert_503(result, path, (tmp_path / "gunicorn.log").read_text(errors="replace"))
            assert result["seconds"] >= 1.5, result  # it did wait for the server, ~2 s
            timings[path] = result["seconds"]
        health = _request(base, "/healthz")
        assert health["status"] == 200 and health["seconds"] < 1
    finally:
        stop(proc)
    with capsys.disabled():
        print(f"\nseconds per request with a hung PostgreSQL (connect_timeout 2 s): {timings}")
