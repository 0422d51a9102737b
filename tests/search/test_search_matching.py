"""The search selector against PostgreSQL: matching and filters (R-S1), through both
engines: the PostgreSQL one (tsvector + indexes) and the Python one the embedded SQLite
default uses."""

import pytest

from listings.models import Listing
from search import selectors as search_mod
from search.index import listing_reindex
from search.selectors import listing_search
from tests.factories import CategoryFactory, CompanyFactory, TrustPassPeriodFactory
from tests.search.helpers import ENGINES, PLAIN, ids, make, search

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_statistics")]


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
