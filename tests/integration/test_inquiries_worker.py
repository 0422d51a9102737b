"""R-I1: the e-mail notice of an inquiry goes out through a real Celery worker: it is the
seller's notice's e-mail (members.notice_email, issue 14), sent once."""

import pytest

from inquiries import services
from members.models import Notice
from members.tasks import notice_email
from tests.factories import UserFactory
from tests.inquiries.inquiry_factories import seller_and_listing
from tests.integration.conftest import celery_worker, wait_for  # noqa: F401 (fixture)

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_worker_sends_the_seller_notice_once(celery_worker):  # noqa: F811
    seller, listing = seller_and_listing()
    services.inquiry_send(sender=UserFactory(), message="有现货吗？", listing=listing)
    notice_id = Notice.objects.get(company=seller.company, kind="inquiry_received").pk
    sent = wait_for(
        lambda: Notice.objects.filter(pk=notice_id, emailed_at__isnull=False).first(),
        timeout=15,
    )
    assert sent is not None, celery_worker["log"].read_text()[-3000:]
    log = celery_worker["log"].read_text()
    assert "members.notice_email" in log
    # Running the task again sends nothing (it is marked as e-mailed).
    assert notice_email.delay(notice_id).get(timeout=15) is False
