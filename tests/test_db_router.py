"""The read replica's router and middleware (marketplace/db_router.py, issue 16 part 2).

These tests give the test database a second alias, `replica`: another connection to the same
(committed, `transactional_db`) data, so what is observed is where each query went
(`CaptureQueriesContext` on each alias). A real streaming standby, its replication lag, and
stopping it are tests/integration/test_replica.py.
"""

from __future__ import annotations

import time

import pytest
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections
from django.db.utils import load_backend
from django.test.utils import CaptureQueriesContext
from django.urls import get_resolver
from rest_framework.authtoken.models import Token

from listings.models import Listing
from marketplace import db_router
from marketplace.db_router import REPLICA, ReplicaRouter, RequestState, is_replica_read
from marketplace.role_policy import need_for
from search.index import listing_reindex
from tests.factories import ListingFactory, UserFactory
from tests.integration.private_pg import free_port
from tests.members.test_roles import _names


@pytest.fixture(autouse=True)
def _replica_healthy():
    db_router._down_until = 0.0
    db_router._lag_checked_at = None
    yield
    db_router._down_until = 0.0
    db_router._lag_checked_at = None


def _add_replica(settings_dict: dict):
    """A connection made at run time (Django's test case allows those, unlike configured
    aliases a test did not declare)."""
    connections[REPLICA] = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(
        settings_dict, REPLICA
    )


def _drop_replica():
    connections[REPLICA].close()
    del connections[REPLICA]


@pytest.fixture
def replica(transactional_db, monkeypatch):
    """`replica`: a second connection to the test database."""
    _add_replica(dict(connections[DEFAULT_DB_ALIAS].settings_dict))
    monkeypatch.setattr(db_router, "replica_configured", lambda: True)
    try:
        yield connections[REPLICA]
    finally:
        _drop_replica()


@pytest.fixture
def dead_replica(transactional_db, monkeypatch):
    """`replica` on a port where nothing listens."""
    _add_replica({**connections[DEFAULT_DB_ALIAS].settings_dict, "PORT": free_port()})
    monkeypatch.setattr(db_router, "replica_configured", lambda: True)
    try:
        yield connections[REPLICA]
    finally:
        _drop_replica()


class _Queries:
    """Queries of one request, per alias."""

    def __init__(self, aliases=(DEFAULT_DB_ALIAS, REPLICA)):
        self.by_alias = {a: CaptureQueriesContext(connections[a]) for a in aliases}

    def __enter__(self):
        for c in self.by_alias.values():
            c.__enter__()
        return self

    def __exit__(self, *exc):
        for c in self.by_alias.values():
            c.__exit__(*exc)

    def count(self, alias: str) -> int:
        return len(self.by_alias[alias].captured_queries)


def _live_listing() -> Listing:
    listing = ListingFactory(title="供应优质不锈钢无缝钢管", keyword="无缝钢管")
    listing_reindex(listing_id=listing.pk)
    return listing


# --- the table ------------------------------------------------------------------------------


def test_every_replica_read_names_a_public_url():
    names = set(_names(get_resolver()))
    for pattern in db_router.REPLICA_READS:
        assert any(is_replica_read(n) for n in names if n == pattern or "*" in pattern), pattern
        assert pattern in names, f"{pattern}: no such URL name"
        # Colleague roles guard members' own pages; none of those may read a replica.
        assert need_for(pattern) is None, pattern
        assert not pattern.startswith(("admin:", "api-staff", "members:my")), pattern


@pytest.mark.parametrize(
    "name,expected",
    [
        ("search:search", True),
        ("api-search", True),
        ("listings:detail", True),
        ("storefront:home", True),
        ("credit:archive", True),
        ("listings:mine", False),
        ("members:dashboard", False),
        ("inquiries:inbox", False),
        ("api-listing", False),  # owners and staff see their pending listings there
        ("api-review-queue", False),
        ("api-search-health", False),
    ],
)
def test_replica_reads(name, expected):
    assert is_replica_read(name) is expected


# --- the router without a request -------------------------------------------------------------


def test_outside_a_request_everything_is_the_primary():
    router = ReplicaRouter()
    assert router.db_for_read(Listing) is None
    assert router.db_for_write(Listing) == DEFAULT_DB_ALIAS
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "listings") is True
    assert router.allow_migrate(REPLICA, "listings") is False


def test_an_eligible_request_reads_from_the_replica(monkeypatch):
    monkeypatch.setattr(db_router, "_probe", lambda: True)
    token = db_router._state.set(RequestState(replica=True))
    try:
        router = ReplicaRouter()
        assert router.db_for_read(Listing) == REPLICA
        primary_row = Listing()
        primary_row._state.db = DEFAULT_DB_ALIAS
        assert router.db_for_read(Listing, instance=primary_row) == DEFAULT_DB_ALIAS
        assert router.db_for_write(Listing) == DEFAULT_DB_ALIAS
        assert db_router._state.get().used
    finally:
        db_router._state.reset(token)


def test_a_replica_that_refuses_is_left_alone_for_a_while(dead_replica, settings, monkeypatch):
    settings.DATABASE_REPLICA_RETRY_SECONDS = 30
    started = time.monotonic()
    assert db_router._probe() is False
    assert db_router.replica_down()
    tried = []
    # On the replica's connection only: the class is the primary's too.
    monkeypatch.setattr(dead_replica, "ensure_connection", lambda: tried.append(1))
    assert db_router._probe() is False and tried == []  # not tried again meanwhile
    assert time.monotonic() - started < 5


def test_a_server_not_in_recovery_has_no_lag(replica):
    assert db_router.replica_lag_seconds() == 0.0  # the mirror is the primary itself


def test_a_replica_lagging_past_the_limit_is_left_alone(replica, client, settings, monkeypatch):
    """The lag itself on a real standby with replay paused: tests/integration/test_replica.py."""
    settings.DATABASE_REPLICA_MAX_LAG_SECONDS = 30
    settings.DATABASE_REPLICA_RETRY_SECONDS = 60
    lags, asked = [30.0], []
    monkeypatch.setattr(db_router, "replica_lag_seconds", lambda conn: asked.append(1) or lags[0])
    listing = _live_listing()
    with _Queries() as q:
        assert client.get(f"/listings/{listing.pk}/").status_code == 200
    assert q.count(REPLICA) > 0 and asked == [1]  # at the limit: still served
    with _Queries() as q:
        assert client.get(f"/listings/{listing.pk}/").status_code == 200
    assert q.count(REPLICA) > 0 and asked == [1]  # asked once per retry window, not per request
    db_router._lag_checked_at = None
    lags[0] = 31.0  # one second past the limit
    with _Queries() as q:
        assert client.get(f"/listings/{listing.pk}/").status_code == 200
    assert q.count(REPLICA) == 0 and db_router.replica_down()


def test_the_lag_check_can_be_switched_off(replica, settings, monkeypatch):
    settings.DATABASE_REPLICA_MAX_LAG_SECONDS = 0
    monkeypatch.setattr(db_router, "replica_lag_seconds", lambda conn: pytest.fail("asked"))
    assert db_router._probe() is True


# --- requests -----------------------------------------------------------------------------------


def test_visitors_public_pages_and_search_read_from_the_replica(replica, client):
    listing = _live_listing()
    for path in (
        f"/listings/{listing.pk}/",
        "/search/?q=钢管",
        "/api/v1/search/?q=钢管",
        f"/companies/{listing.company.member_id}/",
    ):
        with _Queries() as q:
            response = client.get(path)
        assert response.status_code == 200, path
        assert q.count(REPLICA) > 0, path
    body = client.get("/api/v1/search/?q=钢管").json()
    assert [r["id"] for r in body["results"]] == [listing.pk]
    # The search prepared its statements on the replica's connection.
    with replica.cursor() as cur:
        cur.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE name LIKE 'listing_search_%'"
        )
        assert cur.fetchone()[0] > 0


def test_members_own_pages_staff_and_writes_stay_on_the_primary(replica, client):
    listing = _live_listing()
    staff = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    with _Queries() as q:
        assert client.get(f"/listings/{listing.pk}/").status_code == 200
    assert q.count(REPLICA) == 0 and q.count(DEFAULT_DB_ALIAS) > 0
    member = UserFactory()
    client.force_login(member)
    with _Queries() as q:
        assert client.get("/my/listings/").status_code == 200
    assert q.count(REPLICA) == 0


def test_a_member_who_wrote_reads_from_the_primary_for_the_sticky_window(replica, client, settings):
    settings.DATABASE_REPLICA_STICKY_SECONDS = 1
    listing = _live_listing()
    client.force_login(UserFactory())
    with _Queries() as q:
        assert client.get(f"/listings/{listing.pk}/").status_code == 200
    assert q.count(REPLICA) > 0  # signed in, not written: the replica
    response = client.post(
        "/api/v1/favourites/", {"listing": listing.pk}, content_type="application/json"
    )
    assert response.status_code == 201
    assert db_router.STICKY_COOKIE in response.cookies
    with _Queries() as q:
        assert client.get(f"/listings/{listing.pk}/").status_code == 200
        assert client.get("/api/v1/search/?q=钢管").status_code == 200
    assert q.count(REPLICA) == 0
    time.sleep(2.1)  # the signed cookie's age is checked in whole seconds
    with _Queries() as q:
        assert client.get(f"/listings/{listing.pk}/").status_code == 200
    assert q.count(REPLICA) > 0


def test_an_api_token_caller_who_wrote_reads_from_the_primary(replica, api_client):
    listing = _live_listing()
    user = UserFactory()
    token = Token.objects.create(user=user)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    with _Queries() as q:
        assert api_client.get("/api/v1/search/?q=钢管").status_code == 200
    assert q.count(REPLICA) > 0
    tables = " ".join(x["sql"] for x in q.by_alias[REPLICA].captured_queries)
    assert "authtoken_token" not in tables  # who the caller is: from the primary
    api_client.post("/api/v1/favourites/", {"listing": listing.pk}, format="json")
    api_client.cookies.clear()  # a program without a cookie jar: the token alone
    with _Queries() as q:
        assert api_client.get("/api/v1/search/?q=钢管").status_code == 200
    assert q.count(REPLICA) == 0


def test_replica_refusing_connections_visitors_read_from_the_primary(dead_replica, client):
    listing = ListingFactory()
    with _Queries([DEFAULT_DB_ALIAS]) as q:  # capturing would connect to the replica
        response = client.get(f"/listings/{listing.pk}/")
    assert response.status_code == 200
    assert q.count(DEFAULT_DB_ALIAS) > 0
    assert db_router.replica_down()


def test_replica_failing_in_the_middle_of_a_request_the_page_is_read_again_from_the_primary(
    replica, client, monkeypatch
):
    listing = _live_listing()

    def broken(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    replica.ensure_connection()
    monkeypatch.setattr(replica, "create_cursor", broken)
    monkeypatch.setattr(replica, "is_usable", lambda: False)
    for path in (f"/listings/{listing.pk}/", "/api/v1/search/?q=钢管"):
        db_router._down_until = 0.0
        with _Queries() as q:
            response = client.get(path)
        assert response.status_code == 200, (path, response.content[:300])
        assert q.count(DEFAULT_DB_ALIAS) > 0
        assert db_router.replica_down()


def test_without_a_replica_nothing_changes(client, db):
    assert not db_router.replica_configured()
    listing = ListingFactory()
    response = client.get(f"/listings/{listing.pk}/")
    assert response.status_code == 200
    assert db_router.STICKY_COOKIE not in response.cookies
