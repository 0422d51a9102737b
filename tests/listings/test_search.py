"""The search selector (R-S1–R-S3) against PostgreSQL, through both engines: the PostgreSQL
one (tsvector + indexes) and the Python one the embedded SQLite default uses."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from listings import search as search_mod
from listings import search_stats
from listings.models import Listing
from listings.search import listing_search
from listings.search_index import company_reindex, listing_reindex, refresh_stale_rank_keys
from members.services import membership_grant
from tests.factories import CategoryFactory, CompanyFactory, ListingFactory, TrustPassPeriodFactory

pytestmark = pytest.mark.django_db

ENGINES = ["postgres", "python"]
PLAIN = "本公司长期供应各类工业配件，质量可靠，价格合理，欢迎新老客户来电洽谈合作，诚信经营。"


def make(title="供应优质不锈钢304无缝钢管", *, now=None, **kw):
    kw.setdefault("description", PLAIN)
    kw.setdefault("keyword", "配件")
    kw.setdefault("brand", "")
    kw.setdefault("model", "")
    kw.setdefault("spec", "")
    listing = ListingFactory(title=title, **kw)
    listing_reindex(listing_id=listing.pk, now=now)
    return listing


@pytest.fixture(autouse=True)
def _fresh_statistics():
    """Each test plans from the statistics of its own rows (kept per process otherwise)."""
    search_stats.clear()
    yield
    search_stats.clear()


def analyse_listings():
    """ANALYZE counts the rows this test's transaction inserted; the plan reads them anew."""
    with connection.cursor() as cur:
        cur.execute("ANALYZE listings_listing")
    search_stats.clear()


def sent_sql(captured) -> list[str]:
    """The captured statements, each prepared one (`EXECUTE listing_search_N`) shown with
    the text it was prepared from."""
    with connection.cursor() as cur:
        cur.execute("SELECT name, statement FROM pg_prepared_statements")
        prepared = dict(cur.fetchall())
    out = []
    for q in captured.captured_queries:
        name = re.search(r"EXECUTE (listing_search_\d+)", q["sql"])
        out.append(q["sql"] + (" -- " + prepared[name.group(1)] if name else ""))
    return out


def ids(page):
    return [h.listing.pk for h in page.hits]


def search(q, engine, **kw):
    return listing_search(q=q, engine=engine, **kw)


# --- matching (R-S1) ----------------------------------------------------------------------


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("q", ["钢管", "无缝钢管", "锈钢管", "304不锈钢", "钢", "不锈钢 钢管"])
def test_words_and_parts_of_words_find_the_listing(engine, q):
    hit = make()
    make("供应铜管铝管", keyword="铜管")
    assert ids(search(q, engine)) == [hit.pk]


@pytest.mark.parametrize("engine", ENGINES)
def test_single_character(engine):
    a = make("供应球阀", keyword="球阀")
    b = make("阀门批发", keyword="阀门")
    make("供应铜管", keyword="铜管")
    assert set(ids(search("阀", engine))) == {a.pk, b.pk}


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("q", ["SUS304", "sus304", "Sus304", "ＳＵＳ３０４"])
def test_latin_digit_codes(engine, q):
    hit = make("日本SUS304不锈钢板", keyword="不锈钢板")
    make("Q235B热轧卷板", keyword="卷板")
    assert ids(search(q, engine)) == [hit.pk]


@pytest.mark.parametrize("engine", ENGINES)
def test_q235b_case_insensitive(engine):
    hit = make("Q235B热轧卷板", keyword="卷板")
    assert ids(search("q235b", engine)) == [hit.pk]
    assert ids(search("Q345", engine)) == []


@pytest.mark.parametrize("engine", ENGINES)
def test_full_width_digits(engine):
    hit = make("不锈钢３０４无缝管", keyword="无缝管")
    assert ids(search("304", engine)) == [hit.pk]
    hit2 = make("不锈钢316无缝管", keyword="无缝管")
    assert ids(search("３１６", engine)) == [hit2.pk]


@pytest.mark.parametrize("engine", ENGINES)
def test_no_match_across_the_boundary_of_two_fields(engine):
    make("优质不锈钢", keyword="管件")  # 钢 | 管
    assert ids(search("钢管", engine)) == []


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("field", ["keyword", "brand", "model", "spec", "description"])
def test_every_document_field_is_searched(engine, field):
    hit = make(
        "供应工业配件", **{field: "耐腐蚀法兰" + ("，" + PLAIN if field == "description" else "")}
    )
    assert ids(search("法兰", engine)) == [hit.pk]


@pytest.mark.parametrize("engine", ENGINES)
def test_category_names_are_searched(engine):
    parent = CategoryFactory(name="冶金矿产")
    child = CategoryFactory(name="有色金属", parent=parent)
    hit = make("供应工业配件", category=child)
    assert ids(search("有色", engine)) == [hit.pk]
    assert ids(search("冶金", engine)) == [hit.pk]


@pytest.mark.parametrize("engine", ENGINES)
def test_only_live_listings_of_the_asked_kind(engine):
    live = make()
    make(kind=Listing.Kind.DEMAND)
    for status in ("draft", "pending_review", "rejected", "expired", "withdrawn"):
        make(status=status)
    assert ids(search("钢管", engine)) == [live.pk]
    demand = ids(search("钢管", engine, kind="demand"))
    assert len(demand) == 1 and demand[0] != live.pk


@pytest.mark.parametrize("engine", ENGINES)
def test_withdrawn_listing_disappears_at_once(engine):
    listing = make()
    assert ids(search("钢管", engine)) == [listing.pk]
    Listing.objects.filter(pk=listing.pk).update(status=Listing.Status.WITHDRAWN)
    assert ids(search("钢管", engine)) == []  # even before the reindex
    listing_reindex(listing_id=listing.pk)
    row = Listing.objects.get(pk=listing.pk)
    assert row.search_document is None and row.search_title is None
    assert ids(search("钢管", engine)) == []


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    "q",
    [
        "'; DROP TABLE listings_listing; --",
        "钢管' OR '1'='1",
        "a & b | !c <-> d:*",
        "%_\\",
        "钢" * 1000,
        "钢管 " * 300,
    ],
)
def test_metacharacters_and_long_queries_are_harmless(engine, q):
    hit = make()
    page = search(q, engine)
    assert Listing.objects.filter(pk=hit.pk).exists()
    if "钢" in q:
        assert page.count <= 1
    else:
        assert page.hits == []


@pytest.mark.parametrize("engine", ENGINES)
def test_filters(engine):
    parent = CategoryFactory(name="管材")
    child = CategoryFactory(name="不锈钢管", parent=parent)
    other = CategoryFactory(name="阀门")
    tp_company = CompanyFactory()
    TrustPassPeriodFactory(company=tp_company)
    a = make(category=child, province="浙江", fixed_price=True, company=tp_company)
    b = make(category=other, province="江苏")
    assert set(ids(search("钢管", engine, category=parent))) == {a.pk}
    assert set(ids(search("钢管", engine, category=parent.slug))) == {a.pk}
    assert set(ids(search("钢管", engine, category=other.pk))) == {b.pk}
    assert set(ids(search("钢管", engine, province="江苏"))) == {b.pk}
    assert set(ids(search("钢管", engine, fixed_price_only=True))) == {a.pk}
    assert set(ids(search("钢管", engine, trustpass_only=True))) == {a.pk}
    assert ids(search("钢管", engine, category="no-such-category")) == []


def test_invalid_kind_is_refused():
    with pytest.raises(search_mod.InvalidSearch):
        listing_search(q="钢管", kind="everything")


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


# --- many matches: the index path, against the Python engine -------------------------------


@pytest.mark.parametrize(
    "small_estimate,reads",
    [(3000, "probe"), (-1, "probe"), (-1, "gin"), (-1, "top"), (-1, "statistics")],
)
def test_index_path_gives_the_same_order_as_the_python_engine(
    settings, monkeypatch, small_estimate, reads
):
    settings.SEARCH_MAX_RESULTS = 6  # so 25 matches take the grouped index path
    # -1: as if the statistics promised many matches, so they are not counted one by one
    monkeypatch.setattr(search_mod, "SMALL_ESTIMATE", small_estimate)
    if reads == "probe":  # short probes of the order index; some groups fall back to GIN
        monkeypatch.setattr(search_mod, "PROBE_MIN", 3)
        monkeypatch.setattr(search_mod, "PROBE_MAX", 3)
        monkeypatch.setattr(search_mod, "PROBE_MAX_TITLE", 3)
    elif reads == "gin":  # every group through the GIN index at once
        monkeypatch.setattr(search_mod, "_probe_window", lambda plan, **kw: 0)
    elif reads == "top":  # GIN reads, the TrustPass slice first (then all when it is short)
        monkeypatch.setattr(search_mod, "_probe_window", lambda plan, **kw: 0)
        monkeypatch.setattr(search_mod, "_top_first", lambda plan, rest, index_only: True)
    now = timezone.now()
    tp_company = CompanyFactory()
    TrustPassPeriodFactory(company=tp_company)
    titles = ["供应无缝钢管", "钢管 无缝", "供应配件", "无缝不锈钢管", "精密无缝钢管"]
    for i in range(25):
        make(
            titles[i % 5],
            description=("无缝钢管" if i % 2 else "无缝的钢管") + PLAIN,
            company=tp_company if i % 3 == 0 else CompanyFactory(),
            keyword="钢管" if i % 7 == 0 else f"配件{i}",
            published_at=now - timedelta(hours=5 * i + 1),
            fixed_price=i % 4 == 0,
            supports_escrow=i % 5 == 0,
        )
    make("无缝钢管", company=tp_company, keyword="钢管", published_at=now - timedelta(minutes=30))
    if reads == "statistics":  # the plan the column statistics give (ANALYZE sees our rows)
        analyse_listings()
    for q in ["无缝钢管", "钢管", "无缝 钢管"]:
        for page in (1, 2, 3):
            pg = search(q, "postgres", page=page, page_size=2)
            py = search(q, "python", page=page, page_size=2)
            assert ids(pg) == ids(py), (q, page)
            assert [h.match_level for h in pg.hits] == [h.match_level for h in py.hits]
            assert pg.count == py.count == 6 and pg.capped and py.capped
    assert search("钢管", "postgres", page=4, page_size=2).hits == []


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
    from listings.search_tasks import search_refresh_rank_keys

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


# --- the plan: statistics and signatures ---------------------------------------------------


def test_statistics_bound_the_matches_of_each_token():
    from listings.tokenize import parse_query

    for i in range(12):
        make(f"供应无缝钢管{i}号", description=("球阀" if i < 3 else "") + PLAIN)
    make("供应铜管", keyword="铜管")
    analyse_listings()
    with connection.cursor() as cur:
        doc = search_stats.column_stats(cur, "search_document")
        title = search_stats.column_stats(cur, "search_title")
    assert doc.rows == 13
    for q, title_count, doc_count in [("钢管", 12, 12), ("球阀", 0, 3), ("铜管 无缝", 0, 0)]:
        query = parse_query(q)
        d, t = search_stats.estimate(doc, query), search_stats.estimate(title, query)
        # (frequencies are stored as float4)
        assert d.upper * doc.rows >= doc_count - 0.01, q
        assert t.upper * title.rows >= title_count - 0.01, q
    # a word's parts occur together: its share is its rarest part's, not their product
    both = search_stats.estimate(doc, parse_query("无缝钢管"))
    assert both.guess == pytest.approx(12 / 13, abs=0.01)
    # a prefix token counts every lexeme it starts
    assert search_stats.estimate(doc, parse_query("阀")).upper >= 3 / 13


def test_document_probe_skips_by_signature_and_keeps_unsigned_listings(monkeypatch, settings):
    """Level 1 (document only) read by a probe: the signature rules out listings without
    the query's tokens; a listing indexed before signatures existed (NULL) is still read."""
    settings.SEARCH_MAX_RESULTS = 3
    monkeypatch.setattr(search_mod, "SMALL_ESTIMATE", -1)
    monkeypatch.setattr(search_mod, "_probe_window", lambda plan, **kw: 50)
    marker = "SET LOCAL application_name = 'gin-read'; "
    monkeypatch.setattr(search_mod, "GIN_ONLY", marker)
    now = timezone.now()
    in_text = [
        make("供应配件", description="大量现货球阀" + PLAIN, published_at=now - timedelta(hours=i))
        for i in range(3)
    ]
    for i in range(5):
        make("供应配件", description=PLAIN, published_at=now - timedelta(minutes=i))
    Listing.objects.filter(pk=in_text[1].pk).update(search_sig=None)
    with CaptureQueriesContext(connection) as run:
        page = search("球阀", "postgres", page_size=3)
    assert ids(page) == [x.pk for x in in_text]
    gin_reads = [sql for sql in sent_sql(run) if marker in sql]
    # the title levels found nothing and asked the GIN index; level 1's probe found all three
    assert gin_reads
    assert all("search_title @@" in sql and "search_document @@" not in sql for sql in gin_reads)
    assert {h.match_level for h in page.hits} == {1}


def test_signature_holds_every_bit_of_a_matching_query():
    from listings.tokenize import document_lexemes, lexemes_signature, parse_query, query_signature

    doc = int(lexemes_signature(document_lexemes(["供应不锈钢304无缝钢管", PLAIN]))[1:], 16)
    for q in ["钢管", "锈钢管", "304不锈钢", "钢 管", "阀"]:
        bits = int(query_signature(parse_query(q).all_tokens)[1:], 16)
        assert doc & bits == bits, q
    other = int(query_signature(parse_query("球阀 法兰").all_tokens)[1:], 16)
    assert doc & other != other
