"""The searcher's orders and filters (API.md: `sort=default|newest|price_asc|price_desc`,
`price_min`, `price_max`, `escrow=1`, `verified=1`): each at its edges in the API, invalid
values refused with the error format naming the field, and both engines (and every read of
the PostgreSQL path) giving the same pages."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from search import engine_pg
from search.results import SORTS
from tests.factories import CompanyFactory, TrustPassPeriodFactory
from tests.search.helpers import ENGINES, ids, make, search

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_statistics")]


def api_ids(api_client, **params):
    response = api_client.get("/api/v1/search/", {"q": "钢管", **params})
    assert response.status_code == 200, response.json()
    return [r["id"] for r in response.json()["results"]]


@pytest.fixture
def priced(db):
    """Steel pipes at 10, 20 (two), 20–50 (a range), 30, and one without a price."""
    now = timezone.now()
    out = {}
    for name, price, price_max, hours in [
        ("p10", "10.00", None, 5),
        ("p20a", "20.00", None, 4),
        ("p20b", "20.00", None, 3),
        ("range", "20.00", "50.00", 2),
        ("p30", "30.00", None, 1),
        ("none", None, None, 0),
    ]:
        out[name] = make(
            f"供应无缝钢管{name}",
            price=price,
            price_max=price_max,
            published_at=now - timedelta(hours=hours),
        )
    return out


# --- orders ---------------------------------------------------------------------------------


def test_price_orders_ties_by_id_and_no_price_last(api_client, priced):
    p = {k: v.pk for k, v in priced.items()}
    ties = sorted([p["p20a"], p["p20b"], p["range"]])
    assert api_ids(api_client, sort="price_asc") == [p["p10"], *ties, p["p30"], p["none"]]
    # price_desc is price_asc reversed (ties too), the listing without a price still last
    assert api_ids(api_client, sort="price_desc") == [p["p30"], *ties[::-1], p["p10"], p["none"]]


def test_newest_orders_by_publication_then_id(api_client, priced):
    now = timezone.now()
    same = [make("供应精密钢管", published_at=now - timedelta(minutes=30)) for _ in range(2)]
    for listing in same:  # the same instant: the higher id first
        listing.published_at = same[0].published_at
        listing.save(update_fields=["published_at"])
    newest = api_ids(api_client, sort="newest")
    older = [priced[k].pk for k in ["p30", "range", "p20b", "p20a", "p10"]]
    assert newest == [priced["none"].pk, same[1].pk, same[0].pk, *older]


def test_default_is_the_ranking_order_and_sort_default_the_same(api_client, priced):
    tp = CompanyFactory()
    TrustPassPeriodFactory(company=tp)
    first = make("供应无缝钢管", company=tp, price="99.00")  # TrustPass: R-S2 key 2
    plain = api_ids(api_client)
    assert plain[0] == first.pk
    assert api_ids(api_client, sort="default") == plain
    assert api_ids(api_client, sort="") == plain


def test_every_order_counts_the_same_matches(api_client, priced):
    counts = {
        s: api_client.get("/api/v1/search/", {"q": "钢管", "sort": s}).json()["count"]
        for s in SORTS
    }
    assert set(counts.values()) == {6}, counts


def test_price_order_pages_follow_on(api_client, priced):
    whole = api_ids(api_client, sort="price_asc")
    pages = [api_ids(api_client, sort="price_asc", page=n, page_size=2) for n in (1, 2, 3)]
    assert sum(pages, []) == whole


# --- filters --------------------------------------------------------------------------------


def test_price_bounds_are_included_and_read_the_unit_price(api_client, priced):
    p = {k: v.pk for k, v in priced.items()}
    low = api_ids(api_client, price_min="20", sort="price_asc")
    assert low == sorted([p["p20a"], p["p20b"], p["range"]]) + [p["p30"]]  # 20 included
    high = api_ids(api_client, price_max="20.00", sort="price_asc")
    assert high == [p["p10"], *sorted([p["p20a"], p["p20b"], p["range"]])]
    # a range is filtered by its lower end (20–50 is not under 20.01 … but is at most 20)
    assert api_ids(api_client, price_min="20.01") == [p["p30"]]
    exact = api_ids(api_client, price_min="30", price_max="30")
    assert exact == [p["p30"]]
    # the listing without a price is left out by any bound, kept without one
    assert p["none"] not in api_ids(api_client, price_min="0")
    assert p["none"] in api_ids(api_client, price_min="", price_max="")


def test_escrow_and_verified_filters(api_client):
    verified = CompanyFactory(verified=True)
    a = make("供应无缝钢管", supports_escrow=True)
    b = make("供应无缝钢管", company=verified)
    c = make("供应无缝钢管", company=verified, supports_escrow=True)
    make("供应无缝钢管")
    assert sorted(api_ids(api_client, escrow="1")) == sorted([a.pk, c.pk])
    assert sorted(api_ids(api_client, verified="1")) == sorted([b.pk, c.pk])
    assert api_ids(api_client, escrow="1", verified="true", sort="newest") == [c.pk]
    assert len(api_ids(api_client, escrow="0", verified="false")) == 4


@pytest.mark.parametrize(
    "params,field",
    [
        ({"sort": "cheapest"}, "sort"),
        ({"sort": "PRICE_ASC"}, "sort"),
        ({"price_min": "abc"}, "price_min"),
        ({"price_min": "-1"}, "price_min"),
        ({"price_min": "1e3"}, "price_min"),
        ({"price_min": "NaN"}, "price_min"),
        ({"price_max": "12.345"}, "price_max"),
        ({"price_max": "١٢"}, "price_max"),  # not ASCII digits
        ({"price_min": "50", "price_max": "49.99"}, "price_max"),
        ({"escrow": "yes"}, "escrow"),
        ({"verified": "2"}, "verified"),
        ({"price_min": "1\x00"}, "price_min"),
    ],
)
def test_invalid_values_are_refused_naming_the_field(api_client, params, field):
    response = api_client.get("/api/v1/search/", {"q": "钢管", **params})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and body["detail"]
    assert list(body["fields"]) == [field], body


# --- both engines and every read of the PostgreSQL path agree --------------------------------


def varied_world():
    """Matches of every level, TrustPass and not, keys run out, flooding, prices with ties,
    ranges and none, escrow, verified companies."""
    now = timezone.now()
    tp = CompanyFactory(verified=True)
    TrustPassPeriodFactory(company=tp)
    verified = CompanyFactory(verified=True)
    titles = ["供应无缝钢管", "钢管 无缝", "供应配件", "无缝不锈钢管", "精密无缝钢管"]
    prices = [None, "10.00", "20.00", "20.00", "35.50", "8.00", None]
    for i in range(28):
        price = prices[i % 7]
        published = now - timedelta(hours=7 * i + 1)
        make(
            titles[i % 5],
            description=("无缝钢管" if i % 2 else "无缝的钢管")
            + "本公司长期供应各类工业配件，质量可靠，价格合理，欢迎来电洽谈。",
            company=tp if i % 3 == 0 else (verified if i % 4 == 0 else CompanyFactory()),
            keyword="钢管" if i % 6 == 0 else f"配件{i}",
            published_at=published,
            price=price,
            price_max="60.00" if price and i % 5 == 0 else None,
            fixed_price=i % 4 == 0,
            supports_escrow=i % 3 == 1,
            # every fourth listing indexed when it was published: its key has run out
            now=published if i % 4 == 1 else None,
        )


FILTERS = [
    {},
    {"price_min": Decimal("10"), "price_max": Decimal("20")},
    {"escrow_only": True},
    {"verified_only": True, "trustpass_only": True},
    {"fixed_price_only": True, "price_min": Decimal("8")},
]


@pytest.mark.parametrize("reads", ["counted", "probe", "gin"])
def test_engines_agree_on_every_order_and_filter(settings, monkeypatch, reads):
    if reads != "counted":  # as if the statistics promised many matches
        settings.SEARCH_MAX_RESULTS = 8
        monkeypatch.setattr(engine_pg, "SMALL_ESTIMATE", -1)
        window = 4 if reads == "probe" else 0  # short probes fall back to the GIN read
        monkeypatch.setattr(engine_pg, "probe_window", lambda plan, **kw: window)
    varied_world()
    for q in ["无缝钢管", "钢管", ""]:
        for filters in FILTERS:
            for page in (1, 2):
                counts = set()
                for sort in SORTS:
                    args = {"sort": sort, "page": page, "page_size": 3, **filters}
                    pg, py = (search(q, engine, **args) for engine in ENGINES)
                    label = (q, sort, filters, page)
                    assert ids(pg) == ids(py), label
                    assert [(h.match_level, h.trustpass, h.demoted) for h in pg.hits] == [
                        (h.match_level, h.trustpass, h.demoted) for h in py.hits
                    ], label
                    if reads == "counted" or py.capped:
                        assert (pg.count, pg.capped) == (py.count, py.capped), label
                    else:  # not counted: "more than the cap" unless the reads ran out
                        assert pg.capped or (pg.count, pg.capped) == (py.count, False), label
                    counts.add((pg.count, pg.capped))
                # the order chosen never changes the count the page shows
                assert len(counts) == 1, (q, filters, page, counts)


def test_chosen_orders_follow_their_key_in_both_engines():
    varied_world()
    for engine in ENGINES:
        hits = search("钢管", engine, sort="price_asc", page_size=100).hits
        priced = [h.listing.price for h in hits if h.listing.price is not None]
        assert priced == sorted(priced) and hits[-1].listing.price is None, engine
        hits = search("钢管", engine, sort="newest", page_size=100).hits
        times = [h.listing.published_at for h in hits]
        assert times == sorted(times, reverse=True), engine
