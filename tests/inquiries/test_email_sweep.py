"""Issue 17: an inquiry e-mail notice whose task failed (any exception, not only OSError)
or was never queued is sent later by `inquiry_email_sweep`, once; old ones are given up."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.core.mail.backends import locmem
from django.utils import timezone

from inquiries import services
from inquiries.models import InquiryMessage
from inquiries.tasks import inquiry_email_notify
from marketplace.celery import app as celery_app
from tests.factories import UserFactory
from tests.inquiries.inquiry_factories import seller_and_listing

pytestmark = pytest.mark.django_db


def unsent_message(*, age=timedelta(minutes=5), **seller_company):
    """A committed-looking message whose e-mail task never succeeded, `age` old."""
    seller, listing = seller_and_listing()
    for field, value in seller_company.items():
        setattr(seller.company, field, value)
    seller.company.save()
    thread = services.inquiry_send(sender=UserFactory(), message="请报价", listing=listing)
    msg = thread.new_message
    InquiryMessage.objects.filter(pk=msg.pk).update(created_at=timezone.now() - age)
    return msg


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


def run_task(message_id: int):
    return inquiry_email_notify.apply(args=[message_id]).get()


def test_the_task_retries_on_any_exception(flaky_mail):
    msg = unsent_message()
    backend = flaky_mail(2)
    assert run_task(msg.pk) is True
    assert backend.calls == 3
    assert len(mail.outbox) == 1


def test_the_task_gives_up_after_a_bounded_number_of_tries(flaky_mail):
    msg = unsent_message()
    backend = flaky_mail(1000)
    with pytest.raises(RuntimeError):
        run_task(msg.pk)
    assert 1 < backend.calls <= 11
    msg.refresh_from_db()
    assert msg.emailed_at is None and mail.outbox == []


def test_a_message_whose_task_raised_is_sent_by_the_sweep(flaky_mail):
    msg = unsent_message()
    backend = flaky_mail(1000)
    with pytest.raises(RuntimeError):
        run_task(msg.pk)
    backend.failures = 0  # the mail server is back
    assert services.inquiry_email_sweep() == 1
    assert len(mail.outbox) == 1 and "请报价" in mail.outbox[0].body
    msg.refresh_from_db()
    assert msg.emailed_at is not None
    # A second sweep finds nothing to do and sends nothing.
    assert services.inquiry_email_sweep() == 0
    assert len(mail.outbox) == 1


def test_the_sweep_leaves_young_and_given_up_messages():
    young = unsent_message(age=timedelta(seconds=10))
    old = unsent_message(age=services.INQUIRY_EMAIL_GIVE_UP + timedelta(minutes=1))
    assert services.inquiry_email_sweep() == 0
    assert mail.outbox == []
    for msg in (young, old):
        msg.refresh_from_db()
        assert msg.emailed_at is None


def test_the_sweep_waits_the_setting(settings):
    settings.INQUIRY_EMAIL_SWEEP_AFTER_SECONDS = 600
    unsent_message(age=timedelta(minutes=5))
    assert services.inquiry_email_sweep() == 0
    settings.INQUIRY_EMAIL_SWEEP_AFTER_SECONDS = 60
    assert services.inquiry_email_sweep() == 1


def test_the_sweep_respects_its_limit():
    for _ in range(3):
        unsent_message()
    assert services.inquiry_email_sweep(limit=2) == 2
    assert len(mail.outbox) == 2
    assert services.inquiry_email_sweep(limit=2) == 1
    assert len(mail.outbox) == 3


def test_a_recipient_without_any_address_is_marked_and_not_swept_again():
    msg = unsent_message(email="")
    msg.recipient_company.users.update(email="")
    assert services.inquiry_email_sweep() == 1
    assert mail.outbox == []
    msg.refresh_from_db()
    assert msg.emailed_at is not None  # marked: out of the sweep's work list
    assert services.inquiry_email_sweep() == 0


def test_the_sweep_task_is_registered_and_scheduled():
    from inquiries.tasks import inquiry_email_sweep

    assert inquiry_email_sweep.name in celery_app.tasks
    entries = [
        e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == inquiry_email_sweep.name
    ]
    assert len(entries) == 1
    unsent_message()
    assert inquiry_email_sweep.apply().get() == 1
    assert len(mail.outbox) == 1
