"""Issue 16: /readyz also wants the workers (a fresh heartbeat for every queue, read from the
broker's Redis) where tasks go to workers; it answers 503 naming what failed when Redis is
unreachable or a queue has no live worker. tests/test_health.py keeps the rest (API.md)."""

import contextlib
import subprocess
import time
import uuid

import pytest
import redis
from kombu import Queue

from ops import broker
from tests.integration.private_pg import free_port

pytestmark = pytest.mark.django_db


@pytest.fixture
def queues(settings):
    """Tasks go to workers, through queues of this test's own (no other run's heartbeats)."""
    run = uuid.uuid4().hex[:8]
    names = [f"t{run}.{kind}" for kind in ("review", "search", "credit", "mail", "default")]
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_TASK_QUEUES = tuple(Queue(name) for name in names)
    redis = broker.client()  # this one: a test may point the settings elsewhere
    yield names
    redis.delete(*(broker.HEARTBEAT_PREFIX + name for name in names))


def test_ready_with_a_heartbeat_for_every_queue(queues, client):
    broker.heartbeat_write(queues)
    response = client.get("/readyz")
    assert response.status_code == 200, response.json()
    assert response.json() == {"database": "ok", "cache": "ok", "migrations": "ok", "workers": "ok"}


def test_not_ready_without_heartbeats(queues, client):
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["workers"] == f"error: no heartbeat from {', '.join(queues)}"
    assert body["database"] == body["cache"] == body["migrations"] == "ok"


def test_not_ready_when_a_queue_lost_its_workers(queues, client):
    """The review workers stopped 61 s ago; the others are alive."""
    review, *others = queues
    broker.heartbeat_write([review], now=time.time() - 61)
    broker.heartbeat_write(others)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["workers"] == f"error: no heartbeat from {review}"


def test_heartbeat_age_is_a_setting(queues, client, settings):
    broker.heartbeat_write(queues, now=time.time() - 100)
    assert client.get("/readyz").status_code == 503
    settings.WORKER_HEARTBEAT_MAX_AGE = 120
    assert client.get("/readyz").status_code == 200
    settings.WORKER_HEARTBEAT_MAX_AGE = 0  # the workers left out
    assert "workers" not in client.get("/readyz").json()


def test_not_ready_when_redis_is_unreachable(queues, client, settings):
    """Cache and broker on a port where nothing listens: both named, within the timeouts."""
    closed = f"redis://127.0.0.1:{free_port()}/0"
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": closed}}
    settings.CELERY_BROKER_URL = closed
    started = time.monotonic()
    response = client.get("/readyz")
    assert time.monotonic() - started < 5
    assert response.status_code == 503
    body = response.json()
    assert body["cache"].startswith("error: ")
    assert body["workers"] == "error: ConnectionError"
    assert body["database"] == body["migrations"] == "ok"


def test_in_process_tasks_need_no_workers(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    assert "workers" not in client.get("/readyz").json()


class _Consumer:
    """What a worker's `worker_ready` sends: the consumer, with the queues it consumes."""

    def __init__(self, names):
        self.task_consumer = type("TaskConsumer", (), {"queues": [Queue(n) for n in names]})()


def test_a_worker_writes_heartbeats_for_its_queues(queues, settings, client):
    settings.WORKER_HEARTBEAT_INTERVAL = 0.05
    broker._start(sender=_Consumer(queues))
    try:
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and client.get("/readyz").status_code != 200:
            time.sleep(0.05)
        assert client.get("/readyz").json()["workers"] == "ok"
        ages = broker.heartbeat_ages(queues)
        assert all(age is not None and age < 5 for age in ages.values())
    finally:
        broker._stop()


def _redis_server(port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
        + ["--appendonly", "no", "--daemonize", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    probe = redis.Redis(port=port, socket_connect_timeout=0.2)
    for _ in range(100):
        with contextlib.suppress(redis.ConnectionError):
            if probe.ping():
                return server
        time.sleep(0.05)
    server.kill()
    pytest.fail(f"redis-server did not start on port {port}")


def test_redis_stopped_not_ready_then_ready_again_by_itself(queues, client, settings):
    """A private redis-server (never the shared one) as cache and broker: stopped, /readyz
    names both within the timeouts; started again on its port, /readyz is 200 again with no
    restart of anything here (the workers' next heartbeats, written by `heartbeat_write` as a
    worker's timer does, land in the new server)."""
    port = free_port()
    url = f"redis://127.0.0.1:{port}/0"
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": url}}
    settings.CELERY_BROKER_URL = url
    server = _redis_server(port)
    try:
        broker.heartbeat_write(queues)
        assert client.get("/readyz").status_code == 200

        server.kill()
        server.wait(timeout=5)
        started = time.monotonic()
        response = client.get("/readyz")
        assert time.monotonic() - started < 5
        assert response.status_code == 503
        body = response.json()
        assert body["cache"].startswith("error: ") and body["workers"].startswith("error: ")
        assert body["database"] == body["migrations"] == "ok"

        server = _redis_server(port)  # an empty server: Redis keeps nothing on disk here
        assert client.get("/readyz").json()["workers"].startswith("error: no heartbeat")
        broker.heartbeat_write(queues)
        response = client.get("/readyz")
        assert response.status_code == 200, response.json()
    finally:
        if server.poll() is None:
            server.kill()
            server.wait(timeout=5)
