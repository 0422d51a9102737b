"""The search selector on any other database (the embedded SQLite default): the same
tokens evaluated in Python over the live listings of the requested kind (R-S1–R-S3)."""

from __future__ import annotations

from datetime import datetime

from listings.models import Listing

from . import ranking
from .index import document_fields
from .results import (
    DEFAULT_SORT,
    TOP_KEY,
    Filters,
    Row,
    current_key,
    row_order,
    trustpass_by_company,
)
from .tokenize import (
    Query,
    build_document,
    document_lexemes,
    phrase_matches,
    tokens_match,
)

# --- any database: the same rules in Python -----------------------------------------------


def search_python(
    *,
    query: Query,
    filters: Filters,
    need: int,
    now: datetime,
    cap: int,
    sort: str = DEFAULT_SORT,
):
    qs = Listing.objects.filter(status=Listing.Status.LIVE, kind=filters.kind)
    if filters.category_ids is not None:
        qs = qs.filter(category_id__in=filters.category_ids)
    if filters.province:
        qs = qs.filter(province=filters.province)
    if filters.fixed_price_only:
        qs = qs.filter(fixed_price=True)
    if filters.escrow_only:
        qs = qs.filter(supports_escrow=True)
    if filters.verified_only:
        qs = qs.filter(company__verified=True)
    if filters.price_min is not None:
        qs = qs.filter(price__gte=filters.price_min)
    if filters.price_max is not None:
        qs = qs.filter(price__lte=filters.price_max)
    qs = qs.select_related("category", "category__parent").only(
        "id",
        "company_id",
        "title",
        "keyword",
        "brand",
        "model",
        "spec",
        "description",
        "category__name",
        "category__parent__name",
        "fixed_price",
        "supports_escrow",
        "published_at",
        "price",
        "rank_demoted",
    )
    tokens = query.all_tokens
    whole = query.whole_tokens
    matched = []
    for obj in qs.iterator(chunk_size=2000):
        if query.empty:
            level = 0
        else:
            if not tokens_match(document_lexemes(document_fields(obj)), tokens):
                continue
            title_doc = build_document([obj.title])
            level = ranking.match_level(
                title_phrase=phrase_matches(title_doc, whole),
                title_all=tokens_match(title_doc, tokens),
            )
        matched.append((obj, level))
    tp = trustpass_by_company([obj.company_id for obj, _ in matched], now) if matched else {}
    rows = []
    for obj, level in matched:
        values = {
            "fixed_price": obj.fixed_price,
            "supports_escrow": obj.supports_escrow,
            "published_at": obj.published_at,
        }
        key = current_key(values, tp.get(obj.company_id, False), now)
        if filters.trustpass_only and key < TOP_KEY:
            continue
        rows.append(Row(obj.pk, obj.rank_demoted, level, key, obj.published_at, obj.price))
    rows.sort(key=row_order(sort))
    return rows[:need], len(rows)
