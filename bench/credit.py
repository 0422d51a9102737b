"""Benchmark of the nightly credit recomputation (R-C7), issue 6.

Generates 100,000 companies with realistic score sources in PostgreSQL (TrustPass periods
with overlaps and gaps, ~1,000,000 reviews on ~550,000 escrow trades, ~200,000 certificates)
with COPY, then measures in the same run:

- the nightly set-based job (`credit.services.credit_recalculate_all`) over all companies,
  run on five successive "days" (some archive years roll over each day), median and p95;
- the baseline: the per-company service (`credit_recalculate`) on 1,000 random companies one
  by one, scaled to 100,000.

Target (issue 6): the full run under 60 s and at least 20× faster than the baseline.
It also checks that both paths agree on a sample of companies.

Uses its own database (CREDIT_BENCH_DATABASE_URL, default mp_bench_c6), created and
migrated here and dropped at the end (pass --keep to keep it). Not collected by pytest.

    .venv/bin/python bench/credit.py [--companies 100000] [--reviews 1000000] [--keep]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/mp_bench_c6"


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--companies", type=int, default=100_000)
    p.add_argument("--reviews", type=int, default=1_000_000, help="approximate")
    p.add_argument("--certificates", type=int, default=200_000, help="approximate")
    p.add_argument("--baseline", type=int, default=1_000, help="companies recomputed one by one")
    p.add_argument("--nights", type=int, default=5)
    p.add_argument("--seed", type=int, default=20260601)
    p.add_argument("--keep", action="store_true", help="keep the benchmark database")
    return p.parse_args()


def admin_connection(url: str):
    import psycopg2

    u = urlparse(url)
    conn = psycopg2.connect(
        dbname="postgres",
        user=u.username or "postgres",
        password=u.password,
        host=u.hostname or "127.0.0.1",
        port=u.port or 5432,
    )
    conn.autocommit = True
    return conn, u.path.lstrip("/")


def recreate_database(url: str) -> None:
    conn, name = admin_connection(url)
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()


def drop_database(url: str) -> None:
    conn, name = admin_connection(url)
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}"')
    conn.close()


# --- COPY helpers ------------------------------------------------------------------------------


class Copier:
    """COPY rows of a Django model, filling the columns not given from the model's
    defaults (so the benchmark keeps working while other apps add fields)."""

    def __init__(self, model, given: list[str], *, now: datetime, today: date):
        from django.db import models

        self.model = model
        self.table = model._meta.db_table
        fields = [
            f for f in model._meta.concrete_fields if not (f.primary_key and f.column not in given)
        ]
        self.columns = [f.column for f in fields]
        base = []
        for f in fields:
            if f.has_default():
                value = f.get_default()
            elif f.null:
                value = None
            elif isinstance(f, models.BooleanField):
                value = False
            elif isinstance(f, (models.CharField, models.TextField, models.FileField)):
                value = ""
            elif isinstance(f, (models.IntegerField, models.DecimalField, models.FloatField)):
                value = 0
            elif isinstance(f, models.DateTimeField):
                value = now
            elif isinstance(f, models.DateField):
                value = today
            elif f.column in given:
                value = None
            else:
                raise RuntimeError(f"no default for {self.table}.{f.column}")
            if isinstance(f, models.JSONField):
                value = json.dumps(value if value is not None else {})
            base.append(value)
        self.base = base
        self.positions = [self.columns.index(c) for c in given]

    def copy(self, cursor, rows, chunk: int = 200_000) -> int:
        lines = []
        n = 0
        positions = self.positions
        for values in rows:
            row = list(self.base)
            for i, v in zip(positions, values, strict=True):
                row[i] = v
            lines.append("\t".join(map(_text, row)))
            n += 1
            if n % chunk == 0:
                self._flush(cursor, lines)
                lines = []
        self._flush(cursor, lines)
        return n

    def _flush(self, cursor, lines) -> None:
        if not lines:
            return
        buf = io.StringIO("\n".join(lines) + "\n")
        cols = ", ".join(f'"{c}"' for c in self.columns)
        cursor.copy_expert(f'COPY "{self.table}" ({cols}) FROM STDIN', buf)


def _text(value) -> str:
    """A value in COPY's text format."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    text = str(value)
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = (
            text.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return text


# --- data ------------------------------------------------------------------------------------------

PROVINCES = [
    ("浙江", "杭州"),
    ("江苏", "苏州"),
    ("广东", "深圳"),
    ("山东", "青岛"),
    ("福建", "厦门"),
]
INDUSTRIES = ["冶金矿产", "机械设备", "化工", "电子元器件", "农业", "纺织皮革"]


def generate(args, today: date) -> dict:
    from django.db import connection
    from django.utils import timezone

    from credit.models import Certificate, Review
    from listings.models import Category, Listing
    from members.models import Company, TrustPassPeriod
    from trade.models import Order

    rng = random.Random(args.seed)
    now = timezone.now()
    n = args.companies
    counts = {}
    t0 = time.perf_counter()
    with connection.cursor() as cur:
        # Companies: ids 1..n; ~30% verified.
        copier = Copier(
            Company,
            [
                "id",
                "member_id",
                "name",
                "contact_name",
                "phone",
                "province",
                "city",
                "industry",
                "verified",
                "created_at",
            ],
            now=now,
            today=today,
        )

        def companies():
            for i in range(1, n + 1):
                prov, city = PROVINCES[i % len(PROVINCES)]
                yield (
                    i,
                    f"b{i:06d}",
                    f"{city}第{i}贸易有限公司",
                    "王经理",
                    f"1380000{i:04d}"[-11:],
                    prov,
                    city,
                    INDUSTRIES[i % len(INDUSTRIES)],
                    rng.random() < 0.3,
                    now - timedelta(days=rng.randint(0, 3000)),
                )

        counts["companies"] = copier.copy(cur, companies())

        # TrustPass periods: ~60% of companies were members at some time; runs of yearly
        # periods ending around today (some lapsed), some overlapping renewals, some gaps.
        members = []
        periods = []
        for cid in range(1, n + 1):
            if rng.random() >= 0.6:
                continue
            members.append(cid)
            years = rng.choices([1, 2, 3, 4, 5, 6], weights=[30, 25, 18, 12, 9, 6])[0]
            end = today + timedelta(days=rng.randint(-200, 364))
            for y in range(years):
                e = end - timedelta(days=365 * y)
                s = e - timedelta(days=365)
                if y == 1 and rng.random() < 0.15:
                    e = e - timedelta(days=rng.randint(30, 120))  # a gap before renewal
                if y == 0 and rng.random() < 0.1:
                    s = s - timedelta(days=rng.randint(10, 60))  # overlaps the year before
                periods.append((cid, s, e, "staff", now))
        trustpass = members
        copier = Copier(
            TrustPassPeriod,
            ["company_id", "starts_on", "ends_on", "source", "created_at"],
            now=now,
            today=today,
        )
        counts["periods"] = copier.copy(cur, periods)
        del periods

        # One live fixed-price escrow listing per member company (the trades' listings).
        category = Category.objects.create(name="基准类目", slug="bench-category")
        copier = Copier(
            Listing,
            [
                "id",
                "company_id",
                "kind",
                "status",
                "title",
                "keyword",
                "category_id",
                "description",
                "price",
                "fixed_price",
                "supports_escrow",
                "published_at",
            ],
            now=now,
            today=today,
        )
        counts["listings"] = copier.copy(
            cur,
            (
                (
                    cid,
                    cid,
                    "supply",
                    "live",
                    f"供应优质钢管{cid}",
                    "钢管",
                    category.pk,
                    "长期供应各种规格钢管。",
                    Decimal("100.00"),
                    True,
                    True,
                    now,
                )
                for cid in trustpass
            ),
        )

        # Trades between member companies, with a few popular sellers; statuses as in life.
        n_orders = int(args.reviews / 1.8)
        popular = trustpass[: max(1, len(trustpass) // 50)]
        order_rows = []
        statuses = rng.choices(
            ["completed", "refunded", "shipped", "paid", "created"],
            weights=[80, 10, 3, 2, 5],
            k=n_orders,
        )
        for oid in range(1, n_orders + 1):
            seller = rng.choice(popular) if rng.random() < 0.2 else rng.choice(trustpass)
            buyer = rng.choice(trustpass)
            while buyer == seller:
                buyer = rng.choice(trustpass)
            status = statuses[oid - 1]
            paid = None if status == "created" else now
            order_rows.append(
                (oid, seller, buyer, seller, 1, Decimal("100.00"), Decimal("100.00"), status, paid)
            )
        copier = Copier(
            Order,
            [
                "id",
                "listing_id",
                "buyer_id",
                "seller_id",
                "quantity",
                "unit_price",
                "total",
                "status",
                "paid_at",
            ],
            now=now,
            today=today,
        )
        counts["orders"] = copier.copy(cur, order_rows)

        # Reviews: on paid trades, the buyer reviews the seller (95%) and the seller the
        # buyer (90%); positive only on completed trades (R-C4).
        def reviews(orders):
            for oid, _listing, buyer, seller, *_rest, status, _paid in orders:
                if status == "created":
                    continue
                for reviewer, reviewee, p in ((buyer, seller, 0.95), (seller, buyer, 0.9)):
                    if rng.random() >= p:
                        continue
                    if status == "completed":
                        rating = rng.choices(
                            ["positive", "neutral", "negative"], weights=[85, 10, 5]
                        )[0]
                    else:
                        rating = rng.choices(["neutral", "negative"], weights=[40, 60])[0]
                    yield (oid, reviewer, reviewee, rating, "", now)

        copier = Copier(
            Review,
            ["order_id", "reviewer_id", "reviewee_id", "rating", "comment", "created_at"],
            now=now,
            today=today,
        )
        counts["reviews"] = copier.copy(cur, reviews(order_rows))
        del order_rows

        # Certificates: of member companies; 70% verified, 20% pending, 10% rejected.
        per_company = args.certificates / max(1, len(trustpass))

        def certificates():
            for cid in trustpass:
                k = int(per_company) + (1 if rng.random() < per_company % 1 else 0)
                for _ in range(k):
                    kind = rng.choices(
                        ["tax", "licence", "product", "other"], weights=[25, 25, 30, 20]
                    )[0]
                    status = rng.choices(["verified", "pending", "rejected"], weights=[70, 20, 10])[
                        0
                    ]
                    yield (cid, kind, "证书", "certificates/bench.jpg", status, now)

        copier = Copier(
            Certificate,
            ["company_id", "kind", "title", "image", "status", "created_at"],
            now=now,
            today=today,
        )
        counts["certificates"] = copier.copy(cur, certificates())

        for model in (Company, Listing, Order):
            table = model._meta.db_table
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), (SELECT max(id) FROM \"{table}\"))"
            )
    counts["seconds"] = time.perf_counter() - t0
    return counts


def vacuum_analyze() -> None:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE")


def pct(values, p):
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(p / 100 * (len(s) - 1))))]


def main() -> int:
    args = parse_args()
    url = os.environ.get("CREDIT_BENCH_DATABASE_URL", DEFAULT_URL)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings.local")
    os.environ.pop("REDIS_URL", None)  # tasks in-process; the bench calls services directly

    print(f"credit bench: database {urlparse(url).path.lstrip('/')}, {args.companies:,} companies")
    recreate_database(url)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from credit import selectors, services
    from credit.models import ScoreHistory
    from members.models import Company

    try:
        t = time.perf_counter()
        call_command("migrate", verbosity=0)
        print(f"  migrate: {time.perf_counter() - t:.1f} s")
        today = timezone.localdate()
        counts = generate(args, today)
        print(
            "  generated: {companies:,} companies, {periods:,} TrustPass periods, {listings:,} listings, "
            "{orders:,} trades, {reviews:,} reviews, {certificates:,} certificates in {seconds:.1f} s".format(
                **counts
            )
        )
        t = time.perf_counter()
        vacuum_analyze()
        print(f"  vacuum analyze: {time.perf_counter() - t:.1f} s")

        # First night: every score is new (every company gets its breakdown and most a
        # history row). Reported, not part of the medians.
        t = time.perf_counter()
        first = services.credit_recalculate_all(cause="bench", today=today)
        first_s = time.perf_counter() - t
        print(
            f"  first full run (writes every breakdown): {first_s:.2f} s — "
            f"{first['companies']:,} companies, {first['changed']:,} changed, {first['history']:,} history rows"
        )
        vacuum_analyze()

        # Nightly runs on successive days: archive years roll over for some companies.
        nightly = []
        changed = []
        for night in range(1, args.nights + 1):
            t = time.perf_counter()
            result = services.credit_recalculate_all(
                cause="nightly", today=today + timedelta(days=night)
            )
            nightly.append(time.perf_counter() - t)
            changed.append(result["changed"])
        day = today + timedelta(days=args.nights)

        # Baseline: the per-company service, one by one, on random companies.
        rng = random.Random(args.seed + 1)
        sample = rng.sample(range(1, args.companies + 1), min(args.baseline, args.companies))
        per_call = []
        t_all = time.perf_counter()
        for cid in sample:
            t = time.perf_counter()
            services.credit_recalculate(company_id=cid, cause="baseline", today=day)
            per_call.append(time.perf_counter() - t)
        baseline_total = time.perf_counter() - t_all
        scaled = baseline_total * args.companies / len(sample)

        # The two paths agree (the per-company service just ran on `day` and wrote nothing
        # new if the set-based job had stored the same breakdown).
        history_after = ScoreHistory.objects.filter(cause="baseline").count()
        check = rng.sample(range(1, args.companies + 1), 300)
        mismatches = 0
        for company in Company.objects.filter(pk__in=check).select_related("credit_breakdown"):
            live = selectors.company_breakdown(company, today=day)
            if (
                live.as_dict() != company.credit_breakdown.as_dict()
                or live.total != company.credit_score
            ):
                mismatches += 1

        median = statistics.median(nightly)
        p95 = pct(nightly, 95)
        print(
            f"  nightly set-based, {args.nights} runs over {args.companies:,} companies: "
            f"median {median:.2f} s, p95 {p95:.2f} s (changed per night: {changed})"
        )
        print(
            f"  baseline per-company service, {len(sample):,} companies one by one: {baseline_total:.2f} s "
            f"(median {statistics.median(per_call) * 1000:.2f} ms, p95 {pct(per_call, 95) * 1000:.2f} ms per company) "
            f"→ scaled to {args.companies:,}: {scaled:.1f} s"
        )
        ratio = scaled / median
        print(f"  ratio baseline / nightly (median): {ratio:.1f}×")
        print(
            f"  agreement: {history_after} baseline recomputations changed a score; "
            f"{mismatches} of {len(check)} sampled companies differ from their sources"
        )
        ok = median < 60 and ratio >= 20 and mismatches == 0 and history_after == 0
        print(
            f"  target (under 60 s, at least 20× the baseline, paths agree): {'MET' if ok else 'NOT MET'}"
        )
        return 0 if ok else 1
    finally:
        connection.close()
        if args.keep:
            print("  kept the benchmark database (--keep)")
        else:
            drop_database(url)
            print("  dropped the benchmark database")


if __name__ == "__main__":
    sys.exit(main())
