"""The search selector against PostgreSQL: ranking (R-S2) and anti-flooding (R-S3), through
both engines: the PostgreSQL one (tsvector + indexes) and the Python one the embedded SQLite
default uses."""

from datetime import timedelta

import pytest
from django.utils import timezone

from listings.models import Listing
from members.services import membership_grant
from search.index import company_reindex, listing_reindex, refresh_stale_rank_keys
from tests.factories import CompanyFactory, TrustPassPeriodFactory
from tests.search.helpers import ENGINES, PLAIN, ids, make, search

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_statistics")]


# --- ranking (R-S2): two listings differing in one key alone -------------------------------


@pytest.mark.parametrize("engine", ENGINES)
def test_key1_match_level(engine):
    now = timezone.now()
    common = {"published_at": now - timedelta(days=5)}
    desc_only = make("供应工业配件", description="我们供应无缝钢管。" + PLAIN, **common)
    title_words = make("钢管 无缝 供应", **common)
    title_phrase = make("供应无缝钢管", **common)
    page = search("无缝 钢管", engine)
    assert ids(page) == [title_phrase.pk, title_words.pk, desc_only.pk]
    assert [h.match_level for h in page.hits] == [3, 2, 1]


@pytest.mark.parametrize("engine", ENGINES)
def test_key1_every_part_of_one_word_in_the_title_is_level_2(engine):
    now = timezone.now()
    parts = make("不锈钢304无缝钢管", published_at=now - timedelta(days=1))
    whole = make("精密锈钢管", published_at=now - timedelta(days=2))
    page = search("锈钢管", engine)
    assert ids(page) == [whole.pk, parts.pk]
    assert [h.match_level for h in page.hits] == [3, 2]


@pytest.mark.parametrize("engine", ENGINES)
def test_key2_trustpass(engine):
    pub = timezone.now() - timedelta(days=5)
    tp_company = CompanyFactory()
    TrustPassPeriodFactory(company=tp_company)
    plain = make(published_at=pub)
    tp = make(published_at=pub - timedelta(days=1), company=tp_company)  # older, still first
    page = search("钢管", engine)
    assert ids(page) == [tp.pk, plain.pk]
    assert [h.trustpass for h in page.hits] == [True, False]


@pytest.mark.parametrize("engine", ENGINES)
def test_key3_fixed_price_and_fresh(engine):
    now = timezone.now()
    plain = make(published_at=now - timedelta(hours=1))
    fixed = make(published_at=now - timedelta(hours=2), fixed_price=True)
    assert ids(search("钢管", engine)) == [fixed.pk, plain.pk]


@pytest.mark.parametrize("engine", ENGINES)
def test_key4_escrow_and_fresh(engine):
    now = timezone.now()
    plain = make(published_at=now - timedelta(hours=1))
    escrow = make(published_at=now - timedelta(hours=2), supports_escrow=True)
    assert ids(search("钢管", engine)) == [escrow.pk, plain.pk]


@pytest.mark.parametrize("engine", ENGINES)
def test_key3_before_key4(engine):
    now = timezone.now()
    escrow = make(published_at=now - timedelta(hours=1), supports_escrow=True)
    fixed = make(published_at=now - timedelta(hours=2), fixed_price=True)
    assert ids(search("钢管", engine)) == [fixed.pk, escrow.pk]


@pytest.mark.parametrize("engine", ENGINES)
def test_key5_publication_time(engine):
    now = timezone.now()
    older = make(published_at=now - timedelta(days=10))
    newer = make(published_at=now - timedelta(days=9))
    assert ids(search("钢管", engine)) == [newer.pk, older.pk]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("flag", ["fixed_price", "supports_escrow"])
def test_three_day_window_at_71h59_and_72h(engine, flag):
    base = timezone.now()
    boosted = make(published_at=base - timedelta(hours=71, minutes=59), **{flag: True})
    newer = make(published_at=base - timedelta(hours=1))
    # 71 h 59 min after publication: still boosted
    assert ids(search("钢管", engine, now=base)) == [boosted.pk, newer.pk]
    # exactly 72 h: the stored key has run out and is not trusted
    at_72h = base + timedelta(minutes=1)
    assert ids(search("钢管", engine, now=at_72h)) == [newer.pk, boosted.pk]
    # the beat task stores the new key; same answer
    assert refresh_stale_rank_keys(now=at_72h) == 1
    assert Listing.objects.get(pk=boosted.pk).rank_key == 0
    assert ids(search("钢管", engine, now=at_72h)) == [newer.pk, boosted.pk]


@pytest.mark.parametrize("engine", ENGINES)
def test_refresh_makes_a_listing_fresh_again(engine):
    now = timezone.now()
    old_fixed = make(published_at=now - timedelta(days=5), fixed_price=True)
    newer = make(published_at=now - timedelta(days=1))
    assert ids(search("钢管", engine)) == [newer.pk, old_fixed.pk]
    Listing.objects.filter(pk=old_fixed.pk).update(published_at=now, refreshed_at=now)
    listing_reindex(listing_id=old_fixed.pk)
    assert ids(search("钢管", engine)) == [old_fixed.pk, newer.pk]


@pytest.mark.parametrize("engine", ENGINES)
def test_trustpass_ending_today_and_starting_today(engine):
    now = timezone.now()
    today = timezone.localdate()
    ending = CompanyFactory()
    TrustPassPeriodFactory(
        company=ending, starts_on=today - timedelta(days=365), ends_on=today + timedelta(days=1)
    )
    starting = CompanyFactory()
    TrustPassPeriodFactory(
        company=starting, starts_on=today + timedelta(days=1), ends_on=today + timedelta(days=366)
    )
    a = make(company=ending, published_at=now - timedelta(days=5))
    b = make(company=starting, published_at=now - timedelta(days=6))
    assert ids(search("钢管", engine, now=now)) == [a.pk, b.pk]
    tomorrow = now + timedelta(days=1)
    # the day after: a's membership ended, b's began; no task has run yet
    assert ids(search("钢管", engine, now=tomorrow)) == [b.pk, a.pk]
    refresh_stale_rank_keys(now=tomorrow)
    keys = dict(Listing.objects.filter(pk__in=[a.pk, b.pk]).values_list("pk", "rank_key"))
    assert keys == {a.pk: 0, b.pk: 4}
    assert ids(search("钢管", engine, now=tomorrow)) == [b.pk, a.pk]


def test_membership_grant_updates_the_stored_key(django_capture_on_commit_callbacks):
    company = CompanyFactory()
    listing = make(company=company)
    assert Listing.objects.get(pk=listing.pk).rank_key == 0
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        membership_grant(company=company, starts_on=today, ends_on=today + timedelta(days=365))
    assert Listing.objects.get(pk=listing.pk).rank_key == 4
    assert company_reindex(company_id=company.pk) == 0  # already current


# --- anti-flooding (R-S3) ---------------------------------------------------------------------


def _flood_pair(gap, *, same_company=True, keyword2="无缝钢管"):
    company = CompanyFactory()
    t0 = timezone.now() - timedelta(days=4)
    first = make(company=company, keyword="无缝钢管", published_at=t0)
    second = make(
        company=company if same_company else CompanyFactory(),
        keyword=keyword2,
        published_at=t0 + gap,
    )
    return first, second


@pytest.mark.parametrize("engine", ENGINES)
def test_flooding_at_1h59(engine):
    first, second = _flood_pair(timedelta(hours=1, minutes=59))
    other = make(published_at=timezone.now() - timedelta(days=30))  # much older, not demoted
    page = search("钢管", engine)
    assert ids(page) == [first.pk, other.pk, second.pk]
    assert [h.demoted for h in page.hits] == [False, False, True]


@pytest.mark.parametrize("engine", ENGINES)
def test_no_flooding_at_2h(engine):
    first, second = _flood_pair(timedelta(hours=2))
    assert ids(search("钢管", engine)) == [second.pk, first.pk]
    assert not Listing.objects.filter(rank_demoted=True).exists()


@pytest.mark.parametrize("engine", ENGINES)
def test_no_flooding_for_another_keyword_or_company(engine):
    _flood_pair(timedelta(minutes=10), keyword2="不锈钢管")
    _flood_pair(timedelta(minutes=10), same_company=False)
    assert not Listing.objects.filter(rank_demoted=True).exists()


@pytest.mark.parametrize("engine", ENGINES)
def test_demoted_listing_after_every_non_demoted_one(engine):
    now = timezone.now()
    tp_company = CompanyFactory()
    TrustPassPeriodFactory(company=tp_company)
    first = make(company=tp_company, keyword="无缝钢管", published_at=now - timedelta(hours=3))
    # demoted although it has every R-S2 advantage
    demoted = make(
        "无缝钢管",
        company=tp_company,
        keyword="无缝钢管",
        published_at=now - timedelta(hours=2),
        fixed_price=True,
        supports_escrow=True,
    )
    weakest = make(
        "供应配件", description="另有无缝钢管。" + PLAIN, published_at=now - timedelta(days=60)
    )
    page = search("无缝钢管", engine)
    assert ids(page) == [first.pk, weakest.pk, demoted.pk]
    assert [h.match_level for h in page.hits] == [3, 1, 3]


def test_flooding_recomputed_when_the_first_is_withdrawn():
    first, second = _flood_pair(timedelta(minutes=30))
    assert Listing.objects.get(pk=second.pk).rank_demoted
    Listing.objects.filter(pk=first.pk).update(status=Listing.Status.WITHDRAWN)
    listing_reindex(listing_id=first.pk)
    assert not Listing.objects.get(pk=second.pk).rank_demoted


def test_flooding_recomputed_when_the_keyword_changes():
    first, second = _flood_pair(timedelta(minutes=30))
    Listing.objects.filter(pk=second.pk).update(keyword="法兰")
    listing_reindex(listing_id=second.pk)
    assert not Listing.objects.filter(rank_demoted=True).exists()
