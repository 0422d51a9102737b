"""What a search returns (`SearchPage` of `SearchHit`s) and the values both search engines
share: the parsed filters, a matched row with its R-S2/R-S3 sort key, TrustPass at `now`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from listings.models import Listing
from marketplace.exceptions import DomainError
from members import privileges
from members.models import Company

from . import ranking
from .tokenize import (
    Query,
)

# rank_key of a TrustPass listing and up: the slice with GIN indexes of its own (migration
# 0008, which writes the same number), read first when it should hold the page.
TOP_KEY = ranking.TRUSTPASS_KEY
MAX_PAGE_SIZE = 100
# Not needed on a result card; the documents are large (and TOASTed).
HEAVY_FIELDS = (
    "search_title",
    "search_document",
    "search_sig",
    "description",
    "rejection_reasons",
    "price_tiers",
)
DEFAULT_PAGE_SIZE = 20


def max_results() -> int:
    return int(getattr(settings, "SEARCH_MAX_RESULTS", 1000))


@dataclass
class SearchHit:
    listing: Listing
    match_level: int  # 3, 2, 1 (R-S2 key 1); 0 when browsing without a query
    demoted: bool  # R-S3
    trustpass: bool  # R-S2 key 2 at the time of the search
    rank_key: int
    title_parts: list = field(default_factory=list)
    image_url: str | None = None  # the first image (in one query with the listing)


class PageNumbers:
    """Page arithmetic of a page of results (`count` in all, 1-based `page`), for the
    templates' pagination: search pages and buy-lead pages alike."""

    count: int
    page: int
    page_size: int

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.count // self.page_size))

    @property
    def has_next(self) -> bool:
        return self.page < self.num_pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1


@dataclass
class SearchPage(PageNumbers):
    query: Query
    hits: list[SearchHit]
    count: int  # exact, up to max_results()
    capped: bool  # more than max_results() listings matched
    page: int
    page_size: int


class InvalidSearch(DomainError):
    code = "invalid_search"
    rule = "R-S1"


@dataclass
class Row:
    id: int
    demoted: bool
    level: int
    key: int
    published_at: datetime | None
    price: Decimal | None = None  # read by the price orders only

    def sort_key(self):
        return ranking.sort_key(
            demoted=self.demoted,
            level=self.level,
            key=self.key,
            published_at=self.published_at,
            listing_id=self.id,
        )


# The orders a searcher may choose (API.md `sort`). `default` is R-S2/R-S3; the others order
# the same matches by one key alone, ties by id in the same direction (so price_desc is
# price_asc reversed), listings without that value after all others, newest id first.
DEFAULT_SORT = "default"
SORTS = (DEFAULT_SORT, "newest", "price_asc", "price_desc")


def _chosen_key(value, listing_id: int, descending: bool) -> tuple:
    if value is None:
        return (1, 0, -listing_id)
    if descending:
        value, listing_id = -value, -listing_id
    return (0, value, listing_id)


def row_order(sort: str):
    """The ascending Python sort key of `sort` over `Row`s (the SQL of `search.engine_sorted`
    orders alike)."""
    if sort == "newest":
        return lambda r: _chosen_key(
            r.published_at.timestamp() if r.published_at else None, r.id, True
        )
    if sort == "price_asc":
        return lambda r: _chosen_key(r.price, r.id, False)
    if sort == "price_desc":
        return lambda r: _chosen_key(r.price, r.id, True)
    return Row.sort_key


@dataclass
class Filters:
    kind: str
    category_ids: list[int] | None
    province: str
    trustpass_only: bool
    fixed_price_only: bool
    escrow_only: bool = False  # supports escrow (支付宝)
    verified_only: bool = False  # the company passed identity verification (R-C2)
    price_min: Decimal | None = None  # on `price` (the unit price, a range's lower end)
    price_max: Decimal | None = None

    @property
    def narrowed(self) -> bool:
        """Any filter beyond kind (the planner's share of rows kept is then asked)."""
        return bool(
            self.category_ids
            or self.province
            or self.fixed_price_only
            or self.escrow_only
            or self.verified_only
            or self.price_min is not None
            or self.price_max is not None
        )


def trustpass_day(now: datetime):
    """The day whose TrustPass counts at `now` (R-M2 days are Asia/Shanghai days)."""
    return timezone.localtime(now, timezone.get_default_timezone()).date()


def trustpass_by_company(company_ids, now: datetime) -> dict[int, bool]:
    """TrustPass at `now` for many companies in one query, asked of members.privileges."""
    companies = Company.objects.filter(pk__in=set(company_ids)).only("pk").order_by()
    return {
        c.pk: privileges.has_ranking_priority(c)
        for c in companies.with_trustpass(trustpass_day(now))
    }


def current_key(values: dict, trustpass: bool, now: datetime) -> int:
    return ranking.rank_key(
        trustpass=trustpass,
        fixed_price=values["fixed_price"],
        supports_escrow=values["supports_escrow"],
        fresh=ranking.is_fresh(values["published_at"], now),
    )
