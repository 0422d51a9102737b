"""R-M4: renewal reminders 30, 7 and 1 days before ends_on, e-mail and notice, once each.
Issue 14: the e-mail is the notice's (members.notices): to the company's administrators with
a confirmed address, queued on commit, swept when lost, with absolute links."""

import threading
from datetime import date, timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.utils import timezone

from members import services
from members.models import MembershipReminder, Notice
from members.rules import add_years
from members.tasks import membership_reminders_send
from tests.factories import CompanyFactory, TrustPassPeriodFactory, UserFactory
from tests.members.notice_factories import ConfirmedUserFactory

pytestmark = pytest.mark.django_db

END = date(2027, 3, 1)


@pytest.fixture(autouse=True)
def _mail_on_commit(django_capture_on_commit_callbacks, monkeypatch):
    """Run each reminder run's on-commit work (the notice e-mail task) as a commit would."""
    real = services.membership_reminders_send

    def run(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return real(**kwargs)

    monkeypatch.setattr(services, "membership_reminders_send", run)


@pytest.fixture
def company():
    company = CompanyFactory(email="office@hzsteel.example.cn")
    ConfirmedUserFactory(company=company, email="boss@hzsteel.example.cn")
    TrustPassPeriodFactory(company=company, starts_on=add_years(END, -1), ends_on=END)
    return company


def _reminders(company):
    return list(
        MembershipReminder.objects.filter(company=company)
        .order_by("-days_before")
        .values_list("days_before", flat=True)
    )


def _notices(company):
    return Notice.objects.filter(company=company, kind="trustpass_renewal")


def test_nothing_before_30_days(company):
    assert services.membership_reminders_send(today=END - timedelta(days=31)) == 0
    assert mail.outbox == [] and not _notices(company).exists()


@pytest.mark.parametrize("days_before", [30, 7, 1])
def test_each_reminder_once_when_the_task_runs_twice_on_the_day(company, days_before):
    day = END - timedelta(days=days_before)
    assert services.membership_reminders_send(today=day) == 1
    assert services.membership_reminders_send(today=day) == 0
    assert _reminders(company) == [days_before]
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["boss@hzsteel.example.cn"]
    assert f"还有 {days_before} 天到期" in mail.outbox[0].subject
    assert "2027-02-28" in mail.outbox[0].body  # the last day of privileges
    assert "http://testserver/my/trustpass/" in mail.outbox[0].body  # absolute renew link
    notices = list(_notices(company))
    assert len(notices) == 1 and f"{days_before} 天" in notices[0].title


@pytest.mark.parametrize(("days_before", "late_day"), [(30, 29), (7, 6)])
def test_a_run_a_day_late_still_sends_the_missed_reminder_once(company, days_before, late_day):
    day = END - timedelta(days=late_day)
    services.membership_reminders_send(today=day)
    services.membership_reminders_send(today=day)
    assert _reminders(company) == [days_before]
    assert len(mail.outbox) == 1 and _notices(company).count() == 1


def test_on_time_then_late_run_does_not_repeat(company):
    services.membership_reminders_send(today=END - timedelta(days=30))
    services.membership_reminders_send(today=END - timedelta(days=29))
    assert _reminders(company) == [30] and len(mail.outbox) == 1


def test_a_whole_month_of_daily_runs_sends_three_reminders(company):
    for n in range(40, -3, -1):
        services.membership_reminders_send(today=END - timedelta(days=n))
        services.membership_reminders_send(today=END - timedelta(days=n))
    assert _reminders(company) == [30, 7, 1]
    assert len(mail.outbox) == 3
    assert _notices(company).count() == 3


def test_no_reminder_on_or_after_the_end(company):
    assert services.membership_reminders_send(today=END) == 0
    assert services.membership_reminders_send(today=END + timedelta(days=1)) == 0
    assert mail.outbox == []


def test_a_company_that_renewed_gets_no_reminder(company):
    TrustPassPeriodFactory(company=company, starts_on=END, ends_on=add_years(END, 1))
    assert services.membership_reminders_send(today=END - timedelta(days=7)) == 0
    assert mail.outbox == []


def test_the_renewed_run_is_reminded_before_its_own_end(company):
    TrustPassPeriodFactory(company=company, starts_on=END, ends_on=add_years(END, 1))
    services.membership_reminders_send(today=add_years(END, 1) - timedelta(days=30))
    assert list(MembershipReminder.objects.values_list("ends_on", "days_before")) == [
        (add_years(END, 1), 30)
    ]


def test_first_in_range_at_six_days_gets_only_the_7_day_reminder():
    company = CompanyFactory()
    TrustPassPeriodFactory(company=company, starts_on=END - timedelta(days=20), ends_on=END)
    services.membership_reminders_send(today=END - timedelta(days=6))
    assert _reminders(company) == [7]


def test_email_goes_to_confirmed_administrators_only():
    company = CompanyFactory(email="office@example.cn")
    ConfirmedUserFactory(company=company, email="li@example.cn")
    ConfirmedUserFactory(company=company, email="sales@example.cn", role="sales")
    UserFactory(company=company, email="new@example.cn")  # address not confirmed
    TrustPassPeriodFactory(company=company, starts_on=add_years(END, -1), ends_on=END)
    services.membership_reminders_send(today=END - timedelta(days=7))
    assert [m.to for m in mail.outbox] == [["li@example.cn"]]
    assert MembershipReminder.objects.get().email_to == "li@example.cn"


def test_a_lost_email_is_sent_once_by_the_sweep_and_the_reminder_not_repeated(company, monkeypatch):
    from members import notices, tasks

    def broker_down(*args, **kwargs):
        raise ConnectionError("broker unreachable")

    real_delay = tasks.notice_email.delay
    monkeypatch.setattr(tasks.notice_email, "delay", broker_down)
    assert services.membership_reminders_send(today=END - timedelta(days=7)) == 1
    assert mail.outbox == [] and _notices(company).count() == 1
    monkeypatch.setattr(tasks.notice_email, "delay", real_delay)
    assert services.membership_reminders_send(today=END - timedelta(days=7)) == 0
    _notices(company).update(created_at=timezone.now() - timedelta(minutes=5))
    assert notices.notice_email_sweep() == 1
    assert notices.notice_email_sweep() == 0
    assert len(mail.outbox) == 1 and _reminders(company) == [7]


def test_notice_made_elsewhere_with_the_same_key_is_not_duplicated(company):
    """The notice's dedupe key holds even if a record row was lost."""
    key = f"trustpass-reminder:{company.pk}:{END.isoformat()}:7"
    services.notice_send(company=company, kind="trustpass_renewal", title="旧提醒", dedupe_key=key)
    services.membership_reminders_send(today=END - timedelta(days=7))
    assert _notices(company).count() == 1
    assert MembershipReminder.objects.get().notice.title == "旧提醒"


def test_beat_task_is_scheduled_and_runs_the_service():
    entry = settings.CELERY_BEAT_SCHEDULE["members-renewal-reminders"]
    assert entry["task"] == membership_reminders_send.name == "members.membership_reminders_send"
    company = ConfirmedUserFactory().company
    today = timezone.localdate()
    TrustPassPeriodFactory(
        company=company, starts_on=today - timedelta(days=300), ends_on=today + timedelta(days=7)
    )
    # Through Celery (eager in unit tests), twice.
    assert membership_reminders_send.delay().get() == 1
    assert membership_reminders_send.delay().get() == 0
    assert _reminders(company) == [7] and len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_the_same_moment_send_one_email():
    company = CompanyFactory()
    ConfirmedUserFactory(company=company, email="race@example.cn")
    TrustPassPeriodFactory(company=company, starts_on=add_years(END, -1), ends_on=END)
    day = END - timedelta(days=30)
    barrier = threading.Barrier(2)
    errors = []

    def run():
        try:
            barrier.wait(timeout=10)
            services.membership_reminders_send(today=day)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert errors == []
    assert len([m for m in mail.outbox if m.to == ["race@example.cn"]]) == 1
    assert _notices(company).count() == 1 and _reminders(company) == [30]
