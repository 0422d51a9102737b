"""Keeps the search documents and the stored ranking keys of listings current (R-S1–R-S3).

Run by the tasks of `search.tasks`: enqueued on commit when listings announce a change
(`listing_published`, `listing_changed`: publish, edit, refresh, withdraw, expire ->
`listing_reindex`) or members a membership change (`company_reindex`), both connected in
`search.receivers`; by the beat task `listings.search_refresh_rank_keys` (keys whose time
ran out) and by the sweep `search.index_sweep` (documents missing or older than the listing).

Stored per listing (see `search.ranking` for the rules):
- `search_title`: the title's tokens with positions (match levels 3 and 2);
- `search_document`: every token of title, keyword, brand, model, specification, category
  names and description (R-S1), without positions;
- `rank_key` and `rank_valid_until`: R-S2 keys 2–4 and the instant they stop being true;
- `flood_key` and `rank_demoted`: R-S3 anti-flooding, recomputed for the whole group
  (company + keyword) whenever one of its listings changes.
On PostgreSQL the documents are `tsvector`s with GIN indexes; elsewhere they stay empty and
the search evaluates the same tokens in Python (`search.selectors`).
"""

from __future__ import annotations

from datetime import date, datetime, time

from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from listings.models import Listing
from members import privileges
from members.models import Company
from members.selectors import company_next_trustpass_start, company_trustpass_until

from . import ranking
from .tokenize import (
    build_document,
    document_lexemes,
    document_to_tsvector,
    lexemes_signature,
    lexemes_to_tsvector,
)

LIVE = Listing.Status.LIVE


def _midnight(day: date) -> datetime:
    """The start of `day` in the business time zone (Asia/Shanghai)."""
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_default_timezone())


def company_trustpass_state(company: Company, *, now: datetime) -> tuple[bool, datetime | None]:
    """(TrustPass now — asked of members.privileges, R-M3.4 —, when that answer changes)."""
    company = Company.objects.get(pk=company.pk)  # fresh: no cached periods
    trustpass = privileges.has_ranking_priority(company, at=now)
    if trustpass:
        until = company_trustpass_until(company, at=now)
        return True, _midnight(until) if until else None
    # Not TrustPass now: the answer changes when the next period starts (if any).
    nxt = company_next_trustpass_start(company, at=now)
    return False, _midnight(nxt) if nxt else None


def rank_fields(
    listing: Listing, *, trustpass: bool, trustpass_changes_at: datetime | None, now: datetime
) -> dict:
    """The stored R-S2 keys 2–4 of one listing at `now`."""
    fresh = ranking.is_fresh(listing.published_at, now)
    return {
        "rank_key": ranking.rank_key(
            trustpass=trustpass,
            fixed_price=listing.fixed_price,
            supports_escrow=listing.supports_escrow,
            fresh=fresh,
        ),
        "rank_valid_until": ranking.rank_valid_until(
            published_at=listing.published_at,
            fixed_price=listing.fixed_price,
            supports_escrow=listing.supports_escrow,
            now=now,
            trustpass_changes_at=trustpass_changes_at,
        ),
    }


def document_fields(listing: Listing) -> list[str]:
    """The fields of the whole search document (R-S1), in order."""
    category = listing.category
    parent = category.parent if category and category.parent_id else None
    return [
        listing.title,
        listing.keyword,
        listing.brand,
        listing.model,
        listing.spec,
        category.name if category else "",
        parent.name if parent else "",
        listing.description,
    ]


def search_documents(listing: Listing) -> dict:
    if connection.vendor != "postgresql":
        return {"search_title": None, "search_document": None, "search_sig": None}
    lexemes = document_lexemes(document_fields(listing))
    return {
        "search_title": document_to_tsvector(build_document([listing.title])),
        "search_document": lexemes_to_tsvector(lexemes),
        "search_sig": lexemes_signature(lexemes),
    }


def listing_reindex(*, listing_id: int, now: datetime | None = None) -> None:
    """Rebuild one listing's search documents and stored ranking keys, and R-S3 for its
    company's listings with the same keyword (before and after an edit of the keyword)."""
    now = now or timezone.now()
    with transaction.atomic():
        listing = (
            Listing.objects.select_related("company", "category", "category__parent")
            .filter(pk=listing_id)
            .first()
        )
        if listing is None:
            return
        old_group = listing.flood_key
        new_group = ranking.flood_group_key(listing.keyword)
        if listing.status == LIVE:
            trustpass, changes_at = company_trustpass_state(listing.company, now=now)
            values = {
                **search_documents(listing),
                **rank_fields(
                    listing, trustpass=trustpass, trustpass_changes_at=changes_at, now=now
                ),
                "flood_key": new_group,
                "search_indexed_at": now,
            }
        else:
            values = {
                "search_title": None,
                "search_document": None,
                "search_sig": None,
                "rank_key": 0,
                "rank_valid_until": None,
                "rank_demoted": False,
                "flood_key": new_group,
                "search_indexed_at": now,
            }
        # .update(): no save() signals, and updated_at stays the owner's edit time.
        Listing.objects.filter(pk=listing.pk).update(**values)
        for group in {old_group, new_group}:
            flood_group_recompute(company_id=listing.company_id, flood_key=group)


def flood_group_recompute(*, company_id: int, flood_key: str) -> None:
    """R-S3 for one company and keyword, from the live listings' publication times."""
    rows = list(
        Listing.objects.filter(company_id=company_id, flood_key=flood_key, status=LIVE)
        .select_for_update()
        .values_list("id", "published_at", "rank_demoted")
    )
    demoted = ranking.flooding_demoted((i, p) for i, p, _d in rows)
    to_true = [i for i, _p, d in rows if i in demoted and not d]
    to_false = [i for i, _p, d in rows if i not in demoted and d]
    if to_true:
        Listing.objects.filter(pk__in=to_true).update(rank_demoted=True)
    if to_false:
        Listing.objects.filter(pk__in=to_false).update(rank_demoted=False)


def _refresh_keys(listings: list[Listing], *, now: datetime) -> int:
    """Recompute the stored keys of the given live listings (grouped by company)."""
    states: dict[int, tuple[bool, datetime | None]] = {}
    changed = []
    for listing in listings:
        if listing.company_id not in states:
            states[listing.company_id] = company_trustpass_state(listing.company, now=now)
        trustpass, changes_at = states[listing.company_id]
        values = rank_fields(listing, trustpass=trustpass, trustpass_changes_at=changes_at, now=now)
        if (listing.rank_key, listing.rank_valid_until) != (
            values["rank_key"],
            values["rank_valid_until"],
        ):
            listing.rank_key = values["rank_key"]
            listing.rank_valid_until = values["rank_valid_until"]
            changed.append(listing)
    if changed:
        Listing.objects.bulk_update(changed, ["rank_key", "rank_valid_until"], batch_size=500)
    return len(changed)


_KEY_COLUMNS = (
    "id",
    "company_id",
    "published_at",
    "fixed_price",
    "supports_escrow",
    "rank_key",
    "rank_valid_until",
)


def company_reindex(*, company_id: int, now: datetime | None = None) -> int:
    """Rebuild the stored keys of every live listing of a company (membership changed)."""
    now = now or timezone.now()
    with transaction.atomic():
        listings = list(
            Listing.objects.filter(company_id=company_id, status=LIVE)
            .select_related("company")
            .only(*_KEY_COLUMNS, "company__id")
        )
        return _refresh_keys(listings, now=now)


def refresh_stale_rank_keys(*, now: datetime | None = None, batch: int = 2000) -> int:
    """Store the new keys of live listings whose stored keys ran out (3-day window over,
    TrustPass run ended or started). Run by Celery beat; searches stay exact meanwhile."""
    now = now or timezone.now()
    total = 0
    while True:
        with transaction.atomic():
            listings = list(
                Listing.objects.filter(status=LIVE, rank_valid_until__lte=now)
                .select_related("company")
                .only(*_KEY_COLUMNS, "company__id")
                .order_by("rank_valid_until")[:batch]
            )
            if not listings:
                return total
            _refresh_keys(listings, now=now)
            total += len(listings)
        if len(listings) < batch:
            return total


def stale_listing_ids(*, limit: int) -> list[int]:
    """Live listings whose search document is missing or older than the listing (an edit
    after the last reindex): what a lost or failed reindex task left behind."""
    stale = Q(search_indexed_at__isnull=True) | Q(search_indexed_at__lt=F("updated_at"))
    if connection.vendor == "postgresql":  # elsewhere the document column stays empty
        stale |= Q(search_document__isnull=True)
    qs = Listing.objects.filter(Q(status=LIVE) & stale).order_by("id")
    return list(qs.values_list("id", flat=True)[:limit])


def listing_reindex_stale(*, limit: int = 500) -> int:
    """The search sweep (beat): reindex what `stale_listing_ids` finds, oldest id first."""
    ids = stale_listing_ids(limit=limit)
    for listing_id in ids:
        listing_reindex(listing_id=listing_id)
    return len(ids)
