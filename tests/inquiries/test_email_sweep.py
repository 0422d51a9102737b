"""Issue 17, kept through issue 14: an inquiry's e-mail is its receiver's notice's e-mail
(members.notices). A task that failed (any exception, not only OSError) or was never queued
is sent later by the notice sweep, once; old ones are given up."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.core.mail.backends import locmem
from django.utils import timezone

from inquiries import services
from marketplace.celery import app as celery_app
from members import notices
from members.models import Notice
from members.tasks import notice_email, notice_email_sweep
from tests.factories import UserFactory
from tests.inquiries.inquiry_factories import seller_and_listing

pytestmark = pytest.mark.django_db


def unsent_notice(*, age=timedelta(minutes=5), **seller_fields):
    """The seller's notice of a committed-looking inquiry whose e-mail task never succeeded,
    `age` old."""
    seller, _listing = seller_and_listing()
    for field, value in seller_fields.items():
        setattr(seller, field, value)
    seller.save()
    services.inquiry_send(sender=UserFactory(), message="请报价", listing=_listing)
    notice = Notice.objects.get(company=seller.company, kind="inquiry_received")
    Notice.objects.filter(pk=notice.pk).update(created_at=timezone.now() - age)
    return notice


class FlakyBackend(locmem.EmailBackend):
    """The locmem test backend, raising RuntimeError for the first `failures` sends."""

    failures = 0
    calls = 0

    def send_messages(self, messages):
        FlakyBackend.calls += 1
        if FlakyBackend.calls <= FlakyBackend.failures:
            raise RuntimeError("mail backend exploded")
        return super().send_messages(messages)


@pytest.fixture
def flaky_mail(settings):
    settings.EMAIL_BACKEND = f"{__name__}.FlakyBackend"
    FlakyBackend.calls = 0

    def fail(times: int):
        FlakyBackend.failures = times
        return FlakyBackend

    yield fail
    FlakyBackend.failures = 0


@pytest.fixture(autouse=True)
def _eager_retries():
    """In-process runs retry as a worker would (an eager run that propagates errors raises
    celery's Retry at the first retry instead of running it)."""
    before = celery_app.conf.task_eager_propagates
    celery_app.conf.task_eager_propagates = False
    yield
    celery_app.conf.task_eager_propagates = before


def run_task(notice_id: int):
    return notice_email.apply(args=[notice_id]).get()


def test_the_task_retries_on_any_exception(flaky_mail):
    notice = unsent_notice()
    backend = flaky_mail(2)
    assert run_task(notice.pk) is True
    assert backend.calls == 3
    assert len(mail.outbox) == 1


def test_the_task_gives_up_after_a_bounded_number_of_tries(flaky_mail):
    notice = unsent_notice()
    backend = flaky_mail(1000)
    with pytest.raises(RuntimeError):
        run_task(notice.pk)
    assert 1 < backend.calls <= 11
    notice.refresh_from_db()
    assert notice.emailed_at is None and mail.outbox == []


def test_an_inquiry_whose_task_raised_is_sent_by_the_sweep(flaky_mail):
    notice = unsent_notice()
    backend = flaky_mail(1000)
    with pytest.raises(RuntimeError):
        run_task(notice.pk)
    backend.failures = 0  # the mail server is back
    assert notices.notice_email_sweep() == 1
    assert len(mail.outbox) == 1 and "请报价" in mail.outbox[0].body
    notice.refresh_from_db()
    assert notice.emailed_at is not None
    # A second sweep finds nothing to do and sends nothing.
    assert notices.notice_email_sweep() == 0
    assert len(mail.outbox) == 1


def test_the_sweep_leaves_young_and_given_up_notices():
    young = unsent_notice(age=timedelta(seconds=10))
    old = unsent_notice(age=notices.NOTICE_EMAIL_GIVE_UP + timedelta(minutes=1))
    assert notices.notice_email_sweep() == 0
    assert mail.outbox == []
    for notice in (young, old):
        notice.refresh_from_db()
        assert notice.emailed_at is None


def test_the_sweep_waits_the_setting(settings):
    settings.NOTICE_EMAIL_SWEEP_AFTER_SECONDS = 600
    unsent_notice(age=timedelta(minutes=5))
    assert notices.notice_email_sweep() == 0
    settings.NOTICE_EMAIL_SWEEP_AFTER_SECONDS = 60
    assert notices.notice_email_sweep() == 1


def test_the_sweep_respects_its_limit():
    for _ in range(3):
        unsent_notice()
    assert notices.notice_email_sweep(limit=2) == 2
    assert len(mail.outbox) == 2
    assert notices.notice_email_sweep(limit=2) == 1
    assert len(mail.outbox) == 3


def test_a_receiver_without_any_recipient_is_marked_and_not_swept_again():
    notice = unsent_notice(email_confirmed_at=None)
    assert notices.notice_email_sweep() == 1
    assert mail.outbox == []
    notice.refresh_from_db()
    assert notice.emailed_at is not None  # marked: out of the sweep's work list
    assert notices.notice_email_sweep() == 0


def test_the_sweep_task_is_registered_and_scheduled():
    assert notice_email_sweep.name in celery_app.tasks
    entries = [
        e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == notice_email_sweep.name
    ]
    assert len(entries) == 1
    assert "inquiries.inquiry_email_sweep" not in {
        e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values()
    }
    unsent_notice()
    assert notice_email_sweep.apply().get() == 1
    assert len(mail.outbox) == 1
