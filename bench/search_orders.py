"""The searcher's own orders and filters (API.md `sort`, `price_min`, `price_max`, `escrow`,
`verified`; search.engine_sorted) on the listings a `bench/search.py --keep` run left:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mp_bench_s4 \\
        .venv/bin/python bench/search.py --rows 200000 --keep --no-http --no-recall
    DATABASE_URL=… .venv/bin/python bench/search_orders.py [--queries 300]

Prints p50/p95 of `listing_search` over bench/search.py's query mix for each order, without
and with filters, next to the default order of the same run.
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("search_bench", HERE / "search.py")
bench = importlib.util.module_from_spec(_spec)
sys.modules["search_bench"] = bench
_spec.loader.exec_module(bench)  # sets up Django on the bench database

from search.results import SORTS  # noqa: E402
from search.selectors import listing_search  # noqa: E402

FILTERS = {
    "no filter": {},
    "price 100–5000": {"price_min": Decimal("100"), "price_max": Decimal("5000")},
    "escrow": {"escrow_only": True},
    "empty query": {"q": ""},
}


def timed(queries: list[str], **kw) -> tuple[float, float]:
    for q in dict.fromkeys(queries):  # warm up, as bench/search.py does
        listing_search(**{"q": q, **kw})
    times = []
    for q in queries:
        t = time.perf_counter()
        listing_search(**{"q": q, **kw})
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times), bench.pct(times, 95)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--queries", type=int, default=300)
    args = ap.parse_args()
    queries = bench.query_mix(bench.Generator(bench.SEED), args.queries)
    print(f"== searcher's orders: {args.queries} queries ==")
    for label, filters in FILTERS.items():
        qs = [filters["q"]] * 20 if "q" in filters else queries
        rest = {k: v for k, v in filters.items() if k != "q"}
        for sort in SORTS:
            p50, p95 = timed(qs, sort=sort, **rest)
            print(f"  {label:16} {sort:11} p50 {p50:6.1f} ms  p95 {p95:6.1f} ms")


if __name__ == "__main__":
    main()
