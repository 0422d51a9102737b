"""Issue 13: the search index follows every change through a task enqueued on commit, a
failure to enqueue never fails the change, and the sweep repairs what the index missed."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from listings import services
from listings.models import Listing
from search import index, receivers, tasks
from tests.factories import CategoryFactory, CompanyFactory, ListingFactory, UserFactory
from tests.search.helpers import ids, search

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending(db):
    leaf = CategoryFactory(parent=CategoryFactory())
    listing = ListingFactory(
        category=leaf,
        status=Listing.Status.PENDING_REVIEW,
        title="供应耐磨合金钢球",
        keyword="合金钢球",
        checked_at=timezone.now(),
        published_at=None,
    )
    return listing


def test_approval_enqueues_the_reindex_on_commit_and_the_listing_is_found(
    pending, django_capture_on_commit_callbacks, monkeypatch
):
    queued = []
    monkeypatch.setattr(tasks.search_listing_reindex, "delay", lambda **kw: queued.append(kw))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.listing_approve(listing=pending, by=UserFactory(is_staff=True))
    assert queued == []  # nothing runs before the commit
    for callback in callbacks:
        callback()
    assert queued == [{"listing_id": pending.pk}]
    # The task itself (run here) makes the listing findable.
    tasks.search_listing_reindex(listing_id=pending.pk)
    assert ids(search("合金钢球", "postgres")) == [pending.pk]


def test_a_rolled_back_change_enqueues_nothing(pending, monkeypatch):
    queued = []
    monkeypatch.setattr(tasks.search_listing_reindex, "delay", lambda **kw: queued.append(kw))

    class Abort(Exception):
        pass

    with pytest.raises(Abort), transaction.atomic():
        services.listing_approve(listing=pending, by=UserFactory(is_staff=True))
        raise Abort
    assert queued == []
    assert Listing.objects.get(pk=pending.pk).status == Listing.Status.PENDING_REVIEW


def test_broker_down_does_not_fail_the_publication_and_the_sweep_repairs_it(
    pending, django_capture_on_commit_callbacks, monkeypatch
):
    def broker_down(**kw):
        raise ConnectionRefusedError("redis is away")

    monkeypatch.setattr(tasks.search_listing_reindex, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        services.listing_approve(listing=pending, by=UserFactory(is_staff=True))
    pending.refresh_from_db()
    assert pending.status == Listing.Status.LIVE  # committed, no error raised
    assert pending.search_document is None
    assert ids(search("合金钢球", "postgres")) == []
    assert index.stale_listing_ids(limit=10) == [pending.pk]
    assert tasks.search_index_sweep() == 1
    assert ids(search("合金钢球", "postgres")) == [pending.pk]
    assert index.stale_listing_ids(limit=10) == []
    assert tasks.search_index_sweep() == 0  # nothing left: a second run does nothing


def test_sweep_finds_documents_older_than_the_listing_and_only_live_ones():
    leaf = CategoryFactory(parent=CategoryFactory())
    fresh = ListingFactory(category=leaf, title="供应球墨铸铁管")
    index.listing_reindex(listing_id=fresh.pk)
    edited = ListingFactory(category=leaf, title="供应镀锌钢管")
    index.listing_reindex(listing_id=edited.pk)
    # An edit after the last reindex (its task lost): the document is older than the row.
    Listing.objects.filter(pk=edited.pk).update(
        title="供应热镀锌钢管", updated_at=timezone.now() + timedelta(seconds=1)
    )
    draft = ListingFactory(category=leaf, status=Listing.Status.DRAFT, published_at=None)
    assert index.stale_listing_ids(limit=10) == [edited.pk]
    assert draft.pk not in index.stale_listing_ids(limit=10)
    index.listing_reindex_stale()
    assert ids(search("热镀锌", "postgres")) == [edited.pk]


def test_sweep_takes_at_most_its_limit_per_run():
    leaf = CategoryFactory(parent=CategoryFactory())
    made = [ListingFactory(category=leaf, title=f"供应钢丝绳{i}号").pk for i in range(3)]
    assert index.stale_listing_ids(limit=2) == sorted(made)[:2]
    assert index.listing_reindex_stale(limit=2) == 2
    assert index.stale_listing_ids(limit=10) == sorted(made)[2:]


def test_a_membership_change_enqueues_the_company_reindex_once(
    django_capture_on_commit_callbacks, monkeypatch
):
    from members.signals import membership_changed

    company = CompanyFactory()
    queued = []
    monkeypatch.setattr(tasks.search_company_reindex, "delay", lambda **kw: queued.append(kw))
    with django_capture_on_commit_callbacks(execute=True):
        membership_changed.send(sender=None, company_id=company.pk)
    assert queued == [{"company_id": company.pk}]


def test_enqueue_logs_and_swallows_a_failed_run(caplog, monkeypatch):
    def fails(**kw):
        raise RuntimeError("boom")

    monkeypatch.setattr(tasks.search_listing_reindex, "delay", fails)
    receivers._enqueue(tasks.search_listing_reindex, listing_id=1)
    assert "the sweep will" in caplog.text


def test_the_sweep_is_scheduled(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["search-index-sweep"]
    assert entry["task"] == tasks.search_index_sweep.name
