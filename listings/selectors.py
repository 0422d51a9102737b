"""Reads about listings that carry rules."""

from __future__ import annotations

from django.db.models import Prefetch

from .models import Category, Listing, ListingImage


def category_tree() -> list[Category]:
    """Top-level categories with their children prefetched (two levels)."""
    return list(
        Category.objects.filter(parent__isnull=True).prefetch_related(
            Prefetch("children", queryset=Category.objects.order_by("position", "id"))
        )
    )


def newest_live(*, limit: int = 12, kind: str | None = None) -> list[Listing]:
    """The newest live listings, of one kind or of all. Read one kind at a time through the
    index (kind, published_at): across kinds PostgreSQL read and sorted every live listing,
    120 ms at 100,000 on each home page (issue 16's load test)."""
    live = Listing.objects.live().exclude(published_at=None)
    newest: list[tuple] = []
    for k in [kind] if kind else Listing.Kind.values:
        found = live.filter(kind=k).order_by("-published_at", "-pk")
        newest += found.values_list("published_at", "pk")[:limit]
    ids = [pk for _at, pk in sorted(newest, reverse=True)[:limit]]
    return list(
        Listing.objects.filter(pk__in=ids)
        .select_related("company", "category")
        .prefetch_related(
            Prefetch("images", queryset=ListingImage.objects.order_by("position", "id"))
        )
        .order_by("-published_at", "-pk")
    )


# --- Listings (issue 3: R-L1–R-L5) ---------------------------------------------------------


def company_listing_counts(company) -> dict[str, int]:
    """Listings of a company per status (every status present, 0 when none)."""
    from django.db.models import Count

    counts = dict.fromkeys(Listing.Status.values, 0)
    if company is None:
        return counts
    rows = (
        Listing.objects.filter(company=company).values("status").annotate(n=Count("id")).order_by()
    )
    for row in rows:
        counts[row["status"]] = row["n"]
    return counts


def listing_can_view(listing: Listing, user) -> bool:
    """Live listings for everyone; any status for the owner and staff (else a 404)."""
    if listing.status == Listing.Status.LIVE:
        return True
    if user is None or not user.is_authenticated:
        return False
    return bool(user.is_staff) or (
        user.company_id is not None and listing.company_id == user.company_id
    )


def listing_get_visible(*, listing_id: int, user, queryset=None) -> Listing:
    from .exceptions import ListingNotFound

    qs = queryset if queryset is not None else Listing.objects.all()
    listing = (
        qs.select_related("company", "category", "category__parent").filter(pk=listing_id).first()
    )
    if listing is None or not listing_can_view(listing, user):
        raise ListingNotFound()
    return listing


def listing_get_owned(*, listing_id: int, user) -> Listing:
    """The caller's own listing; another member's is a 404 (never a 403)."""
    from .exceptions import ListingNotFound

    company_id = getattr(user, "company_id", None)
    listing = (
        Listing.objects.select_related("company", "category", "category__parent")
        .filter(pk=listing_id, company_id=company_id)
        .first()
        if company_id
        else None
    )
    if listing is None:
        raise ListingNotFound()
    return listing


def company_listings(company, *, status: str | None = None):
    qs = (
        Listing.objects.filter(company=company)
        .select_related("category", "category__parent")
        .prefetch_related(
            Prefetch("images", queryset=ListingImage.objects.order_by("position", "id"))
        )
        .order_by("-updated_at", "-id")
    )
    if status:
        qs = qs.filter(status=status)
    return qs


def company_live_listings(company):
    """The live listings a company shows on its public page (newest first), each with its
    images in order (the first on the card)."""
    return (
        Listing.objects.live()
        .filter(company=company)
        .prefetch_related(
            Prefetch("images", queryset=ListingImage.objects.order_by("position", "id"))
        )
        .order_by("-published_at", "-id")
    )


def review_queue():
    """R-L4: pending listings, the nearest review deadline first."""
    from .models import ListingCheck

    return (
        Listing.objects.filter(status=Listing.Status.PENDING_REVIEW)
        .select_related("company", "category", "category__parent")
        .prefetch_related(Prefetch("checks", queryset=ListingCheck.objects.order_by("code")))
        .order_by("review_deadline", "id")
    )


def time_to_live_stats(*, days: int = 7, now=None) -> dict:
    """R-L4: median and p95 of submission → live over listings that went live in the last
    `days` days (seconds)."""
    from datetime import timedelta

    from django.utils import timezone

    from .review.deadline import median, percentile

    now = now or timezone.now()
    rows = Listing.objects.filter(
        went_live_at__gte=now - timedelta(days=days),
        went_live_at__lte=now,
        submitted_at__isnull=False,
    ).values_list("submitted_at", "went_live_at")
    seconds = [max(0.0, (live - sub).total_seconds()) for sub, live in rows]
    return {
        "count": len(seconds),
        "median_seconds": median(seconds),
        "p95_seconds": percentile(seconds, 95),
    }


def review_backlog() -> dict:
    """Pending listings (the status is indexed): how many, when the oldest was submitted, and
    when the oldest whose automatic checks have not run yet was (issue 16's metrics)."""
    from django.db.models import Count, Min, Q

    return Listing.objects.filter(status=Listing.Status.PENDING_REVIEW).aggregate(
        count=Count("id"),
        oldest_submitted_at=Min("submitted_at"),
        oldest_unchecked_at=Min("submitted_at", filter=Q(checked_at__isnull=True)),
    )


_TERMS_VERSION_KEY = "listings:terms-version"
# Per process: {model name: (version, checked at (monotonic), terms)}. The shared version in
# the cache is read at most once a second, so a worker sees a staff change within a second
# (at once in the process that made it) without a cache round trip per review.
_TERMS_FRESH_SECONDS = 1.0
_terms_memo: dict[str, tuple[object, float, list[str]]] = {}


def terms_changed() -> None:
    """Call after a prohibited or brand term is added, changed or removed."""
    import time

    from django.core.cache import cache

    cache.set(_TERMS_VERSION_KEY, time.time_ns(), None)
    _terms_memo.clear()


def _terms(model) -> list[str]:
    """The terms of a staff list, memoised per process until the list changes."""
    import time

    from django.core.cache import cache

    now = time.monotonic()
    memo = _terms_memo.get(model.__name__)
    if memo is not None and now - memo[1] < _TERMS_FRESH_SECONDS:
        return memo[2]
    version = cache.get(_TERMS_VERSION_KEY)
    if version is not None and memo is not None and memo[0] == version:
        _terms_memo[model.__name__] = (version, now, memo[2])
        return memo[2]
    if version is None:
        version = cache.get_or_set(_TERMS_VERSION_KEY, time.time_ns(), None)
    terms = list(model.objects.values_list("term", flat=True))
    _terms_memo[model.__name__] = (version, now, terms)
    return terms


def prohibited_terms() -> list[str]:
    """R-L3b: the staff-maintained prohibited-products list."""
    from .models import ProhibitedTerm

    return _terms(ProhibitedTerm)


def brand_terms() -> list[str]:
    """R-L3d: the staff-maintained brand list."""
    from .models import BrandTerm

    return _terms(BrandTerm)
