"""A PostgreSQL restart is survived without restarting anything of ours (issue 17, finding 1).

A private PostgreSQL server (tests/integration/private_pg.py, its own port and directory;
the machine's server on 5432 is never touched) is migrated, a real Celery worker and a real
gunicorn process are started against it with persistent connections (CONN_MAX_AGE=600, as in
production), the server is restarted with `pg_ctl restart -m fast`, and the very next task
and the very next request must succeed: the worker closes obsolete or broken connections
around every task (`marketplace/celery.py`) and both check a kept connection before reusing
it (`CONN_HEALTH_CHECKS`).
"""

import os
import subprocess
import time
import urllib.error
import urllib.request
import uuid

import pytest
from django.conf import settings
from django.db import connections

from credit.tasks import credit_recalculate_task
from members.models import Company, Notice
from members.tasks import notice_deliver
from tests.integration.conftest import (
    routed_to,
    start_gunicorn,
    start_worker,
    stop,
    wait_ready,
)
from tests.integration.private_pg import PrivatePostgres

pytestmark = pytest.mark.integration

ALIAS = "private_pg"


def _env() -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "marketplace.settings.local",
        "REDIS_URL": settings.CELERY_BROKER_URL,
        "CACHE_KEY_PREFIX": f"pgrestart{os.getpid()}",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "DEBUG": "false",
        "CONN_MAX_AGE": "600",
    }


@pytest.fixture(scope="module")
def private_pg(django_db_blocker):
    """The private server, migrated, and a connection alias of this process pointing at it."""
    pg = PrivatePostgres()
    try:
        pg.init_and_start()
        pg.migrate(_env())
        connections.settings[ALIAS] = {
            **connections.settings["default"],
            "NAME": pg.database,
            "USER": "postgres",
            "PASSWORD": "",
            "HOST": "127.0.0.1",
            "PORT": str(pg.port),
            "CONN_MAX_AGE": 0,
        }
        with django_db_blocker.unblock():
            yield pg
            connections[ALIAS].close()
    except subprocess.CalledProcessError as exc:
        pytest.fail(f"private PostgreSQL: {exc.cmd}: {exc.stderr!r}\n{pg.log()}")
    finally:
        connections.settings.pop(ALIAS, None)
        pg.destroy()


@pytest.fixture
def company(private_pg):
    member_id = f"pgr-{uuid.uuid4().hex[:8]}"
    return Company.objects.using(ALIAS).create(
        member_id=member_id, name="重启测试公司", contact_name="钱伟", phone="13700000000"
    )


def _restart(pg: PrivatePostgres) -> None:
    pg.restart()
    connections[ALIAS].close()  # this process's own connection died with the server too


def _outcome(result, timeout: float = 20) -> tuple[str, object]:
    result.get(timeout=timeout, propagate=False)
    return result.state, result.result


@pytest.fixture
def private_worker(private_pg, tmp_path):
    queue = f"test-pgr-{uuid.uuid4().hex[:10]}"
    log = tmp_path / "worker.log"
    env = _env()
    keep = ("CACHE_KEY_PREFIX", "DEBUG", "CONN_MAX_AGE")
    with routed_to(queue):  # the run's own queues, every kind served (conftest)
        proc = start_worker(
            queue, log, extra_env={**{k: env[k] for k in keep}, "DATABASE_URL": private_pg.url}
        )
        try:
            try:
                wait_ready(queue)
            except RuntimeError:
                pytest.fail(log.read_text(errors="replace")[-3000:])
            yield {"queue": queue, "log": log}
        finally:
            stop(proc)


def test_worker_runs_the_next_task_after_a_postgresql_restart(private_pg, private_worker, company):
    def log() -> str:
        return private_worker["log"].read_text(errors="replace")[-3000:]

    # The worker reads the company (and keeps its connection: CONN_MAX_AGE=600).
    assert _outcome(credit_recalculate_task.delay(company.pk, "before_restart")) == (
        "SUCCESS",
        0,
    ), log()

    _restart(private_pg)

    # The very next task succeeds on the same worker process (before the fix: the dead
    # connection was kept, OperationalError here and InterfaceError "connection already
    # closed" for every later task). notice_deliver reads outside a transaction and has no
    # automatic retry, so nothing else hides a dead connection.
    for n in range(2):
        state, value = _outcome(notice_deliver.delay(company.pk, "pg-restart", f"重启后{n}"))
        assert state == "SUCCESS", f"{state}: {value!r}\n{log()}"
    assert Notice.objects.using(ALIAS).filter(company_id=company.pk, kind="pg-restart").count() == 2
    state, value = _outcome(credit_recalculate_task.delay(company.pk, "after_restart"))
    assert (state, value) == ("SUCCESS", 0), f"{state}: {value!r}\n{log()}"


@pytest.fixture
def private_web(private_pg, tmp_path):
    """One gunicorn process (one sync worker, so one kept connection) on the private server."""
    env = {**_env(), "DATABASE_URL": private_pg.url, "ALLOWED_HOSTS": "127.0.0.1"}
    proc, base = start_gunicorn(env, tmp_path / "gunicorn.log")
    try:
        yield {"base": base, "log": tmp_path / "gunicorn.log"}
    finally:
        stop(proc)


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()
    except OSError:
        return 0, b""


def test_web_request_after_a_postgresql_restart_succeeds(private_pg, private_web, company):
    url = f"{private_web['base']}/api/v1/companies/{company.member_id}/"
    # Twice, so the connection is known to be kept and reused between requests.
    assert _get(url)[0] == 200
    assert _get(url)[0] == 200

    _restart(private_pg)
    time.sleep(0.2)

    status, body = _get(url)
    log = private_web["log"].read_text(errors="replace")[-3000:]
    assert status == 200, f"{status} {body[:300]!r}\n{log}"
