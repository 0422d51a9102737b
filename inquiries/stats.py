"""Listing statistics (R-L5): views once per visitor per day, not owner, staff or bots.

The listing detail view calls `listing_view_record(listing=, request=)` on every display.
"""

from __future__ import annotations

import hashlib
import re

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone

# Obvious robots: self-declared crawlers and HTTP libraries. Real browsers (also headless
# ones a person drives through a test) still count.
BOT_USER_AGENT = re.compile(
    r"bot\b|bot/|crawl|spider|slurp|baiduspider|yandex|bingpreview|facebookexternalhit|"
    r"mediapartners|\bcurl/|wget/|python-requests|python-urllib|aiohttp|httpx|"
    r"go-http-client|java/|okhttp|libwww|scrapy|httpclient|axios/|node-fetch|"
    r"headlesschrome.*(lighthouse|pagespeed)|monitor|uptime|pingdom|preview",
    re.IGNORECASE,
)


def is_bot(user_agent: str | None) -> bool:
    """R-L5: an empty user agent or one that names a robot or an HTTP library."""
    ua = (user_agent or "").strip()
    return not ua or bool(BOT_USER_AGENT.search(ua))


def _client_ip(request) -> str:
    # X-Forwarded-For counts only as far as our trusted proxies wrote it (issue 17).
    from marketplace.clients import client_ip

    return client_ip(request)


def visitor_key(request) -> str:
    """Who is viewing: the account when signed in, else a hash of address and browser."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"u:{user.pk}"
    raw = f"{_client_ip(request)}|{request.META.get('HTTP_USER_AGENT', '')}|{settings.SECRET_KEY}"
    return "a:" + hashlib.sha256(raw.encode()).hexdigest()[:40]


def view_counts(request, listing) -> bool:
    """Whether this request may count as a view at all (R-L5): not owner, staff or bot."""
    if is_bot(request.META.get("HTTP_USER_AGENT")):
        return False
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        if user.is_staff:
            return False
        if user.company_id is not None and user.company_id == listing.company_id:
            return False
    return True


def listing_view_record(*, listing, request) -> bool:
    """Count one view of `listing` by this request's visitor; True when it counted."""
    from .models import ListingView

    if listing is None or listing.pk is None or not view_counts(request, listing):
        return False
    day = timezone.localdate()
    visitor = visitor_key(request)
    # The cache spares the database a write for every repeated page view of the day.
    seen_key = f"listing-view:{listing.pk}:{day.isoformat()}:{visitor}"
    if cache.get(seen_key):
        return False
    try:
        with transaction.atomic():
            _, created = ListingView.objects.get_or_create(
                listing_id=listing.pk, day=day, visitor=visitor
            )
    except IntegrityError:  # a parallel request of the same visitor counted it
        created = False
    cache.set(seen_key, 1, timeout=26 * 3600)
    return created
