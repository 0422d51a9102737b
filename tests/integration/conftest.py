"""A real Celery worker process against Redis and the test PostgreSQL database.

Tests using `celery_worker` must be `django_db(transaction=True)`, so that what they write
is committed and the worker (another process, another connection) sees it.

Each test run has queues of its own, as a deployment has (issue 16): `<run>.review`,
`<run>.search`, `<run>.credit`, `<run>.mail` and `<run>.default` (CELERY_QUEUE_PREFIX
`<run>.`); the worker serves all of them unless told which (`kinds=`), and `routed_to(run)`
makes this process send each task where the settings' routes say, in that run's queues.
"""

import contextlib
import os
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from kombu import Exchange, Queue

from marketplace.celery import app as celery_app
from tests.integration.private_pg import free_port

ROOT = Path(__file__).resolve().parent.parent.parent


def _database_url() -> str:
    s = connection.settings_dict
    user = s.get("USER") or "postgres"
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    host = s.get("HOST") or "127.0.0.1"
    port = s.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{s['NAME']}"


def kinds() -> list[str]:
    """The kinds of work, as the settings name their queues (no prefix in tests)."""
    return [q.name for q in settings.CELERY_TASK_QUEUES]


def run_queues(run: str, only: list[str] | None = None) -> list[str]:
    return [f"{run}.{kind}" for kind in (only or kinds())]


def start_worker(
    queue: str,
    log_path: Path,
    extra_env: dict | None = None,
    *,
    kinds: list[str] | None = None,
    name: str | None = None,
) -> subprocess.Popen:
    """A worker of the run `queue` serving its queues of `kinds` (all by default), named
    `<name or queue>@<host>`."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "marketplace.settings.local",
        "DATABASE_URL": _database_url(),
        "REDIS_URL": settings.CELERY_BROKER_URL,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "CELERY_QUEUE_PREFIX": f"{queue}.",
        **(extra_env or {}),
    }
    log = open(log_path, "ab")  # noqa: SIM115 (closed with the process)
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "marketplace",
            "worker",
            "-Q",
            ",".join(run_queues(queue, kinds)),
            "--pool=solo",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "-l",
            "info",
            "-n",
            f"{name or queue}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def wait_ready(queue: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        replies = celery_app.control.ping(
            destination=[f"{queue}@{os.uname().nodename}"], timeout=0.5
        )
        if replies:
            return
        time.sleep(0.3)
    raise RuntimeError("the Celery worker did not start in time")


def _reset_routing() -> None:
    """The app caches its queues and router: build them again from its configuration."""
    amqp = celery_app.amqp
    amqp.queues = celery_app.conf.task_queues
    amqp.__dict__.pop("default_queue", None)
    amqp.flush_routes()
    amqp.router = amqp.Router()


def purge(run: str) -> None:
    """Drop whatever is left in the run's queues (a test that stopped before its tasks ran)."""
    from ops import broker

    names = run_queues(run)
    with contextlib.suppress(Exception):  # a test that left the broker unreachable
        broker.client().delete(
            *names,
            *(f"{name}\x06\x16{step}" for name in names for step in (3, 6, 9)),
            *(f"_kombu.{key}.{name}" for name in names for key in ("binding", "binding_permanent")),
        )


@contextlib.contextmanager
def routed_to(run: str):
    """Tasks sent by this process go to the run's queues, by the settings' routes, and are not
    run in-process."""
    conf = celery_app.conf
    keys = ("task_always_eager", "task_default_queue", "task_queues", "task_routes")
    old = {key: conf[key] for key in keys}
    prefix = f"{run}."
    conf.update(
        task_always_eager=False,
        task_default_queue=prefix + conf.task_default_queue,
        task_queues=tuple(
            Queue(prefix + q.name, Exchange(prefix + q.name), routing_key=prefix + q.name)
            for q in settings.CELERY_TASK_QUEUES
        ),
        task_routes={
            pattern: {**route, "queue": prefix + route["queue"]}
            for pattern, route in settings.CELERY_TASK_ROUTES.items()
        },
    )
    _reset_routing()
    try:
        yield
    finally:
        conf.update(old)
        _reset_routing()
        purge(run)


def stop(proc: subprocess.Popen) -> None:
    """Stop a process the test started (a worker, gunicorn): SIGTERM, then SIGKILL; its log
    file (`start_gunicorn`) closed."""
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
    log_file = getattr(proc, "log_file", None)
    if log_file is not None:
        log_file.close()


def _answers_200(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status == 200
    except OSError:  # not listening yet, or an HTTP error
        return False


def start_gunicorn(env: dict, log_path: Path, *, workers: int = 1) -> tuple[subprocess.Popen, str]:
    """gunicorn serving the site with `env` on a free port, its output appended to
    `log_path`; returned once /healthz answers 200 (the test fails with the log otherwise),
    with its base URL. Stop it with `stop()`."""
    port = free_port()
    log = open(log_path, "ab")  # noqa: SIM115 (closed by stop())
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "marketplace.wsgi", "-w", str(workers)]
        # --no-control-socket: gunicorn's control socket is one path per machine, and
        # gunicorns started in parallel (other tests, make load) would fight over it.
        + ["-b", f"127.0.0.1:{port}", "--timeout", "30", "--no-control-socket"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    proc.log_file = log
    base = f"http://127.0.0.1:{port}"
    if not wait_for(lambda: _answers_200(f"{base}/healthz"), timeout=30, interval=0.3):
        stop(proc)
        pytest.fail(log_path.read_text(errors="replace")[-3000:])
    return proc, base


@pytest.fixture
def celery_worker(transactional_db, settings, tmp_path):
    """Start `celery -A marketplace worker` on queues of this test's own; stop it after."""
    queue = f"test-{uuid.uuid4().hex[:10]}"
    settings.CELERY_TASK_ALWAYS_EAGER = False
    log_path = tmp_path / "worker.log"
    with routed_to(queue):
        proc = start_worker(queue, log_path)
        try:
            wait_ready(queue)
            yield {"queue": queue, "process": proc, "log": log_path}
        finally:
            stop(proc)


def wait_for(predicate, timeout: float = 5.0, interval: float = 0.1):
    """Poll until predicate() is truthy; return its value or fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return predicate()
