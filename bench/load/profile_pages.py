"""Where a request's time goes, on the load test's database (after `make load`):

    .venv/bin/python bench/load/profile_pages.py [--repeat 30] [--top 12]

For each kind of page of the load test (search page and API, listing, company, category), one
process serves it `--repeat` times in a row through Django's test client (no HTTP server, no
other load): the median time, how much of it is in SQL (statements and their round trips) and
how many statements, then cProfile's heaviest functions over all kinds (cumulative time).
Reads LOAD_DATABASE_URL (default marketplace_load) and bench/load's data.json (LOAD_DIR).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "marketplace.settings.local"
os.environ["DATABASE_URL"] = os.environ.get("LOAD_DATABASE_URL") or (
    "postgres://postgres@127.0.0.1:5432/marketplace_load"
)
os.environ["DEBUG"] = "false"
os.environ.setdefault("REDIS_URL", os.environ.get("LOAD_REDIS_URL") or "redis://127.0.0.1:6379/12")
os.environ.setdefault("CACHE_KEY_PREFIX", "load-profile")
os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1"
os.environ["LOG_LEVEL"] = "ERROR"

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=30)
    ap.add_argument("--top", type=int, default=12)
    args = ap.parse_args()
    data_dir = Path(os.environ.get("LOAD_DIR") or "/tmp/marketplace-load")
    data = json.loads((data_dir / "data.json").read_text())
    client = Client()
    kinds = {
        "search page": lambda i: f"/search/?q={quote(data['queries'][i])}",
        "search API": lambda i: f"/api/v1/search/?q={quote(data['queries'][i + 500])}",
        "listing page": lambda i: f"/listings/{data['listing_ids'][i]}/",
        "company page": lambda i: f"/companies/{data['member_ids'][i]}/",
        "category page": lambda i: f"/categories/{data['category_slugs'][i % 60]}/",
    }
    for path in (make(0) for make in kinds.values()):  # warm: imports, templates, statements
        client.get(path)
    profile = cProfile.Profile()
    print(f"{'request':16} {'median ms':>10} {'SQL ms':>8} {'SQL %':>6} {'statements':>11}")
    for name, make in kinds.items():
        totals, sql, counts = [], [], []
        for i in range(1, args.repeat + 1):
            with CaptureQueriesContext(connection) as q:
                started = time.perf_counter()
                response = client.get(make(i))
                totals.append((time.perf_counter() - started) * 1000)
            assert response.status_code in (200, 404), (name, response.status_code)
            sql.append(sum(float(x["time"]) for x in q.captured_queries) * 1000)
            counts.append(len(q.captured_queries))  # read now: the next request resets the log
            profile.enable()  # a second time under the profiler (it slows Python down)
            client.get(make(i))
            profile.disable()
        t, s = statistics.median(totals), statistics.median(sql)
        print(
            f"{name:16} {t:>10.1f} {s:>8.1f} {100 * s / t:>5.0f}% {statistics.median(counts):>11.0f}"
        )
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(args.top * 3)
    lines = [ln for ln in out.getvalue().splitlines() if ln.strip()]
    print("\ncProfile, all kinds together (cumulative):")
    print("\n".join(lines[: 6 + args.top * 3]))


if __name__ == "__main__":
    main()
