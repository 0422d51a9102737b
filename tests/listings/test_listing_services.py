"""Listing services against PostgreSQL: lifecycle (R-L2), review (R-L3, R-L4), images (R-L5)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone

from listings import search_index, selectors, services
from listings.exceptions import (
    ChecksFailed,
    ChecksPending,
    InvalidListing,
    InvalidRejection,
    InvalidTransition,
    NoCompany,
    RefreshTooSoon,
    TermExists,
    TooManyImages,
)
from listings.models import Listing, ListingCheck, ListingImage, ProhibitedTerm
from marketplace.exceptions import FileTooLarge
from marketplace.uploads import LISTING_UPLOAD_MAX_BYTES, NotAnImage
from members.models import Notice
from tests.factories import CompanyFactory, ListingFactory, UserFactory
from tests.listings.listing_factories import (
    HTML_AS_JPEG,
    image_bytes,
    leaf_category,
    listing_values,
    upload,
)

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
Status = Listing.Status


@pytest.fixture
def company():
    return CompanyFactory()


@pytest.fixture
def category():
    return leaf_category()


@pytest.fixture
def reindexed(monkeypatch):
    """Spy on the search hook (calls through to the real one)."""
    calls = []
    real = search_index.listing_reindex

    def spy(*, listing_id):
        calls.append(listing_id)
        return real(listing_id=listing_id)

    monkeypatch.setattr(search_index, "listing_reindex", spy)
    return calls


def submit(company, category, capture, **overrides):
    """Create and submit; the review task runs (eagerly) once the transaction commits."""
    with capture(execute=True):
        listing = services.listing_create(
            company=company, submit=True, **listing_values(category, **overrides)
        )
    listing.refresh_from_db()
    return listing


# --- create and validate (R-L1) ----------------------------------------------------------------


def test_create_makes_a_draft_with_every_field(company, category):
    listing = services.listing_create(
        company=company,
        **listing_values(
            category,
            price="10.00",
            price_max="12.50",
            price_tiers=[{"min_qty": 1, "price": "12"}, {"min_qty": 100, "price": "10"}],
            validity_days=90,
            province="江苏",
            city="无锡",
        ),
    )
    listing.refresh_from_db()
    assert listing.status == Status.DRAFT
    assert listing.price_tiers == [
        {"min_qty": 1, "price": "12.00"},
        {"min_qty": 100, "price": "10.00"},
    ]
    assert (listing.province, listing.city, listing.validity_days) == ("江苏", "无锡", 90)
    assert listing.title_key == "不锈钢无缝钢管"


def test_location_defaults_to_the_company(company, category):
    listing = services.listing_create(company=company, **listing_values(category))
    assert (listing.province, listing.city) == (company.province, company.city)


def test_demand_listing_takes_company_contacts_by_default(company, category):
    listing = services.listing_create(
        company=company, **listing_values(category, kind="demand", title="求购无缝钢管")
    )
    assert listing.contact_name == company.contact_name
    assert listing.contact_phone == company.phone


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"price": "12", "price_max": "10"}, "price_max"),
        ({"fixed_price": True, "price": None}, "price"),
        ({"price": "0"}, "price"),
        ({"validity_days": 15}, "validity_days"),
        ({"title": ""}, "title"),
        ({"title": "钢" * 61}, "title"),
        (
            {"price_tiers": [{"min_qty": 100, "price": "10"}, {"min_qty": 100, "price": "9"}]},
            "price_tiers",
        ),
        ({"price_tiers": [{"min_qty": 0, "price": "10"}]}, "price_tiers"),
        ({"contact_email": "not-an-email", "kind": "demand"}, "contact_email"),
    ],
)
def test_invalid_values_are_refused_with_a_field_message(company, category, overrides, field):
    with pytest.raises(InvalidListing) as exc:
        services.listing_create(company=company, **listing_values(category, **overrides))
    assert field in exc.value.fields
    assert Listing.objects.count() == 0


def test_a_first_level_category_with_children_is_refused(company, category):
    with pytest.raises(InvalidListing) as exc:
        services.listing_create(company=company, **listing_values(category.parent))
    assert "二级类目" in exc.value.fields["category"][0]


def test_no_company_no_listing(category):
    with pytest.raises(NoCompany):
        services.listing_create(company=None, **listing_values(category))


# --- submit and the automatic review (R-L3, R-L4) ---------------------------------------------


def test_submit_queues_a_clean_listing_with_deadline_and_all_checks(
    company, category, django_capture_on_commit_callbacks, settings
):
    settings.LISTING_AUTO_PUBLISH_CLEAN = False
    listing = submit(company, category, django_capture_on_commit_callbacks)
    assert listing.status == Status.PENDING_REVIEW
    assert listing.review_round == 1
    assert listing.checked_at is not None
    assert listing.review_deadline in (
        listing.submitted_at + timedelta(minutes=15),
        listing.submitted_at + timedelta(hours=2),
    )
    checks = {c.code: c.passed for c in listing.checks.all()}
    assert checks == {
        "duplicate": True,
        "prohibited_product": True,
        "english_only": True,
        "brand_model_in_title": True,
        "description_too_thin": True,
    }
    assert list(selectors.review_queue()) == [listing]


def test_failing_listing_is_rejected_with_every_reason_and_the_seller_is_told(
    company, category, django_capture_on_commit_callbacks
):
    UserFactory(company=company, email="seller@example.com")
    listing = submit(
        company,
        category,
        django_capture_on_commit_callbacks,
        title="供应TP304不锈钢无缝钢管",
        description="质量好",
    )
    assert listing.status == Status.REJECTED
    codes = [r["code"] for r in listing.rejection_reasons]
    assert codes == ["brand_model_in_title", "description_too_thin"]
    assert all(r["detail"] and r["rule"].startswith("R-L3") for r in listing.rejection_reasons)
    notice = Notice.objects.get(company=company, kind="listing_rejected")
    assert "未通过审核" in notice.title and f"/my/listings/{listing.pk}/" == notice.url
    assert "型号“TP304”" in notice.body
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert "未通过审核" in message.subject
    assert sorted(message.to) == sorted({company.email, "seller@example.com"})
    assert "产品介绍信息过于简单" in message.body


def test_auto_publish_clean_sets_publication_times_and_reindexes(
    company, category, django_capture_on_commit_callbacks, settings, reindexed
):
    settings.LISTING_AUTO_PUBLISH_CLEAN = True
    listing = submit(company, category, django_capture_on_commit_callbacks)
    assert listing.status == Status.LIVE
    assert listing.published_at == listing.first_published_at == listing.went_live_at
    assert listing.expires_at == listing.published_at + timedelta(days=30)
    assert reindexed == [listing.pk]


def test_auto_publish_never_publishes_a_failing_listing(
    company, category, django_capture_on_commit_callbacks, settings
):
    settings.LISTING_AUTO_PUBLISH_CLEAN = True
    listing = submit(company, category, django_capture_on_commit_callbacks, description="好")
    assert listing.status == Status.REJECTED


def test_identical_listing_of_the_same_company_is_a_duplicate(
    company, category, django_capture_on_commit_callbacks
):
    ListingFactory(company=company, category=category, **_same_text(category))
    listing = submit(company, category, django_capture_on_commit_callbacks)
    assert [r["code"] for r in listing.rejection_reasons] == ["duplicate"]


def test_identical_listing_of_another_company_is_not_a_duplicate(
    company, category, django_capture_on_commit_callbacks
):
    ListingFactory(company=CompanyFactory(), category=category, **_same_text(category))
    listing = submit(company, category, django_capture_on_commit_callbacks)
    assert listing.status == Status.PENDING_REVIEW
    assert ListingCheck.objects.get(listing=listing, code="duplicate").passed


def test_a_withdrawn_or_rejected_twin_is_not_a_duplicate(
    company, category, django_capture_on_commit_callbacks
):
    for status in (Status.WITHDRAWN, Status.REJECTED, Status.EXPIRED, Status.DRAFT):
        ListingFactory(company=company, category=category, status=status, **_same_text(category))
    listing = submit(company, category, django_capture_on_commit_callbacks)
    assert listing.status == Status.PENDING_REVIEW


def test_of_two_pending_twins_only_the_later_is_a_duplicate(
    company, category, django_capture_on_commit_callbacks
):
    first = submit(company, category, django_capture_on_commit_callbacks)
    second = submit(company, category, django_capture_on_commit_callbacks)
    assert first.status == Status.PENDING_REVIEW
    assert second.status == Status.REJECTED


def _same_text(category):
    values = listing_values(category)
    return {k: values[k] for k in ("title", "description", "keyword")}


def test_a_new_prohibited_term_applies_to_the_next_review_at_once(
    company, category, django_capture_on_commit_callbacks
):
    assert submit(company, category, django_capture_on_commit_callbacks).status == "pending_review"
    services.term_add(kind="prohibited", term="无缝钢管")
    listing = submit(company, category, django_capture_on_commit_callbacks, title="不锈钢钢管")
    assert [r["code"] for r in listing.rejection_reasons] == ["prohibited_product"]
    with pytest.raises(TermExists):
        services.term_add(kind="prohibited", term=" 无缝钢管 ")
    ProhibitedTerm.objects.get(term="无缝钢管").delete()
    listing = submit(company, category, django_capture_on_commit_callbacks, title="碳钢钢管")
    assert listing.status == Status.PENDING_REVIEW


def test_the_review_task_twice_is_harmless(company, category, django_capture_on_commit_callbacks):
    listing = submit(company, category, django_capture_on_commit_callbacks, description="好")
    assert listing.status == Status.REJECTED
    assert services.listing_review(listing_id=listing.pk, review_round=1) == "skipped"
    assert services.listing_rejection_email_send(listing_id=listing.pk, review_round=1) is False
    assert ListingCheck.objects.filter(listing=listing).count() == 5
    assert Notice.objects.filter(kind="listing_rejected").count() == 1
    assert len(mail.outbox) == 1


def test_a_task_of_an_older_round_does_nothing(
    company, category, django_capture_on_commit_callbacks
):
    listing = services.listing_create(company=company, **listing_values(category))
    services.listing_submit(listing=listing)  # round 1, task not run (no commit)
    services.listing_update(listing=listing, description=listing.description + "另有现货。")
    assert listing.review_round == 2
    assert services.listing_review(listing_id=listing.pk, review_round=1) == "skipped"
    assert services.listing_review(listing_id=listing.pk, review_round=2) == "queued"


# --- staff decisions ------------------------------------------------------------------------------


def test_approve_publishes(company, category, django_capture_on_commit_callbacks, reindexed):
    staff = UserFactory(is_staff=True)
    listing = submit(company, category, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        services.listing_approve(listing=listing, by=staff)
    listing.refresh_from_db()
    assert listing.status == Status.LIVE
    assert listing.reviewed_by == staff
    assert listing.first_published_at == listing.published_at is not None
    assert reindexed == [listing.pk]
    with pytest.raises(InvalidTransition):
        services.listing_approve(listing=listing, by=staff)


def test_approve_refused_when_a_check_failed(company, category, django_capture_on_commit_callbacks):
    listing = submit(company, category, django_capture_on_commit_callbacks, description="好")
    with pytest.raises(ChecksFailed) as exc:
        services.listing_approve(listing=listing, by=None)
    assert exc.value.status_code == 409 and exc.value.code == "checks_failed"


def test_approve_refused_before_the_checks_ran(company, category):
    listing = services.listing_create(company=company, submit=True, **listing_values(category))
    with pytest.raises(ChecksPending):
        services.listing_approve(listing=listing, by=None)


def test_staff_reject_with_codes_and_note(company, category, django_capture_on_commit_callbacks):
    listing = submit(company, category, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        services.listing_reject(
            listing=listing, by=None, codes=["duplicate", "other"], detail="图片与产品不符"
        )
    listing.refresh_from_db()
    assert listing.status == Status.REJECTED
    assert [r["code"] for r in listing.rejection_reasons] == ["duplicate", "other"]
    assert "审核说明：图片与产品不符" in listing.rejection_reasons[0]["detail"]
    assert listing.rejection_reasons[1]["detail"] == "其他原因：图片与产品不符"
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(("codes", "detail"), [([], ""), (["nonsense"], ""), (["other"], "")])
def test_staff_reject_needs_valid_codes(company, category, codes, detail):
    listing = services.listing_create(company=company, submit=True, **listing_values(category))
    with pytest.raises(InvalidRejection):
        services.listing_reject(listing=listing, by=None, codes=codes, detail=detail)


def test_rejected_listing_is_edited_and_resubmitted(
    company, category, django_capture_on_commit_callbacks
):
    listing = submit(company, category, django_capture_on_commit_callbacks, description="好")
    with django_capture_on_commit_callbacks(execute=True):
        services.listing_update(
            listing=listing, description=listing_values(category)["description"]
        )
    listing.refresh_from_db()
    assert listing.status == Status.PENDING_REVIEW
    assert listing.review_round == 2
    assert listing.rejection_reasons == []
    assert all(c.passed for c in listing.checks.all())


# --- live listings: edit, refresh, withdraw, expire (R-L2) ---------------------------------------


def live_listing(company, category, **kw):
    now = timezone.now()
    return ListingFactory(
        company=company,
        category=category,
        published_at=now - timedelta(days=2),
        expires_at=now + timedelta(days=28),
        **kw,
    )


def test_edit_of_a_live_listing_goes_back_to_review_and_leaves_search(
    company, category, django_capture_on_commit_callbacks, reindexed
):
    listing = live_listing(company, category)
    with django_capture_on_commit_callbacks(execute=True):
        services.listing_update(listing=listing, price="13000")
    listing.refresh_from_db()
    assert listing.status == Status.PENDING_REVIEW
    assert reindexed == [listing.pk]


def test_saving_a_live_listing_unchanged_keeps_it_live(company, category):
    listing = live_listing(company, category)
    services.listing_update(listing=listing, title=listing.title)
    listing.refresh_from_db()
    assert listing.status == Status.LIVE


def test_refresh_once_a_calendar_day(
    company, category, reindexed, django_capture_on_commit_callbacks
):
    listing = live_listing(company, category)
    first_published = listing.first_published_at
    evening = datetime(2026, 3, 10, 23, 59, tzinfo=SH)
    with django_capture_on_commit_callbacks(execute=True):
        services.listing_refresh(listing=listing, now=evening)
    assert listing.published_at == evening == listing.refreshed_at
    with pytest.raises(RefreshTooSoon) as exc:
        services.listing_refresh(listing=listing, now=evening + timedelta(seconds=30))
    assert exc.value.status_code == 409
    midnight = datetime(2026, 3, 11, 0, 0, tzinfo=SH)
    services.listing_refresh(listing=listing, now=midnight)
    listing.refresh_from_db()
    assert listing.published_at == midnight
    assert listing.first_published_at == first_published
    assert listing.status == Status.LIVE
    assert reindexed == [listing.pk]


def test_only_live_listings_are_refreshed(company, category):
    listing = ListingFactory(company=company, category=category, status=Status.REJECTED)
    with pytest.raises(InvalidTransition):
        services.listing_refresh(listing=listing)


def test_withdraw_takes_a_live_listing_off_search(
    company, category, django_capture_on_commit_callbacks, reindexed
):
    listing = live_listing(company, category)
    with django_capture_on_commit_callbacks(execute=True):
        services.listing_withdraw(listing=listing)
    assert listing.status == Status.WITHDRAWN and listing.withdrawn_at
    assert reindexed == [listing.pk]
    with pytest.raises(InvalidTransition):
        services.listing_withdraw(listing=listing)


def test_withdrawn_listing_can_be_submitted_again(
    company, category, django_capture_on_commit_callbacks
):
    listing = live_listing(company, category, status=Status.WITHDRAWN)
    with django_capture_on_commit_callbacks(execute=True):
        services.listing_submit(listing=listing)
    listing.refresh_from_db()
    assert listing.status == Status.PENDING_REVIEW


def test_expiry_at_the_end_of_validity(
    company, category, django_capture_on_commit_callbacks, reindexed
):
    now = timezone.now()
    due = live_listing(company, category)
    due.expires_at = now
    due.save()
    not_yet = live_listing(company, category, title="碳钢钢管")
    not_yet.expires_at = now + timedelta(seconds=1)
    not_yet.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.listing_expire_due(now=now) == 1
    due.refresh_from_db()
    not_yet.refresh_from_db()
    assert (due.status, not_yet.status) == (Status.EXPIRED, Status.LIVE)
    assert reindexed == [due.pk]
    assert services.listing_expire(listing_id=due.pk, now=now) is False


def test_expire_beat_task_is_scheduled(settings):
    entries = [e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values()]
    assert "listings.listing_expire_due" in entries


# --- images (R-L5) ------------------------------------------------------------------------------


def test_image_add_stores_a_200_jpeg(company, category):
    listing = services.listing_create(company=company, **listing_values(category))
    image = services.listing_image_add(listing=listing, upload=upload(image_bytes("PNG")))
    assert (image.width, image.height, image.format) == (200, 200, "JPEG")
    assert image.image.name.endswith(".jpg")
    assert image.bytes == image.image.size < 200 * 1024


def test_at_most_six_images(company, category):
    listing = services.listing_create(company=company, **listing_values(category))
    for _ in range(6):
        services.listing_image_add(listing=listing, upload=upload(image_bytes()))
    with pytest.raises(TooManyImages):
        services.listing_image_add(listing=listing, upload=upload(image_bytes()))
    assert listing.images.count() == 6


def test_a_failed_upload_leaves_the_images_as_they_were(company, category, settings):
    import os

    listing = services.listing_create(company=company, **listing_values(category))
    kept = services.listing_image_add(listing=listing, upload=upload(image_bytes()))
    before = list(ListingImage.objects.filter(listing=listing).values_list("pk", "image"))
    files_before = sorted(_files(settings.MEDIA_ROOT))
    for bad, error in (
        (upload(HTML_AS_JPEG), NotAnImage),
        (upload(b"\xff" * (LISTING_UPLOAD_MAX_BYTES + 1)), FileTooLarge),
    ):
        with pytest.raises(error):
            services.listing_image_add(listing=listing, upload=bad)
    assert list(ListingImage.objects.filter(listing=listing).values_list("pk", "image")) == before
    assert sorted(_files(settings.MEDIA_ROOT)) == files_before
    assert os.path.exists(kept.image.path)


def test_a_refused_seventh_image_leaves_no_file_behind(company, category, settings):
    listing = services.listing_create(company=company, **listing_values(category))
    for _ in range(6):
        services.listing_image_add(listing=listing, upload=upload(image_bytes()))
    files_before = sorted(_files(settings.MEDIA_ROOT))
    with pytest.raises(TooManyImages):
        services.listing_image_add(listing=listing, upload=upload(image_bytes()))
    assert sorted(_files(settings.MEDIA_ROOT)) == files_before


def _files(root):
    import os

    return [os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs]


def test_image_change_on_a_live_listing_goes_back_to_review(
    company, category, django_capture_on_commit_callbacks
):
    listing = live_listing(company, category)
    with django_capture_on_commit_callbacks(execute=True):
        image = services.listing_image_add(listing=listing, upload=upload(image_bytes()))
    listing.refresh_from_db()
    assert listing.status == Status.PENDING_REVIEW
    listing.status = Status.LIVE
    listing.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.listing_image_remove(image=image)
    listing.refresh_from_db()
    assert listing.status == Status.PENDING_REVIEW
    assert listing.images.count() == 0


# --- selectors --------------------------------------------------------------------------------------


def test_company_listing_counts(company, category):
    ListingFactory.create_batch(2, company=company, category=category)
    ListingFactory(company=company, category=category, status=Status.REJECTED)
    ListingFactory(category=category)  # someone else's
    counts = selectors.company_listing_counts(company)
    assert counts["live"] == 2 and counts["rejected"] == 1
    assert counts["draft"] == counts["pending_review"] == counts["expired"] == 0
    assert set(counts) == set(Status.values)
    assert selectors.company_listing_counts(None)["live"] == 0


def test_review_queue_is_ordered_by_deadline(company):
    now = timezone.now()
    late = ListingFactory(
        company=company, status=Status.PENDING_REVIEW, review_deadline=now + timedelta(hours=2)
    )
    soon = ListingFactory(
        company=company, status=Status.PENDING_REVIEW, review_deadline=now + timedelta(minutes=5)
    )
    ListingFactory(company=company)  # live, not in the queue
    assert list(selectors.review_queue()) == [soon, late]


def test_time_to_live_median_and_p95_of_the_last_7_days(company):
    now = timezone.now()
    for minutes in range(1, 21):  # 1..20 minutes
        ListingFactory(
            company=company,
            submitted_at=now - timedelta(hours=1),
            went_live_at=now - timedelta(hours=1) + timedelta(minutes=minutes),
        )
    ListingFactory(  # went live 8 days ago: outside the window
        company=company,
        submitted_at=now - timedelta(days=8, hours=5),
        went_live_at=now - timedelta(days=8),
    )
    stats = selectors.time_to_live_stats(now=now)
    assert stats["count"] == 20
    assert stats["median_seconds"] == 10.5 * 60
    assert stats["p95_seconds"] == 19 * 60


def test_review_sweep_runs_lost_reviews_again(company, category, settings):
    listing = services.listing_create(company=company, submit=True, **listing_values(category))
    assert listing.checked_at is None  # the task never ran (no commit in this test)
    assert services.listing_review_sweep(now=listing.submitted_at + timedelta(seconds=119)) == 0
    # Eager tasks: the sweep runs the review at once.
    assert services.listing_review_sweep(now=listing.submitted_at + timedelta(seconds=121)) == 1
    listing.refresh_from_db()
    assert listing.checked_at is not None
    assert services.listing_review_sweep(now=listing.submitted_at + timedelta(hours=1)) == 0
    entries = [e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values()]
    assert "listings.listing_review_sweep" in entries


def test_review_store_is_guarded_by_round_and_state(company, category):
    from listings import review_store
    from listings.checks import CheckResult

    listing = services.listing_create(company=company, submit=True, **listing_values(category))
    results = [
        CheckResult(code=c, passed=True, rule="R-L3a") for c in ("duplicate", "english_only")
    ]
    now = timezone.now()
    kw = {"listing_id": listing.pk, "pending": "pending_review", "results": results, "now": now}
    assert review_store.store_checked_if_current(review_round=2, **kw) is False  # other round
    assert not ListingCheck.objects.filter(listing=listing).exists()
    assert review_store.store_checked_if_current(review_round=1, **kw) is True
    assert ListingCheck.objects.filter(listing=listing).count() == 2
    assert review_store.store_checked_if_current(review_round=1, **kw) is False  # checked
    assert ListingCheck.objects.filter(listing=listing).count() == 2
    listing.refresh_from_db()
    assert listing.checked_at == now
    assert services.listing_review(listing_id=listing.pk, review_round=1) == "skipped"


def test_a_clean_review_run_twice_stores_once(company, category):
    listing = services.listing_create(company=company, submit=True, **listing_values(category))
    assert services.listing_review(listing_id=listing.pk, review_round=1) == "queued"
    assert services.listing_review(listing_id=listing.pk, review_round=1) == "skipped"
    assert ListingCheck.objects.filter(listing=listing).count() == 5


def test_duplicate_candidates_same_in_sql_and_python(company, category):
    """The one-round-trip read (PostgreSQL) and the portable path pick the same twins."""
    from listings import review_store

    now = timezone.now()
    same = {"title": "不锈钢 无缝钢管", "category": category}
    me = ListingFactory(company=company, status=Status.PENDING_REVIEW, submitted_at=now, **same)
    live = ListingFactory(company=company, description="在线的", **same)
    earlier = ListingFactory(
        company=company,
        status=Status.PENDING_REVIEW,
        submitted_at=now - timedelta(minutes=1),
        description="更早提交的",
        **same,
    )
    ListingFactory(  # later: not a candidate
        company=company,
        status=Status.PENDING_REVIEW,
        submitted_at=now + timedelta(seconds=1),
        **same,
    )
    ListingFactory(company=company, status=Status.WITHDRAWN, **same)
    ListingFactory(company=CompanyFactory(), **same)  # another company
    ListingFactory(company=company, title="焊接钢管", category=category)  # another title
    row, twins = review_store.review_row_with_twins(me.pk, live="live", pending="pending_review")
    expected = {(live.title, live.description), (earlier.title, earlier.description)}
    assert set(twins) == expected
    assert set(services._duplicate_candidates(row)) == expected


def test_rejection_store_is_guarded_by_round_and_state(company, category):
    from listings import review_store
    from listings.checks import CheckResult

    listing = services.listing_create(company=company, submit=True, **listing_values(category))
    failed = CheckResult(code="description_too_thin", passed=False, detail="太短", rule="R-L3e")
    reasons = [failed.reason]
    notice = {"kind": "listing_rejected", "title": "未通过", "body": "· 太短", "url": "/x/"}
    kw = {
        "listing_id": listing.pk,
        "pending": Status.PENDING_REVIEW,
        "rejected": Status.REJECTED,
        "results": [failed],
        "reasons": reasons,
        "notice": notice,
        "now": timezone.now(),
    }
    assert review_store.store_rejected_if_current(review_round=2, **kw) is False  # other round
    listing.refresh_from_db()
    assert listing.status == Status.PENDING_REVIEW and listing.checked_at is None
    assert not ListingCheck.objects.filter(listing=listing).exists()
    assert not Notice.objects.filter(company=company).exists()
    assert review_store.store_rejected_if_current(review_round=1, **kw) is True
    assert review_store.store_rejected_if_current(review_round=1, **kw) is False  # done
    listing.refresh_from_db()
    assert listing.status == Status.REJECTED
    assert listing.rejection_reasons == reasons
    assert listing.reviewed_at == listing.checked_at == kw["now"]
    assert listing.reviewed_by is None
    assert ListingCheck.objects.filter(listing=listing, passed=False).count() == 1
    assert Notice.objects.get(company=company).title == "未通过"


def test_a_rejection_email_that_could_not_be_queued_is_queued_by_the_sweep(
    company, category, django_capture_on_commit_callbacks, monkeypatch
):
    from listings import tasks

    real_delay = tasks.listing_rejection_email.delay

    def broker_down(*args, **kwargs):
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr(tasks.listing_rejection_email, "delay", broker_down)
    listing = submit(company, category, django_capture_on_commit_callbacks, description="好")
    assert listing.status == Status.REJECTED  # the rejection itself is kept
    assert Notice.objects.filter(company=company, kind="listing_rejected").count() == 1
    assert mail.outbox == []
    monkeypatch.setattr(tasks.listing_rejection_email, "delay", real_delay)
    reviewed = listing.reviewed_at
    assert services.listing_review_sweep(now=reviewed + timedelta(seconds=119)) == 0
    assert services.listing_review_sweep(now=reviewed + timedelta(seconds=121)) == 1
    assert len(mail.outbox) == 1  # eager: sent by the sweep
    listing.refresh_from_db()
    assert listing.rejection_emailed_round == listing.review_round
    assert services.listing_review_sweep(now=reviewed + timedelta(seconds=121)) == 0


def test_the_sweep_gives_up_a_rejection_email_after_a_day(
    company, category, django_capture_on_commit_callbacks, monkeypatch
):
    from listings import tasks

    def broker_down(*args, **kwargs):
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr(tasks.listing_rejection_email, "delay", broker_down)
    listing = submit(company, category, django_capture_on_commit_callbacks, description="好")
    monkeypatch.undo()
    day = services.REJECTION_EMAIL_GIVE_UP
    assert services.listing_review_sweep(now=listing.reviewed_at + day) == 1
    mail.outbox.clear()
    Listing.objects.filter(pk=listing.pk).update(rejection_emailed_round=0)
    later = listing.reviewed_at + day + timedelta(seconds=1)
    assert services.listing_review_sweep(now=later) == 0
    assert mail.outbox == []
