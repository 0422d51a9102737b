"""Visitors' public pages served from the cache for a few seconds (issue 16, part 1).

The search, category and buy-lead pages, the home page, company pages, credit archives and
storefronts look the same to every visitor who is not signed in, and they are most of what
visitors ask for; under load, rendering them again for each visitor is where the web
processes' CPU goes (README, Performance). So for `PUBLIC_PAGE_CACHE_SECONDS` (30; 0 switches
it off) one rendering of such a page is kept in the cache and given to the next visitors who
ask for the same address, in the same language, on the same host.

Only what cannot differ between visitors is kept or served:

- the request: GET, a URL name of `CACHED_PAGES`, nobody signed in, no session or messages
  cookie (a visitor with a session may have a message waiting or a form in progress), no
  `Authorization` header;
- the response: 200, HTML, not streamed, setting no cookie, no message queued, not marked
  `private`/`no-store`;
- the page's CSRF token (the language menu is a POST form on every page) is taken out before
  the page is kept and the visitor's own token is put in when it is served, so every form of
  a served page posts as if it had been rendered for them.

What is kept can be up to that many seconds old: a listing published, changed or withdrawn
reaches visitors' search and company pages that much later, as the read replica's lag does;
members and staff (signed in) always get fresh pages, so nobody misses their own change.
Listing pages are not kept: each display counts as a view of the listing (R-L5).
A lost or unreachable cache only means rendering again (marketplace/cache.py fails soft).
Every response of a cacheable page says `X-Page-Cache: hit` or `miss` (the load test counts
them).
"""

from __future__ import annotations

import hashlib
import re
import zlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import translation
from django.utils.cache import get_max_age

# URL names whose GET by a visitor may be served from the cache (page views with no side
# effect). tests/test_page_cache.py checks each names a URL of the site or of a shop host.
CACHED_PAGES: frozenset[str] = frozenset(
    {
        "home",
        "search:search",
        "search:category",
        "search:buy_leads",
        "members:company",
        "credit:archive",
        "storefront:home",
        "storefront:products",
        "storefront:introduction",
        "storefront:credit",
        "storefront:contact",
    }
)
HEADER = "X-Page-Cache"
_KEY_PREFIX = "page:v1:"
_TOKEN_PLACEHOLDER = "\x00csrf\x00"
_TOKEN_RE = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')
# Headers of the view's own response that are kept; the middlewares around this one
# (security, CSP, language, CSRF cookie, …) add theirs to a served page as to any other.
_KEPT_HEADERS = ("Content-Type", "X-Robots-Tag", "Link")


def cache_seconds() -> int:
    return int(getattr(settings, "PUBLIC_PAGE_CACHE_SECONDS", 0))


def _visitor(request) -> bool:
    if request.method != "GET" or request.META.get("HTTP_AUTHORIZATION"):
        return False
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or "messages" in cookies:
        return False
    user = getattr(request, "user", None)
    return user is None or not user.is_authenticated


def _key(request) -> str:
    raw = "|".join((request.get_host(), translation.get_language() or "", request.get_full_path()))
    return _KEY_PREFIX + hashlib.sha256(raw.encode()).hexdigest()


def _keepable(request, response) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if not response.get("Content-Type", "").startswith("text/html"):
        return False
    cache_control = response.get("Cache-Control", "")
    if "private" in cache_control or "no-store" in cache_control or get_max_age(response) == 0:
        return False
    storage = getattr(request, "_messages", None)
    if storage is not None and getattr(storage, "added_new", False):
        return False
    session = getattr(request, "session", None)
    return session is None or not session.modified


class PublicPageCacheMiddleware:
    """The last middleware: sees the view's own response, and a page it serves goes out
    through every other middleware like a rendered one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        key = getattr(request, "_page_cache_key", None)
        if key is None or response.get(HEADER):
            return response
        response[HEADER] = "miss"
        if _keepable(request, response):
            body = _TOKEN_RE.sub(
                lambda m: m.group(1) + _TOKEN_PLACEHOLDER + m.group(2),
                response.content.decode(response.charset),
            )
            headers = {h: response[h] for h in _KEPT_HEADERS if h in response}
            cache.set(key, (headers, zlib.compress(body.encode(), 1)), cache_seconds())
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if cache_seconds() <= 0 or not _visitor(request):
            return None
        match = getattr(request, "resolver_match", None)
        if match is None or match.view_name not in CACHED_PAGES:
            return None
        request._page_cache_key = key = _key(request)
        kept = cache.get(key)
        if kept is None:
            return None
        headers, compressed = kept
        body = zlib.decompress(compressed).decode()
        if _TOKEN_PLACEHOLDER in body:
            body = body.replace(_TOKEN_PLACEHOLDER, get_token(request))
        response = HttpResponse(body)
        for name, value in headers.items():
            response[name] = value
        response[HEADER] = "hit"
        return response
