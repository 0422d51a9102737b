"""Issue 17: with the Celery broker unreachable, a submitted listing or a sent inquiry is
stored and the request answers its normal success (no 500 after the commit, so no retry
and no duplicate); the sweeps (the review sweep, the notice e-mail sweep) queue the lost
work once the broker is back.

The broker is really unreachable (a closed port), not mocked: the Celery app is pointed at
it, eager runs are off, and publishing does not retry, so each attempt fails at once.
Transactional tests: the view's commit runs its on-commit hooks inside the request.
"""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from inquiries.models import InquiryMessage
from listings import services as listing_services
from listings.models import Listing
from listings.review.services import listing_review_sweep
from marketplace.celery import app as celery_app
from members.models import Notice
from members.notices import notice_email_sweep
from tests.conftest import auth_client
from tests.factories import UserFactory
from tests.inquiries.inquiry_factories import page_client, seller_and_listing
from tests.listings.listing_factories import api_payload, leaf_category, listing_values

pytestmark = pytest.mark.django_db(transaction=True)

CLOSED_PORT = "redis://127.0.0.1:1/0"
BROKEN = {
    "broker_url": CLOSED_PORT,
    "broker_write_url": CLOSED_PORT,
    "task_always_eager": False,
    "task_publish_retry": False,
    "broker_connection_retry": False,
    "broker_connection_timeout": 0.5,
    "broker_transport_options": {"max_retries": 0},
}


def _reset_pools():
    """Connections are pooled per app: drop them so the next publish uses the current URL."""
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def broker_down(settings):
    """The broker is unreachable until `restore()` (called at teardown at the latest)."""
    before = {key: celery_app.conf[key] for key in BROKEN}
    settings.CELERY_BROKER_URL = CLOSED_PORT
    settings.CELERY_TASK_ALWAYS_EAGER = False
    celery_app.conf.update(BROKEN)
    _reset_pools()
    state = {"down": True}

    def restore():
        if state["down"]:
            celery_app.conf.update(before)
            _reset_pools()
            settings.CELERY_TASK_ALWAYS_EAGER = True
            state["down"] = False

    yield restore
    restore()


def _form(category) -> dict:
    """The new-listing form, submitted for review at once."""
    values = listing_values(category)
    return {
        **values,
        "category": category.pk,
        "validity_days": 30,
        "province": "浙江",
        "city": "杭州",
        "action": "submit",
    }


def _check_publish_fails():
    from marketplace.tasks import ping

    with pytest.raises(Exception):  # noqa: B017 (any broker error will do)
        ping.delay()


def _backdate_submission(listing):
    Listing.objects.filter(pk=listing.pk).update(submitted_at=timezone.now() - timedelta(minutes=5))


def _swept_and_checked(listing) -> Listing:
    """The broker is back: the review sweep queues the lost review (run in-process)."""
    _backdate_submission(listing)
    assert listing_review_sweep() >= 1
    listing.refresh_from_db()
    assert listing.checked_at is not None
    return listing


def test_form_submit_with_the_broker_down_redirects_and_the_sweep_reviews(broker_down):
    seller = UserFactory()
    category = leaf_category()
    _check_publish_fails()
    response = page_client(seller).post("/my/listings/new/", _form(category))
    assert response.status_code == 302
    listing = Listing.objects.get(company=seller.company)  # stored once
    assert listing.status == Listing.Status.PENDING_REVIEW and listing.checked_at is None
    broker_down()
    _swept_and_checked(listing)


def test_api_create_with_the_broker_down_answers_201_and_the_sweep_reviews(broker_down):
    seller = UserFactory()
    category = leaf_category()
    response = auth_client(seller).post("/api/v1/listings/", api_payload(category), format="json")
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "pending_review"
    listing = Listing.objects.get(company=seller.company)
    assert listing.pk == response.json()["id"] and listing.checked_at is None
    broker_down()
    _swept_and_checked(listing)


def test_service_submit_with_the_broker_down_commits_and_the_sweep_reviews(broker_down):
    seller = UserFactory()
    category = leaf_category()
    draft = listing_services.listing_create(
        company=seller.company, **listing_values(category, title="不锈钢焊管")
    )
    submitted = listing_services.listing_submit(listing=draft)
    assert submitted.status == Listing.Status.PENDING_REVIEW
    assert Listing.objects.filter(company=seller.company).count() == 1
    broker_down()
    _swept_and_checked(submitted)


def _backdate_notices():
    Notice.objects.update(created_at=timezone.now() - timedelta(minutes=5))


def test_api_inquiry_with_the_broker_down_answers_201_and_the_sweep_emails(broker_down):
    seller, listing = seller_and_listing()
    buyer = UserFactory()
    response = auth_client(buyer).post(
        f"/api/v1/listings/{listing.pk}/inquiries/",
        {"message": "请报最低价", "quantity": 10},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert InquiryMessage.objects.count() == 1
    # Issue 14: the e-mail is the seller's notice's (members.notices), swept when lost.
    notice = Notice.objects.get(company=seller.company, kind="inquiry_received")
    assert notice.emailed_at is None and mail.outbox == []
    broker_down()
    _backdate_notices()
    assert notice_email_sweep() == 1
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [seller.email]
    notice.refresh_from_db()
    assert notice.emailed_at is not None
    assert notice_email_sweep() == 0


def test_page_inquiry_with_the_broker_down_redirects_and_the_sweep_emails(broker_down):
    seller, listing = seller_and_listing()
    response = page_client(UserFactory()).post(
        f"/listings/{listing.pk}/inquire/", {"message": "请问现货多少吨？", "quantity": 5}
    )
    assert response.status_code == 302
    assert InquiryMessage.objects.count() == 1
    broker_down()
    _backdate_notices()
    assert notice_email_sweep() == 1
    assert "请问现货多少吨" in mail.outbox[0].body
