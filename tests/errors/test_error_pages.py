"""Issue 15: 400/403/404/500 pages in the site's look, in Chinese, each with a search box
and a way home, answered with DEBUG off as in production; the favicon; the footer."""

import re

import pytest
from django.db import connections
from django.test import Client

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PAGES = {
    400: "请求有误",
    403: "没有访问权限",
    404: "抱歉，您要找的页面不存在",
    500: "服务器出了点问题",
}


@pytest.fixture
def site(settings):
    settings.DEBUG = False
    settings.ROOT_URLCONF = "tests.errors.urls"
    client = Client(raise_request_exception=False)
    return client


def _assert_error_page(response, code):
    assert response.status_code == code
    html = response.content.decode()
    assert PAGES[code] in html and f">{code}<" in html
    form = re.search(
        r'<form class="search-box error-search" action="/search/"[^>]*>(.*?)</form>', html, re.S
    )
    assert form and 'name="q"' in form.group(1) and 'type="submit"' in form.group(1)
    assert re.search(r'<a class="button" href="/" data-testid="error-home">返回首页</a>', html)
    assert '<html lang="zh-hans"' in html or '<html lang="zh-hans">' in html
    assert "site.css" in html and "favicon.ico" in html and "site-footer" in html
    assert "Traceback" not in html and "something broke" not in html
    return html


@pytest.mark.parametrize("code", [400, 403, 404, 500])
def test_each_error_page_has_the_site_look_a_search_box_and_a_way_home(site, code):
    _assert_error_page(site.get(f"/boom/{code}/"), code)


def test_a_failed_csrf_check_is_explained_in_the_site_look(settings):
    settings.DEBUG = False
    response = Client(enforce_csrf_checks=True).post("/login/", {"username": "x"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "页面已过期" in html and 'action="/search/"' in html and "site-footer" in html


def test_an_unknown_address_and_a_missing_listing_are_the_friendly_404(site):
    _assert_error_page(site.get("/no/such/page/"), 404)
    _assert_error_page(site.get("/listings/999999/"), 404)


def test_the_404_page_knows_the_signed_in_member(site):
    user = UserFactory()
    site.force_login(user)
    html = _assert_error_page(site.get("/no/such/page/"), 404)
    assert user.username in html  # it is the site's own page, header and all


def test_the_500_page_does_not_touch_the_database(site, django_assert_max_num_queries):
    from django.template import loader

    with django_assert_max_num_queries(0):
        html = loader.get_template("500.html").render()
    assert PAGES[500] in html and 'action="/search/"' in html
    connections.close_all()


def test_favicon_answers(site):
    response = site.get("/favicon.ico", follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[0][0].endswith("favicon.ico")
    assert response.redirect_chain[0][1] == 301
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body[:4] == b"\x00\x00\x01\x00"  # an ICO file


def test_pages_link_the_favicon(site):
    html = site.get("/").content.decode()
    assert 'rel="icon"' in html and "favicon.ico" in html
