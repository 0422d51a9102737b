"""Issue 16 with real workers: queues per kind of work, a request id that follows the request
into its tasks, the workers' heartbeats in /readyz, failed tasks recorded and re-run.

The flood test runs the workers as the README does in production: one for `review` alone,
one for the other queues. 5,000 e-mail tasks are queued first; a listing submitted after them
is still checked within R-L3's 5 seconds, while most of the e-mails still wait.
"""

import json
import time
import uuid

import pytest

from marketplace.celery import app as celery_app
from members.models import Notice
from members.tasks import notice_deliver, notice_email
from ops import broker
from ops.models import FailedTask
from tests.conftest import auth_client
from tests.factories import CompanyFactory, UserFactory
from tests.integration.conftest import (
    routed_to,
    run_queues,
    start_worker,
    stop,
    wait_for,
    wait_ready,
)
from tests.listings.listing_factories import api_payload, leaf_category

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

FLOOD = 5_000


def _log_lines(path) -> list[dict]:
    lines = []
    for line in path.read_text(errors="replace").splitlines():
        if line.startswith("{"):
            try:
                lines.append(json.loads(line))
            except ValueError:
                continue
    return lines


def _checked(client, listing_id):
    body = client.get(f"/api/v1/listings/{listing_id}/").json()
    return body if len(body.get("checks") or []) == 5 else None


@pytest.fixture
def split_workers(transactional_db, settings, tmp_path):
    run = f"test-{uuid.uuid4().hex[:10]}"
    settings.CELERY_TASK_ALWAYS_EAGER = False
    logs = {"review": tmp_path / "review.log", "others": tmp_path / "others.log"}
    with routed_to(run):
        review = start_worker(run, logs["review"], kinds=["review"], name=f"{run}-review")
        others = start_worker(
            run, logs["others"], kinds=["search", "credit", "mail", "default"], name=f"{run}-others"
        )
        try:
            wait_ready(f"{run}-review")
            wait_ready(f"{run}-others")
            yield {"run": run, "logs": logs}
        finally:
            stop(review)
            stop(others)


def test_a_mail_flood_does_not_delay_reviews(split_workers):
    run = split_workers["run"]
    mail = f"{run}.mail"
    started = time.monotonic()
    with celery_app.producer_or_acquire() as producer:
        for n in range(FLOOD):  # e-mails of notices that are not there: each a quick no-op
            notice_email.apply_async((2_000_000_000 + n,), producer=producer)
    queued_in = time.monotonic() - started
    waiting = broker.queue_lengths([mail])[mail]
    assert waiting > 0, f"the mail worker emptied the flood in {queued_in:.1f} s"

    seller = UserFactory()
    client = auth_client(seller)
    response = client.post("/api/v1/listings/", api_payload(leaf_category()), format="json")
    assert response.status_code == 201, response.json()
    submitted = time.monotonic()
    body = wait_for(lambda: _checked(client, response.json()["id"]), timeout=5.0)
    elapsed = time.monotonic() - submitted
    still_waiting = broker.queue_lengths([mail])[mail]

    log = split_workers["logs"]["review"].read_text(errors="replace")[-3000:]
    assert body, log
    assert elapsed <= 5.0, log
    # The review went past the e-mails queued before it, which still wait for their worker.
    assert still_waiting > 0
    print(
        f"\n{FLOOD} mail tasks queued in {queued_in:.1f} s ({waiting} waiting); "
        f"listing checked {elapsed:.2f} s after submission with {still_waiting} still waiting"
    )


def test_request_id_follows_the_request_into_its_task(celery_worker, settings):
    seller = UserFactory()
    client = auth_client(seller)
    response = client.post("/api/v1/listings/", api_payload(leaf_category()), format="json")
    assert response.status_code == 201
    request_id = response["X-Request-ID"]
    listing_id = response.json()["id"]
    assert wait_for(lambda: _checked(client, listing_id), timeout=5.0)

    def review_lines():
        return [
            line
            for line in _log_lines(celery_worker["log"])
            if line.get("task_name") == "listings.listing_review"
        ]

    lines = wait_for(review_lines, timeout=5.0)
    assert lines, celery_worker["log"].read_text()[-3000:]
    assert {line["request_id"] for line in lines} == {request_id}
    assert all(line["task_id"] for line in lines)


def test_workers_heartbeats_make_readyz_ready(celery_worker, settings, client):
    """The worker serves every queue of the run: each has a heartbeat (written when the worker
    became ready), and /readyz says so."""
    from kombu import Queue

    settings.CELERY_TASK_QUEUES = tuple(Queue(n) for n in run_queues(celery_worker["queue"]))
    response = client.get("/readyz")
    assert response.status_code == 200, response.json()
    assert response.json()["workers"] == "ok"


def test_a_failed_task_is_recorded_and_rerun_from_the_admin(celery_worker, client, staff_user):
    missing = 1_900_000_000 + uuid.uuid4().int % 1000
    notice_deliver.delay(missing, "worker-test", "失败后重跑", f"ops:rerun:{missing}")
    row = wait_for(
        lambda: FailedTask.objects.filter(task_name="members.notice_deliver").first(), timeout=10
    )
    assert row is not None, celery_worker["log"].read_text()[-3000:]
    assert row.exception_type == "DoesNotExist"
    assert row.args == [missing, "worker-test", "失败后重跑", f"ops:rerun:{missing}"]
    assert row.queue == f"{celery_worker['queue']}.mail"

    CompanyFactory(pk=missing)  # what was missing is there now: staff re-run the task
    client.force_login(staff_user)
    response = client.post(
        "/admin/ops/failedtask/",
        {"action": "rerun_selected", "_selected_action": [row.pk]},
    )
    assert response.status_code == 302
    resolved = wait_for(
        lambda: FailedTask.objects.filter(pk=row.pk, status=FailedTask.Status.RESOLVED).exists(),
        timeout=10,
    )
    assert resolved, celery_worker["log"].read_text()[-3000:]
    assert Notice.objects.filter(company_id=missing, kind="worker-test").count() == 1
    assert FailedTask.objects.count() == 1
