"""R-M4 through a real Celery worker (Redis + PostgreSQL): the beat task enqueued twice
sends one reminder."""

from datetime import timedelta

import pytest
from django.utils import timezone

from members.models import MembershipReminder, Notice
from members.tasks import membership_reminders_send
from tests.factories import CompanyFactory, TrustPassPeriodFactory
from tests.integration.conftest import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_beat_task_twice_on_a_real_worker_sends_once(celery_worker):
    today = timezone.localdate()
    company = CompanyFactory(email="worker@example.cn")
    TrustPassPeriodFactory(
        company=company, starts_on=today - timedelta(days=358), ends_on=today + timedelta(days=7)
    )
    first = membership_reminders_send.delay()
    second = membership_reminders_send.delay()
    results = sorted([first.get(timeout=30), second.get(timeout=30)])
    assert results == [0, 1], celery_worker["log"].read_text()[-3000:]
    record = wait_for(lambda: MembershipReminder.objects.filter(company=company).first())
    assert (
        record.days_before == 7 and record.email_sent_at and record.email_to == "worker@example.cn"
    )
    assert Notice.objects.filter(company=company, kind="trustpass_reminder").count() == 1
