"""The search selector (R-S1–R-S3): `listing_search(...)`.

Matching (R-S1, `search.tokenize`): every token of the query must be in the listing's
search document. Order (R-S2, R-S3, `search.ranking`): demoted listings last, then match
level, then the stored key (TrustPass, fixed-and-fresh, escrow-and-fresh), then publication
time, then id.

PostgreSQL path. Keys 2–4 are stored in `rank_key`, so within one (demoted, level) group
the order is the btree index `listing_search_order`. For each group, in order, we either read
the top rows from that index and keep those that match (a bounded probe, good when matches
are dense), or read the group's matches through a GIN index and sort them (good when they are
few); the column statistics (`search.stats`) tell which costs less, and a probe
that finds too few matches falls back to the GIN read. Title levels 3 and 2 going to the GIN
index are one read. The statements are prepared once per connection (`search.prepared`).
Rows whose stored key has run out
(`rank_valid_until <= now`: 3-day window over, TrustPass run ended or started, and the beat
task has not stored the new key yet) are left out of the index reads, read separately, given
their key at `now` and merged: results are exact at any instant, e.g. at 71 h 59 min and 72 h.

Counting: when the statistics bound the matches to few (≤ SMALL_ESTIMATE), they are counted
exactly through the GIN index and sorted in one read. Many: the groups above are read and the
count is not taken (it would cost more than the page: several hundred thousand matches, each
a TOAST read); the page says "more than SEARCH_MAX_RESULTS (1,000)" (`capped`) unless every
group ran out first, and pages go up to that cap, as large search engines do.

Chosen orders (`sort`: newest, price_asc, price_desc; `search.engine_sorted`): the same
matches and filters, ordered by that key alone, ties by id in the same direction, listings
without the value last. Filters (`search.results.Filters`): category and its children,
province, TrustPass now, fixed price, escrow, the company verified (R-C2), and a price range
on `price` (a range's lower end), both ends included.

Any other database (the embedded SQLite default): the same tokens are evaluated in Python
over the live listings of the requested kind (slower, same results).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.core.files.storage import default_storage
from django.db import connection
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from listings.models import Category, Listing

from .cards import listing_cards
from .engine_pg import search_postgres
from .engine_py import search_python
from .engine_sorted import search_postgres_sorted
from .results import (
    DEFAULT_PAGE_SIZE,
    DEFAULT_SORT,
    HEAVY_FIELDS,
    MAX_PAGE_SIZE,
    SORTS,
    TOP_KEY,
    Filters,
    InvalidSearch,
    Row,
    SearchHit,
    SearchPage,
    max_results,
)
from .tokenize import (
    Query,
    parse_query,
)


def _category_ids(category) -> list[int] | None:
    if category in (None, ""):
        return None
    if isinstance(category, Category):
        cat_id = category.pk
    else:
        try:
            cat_id = int(category)
        except (TypeError, ValueError):
            found = Category.objects.filter(slug=str(category)).values_list("pk", flat=True)
            cat_id = found[0] if found else -1
    return list(
        Category.objects.filter(Q(pk=cat_id) | Q(parent_id=cat_id)).values_list("pk", flat=True)
    ) or [-1]


def listing_search(
    *,
    q: str | None = "",
    kind: str = Listing.Kind.SUPPLY,
    category=None,
    province: str = "",
    trustpass_only: bool = False,
    fixed_price_only: bool = False,
    escrow_only: bool = False,
    verified_only: bool = False,
    price_min: Decimal | None = None,
    price_max: Decimal | None = None,
    sort: str = DEFAULT_SORT,
    page: int = 1,
    page_size: int = DEFAULT_PAGE_SIZE,
    now: datetime | None = None,
    engine: str | None = None,
) -> SearchPage:
    """Live listings of `kind` matching `q`, one page of them: in R-S2/R-S3 order, or by the
    key `sort` names (`search.results.SORTS`; the same matches)."""
    if kind not in Listing.Kind.values:
        raise InvalidSearch(
            gettext("信息类型只能是 supply（供应）或 demand（求购）。"),
            fields={"kind": [gettext("请选择供应或求购。")]},
        )
    if sort not in SORTS:
        raise InvalidSearch(
            gettext("排序方式只能是 default、newest、price_asc 或 price_desc。"),
            fields={"sort": [gettext("请选择综合排序、最新发布或按价格排序。")]},
        )
    try:
        page = max(1, int(page))
    except (TypeError, ValueError):
        page = 1
    try:
        page_size = min(MAX_PAGE_SIZE, max(1, int(page_size)))
    except (TypeError, ValueError):
        page_size = DEFAULT_PAGE_SIZE
    now = now or timezone.now()
    query = parse_query(q)
    filters = Filters(
        kind=kind,
        category_ids=_category_ids(category),
        province=(province or "").strip()[:20],
        trustpass_only=bool(trustpass_only),
        fixed_price_only=bool(fixed_price_only),
        escrow_only=bool(escrow_only),
        verified_only=bool(verified_only),
        price_min=price_min,
        price_max=price_max,
    )
    cap = max_results()
    offset = (page - 1) * page_size
    need = min(offset + page_size, cap)
    engine = engine or ("postgres" if connection.vendor == "postgresql" else "python")
    args = {"query": query, "filters": filters, "need": need, "now": now, "cap": cap}
    if query.empty and (q or "").strip():
        rows, total = [], 0  # only punctuation or symbols: nothing can match
    elif engine == "python":
        rows, total = search_python(**args, sort=sort)
    elif sort == DEFAULT_SORT:
        rows, total = search_postgres(**args)
    else:
        rows, total = search_postgres_sorted(**args, sort=sort)
    rows = rows[offset:need] if offset < need else []
    hits = _load_hits(rows, query)
    return SearchPage(
        query=query,
        hits=hits,
        count=min(total, cap),
        capped=total > cap,
        page=page,
        page_size=page_size,
    )


def _load_hits(rows: list[Row], query: Query) -> list[SearchHit]:
    from .tokenize import highlight_spans

    cards = listing_cards([r.id for r in rows], heavy=HEAVY_FIELDS)
    hits = []
    for r in rows:
        if r.id not in cards:
            continue
        obj, image = cards[r.id]
        hits.append(
            SearchHit(
                listing=obj,
                image_url=_image_url(image),
                match_level=r.level,
                demoted=r.demoted,
                trustpass=r.key >= TOP_KEY,
                rank_key=r.key,
                title_parts=highlight_spans(obj.title, query),
            )
        )
    return hits


def _image_url(name: str | None) -> str | None:
    return default_storage.url(name) if name else None
