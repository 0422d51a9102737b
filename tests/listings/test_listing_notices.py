"""Issue 14: the seller hears of its listings through the notice service: approved (the
submit page promised "结果会在站内信和邮件中通知您"), rejected, expiring in 3 days (once), and
expired. One in-site notice each, and one e-mail to each confirmed user of the listing roles
(administrator, listings), none to sales staff, unconfirmed addresses or a user who opted out."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from listings import services, tasks
from listings.models import Listing
from members.models import Notice, NoticePreference
from tests.factories import ListingFactory, UserFactory
from tests.listings.helpers import submit
from tests.members.notice_factories import ConfirmedUserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(company):
    """The company's people: who should and who should not get listing e-mails."""
    return {
        "admin": ConfirmedUserFactory(company=company, email="admin@example.cn"),
        "listings": ConfirmedUserFactory(company=company, role="listings", email="li@example.cn"),
        "sales": ConfirmedUserFactory(company=company, role="sales", email="sales@example.cn"),
        "unconfirmed": UserFactory(company=company, role="listings", email="new@example.cn"),
    }


def live_listing(company, category, *, expires_at, **kw):
    return ListingFactory(
        company=company,
        category=category,
        published_at=expires_at - timedelta(days=30),
        expires_at=expires_at,
        **kw,
    )


def _to(outbox) -> list[str]:
    return sorted(m.to[0] for m in outbox)


def _notices(company, event):
    return Notice.objects.filter(company=company, kind=event)


def test_staff_approval_tells_the_listing_roles(
    company, category, team, django_capture_on_commit_callbacks, settings
):
    settings.LISTING_AUTO_PUBLISH_CLEAN = False
    listing = submit(company, category, django_capture_on_commit_callbacks)
    assert listing.status == Listing.Status.PENDING_REVIEW and mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        services.listing_approve(listing=listing, by=UserFactory(is_staff=True))
    notice = _notices(company, "listing_approved").get()
    assert notice.url == f"/my/listings/{listing.pk}/" and listing.title in notice.title
    assert _to(mail.outbox) == ["admin@example.cn", "li@example.cn"]
    assert "已通过审核" in mail.outbox[0].subject
    assert f"http://testserver/my/listings/{listing.pk}/" in mail.outbox[0].body


def test_automatic_publication_tells_the_seller_too(
    company, category, team, django_capture_on_commit_callbacks, settings
):
    settings.LISTING_AUTO_PUBLISH_CLEAN = True
    listing = submit(company, category, django_capture_on_commit_callbacks)
    assert listing.status == Listing.Status.LIVE
    assert _notices(company, "listing_approved").count() == 1
    assert _to(mail.outbox) == ["admin@example.cn", "li@example.cn"]


def test_rejection_tells_the_listing_roles_with_every_reason(
    company, category, team, django_capture_on_commit_callbacks
):
    NoticePreference.objects.create(user=team["admin"], event="listing_rejected", send_email=False)
    listing = submit(company, category, django_capture_on_commit_callbacks, description="好")
    assert listing.status == Listing.Status.REJECTED
    notice = _notices(company, "listing_rejected").get()
    assert "产品介绍信息过于简单" in notice.body
    assert _to(mail.outbox) == ["li@example.cn"]  # the administrator turned it off


def test_the_expiring_notice_goes_out_once_three_days_before(company, category, team):
    now = timezone.now()
    soon = live_listing(
        company, category, expires_at=now + timedelta(days=3) - timedelta(minutes=1)
    )
    live_listing(
        company, category, title="远未到期的信息", expires_at=now + timedelta(days=3, hours=1)
    )
    live_listing(company, category, title="已过期未处理", expires_at=now - timedelta(minutes=1))
    assert services.listing_expiring_notify_due(now=now) == 1
    assert services.listing_expiring_notify_due(now=now) == 0  # dedupe: once
    assert services.listing_expiring_notify_due(now=now + timedelta(hours=5)) == 1  # the far one
    assert services.listing_expiring_notify_due(now=now + timedelta(hours=6)) == 0
    notice = _notices(company, "listing_expiring").get(title__contains=soon.title)
    assert notice.dedupe_key == f"listing-expiring:{soon.pk}:{soon.review_round}"
    assert notice.url == f"/my/listings/{soon.pk}/"
    assert timezone.localtime(soon.expires_at).strftime("%Y-%m-%d") in notice.title
    assert _notices(company, "listing_expiring").count() == 2


def test_the_expiring_notice_comes_again_for_a_new_validity(company, category, team):
    now = timezone.now()
    listing = live_listing(company, category, expires_at=now + timedelta(days=2))
    assert services.listing_expiring_notify_due(now=now) == 1
    # Expired, resubmitted and approved: a new review round, a new validity.
    Listing.objects.filter(pk=listing.pk).update(
        review_round=listing.review_round + 1, expires_at=now + timedelta(days=32)
    )
    assert services.listing_expiring_notify_due(now=now + timedelta(days=29, hours=1)) == 1
    assert _notices(company, "listing_expiring").count() == 2


def test_the_expiring_emails_go_to_the_listing_roles(
    company, category, team, django_capture_on_commit_callbacks
):
    live_listing(company, category, expires_at=timezone.now() + timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.listing_expiring_notify_due.delay().get() == 1
    assert _to(mail.outbox) == ["admin@example.cn", "li@example.cn"]
    assert "到期" in mail.outbox[0].subject


def test_expiry_tells_the_listing_roles(
    company, category, team, django_capture_on_commit_callbacks
):
    listing = live_listing(company, category, expires_at=timezone.now() - timedelta(seconds=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.listing_expire_due() == 1
    assert services.listing_expire_due() == 0
    listing.refresh_from_db()
    assert listing.status == Listing.Status.EXPIRED
    notice = _notices(company, "listing_expired").get()
    assert notice.url == f"/my/listings/{listing.pk}/" and "已过期" in notice.title
    assert _to(mail.outbox) == ["admin@example.cn", "li@example.cn"]


def test_the_beat_runs_the_expiring_notices_hourly():
    entries = {e["task"]: e for e in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "listings.listing_expiring_notify_due" in entries
    assert tasks.listing_expiring_notify_due.name == "listings.listing_expiring_notify_due"
    # The rejection e-mail has no task of its own any more: it is the notice's.
    assert not hasattr(tasks, "listing_rejection_email")
