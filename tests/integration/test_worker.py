"""A real worker process takes a task from Redis and writes to PostgreSQL."""

import pytest

from members.models import Notice
from members.tasks import notice_deliver
from tests.factories import CompanyFactory
from tests.integration.conftest import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_real_worker_writes_a_row(celery_worker):
    company = CompanyFactory()
    result = notice_deliver.delay(company.pk, "worker-test", "来自后台任务的通知", "worker:probe:1")
    assert not result.ready() or result.get(timeout=10) is not None
    notice = wait_for(lambda: Notice.objects.filter(company=company, kind="worker-test").first())
    assert notice is not None, celery_worker["log"].read_text()[-3000:]
    assert notice.title == "来自后台任务的通知"


def test_task_run_twice_makes_one_row(celery_worker):
    company = CompanyFactory()
    notice_deliver.delay(company.pk, "worker-test", "只发一次", "worker:probe:2")
    notice_deliver.delay(company.pk, "worker-test", "只发一次", "worker:probe:2")
    wait_for(lambda: Notice.objects.filter(dedupe_key="worker:probe:2").exists())
    # Give the second message time to be processed too, then count.
    from marketplace.tasks import ping

    assert ping.delay().get(timeout=10) == "pong"
    assert Notice.objects.filter(dedupe_key="worker:probe:2").count() == 1
