"""PostgreSQL away → 503 with Retry-After, never Django's 500 (issue 17, item 6).

`database_down` makes every connection attempt of this process fail as a stopped server
does (OperationalError "Connection refused"); tests/integration/test_database_down.py does
the same with a real PostgreSQL stopped and started again under gunicorn.
"""

import logging
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import InterfaceError, OperationalError, connections
from django.test import Client
from rest_framework.authtoken.models import Token

from marketplace import availability
from tests.factories import CompanyFactory, TrustPassPeriodFactory, UserFactory

DETAIL = "系统暂时无法访问数据库，请稍后重试。"
ROOT = Path(__file__).resolve().parent.parent
REFUSED = 'connection to server at "127.0.0.1", port 5432 failed: Connection refused'


def _refuse(self):
    raise OperationalError(REFUSED)


@pytest.fixture
def take_database_down(db):
    """Call it to make every connection attempt fail; undone before `db` rolls back."""
    with pytest.MonkeyPatch.context() as patch:

        def take_down():
            patch.setattr(type(connections["default"]), "ensure_connection", _refuse)
            patch.setattr(availability, "_last_warning", 0.0)  # the first warning is logged

        yield take_down


@pytest.fixture
def database_down(take_database_down):
    take_database_down()


def _assert_api_503(response):
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"code": "service_unavailable", "detail": DETAIL, "rule": None}


def _assert_page_503(response):
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert response["Content-Type"] == "text/html; charset=utf-8"
    page = response.content.decode()
    assert "服务暂时不可用（503）" in page
    assert DETAIL in page
    assert "/static/css/site.css" in page
    assert "no-store" in response["Cache-Control"]


def test_api_view_answers_503_json(database_down, client):
    _assert_api_503(client.get("/api/v1/categories/"))


def test_api_authentication_meeting_the_outage_answers_503_json(take_database_down, client):
    token = Token.objects.create(user=UserFactory())
    take_database_down()
    response = client.get("/api/v1/categories/", HTTP_AUTHORIZATION=f"Token {token.key}")
    _assert_api_503(response)


def test_api_closed_connection_interface_error_answers_503(db, monkeypatch, client):
    def closed(*args, **kwargs):
        raise InterfaceError("connection already closed")

    monkeypatch.setattr("listings.selectors.category_tree", closed)
    _assert_api_503(client.get("/api/v1/categories/"))


def test_page_answers_the_503_page(database_down, client):
    _assert_page_503(client.get("/search/", {"q": "钢管"}))


def test_page_of_a_signed_in_member_renders_503_without_the_database(take_database_down):
    """The member's session and user would be read by base.html's context processors: the
    503 page must not need them (it would raise again and end as a 500)."""
    client = Client()
    client.force_login(UserFactory())
    take_database_down()
    for path in ("/", "/search/?q=钢管", "/my/"):
        _assert_page_503(client.get(path))


def test_outage_met_in_a_middleware_answers_503(database_down, caplog):
    """The storefront host check looks the company up before any view: Django turns that
    into a 500 inside the middleware chain; the outermost middleware replaces it."""
    client = Client(raise_request_exception=False)
    with caplog.at_level(logging.WARNING):
        page = client.get("/", HTTP_HOST="co9999.shop.localhost")
        api = client.get("/api/v1/categories/", HTTP_HOST="co9999.shop.localhost")
    _assert_page_503(page)
    _assert_api_503(api)
    # The cause once, as one line; no traceback for each request.
    assert not [r for r in caplog.records if r.exc_info]
    warnings = [r for r in caplog.records if r.name == "marketplace.availability"]
    assert len(warnings) == 1
    assert "Connection refused" in warnings[0].getMessage()


def test_other_errors_are_still_500(db, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr("marketplace.views.listing_selectors.category_tree", broken)
    response = Client(raise_request_exception=False).get("/")
    assert response.status_code == 500
    assert "Retry-After" not in response


def test_database_up_again_the_same_pages_answer(db, client):
    TrustPassPeriodFactory(company=CompanyFactory(member_id="co9998"))  # its storefront is online
    assert client.get("/api/v1/categories/").status_code == 200
    assert client.get("/search/", {"q": "钢管"}).status_code == 200
    assert client.get("/", HTTP_HOST="co9998.shop.localhost").status_code == 200


def _database_options(url: str, **extra) -> dict:
    code = (
        "import json, django; from django.conf import settings as s; django.setup();"
        "print(json.dumps(s.DATABASES['default'].get('OPTIONS', {})))"
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "marketplace.settings.local",
        "DATABASE_URL": url,
        **extra,
    }
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, env=env, check=True
    )
    import json

    return json.loads(out.stdout.strip().splitlines()[-1])


def test_connect_timeout_for_postgresql_only():
    url = "postgres://postgres@127.0.0.1:5432/x"
    assert _database_options(url) == {"connect_timeout": 3}
    assert _database_options(url, DATABASE_CONNECT_TIMEOUT="5") == {"connect_timeout": 5}
    assert _database_options("sqlite:////tmp/x.sqlite3") == {}
