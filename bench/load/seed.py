"""Seed the load test's database (issue 16, part 1): run by bench/load/run.py, not by hand.

    DATABASE_URL=postgres://…/marketplace_load python bench/load/seed.py --listings 100000 \\
        --companies 10000 --users 200 --out /tmp/load/data.json

Empties the database in DATABASE_URL (its name must contain "load"), migrates it, and loads
`--listings` live listings of `--companies` companies with the search benchmark's generator
(bench/search.py `load`: the same words, Zipf-weighted companies, R-S3 bursts, 20% TrustPass
companies), then turns every 20th listing into a buy lead (demand) and adds the accounts of the
simulated people: suppliers (each the administrator of a generated company with listings),
buyers (each with a TrustPass company of their own, so they may quote) and staff. Writes what
the Locust users need (ids, member ids, category slugs, the benchmark's query mix, listing texts
to post, a photo) to `--out`.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
BENCH = ROOT / "bench"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings.local")
os.environ["DEBUG"] = "false"

PASSWORD = "Load-pass-2026"


def bench_search():
    """bench/search.py as a module (its name would clash with the `search` app): it creates
    the database if needed and sets Django up on import."""
    spec = importlib.util.spec_from_file_location("bench_search", BENCH / "search.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_search"] = module
    spec.loader.exec_module(module)
    return module


def accounts(users: int) -> dict[str, int]:
    """Accounts per kind for `users` simulated people (20% buyers, 15% suppliers, 5% staff),
    each Locust user signing in with one of its own."""
    return {
        "buyers": max(2, round(users * 0.20) + 2),
        "suppliers": max(2, round(users * 0.15) + 2),
        "staff": max(1, round(users * 0.05) + 1),
    }


def photo(path: Path) -> None:
    """A 1024×768 JPEG (~150 KB), as a phone photo scaled down by the browser would be."""
    from PIL import Image, ImageDraw

    rng = random.Random(7)
    img = Image.new("RGB", (1024, 768), (200, 205, 210))
    draw = ImageDraw.Draw(img)
    for _ in range(400):
        x, y = rng.randrange(1024), rng.randrange(768)
        r = rng.randint(5, 60)
        draw.ellipse(
            (x - r, y - r, x + r, y + r),
            fill=(rng.randrange(256), rng.randrange(256), rng.randrange(256)),
        )
    img.save(path, "JPEG", quality=85)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--listings", type=int, default=100_000)
    ap.add_argument("--companies", type=int, default=10_000)
    ap.add_argument("--users", type=int, default=200)
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args()

    bs = bench_search()
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count
    from django.utils import timezone

    from listings.models import Category, Listing
    from members.models import Company, TrustPassPeriod, User
    from search.index import refresh_stale_rank_keys

    name = connection.settings_dict["NAME"]
    if "load" not in name:
        sys.exit(f"refusing to empty database {name!r}: its name must contain 'load'")
    t0 = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    call_command("migrate", verbosity=0)
    t_migrated = time.perf_counter()
    gen = bs.Generator(bs.SEED)
    now = timezone.now()
    info = bs.load(args.listings, gen, now, companies=args.companies)
    refresh_stale_rank_keys()
    with connection.cursor() as cur:
        # Buy leads: every 20th listing is a demand (R-S1 search defaults to supply).
        cur.execute("UPDATE listings_listing SET kind = 'demand' WHERE id % 20 = 0")
        cur.execute("ANALYZE listings_listing")
    t_loaded = time.perf_counter()

    # --- accounts ------------------------------------------------------------------------
    n = accounts(args.users)
    password = make_password(PASSWORD)  # once: hashing is slow on purpose
    today = timezone.localdate()
    # Suppliers: administrators of the generated companies with the most live listings (the
    # generator weights companies by Zipf), so buyers' inquiries reach their inboxes.
    top = list(
        Listing.objects.filter(status="live", kind="supply")
        .values("company_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .values_list("company_id", flat=True)[: n["suppliers"] * 4]
    )
    rng = random.Random(11)
    supplier_companies = rng.sample(top, min(len(top), n["suppliers"]))
    users = [
        User(
            username=f"supplier{i}",
            email=f"supplier{i}@load.example",
            password=password,
            company_id=cid,
            email_confirmed_at=now,
        )
        for i, cid in enumerate(supplier_companies)
    ]
    buyer_companies = Company.objects.bulk_create(
        Company(
            member_id=f"buyer{i}",
            name=f"第{i}号采购贸易有限公司",
            contact_name="张采购",
            phone="021-66668888",
            email=f"buyer{i}@load.example",
            province="上海",
        )
        for i in range(n["buyers"])
    )
    TrustPassPeriod.objects.bulk_create(
        TrustPassPeriod(
            company=c,
            starts_on=today - timedelta(days=30),
            ends_on=today + timedelta(days=335),
            source=TrustPassPeriod.Source.STAFF,
        )
        for c in buyer_companies
    )
    users += [
        User(
            username=f"buyer{i}",
            email=f"buyer{i}@load.example",
            password=password,
            company=c,
            email_confirmed_at=now,
        )
        for i, c in enumerate(buyer_companies)
    ]
    users += [
        User(
            username=f"staff{i}",
            email=f"staff{i}@load.example",
            password=password,
            is_staff=True,
            is_superuser=True,
        )
        for i in range(n["staff"])
    ]
    User.objects.bulk_create(users)

    # --- what the Locust users need --------------------------------------------------------
    def ids(qs, k: int) -> list[int]:
        got = list(qs.values_list("pk", flat=True).order_by("?")[:k])
        return got

    live = Listing.objects.filter(status="live")
    supplier_listing_ids = ids(live.filter(kind="supply", company_id__in=supplier_companies), 3000)
    trustpass_member_ids = list(
        Company.objects.filter(
            trustpass_periods__starts_on__lte=today,
            trustpass_periods__ends_on__gt=today,
            member_id__startswith="bench",
        )
        .values_list("member_id", flat=True)
        .order_by("?")[:1000]
    )
    categories = list(Category.objects.values_list("pk", "slug", "parent_id"))
    child_ids = [pk for pk, _slug, parent in categories if parent is not None]
    texts = []
    pgen = bs.Generator(bs.SEED + 99)
    for _ in range(3000):
        product = pgen.product()
        texts.append(
            {
                "title": pgen.title(product),
                "keyword": product,
                "description": pgen.description()[:400],
                "category": pgen.rng.choice(child_ids),
            }
        )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    photo_path = args.out.parent / "photo.jpg"
    photo(photo_path)
    own = {}  # each supplier's live listings, to edit
    for i, cid in enumerate(supplier_companies):
        own[f"supplier{i}"] = list(
            live.filter(company_id=cid, kind="supply").values_list("pk", flat=True)[:100]
        )
    data = {
        "password": PASSWORD,
        "suppliers": [u.username for u in users if u.username.startswith("supplier")],
        "supplier_own_listing_ids": own,
        "buyers": [f"buyer{i}" for i in range(n["buyers"])],
        "staff": [f"staff{i}" for i in range(n["staff"])],
        "listing_ids": ids(live.filter(kind="supply"), 5000),
        "buy_lead_ids": ids(live.filter(kind="demand"), 2000),
        "supplier_listing_ids": supplier_listing_ids,
        "member_ids": list(
            Company.objects.filter(member_id__startswith="bench")
            .values_list("member_id", flat=True)
            .order_by("?")[:3000]
        ),
        "trustpass_member_ids": trustpass_member_ids,
        "category_slugs": [slug for _pk, slug, _parent in categories],
        "queries": bs.query_mix(gen, 3000),
        "listing_texts": texts,
        "photo": str(photo_path),
        "seeded_max_listing_id": Listing.objects.order_by("-pk").values_list("pk", flat=True)[0],
    }
    args.out.write_text(json.dumps(data, ensure_ascii=False))
    print(
        f"seed: {args.listings:,} listings of {info['companies']:,} companies"
        f" ({info['trustpass_companies']:,} TrustPass), migrate {t_migrated - t0:.0f} s,"
        f" load {t_loaded - t_migrated:.0f} s; accounts: {n['suppliers']} suppliers,"
        f" {n['buyers']} buyers, {n['staff']} staff ({time.perf_counter() - t_loaded:.0f} s)",
        flush=True,
    )


if __name__ == "__main__":
    main()
