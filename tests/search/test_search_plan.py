"""The search selector against PostgreSQL: the plan for many matches (the index path,
against the Python engine), column statistics and signatures."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from listings.models import Listing
from search import engine_pg as search_mod
from search import stats as search_stats
from tests.factories import CompanyFactory, TrustPassPeriodFactory
from tests.search.helpers import PLAIN, ids, make, search

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_statistics")]


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
        monkeypatch.setattr(search_mod, "probe_window", lambda plan, **kw: 0)
    elif reads == "top":  # GIN reads, the TrustPass slice first (then all when it is short)
        monkeypatch.setattr(search_mod, "probe_window", lambda plan, **kw: 0)
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


# --- the plan: statistics and signatures ---------------------------------------------------


def test_statistics_bound_the_matches_of_each_token():
    from search.tokenize import parse_query

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
    monkeypatch.setattr(search_mod, "probe_window", lambda plan, **kw: 50)
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
    from search.tokenize import document_lexemes, lexemes_signature, parse_query, query_signature

    doc = int(lexemes_signature(document_lexemes(["供应不锈钢304无缝钢管", PLAIN]))[1:], 16)
    for q in ["钢管", "锈钢管", "304不锈钢", "钢 管", "阀"]:
        bits = int(query_signature(parse_query(q).all_tokens)[1:], 16)
        assert doc & bits == bits, q
    other = int(query_signature(parse_query("球阀 法兰").all_tokens)[1:], 16)
    assert doc & other != other
