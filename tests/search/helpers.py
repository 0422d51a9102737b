"""Helpers shared by the search selector tests: indexed listings and a search through
either engine (PostgreSQL or Python)."""

from search.index import listing_reindex
from search.selectors import listing_search
from tests.factories import ListingFactory

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


def ids(page):
    return [h.listing.pk for h in page.hits]


def search(q, engine, **kw):
    return listing_search(q=q, engine=engine, **kw)
