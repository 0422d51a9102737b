"""The pooler (issue 16, part 3): the site through a real PgBouncer (Debian's package) in
session mode in front of the test PostgreSQL server, as the README's production setup asks
(tests/integration/private_pgbouncer.py; `make load` runs the same configuration under load).

- the search's prepared statements (search/prepared.py) live in the server session a client
  connection keeps: prepared by the first search, used by the next on the same connection;
  a client that leaves has its session reset (`DISCARD ALL`), so the next client to get that
  server connection starts with none and prepares its own, without an error (the same test
  with `pool_mode = transaction` fails there: "prepared statement listing_search_0 already
  exists", which is why the README asks for session mode);
- gunicorn with kept connections (`CONN_MAX_AGE`) through it answers the search API and
  page, the listing and /readyz, request after request.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request

import pytest
from django.db import connection

from search.index import listing_reindex
from tests.factories import ListingFactory
from tests.integration.conftest import ROOT, _database_url, start_gunicorn, stop
from tests.integration.private_pgbouncer import PrivatePgBouncer

pytestmark = pytest.mark.integration

PREPARED_CHECK = """
import json
from django.db import connection
from search.selectors import listing_search

def prepared():
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM pg_prepared_statements WHERE name LIKE 'listing_search_%'")
        return cur.fetchone()[0]

connection.ensure_connection()
out = {"before": prepared()}
out["first"] = [h.listing.pk for h in listing_search(q="无缝钢管").hits]
out["after_first"] = prepared()
out["again"] = [h.listing.pk for h in listing_search(q="无缝钢管").hits]
out["after_again"] = prepared()
print("RESULT " + json.dumps(out))
"""


@pytest.fixture(scope="module")
def bouncer():
    pooler = PrivatePgBouncer(_database_url())
    try:
        pooler.start()
        yield pooler
    finally:
        pooler.destroy()  # closes its server connections before the test database is dropped


def _env(url: str, tmp_path) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "marketplace.settings.local",
        "DATABASE_URL": url,
        "REDIS_URL": "",  # tasks in-process, cache in memory: the pooler is the subject
        "CONN_MAX_AGE": "600",
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "MEDIA_ROOT": str(tmp_path),
        "PUBLIC_PAGE_CACHE_SECONDS": "0",  # every page read through the pooler
        "LOG_LEVEL": "WARNING",
        "LOG_FORMAT": "text",
    }


def _get(base: str, path: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(base + path, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()
    except OSError:
        return 0, b""


@pytest.mark.django_db(transaction=True)
def test_the_site_through_pgbouncer_in_session_mode(bouncer, tmp_path):
    listing = ListingFactory(title="供应优质不锈钢无缝钢管", keyword="无缝钢管")
    listing_reindex(listing_id=listing.pk)
    env = _env(bouncer.url(connection.settings_dict["NAME"]), tmp_path)

    # 1. Prepared statements per client connection; two clients one after the other.
    for client in ("first client", "second client"):
        result = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", PREPARED_CHECK],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert result.returncode == 0, (client, result.stderr[-3000:], bouncer.log())
        found = json.loads(result.stdout.split("RESULT ", 1)[1])
        assert found["before"] == 0, (client, found)  # a fresh or DISCARD ALL'd session
        assert found["first"] == found["again"] == [listing.pk], (client, found)
        assert found["after_first"] > 0, (client, found)
        assert found["after_again"] == found["after_first"], (client, found)  # reused

    # 2. The site with kept connections through the pooler.
    log_path = tmp_path / "gunicorn.log"
    proc, base = start_gunicorn(env, log_path, workers=2)
    try:
        query = urllib.parse.quote("无缝钢管")
        for _ in range(10):  # both workers, each on its kept connection
            status, body = _get(base, f"/api/v1/search/?q={query}")
            assert status == 200, body[-2000:]
            assert [r["id"] for r in json.loads(body)["results"]] == [listing.pk]
            status, body = _get(base, f"/search/?q={query}")
            assert status == 200 and "供应优质不锈钢无缝钢管" in body.decode()
            assert _get(base, f"/listings/{listing.pk}/")[0] == 200
        status, body = _get(base, "/readyz")
        assert status == 200, body
        assert json.loads(body)["database"] == "ok"
    finally:
        stop(proc)
    text = log_path.read_text(errors="replace")
    assert "Traceback" not in text, text[-4000:]
