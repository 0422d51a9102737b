"""The search selector against PostgreSQL: pages, counts, queries per search, highlighting,
and keeping the index current (beat task, reindex command)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from listings.models import Listing
from search import engine_pg as search_mod
from search.index import listing_reindex
from search.selectors import listing_search
from tests.factories import CompanyFactory, ListingFactory
from tests.search.helpers import ENGINES, ids, make, search

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_statistics")]


# --- pages, counts and the index's upkeep -----------------------------------------------------


@pytest.mark.parametrize("engine", ENGINES)
def test_pagination_and_page_size_cap(engine):
    now = timezone.now()
    made = [make(published_at=now - timedelta(hours=i)) for i in range(5)]
    page1 = search("钢管", engine, page=1, page_size=2)
    page3 = search("钢管", engine, page=3, page_size=2)
    assert ids(page1) == [made[0].pk, made[1].pk] and ids(page3) == [made[4].pk]
    assert page1.count == 5 and page1.num_pages == 3 and page1.has_next
    assert not page3.has_next
    assert search("钢管", engine, page_size=10_000).page_size == 100
    assert search("钢管", engine, page_size=0).page_size == 1


@pytest.mark.parametrize("engine", ENGINES)
def test_browse_without_query(engine):
    now = timezone.now()
    a = make(published_at=now - timedelta(days=5))
    b = make("供应铜管", published_at=now - timedelta(days=4))
    page = search("", engine)
    assert ids(page) == [b.pk, a.pk]
    assert {h.match_level for h in page.hits} == {0}


def test_number_of_queries_does_not_grow_with_results():
    now = timezone.now()
    for i in range(3):
        make(published_at=now - timedelta(hours=i))
    listing_search(q="钢管")  # the first search of a process also reads the column statistics
    with CaptureQueriesContext(connection) as few:
        listing_search(q="钢管")
    for i in range(30):
        make(published_at=now - timedelta(days=1, hours=i), company=CompanyFactory())
    with CaptureQueriesContext(connection) as many:
        page = listing_search(q="钢管", page_size=30)
    assert len(page.hits) == 30
    assert len(many) == len(few) <= 14  # incl. BEGIN/SET LOCAL/COMMIT of the search transaction


def test_highlighted_title_parts():
    make("供应ＳＵＳ304不锈钢管")
    page = listing_search(q="sus304 钢管")
    assert page.hits[0].title_parts == [
        ("供应", False),
        ("ＳＵＳ304", True),
        ("不锈", False),
        ("钢管", True),
    ]


def test_uncounted_path_counts_exactly_when_every_group_runs_out(monkeypatch):
    monkeypatch.setattr(search_mod, "SMALL_ESTIMATE", -1)
    now = timezone.now()
    for i in range(5):
        make(published_at=now - timedelta(hours=i))
    page = listing_search(q="钢管", page_size=10)
    assert (page.count, page.capped, len(page.hits)) == (5, False, 5)
    # a first page that does not reach the end cannot tell: "more than the cap"
    page = listing_search(q="钢管", page_size=2)
    assert page.capped and len(page.hits) == 2


def test_beat_task_stores_the_keys_that_ran_out(settings):
    from search.tasks import search_refresh_rank_keys

    entry = settings.CELERY_BEAT_SCHEDULE["search-refresh-rank-keys"]
    assert entry["task"] == "listings.search_refresh_rank_keys"
    listing = make(published_at=timezone.now() - timedelta(hours=80), fixed_price=True)
    # indexed as if 10 hours ago, when it was still fresh
    listing_reindex(listing_id=listing.pk, now=timezone.now() - timedelta(hours=10))
    assert Listing.objects.get(pk=listing.pk).rank_key == 2
    assert search_refresh_rank_keys.delay().get() == 1
    row = Listing.objects.get(pk=listing.pk)
    assert (row.rank_key, row.rank_valid_until) == (0, None)
    assert search_refresh_rank_keys() == 0  # idempotent


def test_search_reindex_command():
    from io import StringIO

    from django.core.management import call_command

    listing = ListingFactory(title="供应优质不锈钢304无缝钢管")  # never indexed
    assert ids(search("钢管", "postgres")) == []
    out = StringIO()
    call_command("search_reindex", stdout=out)
    assert "已重建 1 条" in out.getvalue()
    assert ids(search("钢管", "postgres")) == [listing.pk]
    call_command("search_reindex", "--stale", stdout=out)
    assert "已更新 0 条" in out.getvalue()
