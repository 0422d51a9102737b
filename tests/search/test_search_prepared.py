"""The search's statements are prepared once per connection (search.prepared)."""

import pytest
from django.db import connection

from search import prepared as search_prepared
from search.index import listing_reindex
from search.selectors import listing_search
from tests.factories import ListingFactory

pytestmark = pytest.mark.django_db


def _prepared_names() -> set[str]:
    with connection.cursor() as cur:
        cur.execute("SELECT name FROM pg_prepared_statements WHERE name LIKE 'listing_search_%'")
        return {r[0] for r in cur.fetchall()}


def test_named_parameters_become_numbered_once_each():
    sql, names = search_prepared.positional(
        "SELECT 1 WHERE a = %(x)s AND b = %(y)s AND c = %(x)s AND d LIKE 'a%%'"
    )
    assert sql == "SELECT 1 WHERE a = $1 AND b = $2 AND c = $1 AND d LIKE 'a%'"
    assert names == ("x", "y")


def test_a_statement_is_prepared_once_and_gives_the_values_answer():
    sql = "SELECT %(a)s::int + %(b)s::int, %(a)s::int"
    with connection.cursor() as cur:
        search_prepared.execute(cur, sql, {"a": 2, "b": 3})
        assert cur.fetchall() == [(5, 2)]
        prepared = _prepared_names()
        search_prepared.execute(cur, sql, {"a": 10, "b": -1})
        assert cur.fetchall() == [(9, 10)]
    assert _prepared_names() == prepared  # the second run prepared nothing new


def test_settings_are_part_of_the_key_and_apply_to_the_statement():
    sql = "SELECT current_setting('work_mem'), current_setting('plan_cache_mode')"
    with connection.cursor() as cur:
        search_prepared.execute(cur, sql, {}, settings="SET LOCAL work_mem = '8MB'; ")
        assert cur.fetchall() == [("8MB", "force_generic_plan")]
        search_prepared.execute(
            cur, sql, {}, settings="SET LOCAL work_mem = '16MB'; ", generic=False
        )
        assert cur.fetchall() == [("16MB", "force_custom_plan")]


def test_past_the_limit_statements_are_sent_as_they_are(monkeypatch):
    with connection.cursor() as cur:
        search_prepared.execute(cur, "SELECT %(n)s::int", {"n": 1})  # the connection is known
        monkeypatch.setattr(search_prepared, "MAX_PREPARED", 0)
        before = _prepared_names()
        search_prepared.execute(cur, "SELECT %(n)s::int * 7", {"n": 6})
        assert cur.fetchall() == [(42,)]
    assert _prepared_names() == before


def test_searches_prepare_their_statements_once_and_find_the_same():
    listing = ListingFactory(title="不锈钢无缝钢管", keyword="无缝钢管")
    listing_reindex(listing_id=listing.pk)
    first = listing_search(q="钢管")
    prepared = _prepared_names()
    assert prepared  # the stale read, the reads of each group and the cards
    again = listing_search(q="钢管")
    assert [h.listing.pk for h in first.hits] == [h.listing.pk for h in again.hits] == [listing.pk]
    assert _prepared_names() == prepared
