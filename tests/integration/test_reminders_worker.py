"""R-M4 through a real Celery worker (Redis + PostgreSQL): the beat task enqueued twice
sends one reminder."""

from datetime import timedelta

import pytest
from django.utils import timezone

from members.models import MembershipReminder, Notice
from members.tasks import membership_reminders_send
from tests.factories import TrustPassPeriodFactory
from tests.integration.conftest import wait_for
from tests.members.notice_factories import ConfirmedUserFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_beat_task_twice_on_a_real_worker_sends_once(celery_worker):
    today = timezone.localdate()
    company = ConfirmedUserFactory(email="worker@example.cn").company
    TrustPassPeriodFactory(
        company=company, starts_on=today - timedelta(days=358), ends_on=today + timedelta(days=7)
    )
    first = membership_reminders_send.delay()
    second = membership_reminders_send.delay()
    results = sorted([first.get(timeout=30), second.get(timeout=30)])
    assert results == [0, 1], celery_worker["log"].read_text()[-3000:]
    record = wait_for(lambda: MembershipReminder.objects.filter(company=company).first())
    assert record.days_before == 7 and record.email_to == "worker@example.cn"
    # The e-mail is the notice's (members.notice_email on the same worker), sent once.
    assert wait_for(
        lambda: Notice.objects.filter(pk=record.notice_id, emailed_at__isnull=False).first()
    )
    assert Notice.objects.filter(company=company, kind="trustpass_renewal").count() == 1
