"""Visitors' public pages served from the cache (marketplace/page_cache.py, issue 16 part 1)."""

from __future__ import annotations

import re
import time

import pytest
from django.test import Client
from django.urls import get_resolver

from marketplace import page_cache
from marketplace.role_policy import need_for
from search.index import listing_reindex
from storefront import host_urls
from tests.factories import ListingFactory, TrustPassPeriodFactory, UserFactory
from tests.members.test_roles import _names

TOKEN_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def cached(settings, db):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 30


def _live(title: str, keyword: str, **kwargs):
    listing = ListingFactory(title=title, keyword=keyword, **kwargs)
    listing_reindex(listing_id=listing.pk)
    return listing


def _without_tokens(html: str) -> str:
    return TOKEN_RE.sub("", html)


def test_every_cached_page_names_a_public_page():
    names = set(_names(get_resolver())) | set(_names(get_resolver(host_urls.__name__)))
    for name in page_cache.CACHED_PAGES:
        assert name in names, f"{name}: no such URL name"
        assert need_for(name) is None, name  # not a member's own page
        assert not name.startswith(("admin:", "api", "members:my", "listings:")), name


def test_a_visitor_gets_the_kept_page_with_a_token_of_their_own(cached, client):
    _live("供应优质不锈钢无缝钢管", "无缝钢管")
    first = client.get("/search/?q=钢管")
    assert first.status_code == 200 and first[page_cache.HEADER] == "miss"
    other = Client()  # another visitor, no cookies yet
    second = other.get("/search/?q=钢管")
    assert second.status_code == 200 and second[page_cache.HEADER] == "hit"
    html = second.content.decode()
    assert "供应优质不锈钢无缝钢管" in html
    assert _without_tokens(html) == _without_tokens(first.content.decode())
    # The served page's forms carry the second visitor's own token, and posting one works.
    tokens = set(TOKEN_RE.findall(html))
    assert tokens and "\x00" not in html
    assert "csrftoken" in second.cookies
    checking = Client(enforce_csrf_checks=True)
    checking.cookies = other.cookies
    posted = checking.post(
        "/i18n/setlang/",
        {"language": "en", "next": "/", "csrfmiddlewaretoken": tokens.pop()},
    )
    assert posted.status_code == 302


def test_kept_pages_are_per_address_language_and_host(cached, client):
    _live("供应优质不锈钢无缝钢管", "无缝钢管")
    assert client.get("/search/?q=钢管")[page_cache.HEADER] == "miss"
    assert client.get("/search/?q=钢管&page=1")[page_cache.HEADER] == "miss"
    english = Client(HTTP_ACCEPT_LANGUAGE="en")
    page = english.get("/search/?q=钢管")
    assert page[page_cache.HEADER] == "miss" and 'lang="en"' in page.content.decode()
    assert english.get("/search/?q=钢管")[page_cache.HEADER] == "hit"
    assert Client().get("/search/?q=钢管")[page_cache.HEADER] == "hit"
    assert 'lang="zh-hans"' in Client().get("/search/?q=钢管").content.decode()


def test_what_a_visitor_is_shown_may_be_up_to_the_setting_old(settings, db, client):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 1
    assert client.get("/search/?q=钢管")[page_cache.HEADER] == "miss"
    _live("供应优质不锈钢无缝钢管", "无缝钢管")
    stale = client.get("/search/?q=钢管")
    assert stale[page_cache.HEADER] == "hit"
    assert "供应优质不锈钢无缝钢管" not in stale.content.decode()
    member = Client()
    member.force_login(UserFactory())
    own = member.get("/search/?q=钢管")  # signed in: always rendered
    assert page_cache.HEADER not in own and "供应优质不锈钢无缝钢管" in own.content.decode()
    time.sleep(1.1)
    fresh = client.get("/search/?q=钢管")
    assert fresh[page_cache.HEADER] == "miss"
    assert "供应优质不锈钢无缝钢管" in fresh.content.decode()


def test_signed_in_members_neither_get_nor_leave_kept_pages(cached):
    member = Client()
    member.force_login(UserFactory())
    for _ in range(2):
        page = member.get("/search/?q=钢管")
        assert page.status_code == 200 and page_cache.HEADER not in page
    assert Client().get("/search/?q=钢管")[page_cache.HEADER] == "miss"


def test_a_visitor_with_a_session_or_a_token_is_served_fresh(cached, client):
    assert client.get("/")[page_cache.HEADER] == "miss"
    with_session = Client()
    with_session.cookies["sessionid"] = "whatever"
    assert page_cache.HEADER not in with_session.get("/")
    assert page_cache.HEADER not in Client().get("/", HTTP_AUTHORIZATION="Token abc")
    assert Client().get("/")[page_cache.HEADER] == "hit"


def test_only_found_pages_of_the_table_are_kept(cached, client):
    listing = _live("供应优质不锈钢无缝钢管", "无缝钢管")
    for _ in range(2):
        assert client.get("/companies/nobody-here/").status_code == 404
    assert client.get("/companies/nobody-here/")[page_cache.HEADER] == "miss"
    # A listing page counts a view each time (R-L5): never kept.
    for _ in range(2):
        page = client.get(f"/listings/{listing.pk}/")
        assert page.status_code == 200 and page_cache.HEADER not in page
    assert page_cache.HEADER not in client.get("/api/v1/search/?q=钢管")
    company = listing.company.member_id
    assert client.get(f"/companies/{company}/")[page_cache.HEADER] == "miss"
    assert client.get(f"/companies/{company}/")[page_cache.HEADER] == "hit"
    assert client.get(f"/companies/{company}/credit/")[page_cache.HEADER] == "miss"


def test_a_storefront_is_kept_per_host(cached, client):
    first = ListingFactory().company
    second = ListingFactory().company
    for company in (first, second):
        TrustPassPeriodFactory(company=company)
    one = client.get("/", HTTP_HOST=f"{first.member_id}.shop.localhost")
    assert one.status_code == 200 and one[page_cache.HEADER] == "miss"
    two = client.get("/", HTTP_HOST=f"{second.member_id}.shop.localhost")
    assert two.status_code == 200 and two[page_cache.HEADER] == "miss"
    again = client.get("/", HTTP_HOST=f"{first.member_id}.shop.localhost")
    assert again[page_cache.HEADER] == "hit"
    assert first.name in again.content.decode() and second.name not in again.content.decode()


def test_switched_off_nothing_is_kept(settings, db, client):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    for _ in range(2):
        assert page_cache.HEADER not in client.get("/")
