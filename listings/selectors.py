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
    qs = (
        Listing.objects.live()
        .select_related("company", "category")
        .prefetch_related(
            Prefetch("images", queryset=ListingImage.objects.order_by("position", "id"))
        )
    )
    if kind:
        qs = qs.filter(kind=kind)
    return list(qs.order_by("-published_at")[:limit])
