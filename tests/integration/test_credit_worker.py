"""Credit recalculation with real Celery workers against Redis and PostgreSQL (R-C7).

- a review posted through the API changes the score the archive API shows within 5 s;
- a worker killed with SIGKILL in the middle of a recalculation loses nothing once a new
  worker runs (the outbox marker survives and the new worker's start-up sweep redoes it);
- duplicated messages handled by two workers at once leave one history row.
"""

import os
import signal
import time

import psycopg2
import pytest
from django.db import connection

from credit import services
from credit.models import PendingRecalculation, ScoreHistory
from credit.tasks import credit_recalculate_task
from members.models import Company
from tests.conftest import auth_client
from tests.credit.factories import trade_between_members
from tests.factories import CompanyFactory
from tests.integration.conftest import start_worker, wait_for, wait_ready

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _raw_connection():
    s = connection.settings_dict
    return psycopg2.connect(
        dbname=s["NAME"],
        user=s.get("USER") or "postgres",
        password=s.get("PASSWORD") or None,
        host=s.get("HOST") or "127.0.0.1",
        port=s.get("PORT") or 5432,
    )


def _log(worker) -> str:
    return worker["log"].read_text(errors="replace")[-3000:]


def test_review_through_the_api_changes_the_archive_score_within_5_seconds(
    celery_worker, api_client
):
    order, buyer, seller = trade_between_members()
    url = f"/api/v1/companies/{seller.company.member_id}/credit/"
    assert api_client.get(url).json()["score"] == 0
    res = auth_client(buyer).post(
        f"/api/v1/orders/{order.pk}/reviews/",
        {"rating": "positive", "comment": "好"},
        format="json",
    )
    assert res.status_code == 201, res.json()
    started = time.monotonic()
    body = wait_for(lambda: (b := api_client.get(url).json())["score"] == 2 and b, timeout=5)
    assert body, _log(celery_worker)
    assert time.monotonic() - started < 5
    assert body["breakdown"]["reviews"] == 2
    assert [(h["old"], h["new"]) for h in body["history"]] == [(0, 2)]
    assert not PendingRecalculation.objects.exists()


def test_worker_killed_mid_recalculation_loses_nothing(celery_worker, tmp_path):
    company = CompanyFactory(verified=True)
    blocker = _raw_connection()
    try:
        # Hold the company's row lock as a recalculation does: the worker's recalculation
        # starts its transaction and then waits in the middle, at `SELECT … FOR NO KEY UPDATE`.
        with blocker.cursor() as cur:
            cur.execute(
                "SELECT id FROM members_company WHERE id = %s FOR NO KEY UPDATE", [company.pk]
            )
        services.credit_recalculate_on_commit(company_id=company.pk, cause="verification_approved")

        def worker_is_waiting():
            with connection.cursor() as cur:
                cur.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND wait_event_type = 'Lock' AND query ILIKE %s",
                    ["%members_company%FOR NO KEY UPDATE%"],
                )
                return cur.fetchone()[0] > 0

        assert wait_for(worker_is_waiting, timeout=10), _log(celery_worker)
        os.kill(celery_worker["process"].pid, signal.SIGKILL)
        celery_worker["process"].wait(timeout=10)
    finally:
        blocker.rollback()
        blocker.close()

    # The killed worker committed nothing; the event is still marked as pending.
    time.sleep(0.5)
    assert Company.objects.get(pk=company.pk).credit_score == 0
    assert PendingRecalculation.objects.filter(company=company).exists()

    second = start_worker(celery_worker["queue"], tmp_path / "worker2.log")
    try:
        wait_ready(celery_worker["queue"])
        assert wait_for(
            lambda: Company.objects.get(pk=company.pk).credit_score == 10, timeout=10
        ), (tmp_path / "worker2.log").read_text(errors="replace")[-3000:]
        assert wait_for(lambda: not PendingRecalculation.objects.exists(), timeout=5)
        rows = list(ScoreHistory.objects.filter(company=company))
        assert [(r.old_score, r.new_score) for r in rows] == [(0, 10)]
    finally:
        second.terminate()
        second.wait(timeout=15)


def test_duplicated_messages_on_two_workers_leave_one_history_row(celery_worker, tmp_path):
    second = start_worker(celery_worker["queue"], tmp_path / "worker2.log")
    try:
        wait_ready(celery_worker["queue"])
        company = CompanyFactory(verified=True)
        results = [credit_recalculate_task.delay(company.pk, "replayed") for _ in range(10)]
        assert [r.get(timeout=20) for r in results] == [10] * 10
        assert Company.objects.get(pk=company.pk).credit_score == 10
        assert ScoreHistory.objects.filter(company=company).count() == 1
    finally:
        second.terminate()
        second.wait(timeout=15)
