"""R-I1: the e-mail notice of an inquiry goes out through a real Celery worker (the task
module is registered with the worker through marketplace/celery.py)."""

import pytest

from inquiries import services
from inquiries.models import InquiryMessage
from tests.factories import UserFactory
from tests.inquiries.inquiry_factories import seller_and_listing
from tests.integration.conftest import celery_worker, wait_for  # noqa: F401 (fixture)

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_worker_sends_the_seller_notice_once(celery_worker):  # noqa: F811
    _, listing = seller_and_listing()
    thread = services.inquiry_send(sender=UserFactory(), message="有现货吗？", listing=listing)
    msg_id = thread.new_message.pk
    sent = wait_for(
        lambda: InquiryMessage.objects.filter(pk=msg_id, emailed_at__isnull=False).first(),
        timeout=15,
    )
    assert sent is not None, celery_worker["log"].read_text()[-3000:]
    log = celery_worker["log"].read_text()
    assert "listings.inquiry_email_notify" in log
    # Running the task again sends nothing (it is marked as e-mailed).
    from inquiries.tasks import inquiry_email_notify

    assert inquiry_email_notify.delay(msg_id).get(timeout=15) is False
