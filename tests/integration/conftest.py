"""A real Celery worker process against Redis and the test PostgreSQL database.

Tests using `celery_worker` must be `django_db(transaction=True)`, so that what they write
is committed and the worker (another process, another connection) sees it.
"""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from marketplace.celery import app as celery_app

ROOT = Path(__file__).resolve().parent.parent.parent


def _database_url() -> str:
    s = connection.settings_dict
    user = s.get("USER") or "postgres"
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    host = s.get("HOST") or "127.0.0.1"
    port = s.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{s['NAME']}"


def start_worker(queue: str, log_path: Path, extra_env: dict | None = None) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "marketplace.settings.local",
        "DATABASE_URL": _database_url(),
        "REDIS_URL": settings.CELERY_BROKER_URL,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "CELERY_QUEUE": queue,
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
            queue,
            "--pool=solo",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "-l",
            "info",
            "-n",
            f"{queue}@%h",
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


@pytest.fixture
def celery_worker(transactional_db, settings, tmp_path):
    """Start `celery -A marketplace worker` on a queue of this test's own; stop it after."""
    queue = f"test-{uuid.uuid4().hex[:10]}"
    old = (celery_app.conf.task_always_eager, celery_app.conf.task_default_queue)
    celery_app.conf.task_always_eager = False
    celery_app.conf.task_default_queue = queue
    settings.CELERY_TASK_ALWAYS_EAGER = False
    log_path = tmp_path / "worker.log"
    proc = start_worker(queue, log_path)
    try:
        wait_ready(queue)
        yield {"queue": queue, "process": proc, "log": log_path}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        celery_app.conf.task_always_eager, celery_app.conf.task_default_queue = old


def wait_for(predicate, timeout: float = 5.0, interval: float = 0.1):
    """Poll until predicate() is truthy; return its value or fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return predicate()
