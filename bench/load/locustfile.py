"""The simulated people of the load test (issue 16, part 1); run by bench/load/run.py with
Locust from its own virtualenv (.venv-load, bench/requirements-load.txt). No Django here: what
the users need (ids, accounts, the search benchmark's query mix, texts, a photo) comes from the
JSON written by bench/load/seed.py (LOAD_DATA), and the figures go to LOAD_OUT.

Mix by weight: 60% visitors (home, category, search page and API, listing, company, credit
archive, storefront on its own host), 20% buyers (sign in, inquire within R-I1's 20 an hour,
favourite, quote on buy leads as TrustPass members), 15% suppliers (post listings with a photo,
edit their live listings, read the inbox and reply), 5% staff (approve through the staff API).
Every simulated person has an address of their own (`X-Forwarded-For`, the server trusting
one proxy: TRUSTED_PROXY_COUNT=1), so the throttles per address work as in production, and an
account of their own. Think time between actions: LOAD_WAIT_MIN..LOAD_WAIT_MAX seconds.

Figures per kind of request (the `name` of each request): exact p50/p95/p99 over the samples
taken from LOAD_SETTLE_SECONDS (10) after every user has started (the ramp-up, when every
signed-in person signs in at once, is left out), errors (an unexpected status or no answer)
and 5xx counted over the whole run; how many answers came from visitors' page cache; the p95
of every request per 10-s window.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import time
import uuid
from collections import Counter, defaultdict
from pathlib import Path
from urllib.parse import quote

import gevent
from locust import FastHttpUser, between, events, task

DATA = json.loads(Path(os.environ["LOAD_DATA"]).read_text())
PHOTO = Path(DATA["photo"]).read_bytes()
WAIT = between(
    float(os.environ.get("LOAD_WAIT_MIN", "2")), float(os.environ.get("LOAD_WAIT_MAX", "6"))
)
STOREFRONT_DOMAIN = os.environ.get("LOAD_STOREFRONT_DOMAIN", "shop.localhost")
INQUIRIES_PER_HOUR = int(os.environ.get("LOAD_INQUIRIES_PER_HOUR", "18"))  # R-I1: 20

# --- figures -------------------------------------------------------------------------------

SAMPLES: dict[str, list[float]] = defaultdict(list)
ERRORS: Counter = Counter()
CACHE_HITS: Counter = Counter()  # answers served from visitors' page cache (X-Page-Cache: hit)
FIVEXX: Counter = Counter()
STATUSES: dict[str, Counter] = defaultdict(Counter)
# (seconds since the measurement started, response time) of every measured page and API read
# and write: the p95 per 10-s window shows whether slow answers are spread or come in bursts.
TIMELINE: list[tuple[float, float]] = []
STATE = {"measuring": False, "started": None, "stopped": None}
_addresses = itertools.count(1)


@events.request.add_listener
def _on_request(request_type, name, response_time, response_length, response=None,
                exception=None, **kwargs):  # fmt: skip
    status = getattr(response, "status_code", 0) or 0 if response is not None else 0
    if status >= 500:
        FIVEXX[name] += 1
    if STATE["measuring"]:
        SAMPLES[name].append(response_time)
        TIMELINE.append((time.time() - STATE["started"], response_time))
        STATUSES[name][status] += 1
        if response is not None and response.headers.get("x-page-cache") == "hit":
            CACHE_HITS[name] += 1
        if exception is not None:
            ERRORS[name] += 1


SETTLE_SECONDS = float(os.environ.get("LOAD_SETTLE_SECONDS", "10"))


def _start_measuring() -> None:
    STATE["measuring"] = True
    STATE["started"] = time.time()


@events.spawning_complete.add_listener
def _on_spawned(user_count, **kwargs):
    # The ramp-up signs every buyer, supplier and staff member in at once (password hashing
    # is slow on purpose): its backlog is let drain for LOAD_SETTLE_SECONDS before measuring.
    gevent.spawn_later(SETTLE_SECONDS, _start_measuring)


@events.test_stop.add_listener
def _on_stop(**kwargs):
    STATE["measuring"] = False
    STATE["stopped"] = time.time()


def _pct(values: list[float], p: float) -> float:
    values = sorted(values)
    k = max(0, min(len(values) - 1, round(p / 100 * (len(values) - 1))))
    return values[k]


@events.quitting.add_listener
def _write(environment, **kwargs):
    out = {
        "started": STATE["started"],
        "stopped": STATE["stopped"] or time.time(),
        "fivexx_total": sum(FIVEXX.values()),
        "requests": {},
    }
    for name in sorted(set(SAMPLES) | set(FIVEXX)):
        times = SAMPLES.get(name) or [0.0]
        out["requests"][name] = {
            "count": len(SAMPLES.get(name, [])),
            "p50": _pct(times, 50),
            "p95": _pct(times, 95),
            "p99": _pct(times, 99),
            "errors": ERRORS[name],
            "fivexx": FIVEXX[name],
            "statuses": {str(k): v for k, v in STATUSES[name].items()},
            "page_cache_hits": CACHE_HITS[name],
        }
    windows: dict[int, list[float]] = defaultdict(list)
    for at, ms in TIMELINE:
        windows[int(at // 10)].append(ms)
    out["timeline"] = [
        {"from_s": 10 * w, "count": len(v), "p50": _pct(v, 50), "p95": _pct(v, 95)}
        for w, v in sorted(windows.items())
    ]
    Path(os.environ["LOAD_OUT"]).write_text(json.dumps(out, ensure_ascii=False, indent=1))


# --- people ----------------------------------------------------------------------------------


class Person(FastHttpUser):
    abstract = True
    wait_time = WAIT
    accounts: list[str] = []
    _next = itertools.count()

    def on_start(self):
        n = next(_addresses)
        self.headers = {"X-Forwarded-For": f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"}
        if self.accounts:
            self.username = self.accounts[next(self._next) % len(self.accounts)]
            self.sign_in()

    def sign_in(self):
        with self.client.post(
            "/api/v1/auth/token/",
            json={"username": self.username, "password": DATA["password"]},
            headers=self.headers,
            name="sign in (API token)",
            catch_response=True,
        ) as r:
            if r.status_code != 200:
                r.failure(f"{r.status_code}: {r.text[:200]}")
                self.headers["Authorization"] = "Token none"
                return
            self.headers["Authorization"] = f"Token {r.json()['token']}"

    def get(self, path: str, name: str, ok=(200,), **kwargs):
        with self.client.get(
            path, headers={**self.headers, **kwargs.pop("headers", {})}, name=name,
            catch_response=True, **kwargs,
        ) as r:  # fmt: skip
            if r.status_code in ok:
                r.success()  # an expected 4xx (e.g. 404) is not an error
            else:
                r.failure(f"{r.status_code}")
            return r

    def send(self, method: str, path: str, name: str, ok=(200, 201), **kwargs):
        with self.client.request(
            method, path, headers={**self.headers, **kwargs.pop("headers", {})}, name=name,
            catch_response=True, **kwargs,
        ) as r:  # fmt: skip
            if r.status_code in ok:
                r.success()
            else:
                r.failure(f"{r.status_code}: {r.text[:200]}")
            return r

    # reads every kind of person does
    def search_page(self):
        q = random.choice(DATA["queries"])
        self.get(f"/search/?q={quote(q)}", "search page")

    def search_api(self):
        q = random.choice(DATA["queries"])
        self.get(f"/api/v1/search/?q={quote(q)}", "search API")

    def listing_page(self):
        # A listing a supplier is editing is back in review for a while: 404 to others.
        self.get(f"/listings/{random.choice(DATA['listing_ids'])}/", "listing page", ok=(200, 404))


class Visitor(Person):
    weight = 60

    @task(3)
    def search(self):
        self.search_page()

    @task(3)
    def search_via_api(self):
        self.search_api()

    @task(3)
    def listing(self):
        self.listing_page()

    @task(2)
    def category(self):
        self.get(f"/categories/{random.choice(DATA['category_slugs'])}/", "category page")

    @task(1)
    def home(self):
        self.get("/", "home")

    @task(1)
    def company(self):
        self.get(f"/companies/{random.choice(DATA['member_ids'])}/", "company page")

    @task(1)
    def credit_archive(self):
        self.get(f"/companies/{random.choice(DATA['member_ids'])}/credit/", "credit archive")

    @task(1)
    def storefront(self):
        member_id = random.choice(DATA["trustpass_member_ids"])
        self.get("/", "storefront (own host)", headers={"Host": f"{member_id}.{STOREFRONT_DOMAIN}"})


class Buyer(Person):
    weight = 20
    accounts = DATA["buyers"]
    _next = itertools.count()

    def on_start(self):
        self.sent: list[float] = []
        super().on_start()

    @task(3)
    def search(self):
        self.search_api()

    @task(2)
    def listing(self):
        self.listing_page()

    @task(2)
    def inquire(self):
        """R-I1: at most 20 inquiries an hour per sender; this buyer keeps under it."""
        now = time.time()
        self.sent = [t for t in self.sent if now - t < 3600]
        if len(self.sent) >= INQUIRIES_PER_HOUR:
            return self.search_api()
        pool = DATA["supplier_listing_ids"] if random.random() < 0.8 else DATA["listing_ids"]
        self.sent.append(now)
        self.send(
            "POST",
            f"/api/v1/listings/{random.choice(pool)}/inquiries/",
            "inquire",
            ok=(201, 404),  # 404: the listing went back to review (its supplier edits it)
            json={
                "message": "请问贵司该产品的最低价格和交货期？我们需要长期采购。",
                "quantity": 50,
            },
        )

    @task(1)
    def favourite(self):
        self.send(
            "POST", "/api/v1/favourites/", "favourite", ok=(201, 404),
            json={"listing": random.choice(DATA["listing_ids"])},
        )  # fmt: skip

    @task(1)
    def quote(self):
        self.get("/api/v1/buy-leads/", "buy leads API")
        self.send(
            "POST",
            f"/api/v1/buy-leads/{random.choice(DATA['buy_lead_ids'])}/quotes/",
            "quote on buy lead",
            ok=(201, 404),
            json={
                "unit_price": "128.50",
                "quantity": 100,
                "message": "我司可长期供货，含税含运费。",
            },
        )


def _multipart(field: str, filename: str, content: bytes, content_type: str):
    boundary = uuid.uuid4().hex
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{filename}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


class Supplier(Person):
    weight = 15
    accounts = DATA["suppliers"]
    _next = itertools.count()

    @task(2)
    def post_listing_with_photo(self):
        """POST the listing (submitted for review at once), then its photo: one user action,
        timed as a whole as `post listing with photo`."""
        text = random.choice(DATA["listing_texts"])
        started = time.perf_counter()
        r = self.send(
            "POST", "/api/v1/listings/", "post listing", ok=(201,),
            json={**text, "kind": "supply", "price": str(random.randint(10, 9999)), "unit": "件"},
        )  # fmt: skip
        if r.status_code != 201:
            return
        body, content_type = _multipart("image", "photo.jpg", PHOTO, "image/jpeg")
        r2 = self.send(
            "POST", f"/api/v1/listings/{r.json()['id']}/images/", "upload photo", ok=(201,),
            data=body, headers={"Content-Type": content_type},
        )  # fmt: skip
        events.request.fire(
            request_type="FLOW",
            name="post listing with photo",
            response_time=(time.perf_counter() - started) * 1000,
            response_length=0,
            response=r2,
            exception=None if r2.status_code == 201 else RuntimeError(str(r2.status_code)),
            context={},
        )

    @task(1)
    def edit_listing(self):
        """An edit of a live listing resubmits it for review."""
        own = DATA["supplier_own_listing_ids"].get(self.username) or []
        if not own:
            return self.post_listing_with_photo()
        text = random.choice(DATA["listing_texts"])
        self.send(
            "PATCH", f"/api/v1/listings/{random.choice(own)}/", "edit listing", ok=(200,),
            json={"description": text["description"]},
        )  # fmt: skip

    @task(3)
    def inbox(self):
        r = self.get("/api/v1/inbox/", "inbox")
        if r.status_code != 200:
            return
        threads = [t for t in r.json().get("results", []) if t.get("direction") == "received"]
        if threads and random.random() < 0.5:
            thread = random.choice(threads)
            self.send(
                "POST", f"/api/v1/inbox/{thread['id']}/reply/", "reply", ok=(201,),
                json={"message": "您好，价格可以商量，请留下联系方式，我们尽快报价。"},
            )  # fmt: skip


class Staff(Person):
    weight = 5
    accounts = DATA["staff"]
    _next = itertools.count()

    @task
    def review(self):
        r = self.get("/api/v1/staff/review-queue/", "review queue (staff API)")
        if r.status_code != 200:
            return
        ready = [
            item
            for item in r.json().get("results", [])
            if item.get("checks") and all(c.get("passed") for c in item["checks"])
        ]
        for item in random.sample(ready, min(3, len(ready))):
            # 409: another moderator was first, or it changed meanwhile.
            self.send(
                "POST", f"/api/v1/staff/listings/{item['id']}/approve/", "approve (staff API)",
                ok=(200, 409),
            )  # fmt: skip
