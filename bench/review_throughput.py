"""Benchmark of the automatic review (R-L3): listings through the checks by one worker.

10,000 submitted listings of 1,000 companies (about 14% of them break a rule) are put on a
queue and one Celery worker process runs `listings.listing_review` on each, against
PostgreSQL and Redis. In the same run, through the same worker, the same number of no-op
tasks (`marketplace.noop`) is the baseline.

The worker is one process with a pool of 4 threads by default, the configuration README.md
gives for review workers: a review waits on PostgreSQL for about a third of its time, and
the threads of one process overlap those waits (the no-op runs with the same pool). With
`--pool solo` (one task at a time) the figures on this 2-core machine were 150.3
listings/s and 3.33× the no-op (2026-11-28).

The reviews' own follow-up tasks (rejection e-mails) go to a side queue and run after the
measurement. Both batches are timed with the same instrument, the worker's own log: wall time from the first
"received" to the last "succeeded" of each batch, and each task's runtime ("succeeded in
Xs"). Prints listings/s, median and p95 per listing, the no-op figures and the ratio.
Targets (issue 3): at least 100 listings/s; the checks cost at most 3× the no-op task.

    .venv/bin/python bench/review_throughput.py [--listings 10000] [--companies 1000]
        [--pool solo|threads --concurrency N]   (one worker process either way)

Database: REVIEW_BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/mp_bench_l3,
created if missing); Redis: REVIEW_BENCH_REDIS_URL (default redis://127.0.0.1:6379/1). The
generated rows are deleted at the end. The worker runs as in production: DEBUG off and
persistent database connections (CONN_MAX_AGE=600).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import subprocess
import sys
import time
import uuid
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DB_URL = os.environ.get(
    "REVIEW_BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/mp_bench_l3"
)
REDIS_URL = os.environ.get("REVIEW_BENCH_REDIS_URL", "redis://127.0.0.1:6379/1")
PREFIX = "rvbench"

os.environ["DATABASE_URL"] = DB_URL
os.environ["REDIS_URL"] = REDIS_URL
os.environ["DJANGO_SETTINGS_MODULE"] = "marketplace.settings.local"
os.environ["DEBUG"] = "false"
os.environ.setdefault("CACHE_KEY_PREFIX", f"{PREFIX}{os.getpid()}")

PRODUCTS = [
    ("无缝钢管", "钢管"),
    ("焊接钢管", "钢管"),
    ("镀锌钢管", "钢管"),
    ("不锈钢板", "钢板"),
    ("冷轧薄板", "钢板"),
    ("离心泵", "水泵"),
    ("截止阀", "阀门"),
    ("闸阀", "阀门"),
    ("数控车床", "车床"),
    ("深沟球轴承", "轴承"),
    ("聚丙烯颗粒", "聚丙烯"),
    ("环氧地坪漆", "油漆"),
    ("单片机芯片", "芯片"),
    ("铝电解电容", "电容"),
    ("真丝面料", "面料"),
    ("精梳棉纱", "棉纱"),
    ("头层牛皮", "牛皮"),
    ("大棚黄瓜", "黄瓜"),
    ("高原蓝莓", "蓝莓"),
    ("安化黑茶", "黑茶"),
    ("瓦楞纸箱", "纸箱"),
    ("不干胶标签", "标签"),
    ("白瓷茶具", "茶具"),
    ("竹编收纳篮", "收纳篮"),
    ("扳手套装", "扳手"),
    ("高强度螺栓", "螺栓"),
    ("太阳能路灯", "路灯"),
    ("汽车减震器", "减震器"),
    ("钢化玻璃", "玻璃"),
    ("电饭煲", "电饭煲"),
]
GRADES = ["优质", "精品", "特级", "出口级", "国标", "加厚", "大口径", "小口径", "定制", "库存"]
SENTENCES = [
    "本公司专业生产和销售{p}，严格按照国家标准组织生产，每批产品出厂前均经过质检部门检验。",
    "{p}规格齐全，广泛用于石油化工、电力、船舶、机械制造和建筑工程等行业。",
    "采用先进生产线和成熟工艺，质量稳定可靠，可提供材质证明和检测报告。",
    "常年现货供应，量大从优，可按客户要求定制加工，交货及时，售后服务完善。",
    "欢迎新老客户来电来厂考察洽谈，专车配送到厂，也可代办物流。",
    "产品远销东南亚、中东和欧美市场，深受国内外客户好评。",
]
PROHIBITED = [
    "枪支",
    "弹药",
    "仿真枪",
    "象牙",
    "犀牛角",
    "穿山甲",
    "假币",
    "窃听器",
    "迷药",
    "冰毒",
    "假发票",
    "管制刀具",
    "雷管",
    "炸药",
    "氰化钠",
    "人体器官",
    "虎骨",
    "熊胆",
    "玳瑁",
    "麻黄碱",
] + [f"禁品{i:02d}" for i in range(40)]
BRANDS = [
    "宝钢",
    "鞍钢",
    "首钢",
    "武钢",
    "西门子",
    "施耐德",
    "博世",
    "三星",
    "松下",
    "飞利浦",
    "格力",
    "美的",
    "海尔",
    "耐克",
    "华为",
] + [f"品牌{i:02d}" for i in range(45)]


def setup_django():
    _ensure_database()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def _ensure_database():
    from benchdb import ensure_database

    ensure_database(DB_URL)


# --- data ----------------------------------------------------------------------------------------


def cleanup():
    from listings.models import BrandTerm, Category, ProhibitedTerm
    from members.models import Company

    Company.objects.filter(member_id__startswith=PREFIX).delete()  # cascades listings etc.
    Category.objects.filter(slug__startswith=PREFIX, parent__isnull=False).delete()
    Category.objects.filter(slug__startswith=PREFIX).delete()
    ProhibitedTerm.objects.filter(note=PREFIX).delete()
    BrandTerm.objects.filter(note=PREFIX).delete()


def generate(n_listings: int, n_companies: int) -> tuple[list[int], dict[str, int]]:
    """Companies, term lists and n_listings pending listings (as listing_submit leaves
    them: round 1, deadline set, not yet checked). Returns the ids and the planned mix."""
    from django.utils import timezone

    from listings.models import BrandTerm, Category, Listing, ProhibitedTerm
    from listings.review.checks import normalise_title
    from listings.review.deadline import review_deadline
    from members.models import Company

    rng = random.Random(7)
    cleanup()
    ProhibitedTerm.objects.bulk_create(
        [ProhibitedTerm(term=t, note=PREFIX) for t in PROHIBITED], ignore_conflicts=True
    )
    BrandTerm.objects.bulk_create(
        [BrandTerm(term=t, note=PREFIX) for t in BRANDS], ignore_conflicts=True
    )
    top = Category.objects.create(name=f"{PREFIX}类目", slug=f"{PREFIX}-top")
    leaf = Category.objects.create(name="钢管", slug=f"{PREFIX}-leaf", parent=top)
    companies = Company.objects.bulk_create(
        [
            Company(
                member_id=f"{PREFIX}{i:05d}",
                name=f"基准测试第{i}号有限公司",
                contact_name="王经理",
                phone="0571-88886666",
                email=f"{PREFIX}{i}@example.com",
            )
            for i in range(n_companies)
        ]
    )
    now = timezone.now()
    per_company = max(1, n_listings // n_companies)
    rows: list[Listing] = []
    live: list[Listing] = []
    mix = dict.fromkeys(["clean", "duplicate", "prohibited", "english", "brand", "thin"], 0)

    def description(product: str) -> str:
        picked = rng.sample(SENTENCES, 4)
        return "".join(s.format(p=product) for s in picked)

    for c_index, company in enumerate(companies):
        titles = rng.sample([(g, p) for g in GRADES for p in PRODUCTS], per_company + 3)
        for j in range(per_company):
            grade, (product, keyword) = titles[j]
            title = f"{grade}{product}"
            desc = description(product)
            brand, model = rng.choice(BRANDS[:15]), f"X{rng.randrange(100, 999)}"
            roll = rng.random()
            kind = "clean"
            if roll < 0.03:
                kind = "prohibited"
                desc += f"另有{rng.choice(PROHIBITED[:20])}出售。"
            elif roll < 0.06:
                kind = "english"
                title = f"Stainless {rng.choice(['pipe', 'plate', 'valve', 'pump'])} grade A"
            elif roll < 0.09:
                kind = "brand"
                title = f"{model}{product}"
            elif roll < 0.12:
                kind = "thin"
                desc = f"{product}，质量好。"
            elif roll < 0.14:
                kind = "duplicate"
                live.append(
                    Listing(
                        company=company,
                        category=leaf,
                        status=Listing.Status.LIVE,
                        title=title,
                        title_key=normalise_title(title),
                        keyword=keyword,
                        description=desc + "欢迎来电。",
                        published_at=now,
                        first_published_at=now,
                    )
                )
            mix[kind] += 1
            rows.append(
                Listing(
                    company=company,
                    category=leaf,
                    status=Listing.Status.PENDING_REVIEW,
                    kind="supply",
                    title=title[:60],
                    title_key=normalise_title(title[:60]),
                    keyword=keyword,
                    description=desc,
                    brand=brand,
                    model=model,
                    spec="Φ57×3.5",
                    unit="吨",
                    price="6800.00",
                    review_round=1,
                    submitted_at=now,
                    review_deadline=review_deadline(now),
                )
            )
        # Other live listings of the company (distinct titles): realistic candidate sets.
        for grade, (product, keyword) in titles[per_company:]:
            live.append(
                Listing(
                    company=company,
                    category=leaf,
                    status=Listing.Status.LIVE,
                    title=f"{grade}{product}",
                    title_key=normalise_title(f"{grade}{product}"),
                    keyword=keyword,
                    description=description(product),
                    published_at=now,
                    first_published_at=now,
                )
            )
        if c_index % 200 == 199:
            print(f"  … {c_index + 1} companies", flush=True)
    Listing.objects.bulk_create(live, batch_size=2000)
    created = Listing.objects.bulk_create(rows, batch_size=2000)
    return [listing.pk for listing in created], mix


# --- the worker ---------------------------------------------------------------------------------

LINE = re.compile(
    r"^\[(?P<ts>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}): INFO/MainProcess\] "
    r"Task (?P<name>[\w.]+)\[(?P<id>[0-9a-f-]+)\] (?P<what>received|succeeded in (?P<secs>[\d.e-]+)s)"
)


def _lines(log_path: Path):
    """The worker's log lines in Celery's own format: workers log JSON lines (issue 16), each
    rewritten as `[time: INFO/MainProcess] message`."""
    for line in log_path.read_text(errors="replace").splitlines():
        if line.startswith("{"):
            try:
                record = json.loads(line)
                line = f"[{record['time']}: INFO/MainProcess] {record['message']}"
            except (ValueError, KeyError):
                continue
        yield line


def start_worker(
    log_path: Path, idle_queue: str, side_queue: str, pool: str = "solo", concurrency: int = 1
) -> subprocess.Popen:
    """One worker process consuming `idle_queue` (solo pool, or threads of one process);
    tasks it sends itself (the rejection e-mails) go to the `side_queue.<kind>` queues,
    consumed only after the measurement."""
    env = {
        **os.environ,
        "CELERY_QUEUE_PREFIX": f"{side_queue}.",
        "CONN_MAX_AGE": "600",
        "LOG_LEVEL": "WARNING",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }
    log = open(log_path, "ab")  # noqa: SIM115 (closed with the process)
    # REVIEW_BENCH_PROFILE=<file>: run the worker under cProfile (stats written at shutdown).
    profile = os.environ.get("REVIEW_BENCH_PROFILE")
    return subprocess.Popen(
        [
            sys.executable,
            *(["-m", "cProfile", "-o", profile] if profile else []),
            "-m",
            "celery",
            "-A",
            "marketplace",
            "worker",
            "-Q",
            idle_queue,
            f"--pool={pool}",
            f"--concurrency={concurrency}",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "-l",
            "info",
            "-n",
            f"{idle_queue}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def wait_ready(app, node: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if app.control.ping(destination=[node], timeout=0.5):
            return
        time.sleep(0.3)
    raise RuntimeError("the worker did not start")


def parse(log_path: Path, name: str) -> tuple[list[datetime], list[datetime], list[float]]:
    received, done, secs = [], [], []
    for line in _lines(log_path):
        m = LINE.match(line)
        if not m or m["name"] != name:
            continue
        ts = datetime.strptime(m["ts"], "%Y-%m-%d %H:%M:%S,%f")
        if m["what"] == "received":
            received.append(ts)
        else:
            done.append(ts)
            secs.append(float(m["secs"]))
    return received, done, secs


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (Linux /proc), in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_batch(app, node, queue, log_path, name, send, n, timeout, pid) -> dict:
    """Fill `queue` with n tasks, let the worker consume it, wait for n successes."""
    t0 = time.monotonic()
    send(queue)
    sent_s = time.monotonic() - t0
    cpu0 = process_cpu_seconds(pid)
    app.control.add_consumer(queue, destination=[node], reply=True)
    deadline = time.monotonic() + timeout
    while True:
        _, done, _ = parse(log_path, name)
        if len(done) >= n:
            break
        if time.monotonic() > deadline:
            raise RuntimeError(f"{name}: only {len(done)} of {n} done in {timeout}s")
        time.sleep(1.0)
    cpu = process_cpu_seconds(pid) - cpu0
    app.control.cancel_consumer(queue, destination=[node], reply=True)
    received, done, secs = parse(log_path, name)
    wall = (max(done) - min(received)).total_seconds()
    return {
        "n": len(done),
        "wall": wall,
        "rate": len(done) / wall,
        "per_task_ms": wall / len(done) * 1000,
        "median_ms": statistics.median(secs) * 1000,
        "mean_ms": statistics.fmean(secs) * 1000,
        "p95_ms": sorted(secs)[max(0, int(len(secs) * 0.95) - 1)] * 1000,
        "send_s": sent_s,
        "cpu_ms": cpu / len(done) * 1000,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listings", type=int, default=10_000)
    parser.add_argument("--companies", type=int, default=1_000)
    parser.add_argument("--pool", choices=["solo", "threads"], default="threads")
    parser.add_argument("--concurrency", type=int, default=4, help="threads (with --pool threads)")
    args = parser.parse_args()
    if args.pool == "solo":
        args.concurrency = 1

    print(
        f"review_throughput: {args.listings} listings of {args.companies} companies; one worker "
        f"process, pool {args.pool} x{args.concurrency}"
    )
    setup_django()
    from listings.models import Listing, ListingCheck
    from listings.tasks import listing_review
    from marketplace.celery import app
    from marketplace.tasks import noop

    t = time.monotonic()
    ids, mix = generate(args.listings, args.companies)
    print(f"  data: {len(ids)} pending listings in {time.monotonic() - t:.1f}s; planned {mix}")

    run = uuid.uuid4().hex[:8]
    idle, q_noop, q_review = f"{PREFIX}-idle-{run}", f"{PREFIX}-noop-{run}", f"{PREFIX}-rev-{run}"
    side = f"{PREFIX}-side-{run}"
    side_queues = [f"{side}.{q.name}" for q in app.conf.task_queues]  # the worker's, prefixed
    log_path = Path(f"/tmp/{PREFIX}-{run}-worker.log")
    node = f"{idle}@{os.uname().nodename}"
    worker = start_worker(log_path, idle, side, args.pool, args.concurrency)
    try:
        wait_ready(app, node)

        def send_noops(queue):
            with app.producer_or_acquire() as producer:
                for listing_id in ids:
                    noop.apply_async(
                        (listing_id,), queue=queue, ignore_result=True, producer=producer
                    )

        def send_reviews(queue):
            with app.producer_or_acquire() as producer:
                for listing_id in ids:
                    listing_review.apply_async((listing_id, 1), queue=queue, producer=producer)

        baseline = run_batch(
            app, node, q_noop, log_path, "marketplace.noop", send_noops, len(ids), 600, worker.pid
        )
        review = run_batch(
            app,
            node,
            q_review,
            log_path,
            "listings.listing_review",
            send_reviews,
            len(ids),
            1800,
            worker.pid,
        )
        # Then the rejection e-mails the reviews enqueued (not part of the measurement).
        for queue in side_queues:
            app.control.add_consumer(queue, destination=[node], reply=True)
        time.sleep(3)
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
        _drop_queues([q_noop, q_review, idle, *side_queues])

    checked = Listing.objects.filter(pk__in=ids, checked_at__isnull=False).count()
    rejected = Listing.objects.filter(pk__in=ids, status=Listing.Status.REJECTED).count()
    checks = ListingCheck.objects.filter(listing_id__in=ids).count()
    ratio = review["per_task_ms"] / baseline["per_task_ms"]
    runtime_ratio = review["median_ms"] / baseline["median_ms"]
    print(
        f"  checked {checked}/{len(ids)} listings, {checks} check rows, {rejected} rejected "
        f"({rejected / len(ids):.1%})"
    )
    print(
        f"no-op baseline : {baseline['rate']:8.1f} tasks/s   {baseline['per_task_ms']:6.2f} ms/task wall"
        f"   runtime median {baseline['median_ms']:.2f} mean {baseline['mean_ms']:.2f} p95 {baseline['p95_ms']:.2f} ms"
    )
    print(
        f"review (checks): {review['rate']:8.1f} listings/s {review['per_task_ms']:6.2f} ms/listing wall"
        f"   runtime median {review['median_ms']:.2f} mean {review['mean_ms']:.2f} p95 {review['p95_ms']:.2f} ms"
    )
    print(
        f"worker CPU per task: no-op {baseline['cpu_ms']:.2f} ms, review {review['cpu_ms']:.2f} ms "
        f"({review['cpu_ms'] / baseline['cpu_ms']:.2f}x); machine load average "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )
    print(
        f"ratio review/no-op: {ratio:.2f}x wall per task (runtime medians {runtime_ratio:.1f}x); "
        f"targets: >= 100 listings/s [{'ok' if review['rate'] >= 100 else 'MISSED'}], "
        f"<= 3x no-op [{'ok' if ratio <= 3 else 'MISSED'}]"
    )
    cleanup()
    log_path.unlink(missing_ok=True)
    return 0 if checked == len(ids) else 1


def _drop_queues(names):
    """Delete this run's own queue keys (never FLUSHDB: Redis is shared)."""
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    for name in names:
        client.delete(name)


if __name__ == "__main__":
    raise SystemExit(main())
