"""A real read replica (issue 16, part 2): a PostgreSQL primary and a streaming hot standby
made with Debian's `pg_basebackup -R` (tests/integration/private_pg.py; the machine's server on
5432 is never touched), and gunicorn serving the site on them with DATABASE_REPLICA_URL set
(marketplace/db_router.py).

What a request read from is seen by pausing the standby's WAL replay
(`pg_wal_replay_pause()`): what the primary commits then is missing on the replica only.

- a published listing reaches the replica's search once replayed;
- the sticky window: the member who just posted finds the listing at once (primary), a
  visitor does not (replica, paused); once the window is over the member reads the replica too;
- the replica stopped: visitors' pages and the search API answer 200 from the primary, /readyz
  names the replica, writes go on; started again, visitors read from it again;
- the search's prepared statements, per connection, on the primary and on the standby;
- replay stopped for longer than DATABASE_REPLICA_MAX_LAG_SECONDS: visitors read from the
  primary until the standby has caught up again.

Both servers are removed at the end, also when a step fails.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.integration.conftest import ROOT, start_gunicorn, stop, wait_for
from tests.integration.private_pg import PrivatePostgres

pytestmark = pytest.mark.integration

STICKY_SECONDS = 2
RETRY_SECONDS = 1
# Longer than step 2 keeps replay paused (about 4 s after the last replayed commit).
MAX_LAG_SECONDS = 10
PASSWORD = "Load-pass-2026"
LISTINGS = {
    "A": (
        "钛合金螺栓",
        "本厂专业生产各种规格钛合金螺栓，耐腐蚀强度高，广泛用于化工船舶设备，欢迎来电咨询洽谈。",
    ),
    "B": (
        "陶瓷球阀",
        "供应耐磨陶瓷球阀，适用于电厂输灰和矿山浆料管道，使用寿命长，质量可靠，价格优惠。",
    ),
    "C": (
        "碳纤维管",
        "碳纤维管材现货供应，重量轻强度高，可按图纸定制加工，全国发货，样品免费提供。",
    ),
    "D": (
        "紫铜法兰",
        "紫铜法兰盘批发，国标非标均可生产，导热性能好，表面光洁，量大从优，诚信经营。",
    ),
    "E": (
        "铝合金型材",
        "铝合金型材厂家直销，门窗幕墙工业型材齐全，表面氧化喷涂处理，规格齐全，支持来图定制。",
    ),
    "F": (
        "橡胶密封圈",
        "各种规格橡胶密封圈现货，耐油耐高温，适用于液压气动设备，可提供样品，欢迎批发采购。",
    ),
}

PREPARED_CHECK = """
import json
from django.db import connections
from marketplace import db_router
from search.selectors import listing_search

out = {}
for alias, eligible in (("default", False), ("replica", True)):
    token = db_router._state.set(db_router.RequestState(replica=eligible))
    try:
        first = [h.listing.pk for h in listing_search(q="钛合金螺栓").hits]
        again = [h.listing.pk for h in listing_search(q="钛合金螺栓").hits]
    finally:
        db_router._state.reset(token)
    with connections[alias].cursor() as cur:
        cur.execute("SELECT count(*) FROM pg_prepared_statements WHERE name LIKE 'listing_search_%'")
        prepared = cur.fetchone()[0]
        cur.execute("SELECT pg_is_in_recovery(), current_setting('port')")
        standby, port = cur.fetchone()
    out[alias] = {"first": first, "again": again, "prepared": prepared, "standby": standby,
                  "port": int(port)}
print("RESULT " + json.dumps(out))
"""


def _env(primary: PrivatePostgres, standby: PrivatePostgres, media: Path) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "marketplace.settings.local",
        "DATABASE_URL": primary.url,
        "DATABASE_REPLICA_URL": standby.url,
        "DATABASE_REPLICA_STICKY_SECONDS": str(STICKY_SECONDS),
        "DATABASE_REPLICA_RETRY_SECONDS": str(RETRY_SECONDS),
        "DATABASE_REPLICA_MAX_LAG_SECONDS": str(MAX_LAG_SECONDS),
        # Tasks in-process (the review publishes a clean listing at once), cache in memory.
        "REDIS_URL": "",
        "LISTING_AUTO_PUBLISH_CLEAN": "true",
        # Each visitor page must be read from a database here, not served from visitors'
        # page cache (marketplace/page_cache.py).
        "PUBLIC_PAGE_CACHE_SECONDS": "0",
        "MEDIA_ROOT": str(media),
        "DEBUG": "false",
        "CONN_MAX_AGE": "600",
        "ALLOWED_HOSTS": "127.0.0.1",
        "LOG_LEVEL": "WARNING",
        "LOG_FORMAT": "text",
    }


class Client:
    """urllib with an optional cookie jar and token."""

    def __init__(self, base: str, *, cookies: bool = False):
        self.base = base
        self.token: str | None = None
        handlers = (
            [urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())] if cookies else []
        )
        self.opener = urllib.request.build_opener(*handlers)

    def call(self, method: str, path: str, body=None, *, host: str | None = None, token=True):
        headers = {"Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if self.token and token:
            headers["Authorization"] = f"Token {self.token}"
        if host:
            headers["Host"] = host
        request = urllib.request.Request(
            self.base + path, data=data, method=method, headers=headers
        )
        try:
            with self.opener.open(request, timeout=30) as response:
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as exc:
            status, raw = exc.code, exc.read()
        except OSError as exc:  # not listening (yet)
            return 0, repr(exc)
        try:
            payload = json.loads(raw) if raw[:1] in (b"{", b"[") else raw.decode(errors="replace")
        except ValueError:
            payload = raw.decode(errors="replace")
        return status, payload

    def search_ids(self, q: str, **kwargs) -> list[int]:
        status, body = self.call(
            "GET", "/api/v1/search/?" + urllib.parse.urlencode({"q": q}), **kwargs
        )
        assert status == 200, (status, body)
        return [r["id"] for r in body["results"]]


@pytest.fixture(scope="module")
def clusters():
    primary = PrivatePostgres()
    standby = None
    try:
        primary.init_and_start()
        standby = primary.standby()
        yield primary, standby
    except subprocess.CalledProcessError as exc:
        pytest.fail(f"private PostgreSQL: {exc.cmd}: {exc.stderr!r}\n{primary.log()}")
    finally:
        if standby is not None:
            standby.destroy()
        primary.destroy()


@pytest.fixture(scope="module")
def site(clusters, tmp_path_factory):
    primary, standby = clusters
    media = tmp_path_factory.mktemp("replica-media")
    env = _env(primary, standby, media)
    primary.migrate(env)
    subprocess.run(
        [sys.executable, "manage.py", "shell", "-c",
         "from listings.models import Category;"
         " Category.objects.create(name='五金配件', slug='hardware', position=1)"],
        cwd=ROOT, env={**env, "DATABASE_REPLICA_URL": ""}, check=True, capture_output=True,
        timeout=120,
    )  # fmt: skip
    log_path = media / "gunicorn.log"
    proc, base = start_gunicorn(env, log_path)
    try:
        yield {"base": base, "log": log_path, "env": env}
    finally:
        stop(proc)


def _post_listing(member: Client, key: str) -> int:
    title, description = LISTINGS[key]
    status, body = member.call(
        "POST",
        "/api/v1/listings/",
        {
            "kind": "supply",
            "title": title,
            "keyword": title,
            "category": 1,
            "description": description,
            "price": "120.00",
            "unit": "件",
        },
    )
    assert status == 201, (status, body)
    pk = body["id"]
    # Checked and published in-process (LISTING_AUTO_PUBLISH_CLEAN); the owner reads it from
    # the primary (a member's own listing is never a replica read).
    live = wait_for(
        lambda: member.call("GET", f"/api/v1/listings/{pk}/")[1]["status"] == "live", 10
    )
    assert live, member.call("GET", f"/api/v1/listings/{pk}/")
    return pk


def _reaches_visitors(standby, primary, visitor, q: str, pk: int, timings: dict) -> None:
    """Once the standby has replayed the primary's WAL up to its end, visitors' search finds
    the listing at once."""
    waited = standby.wait_replayed(primary.current_lsn())
    timings["longest replay wait"] = max(timings.get("longest replay wait", 0), waited)
    assert visitor.search_ids(q) == [pk]


def test_the_site_on_a_streaming_replica(clusters, site, capsys):
    primary, standby = clusters
    base = site["base"]
    visitor = Client(base)
    member = Client(base, cookies=True)
    timings: dict[str, float] = {}

    def log() -> str:
        return site["log"].read_text(errors="replace")[-4000:]

    status, ready = visitor.call("GET", "/readyz")
    assert status == 200 and ready["database_replica"] == "ok", ready

    status, body = member.call(
        "POST",
        "/api/v1/auth/register/",
        {
            "username": "replica-member",
            "password": PASSWORD,
            "email": "replica@example.com",
            "company": {
                "member_id": "replicaco",
                "name": "副本测试五金有限公司",
                "contact_name": "李经理",
                "phone": "0571-88880000",
            },
        },
    )
    assert status == 201, (status, body)
    status, body = member.call(
        "POST", "/api/v1/auth/token/", {"username": "replica-member", "password": PASSWORD}
    )
    assert status == 200, body
    member.token = body["token"]

    # 1. A published listing reaches the replica's search once the standby replayed it.
    a = _post_listing(member, "A")
    timings["replay after publishing A"] = standby.wait_replayed(primary.current_lsn())
    assert visitor.search_ids("钛合金螺栓") == [a]

    # 2. Replay paused: the primary has B, the replica does not.
    standby.pause_replay()
    try:
        b = _post_listing(member, "B")  # a write: the member's sticky window starts
        assert member.search_ids("陶瓷球阀") == [b], "the member reads their change at once"
        assert member.call("GET", f"/listings/{b}/", token=False)[0] == 200  # cookie alone
        assert visitor.search_ids("陶瓷球阀") == [], "a visitor reads the (paused) replica"
        assert visitor.call("GET", f"/listings/{b}/")[0] == 404
        assert visitor.search_ids("钛合金螺栓") == [a]  # the replica answers
        time.sleep(STICKY_SECONDS + 1)
        assert member.search_ids("陶瓷球阀") == [], "after the window: the replica"
    finally:
        standby.resume_replay()
    _reaches_visitors(standby, primary, visitor, "陶瓷球阀", b, timings)

    # 3. The search's statements are prepared per connection, on the primary and the standby.
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", PREPARED_CHECK],
        cwd=ROOT,
        env=site["env"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    found = json.loads(result.stdout.split("RESULT ", 1)[1])
    assert found["default"]["standby"] is False and found["replica"]["standby"] is True, found
    assert found["replica"]["port"] == standby.port and found["default"]["port"] == primary.port
    for alias in ("default", "replica"):
        assert found[alias]["first"] == found[alias]["again"] == [a], found
        assert found[alias]["prepared"] > 0, found

    # 4. The replica stopped: visitors are served from the primary, no 5xx.
    standby.stop()
    shop = "replicaco.shop.localhost"
    started = time.monotonic()
    for _ in range(2):  # the kept (dead) connection, then while it is marked down
        assert visitor.search_ids("陶瓷球阀") == [b]
        for path, host, expected in (
            ("/search/?q=" + urllib.parse.quote("钢管"), None, 200),
            (f"/listings/{a}/", None, 200),
            ("/companies/replicaco/", None, 200),
            ("/companies/replicaco/credit/", None, 200),
            ("/", shop, 404),  # read, and offline: the company is not TrustPass (R-F1)
            ("/shop/replicaco/", None, 404),
            ("/api/v1/categories/", None, 200),
            ("/api/v1/companies/replicaco/", None, 200),
        ):
            status, _ = visitor.call("GET", path, host=host)
            assert status == expected, (path, status, log())
    timings["visitor requests with the replica stopped"] = time.monotonic() - started
    status, ready = visitor.call("GET", "/readyz")
    assert status == 503 and ready["database_replica"].startswith("error: "), ready
    assert ready["database"] == "ok", ready
    assert visitor.call("GET", "/healthz")[0] == 200
    c = _post_listing(member, "C")  # writes never needed the replica
    assert visitor.search_ids("碳纤维管") == [c]  # from the primary

    # 5. Started again: visitors read from it again (seen with replay paused once more).
    standby.start()
    standby.wait_replayed(primary.current_lsn())
    time.sleep(RETRY_SECONDS + 0.5)
    assert wait_for(lambda: visitor.call("GET", "/readyz")[0] == 200, 10)
    standby.pause_replay()
    try:
        d = _post_listing(member, "D")
        assert visitor.search_ids("紫铜法兰") == []
    finally:
        standby.resume_replay()
    _reaches_visitors(standby, primary, visitor, "紫铜法兰", d, timings)

    # 6. Replay stopped past the lag limit: visitors are served from the primary (they find E
    # while the standby still lacks it); caught up again, they read the standby again.
    standby.pause_replay()
    try:
        e = _post_listing(member, "E")
        paused_at = time.monotonic()
        assert member.search_ids("铝合金型材") == [e]  # on the primary (sticky window)
        assert visitor.search_ids("铝合金型材") == [], "within the limit: the replica"
        assert wait_for(lambda: visitor.search_ids("铝合金型材") == [e], MAX_LAG_SECONDS + 15)
        timings["lagging replica left after"] = time.monotonic() - paused_at
        assert visitor.call("GET", f"/listings/{e}/")[0] == 200, log()
    finally:
        standby.resume_replay()
    standby.wait_replayed(primary.current_lsn())
    time.sleep(RETRY_SECONDS + 0.5)
    assert visitor.search_ids("铝合金型材") == [e]  # lag checked again: 0, the standby back
    standby.pause_replay()
    try:
        f = _post_listing(member, "F")
        assert member.search_ids("橡胶密封圈") == [f]  # on the primary (sticky window)
        assert visitor.search_ids("橡胶密封圈") == [], "caught up: visitors read the standby"
    finally:
        standby.resume_replay()
    _reaches_visitors(standby, primary, visitor, "橡胶密封圈", f, timings)

    text = site["log"].read_text(errors="replace")
    assert "Traceback" not in text, text[-4000:]
    assert text.count("Booting worker") == 1, text[-4000:]
    with capsys.disabled():
        print(f"\nread replica: { ({k: round(v, 3) for k, v in timings.items()}) }")
