"""Search benchmark (issue 4, R-S1–R-S3): 1,000,000 live Chinese listings in PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mp_bench_s4 .venv/bin/python bench/search.py
    options: --rows N (default 1000000), --queries N (500), --keep (leave the data),
             --skip-load (reuse data from an earlier --keep run), --recall-queries N (distinct
             queries checked against LIKE; default all), --no-http

It uses (and empties) the listings, companies and categories of the database in
DATABASE_URL: give it a database of its own. Prints:
- data load, index build time and index sizes;
- p50/p95 latency of the search selector (`search.selectors.listing_search`) over a mix of
  500 queries of one to three words (frequent and rare words, fragments, single characters);
- p50/p95 latency of GET /api/v1/search/ under gunicorn (2 workers), and throughput of that
  endpoint and of a trivial JSON endpoint on the same server in the same run, with their ratio;
- recall against a LIKE ground truth (share of the true matches the search finds, on the full
  match sets, each query word matched as a substring of one field).
"""

from __future__ import annotations

import argparse
import io
import multiprocessing
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings.local")
os.environ["DEBUG"] = "false"  # no query log in memory
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/mp_bench_s4")

from benchdb import ensure_database  # noqa: E402

ensure_database(os.environ["DATABASE_URL"])

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from search import ranking  # noqa: E402
from search.selectors import listing_search  # noqa: E402
from search.tokenize import (  # noqa: E402
    build_document,
    document_lexemes,
    document_to_tsvector,
    lexemes_signature,
    lexemes_to_tsvector,
    parse_query,
    tokens_to_tsquery,
)

SEED = 20260501
MATERIALS = [
    "不锈钢",
    "碳钢",
    "合金钢",
    "铝合金",
    "黄铜",
    "紫铜",
    "铸铁",
    "球墨铸铁",
    "镀锌",
    "塑料",
    "尼龙",
    "橡胶",
    "陶瓷",
    "玻璃钢",
    "钛合金",
    "硅胶",
    "聚乙烯",
    "聚丙烯",
    "亚克力",
    "实木",
    "竹",
    "纯棉",
    "涤纶",
    "真皮",
    "牛皮",
    "羊毛",
    "碳纤维",
    "石墨",
    "大理石",
    "花岗岩",
]
PRODUCTS = [
    "钢管",
    "无缝管",
    "焊管",
    "方管",
    "板材",
    "卷板",
    "圆钢",
    "角钢",
    "槽钢",
    "工字钢",
    "钢丝",
    "钢丝绳",
    "螺栓",
    "螺母",
    "垫片",
    "法兰",
    "弯头",
    "三通",
    "球阀",
    "闸阀",
    "蝶阀",
    "截止阀",
    "止回阀",
    "阀门",
    "水泵",
    "离心泵",
    "齿轮",
    "轴承",
    "链条",
    "皮带",
    "电机",
    "减速机",
    "变压器",
    "电缆",
    "电线",
    "开关",
    "插座",
    "灯具",
    "面料",
    "纱线",
    "箱包",
    "手套",
    "服装",
    "鞋材",
    "包装袋",
    "纸箱",
    "托盘",
    "货架",
    "模具",
    "刀具",
    "钻头",
    "砂轮",
    "油漆",
    "涂料",
    "胶水",
    "密封圈",
    "过滤网",
    "滤芯",
]
ADJECTIVES = [
    "优质",
    "精密",
    "高强度",
    "耐腐蚀",
    "耐高温",
    "耐磨",
    "防锈",
    "环保",
    "国标",
    "非标",
    "定制",
    "批发",
    "厂家直销",
    "现货",
    "供应",
    "低价",
    "特价",
    "进口",
    "国产",
    "加厚",
    "大口径",
    "小口径",
    "高压",
    "低压",
    "食品级",
    "医用",
    "工业用",
    "民用",
    "新款",
    "热销",
]
PHRASES = [
    "质量可靠",
    "价格优惠",
    "欢迎来电",
    "洽谈合作",
    "诚信经营",
    "量大从优",
    "规格齐全",
    "发货及时",
    "售后无忧",
    "支持定制",
    "来图加工",
    "品质保证",
    "技术先进",
    "设备齐全",
    "经验丰富",
    "全国发货",
    "物流便捷",
    "样品免费",
    "欢迎采购",
    "长期供应",
    "库存充足",
    "型号齐全",
    "专业生产",
    "一件代发",
    "按需定做",
    "包装精美",
    "使用寿命长",
    "安装方便",
    "性能稳定",
    "出厂检验",
    "本公司",
    "主要产品",
    "广泛应用于",
    "化工",
    "石油",
    "电力",
    "建筑",
    "机械",
    "船舶",
    "食品",
    "医药",
    "纺织",
    "汽车",
    "家具",
    "五金",
]
CODES = [
    "SUS304",
    "SUS316L",
    "Q235B",
    "Q345B",
    "6061",
    "H62",
    "DN50",
    "DN100",
    "M12",
    "M20",
    "GB3087",
    "ASTM",
]
PROVINCES = ["浙江", "江苏", "广东", "山东", "河北", "上海", "天津", "福建", "河南", "辽宁"]


def vocabulary(rng: random.Random) -> list[str]:
    compounds = sorted({m + p for m in MATERIALS for p in PRODUCTS})
    rng.shuffle(compounds)
    words = MATERIALS + PRODUCTS + ADJECTIVES + PHRASES + compounds[:200]
    rng.shuffle(words)
    return words  # ~400 words; Zipf weights by position


def zipf_cum(n: int, s: float = 1.0) -> list[float]:
    cum, total = [], 0.0
    for k in range(1, n + 1):
        total += 1.0 / k**s
        cum.append(total)
    return cum


class Generator:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.words = vocabulary(random.Random(SEED))  # the same ranking in every worker
        self.cum = zipf_cum(len(self.words))
        self.product_cum = zipf_cum(len(PRODUCTS), 0.8)

    def pick(self, k: int) -> list[str]:
        return self.rng.choices(self.words, cum_weights=self.cum, k=k)

    def product(self) -> str:
        return self.rng.choices(PRODUCTS, cum_weights=self.product_cum, k=1)[0]

    def title(self, product: str) -> str:
        r = self.rng
        parts = [r.choice(ADJECTIVES)]
        if r.random() < 0.7:
            parts.append(r.choice(MATERIALS))
        parts.append(product)
        parts.extend(self.pick(r.randint(0, 2)))
        if r.random() < 0.15:
            parts.append(r.choice(CODES))
        return "".join(parts)[:60]

    def description(self) -> str:
        r = self.rng
        out, n = [], 0
        while n < 300:
            chunk = "".join(self.pick(r.randint(3, 7)))
            if r.random() < 0.05:
                chunk += r.choice(CODES)
            out.append(chunk)
            n += len(chunk) + 1
        return "，".join(out) + "。"


# --- load ---------------------------------------------------------------------------------


def not_null_defaults(table: str, given: set[str]) -> dict[str, str]:
    """COPY values for NOT NULL columns of `table` this script does not fill itself (other
    issues add columns): a neutral value per type."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT column_name, data_type FROM information_schema.columns"
            " WHERE table_name = %s AND is_nullable = 'NO' AND column_default IS NULL",
            [table],
        )
        cols = cur.fetchall()
    by_type = {
        "boolean": "f",
        "integer": "0",
        "smallint": "0",
        "bigint": "0",
        "numeric": "0",
        "double precision": "0",
        "jsonb": "[]",
        "timestamp with time zone": timezone.now().isoformat(),
        "date": date.today().isoformat(),
    }
    out = {}
    for name, dtype in cols:
        if name in given or name == "id":
            continue
        out[name] = by_type.get(dtype, "")
    return out


def esc(v) -> str:
    if v is None:
        return "\\N"
    if isinstance(v, bool):
        return "t" if v else "f"
    s = str(v)
    return s.replace("\\", "\\\\").replace("\t", " ").replace("\n", " ").replace("\r", " ")


def copy_rows(table: str, columns: list[str], rows) -> None:
    buf = io.StringIO()
    for row in rows:
        buf.write("\t".join(esc(v) for v in row))
        buf.write("\n")
    buf.seek(0)
    with connection.cursor() as cur:
        cur.cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buf)


def index_definitions() -> dict[str, str]:
    with connection.cursor() as cur:
        cur.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'listings_listing'"
            " AND indexname <> 'listings_listing_pkey'"
        )
        return dict(cur.fetchall())


def load(n: int, gen: Generator, now: datetime, companies: int | None = None) -> dict:
    from listings.models import Category
    from members.models import Company, TrustPassPeriod

    t0 = time.perf_counter()
    # categories: 10 parents × 6 children
    cats = []
    for i, parent_name in enumerate(
        [
            "冶金矿产",
            "机械五金",
            "电工电气",
            "化工",
            "纺织皮革",
            "包装",
            "建材",
            "仪器仪表",
            "交通运输",
            "家居用品",
        ]
    ):
        parent = Category.objects.create(name=parent_name, slug=f"b-{i}", position=i)
        for j in range(6):
            cats.append(
                Category.objects.create(
                    name=f"{PRODUCTS[(i * 6 + j) % len(PRODUCTS)]}类",
                    slug=f"b-{i}-{j}",
                    parent=parent,
                    position=j,
                )
            )
    cat_names = {c.pk: (c.name, c.parent.name) for c in cats}

    # companies: 20,000 (or `companies`: the load test's 10,000 for 100,000 listings), 20%
    # TrustPass now
    n_companies = companies or max(50, n // 50)
    ccols = [
        "member_id",
        "name",
        "contact_name",
        "phone",
        "email",
        "province",
        "city",
        "industry",
        "address",
        "summary",
        "verified",
        "credit_score",
        "created_at",
    ]
    extra = not_null_defaults("members_company", set(ccols))
    ccols_all = ccols + list(extra)
    rng = gen.rng
    copy_rows(
        "members_company",
        ccols_all,
        (
            [
                f"bench{i}",
                f"第{i}号工贸有限公司",
                "王经理",
                "0571-88886666",
                f"b{i}@example.com",
                rng.choice(PROVINCES),
                "",
                "",
                "",
                "",
                rng.random() < 0.3,
                rng.randint(0, 80),
                now.isoformat(),
                *extra.values(),
            ]
            for i in range(n_companies)
        ),
    )
    company_ids = list(Company.objects.order_by("pk").values_list("pk", flat=True))
    today = timezone.localdate(now)
    tp_until: dict[int, datetime] = {}
    periods = []
    for cid in company_ids:
        if rng.random() < 0.2:
            start = today - timedelta(days=rng.randint(0, 300))
            end = start + timedelta(days=365)
            periods.append((cid, start, end))
            tp_until[cid] = timezone.make_aware(datetime.combine(end, datetime.min.time()))
    pcols = ["company_id", "starts_on", "ends_on", "source", "note", "created_at"]
    pextra = not_null_defaults("members_trustpassperiod", set(pcols))
    copy_rows(
        "members_trustpassperiod",
        pcols + list(pextra),
        ([c, s, e, "demo", "", now.isoformat(), *pextra.values()] for c, s, e in periods),
    )
    assert TrustPassPeriod.objects.count() == len(periods)

    # listings
    indexes = index_definitions()
    with connection.cursor() as cur:
        for name in indexes:
            cur.execute(f"DROP INDEX IF EXISTS {name}")
    lcols = [
        "company_id",
        "kind",
        "status",
        "title",
        "keyword",
        "category_id",
        "description",
        "brand",
        "model",
        "spec",
        "unit",
        "min_order",
        "price",
        "fixed_price",
        "supports_escrow",
        "province",
        "city",
        "validity_days",
        "contact_name",
        "contact_phone",
        "contact_email",
        "rejection_reasons",
        "published_at",
        "first_published_at",
        "expires_at",
        "created_at",
        "updated_at",
        "search_title",
        "search_document",
        "search_sig",
        "flood_key",
        "rank_demoted",
        "rank_key",
        "rank_valid_until",
        "search_indexed_at",
    ]
    lextra = not_null_defaults("listings_listing", set(lcols))
    lcols_all = lcols + list(lextra)
    cat_ids = list(cat_names)
    t_gen = time.perf_counter()
    shared = {
        "now": now,
        "company_ids": company_ids,
        "tp_until": tp_until,
        "cat_names": cat_names,
        "cat_ids": cat_ids,
        "extra": list(lextra.values()),
    }
    chunk = 20000
    tasks = [(i, min(chunk, n - i * chunk)) for i in range(-(-n // chunk))]
    done = 0
    workers = int(os.environ.get("BENCH_WORKERS", "2"))
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(workers, initializer=_init_worker, initargs=(shared,)) as pool:
        for text in pool.imap(_gen_chunk, tasks):
            with connection.cursor() as cur:
                cur.cursor.copy_expert(
                    f"COPY listings_listing ({', '.join(lcols_all)}) FROM STDIN", io.StringIO(text)
                )
            done += text.count("\n")
            if done % 200000 < chunk:
                print(f"  … {done:,} listings ({time.perf_counter() - t_gen:.0f} s)", flush=True)
    t_loaded = time.perf_counter()
    with connection.cursor() as cur:
        # Indexes before any UPDATE: a table without updated rows has no broken HOT chains,
        # so the new indexes are usable at once even while other sessions hold old snapshots.
        cur.execute("SET maintenance_work_mem = '512MB'")
        build = {}
        for name, sql in indexes.items():
            t = time.perf_counter()
            cur.execute(sql)
            build[name] = time.perf_counter() - t
        t_indexed = time.perf_counter()
        # R-S3 for the whole table, the same rule as search.ranking.flooding_demoted
        cur.execute(
            "UPDATE listings_listing l SET rank_demoted = TRUE FROM ("
            " SELECT id, published_at - lag(published_at) OVER ("
            "  PARTITION BY company_id, flood_key ORDER BY published_at, id) AS gap"
            " FROM listings_listing WHERE status = 'live') s"
            " WHERE s.id = l.id AND s.gap < interval '2 hours'"
        )
        demoted = cur.rowcount
        t_demoted = time.perf_counter()
        cur.execute("VACUUM ANALYZE listings_listing")
        cur.execute("ANALYZE members_trustpassperiod")
        cur.execute("ANALYZE members_company")
        sizes = {}
        for name in indexes:
            cur.execute("SELECT pg_relation_size(%s::regclass)", [name])
            sizes[name] = cur.fetchone()[0]
        cur.execute("SELECT pg_total_relation_size('listings_listing')")
        table_total = cur.fetchone()[0]
    t_done = time.perf_counter()
    return {
        "rows": n,
        "companies": len(company_ids),
        "trustpass_companies": len(periods),
        "demoted": demoted,
        "generate_and_copy_s": t_loaded - t0,
        "demotion_s": t_demoted - t_indexed,
        "index_build_s": build,
        "vacuum_analyze_s": t_done - t_demoted,
        "index_bytes": sizes,
        "table_total_bytes": table_total,
        "words": gen.words,
    }


_W: dict = {}


def _init_worker(shared: dict) -> None:
    _W.update(shared)
    _W["company_cum"] = zipf_cum(len(shared["company_ids"]), 0.6)


def _gen_chunk(task: tuple[int, int]) -> str:
    """COPY text of `size` listings; deterministic per chunk index."""
    index, size = task
    gen = Generator(SEED + 1000 + index)
    rng = gen.rng
    now, company_ids, tp_until = _W["now"], _W["company_ids"], _W["tp_until"]
    cat_names, cat_ids, extra = _W["cat_names"], _W["cat_ids"], _W["extra"]
    span = 90 * 86400
    out = []
    prev = None
    for _i in range(size):
        if prev is not None and rng.random() < 0.04:
            # a burst: the same company publishes the same keyword again soon after (R-S3)
            company_id, product = prev[0], prev[1]
            published = min(now, prev[2] + timedelta(seconds=rng.randint(60, 4 * 3600)))
        else:
            company_id = rng.choices(company_ids, cum_weights=_W["company_cum"], k=1)[0]
            product = gen.product()
            published = now - timedelta(seconds=rng.randint(0, span))
        title = gen.title(product)
        desc = gen.description()
        cat_id = rng.choice(cat_ids)
        cname, pname = cat_names[cat_id]
        fixed = rng.random() < 0.3
        escrow = rng.random() < 0.3
        fresh = ranking.is_fresh(published, now)
        key = ranking.rank_key(
            trustpass=company_id in tp_until,
            fixed_price=fixed,
            supports_escrow=escrow,
            fresh=fresh,
        )
        valid = ranking.rank_valid_until(
            published_at=published,
            fixed_price=fixed,
            supports_escrow=escrow,
            now=now,
            trustpass_changes_at=tp_until.get(company_id),
        )
        title_tv = document_to_tsvector(build_document([title]))
        lexemes = document_lexemes([title, product, "", "", "", cname, pname, desc])
        doc_tv = lexemes_to_tsvector(lexemes)
        pub = published.isoformat()
        row = [
            company_id, "supply", "live", title, product, cat_id, desc, "", "", "", "件", 1,
            rng.randint(10, 99999), fixed, escrow, rng.choice(PROVINCES), "", 30, "", "", "",
            "[]", pub, pub, (published + timedelta(days=120)).isoformat(), pub, pub, title_tv,
            doc_tv, lexemes_signature(lexemes), ranking.flood_group_key(product), False, key,
            valid.isoformat() if valid else None, pub, *extra,
        ]  # fmt: skip
        out.append("\t".join(esc(v) for v in row))
        prev = (company_id, product, published)
    return "\n".join(out) + "\n"


# --- queries -------------------------------------------------------------------------------


def query_mix(gen: Generator, n: int) -> list[str]:
    """1–3 words: frequent and rare vocabulary words, fragments of words, single characters,
    and a few codes; repeated with a skew like real traffic."""
    rng = random.Random(SEED + 1)
    words = gen.words
    frequent, rare = words[:40], words[150:]
    distinct: list[str] = []
    for _ in range(60):
        distinct.append(rng.choice(frequent))
    for _ in range(60):
        distinct.append(rng.choice(rare))
    for _ in range(40):  # fragments: part of a longer word
        w = rng.choice([w for w in words if len(w) >= 3])
        a = rng.randint(0, len(w) - 2)
        distinct.append(w[a : a + rng.randint(2, len(w) - a)])
    for _ in range(30):  # single characters
        distinct.append(rng.choice(rng.choice(words)))
    for _ in range(50):  # two words
        distinct.append(f"{rng.choice(words[:100])} {rng.choice(words)}")
    for _ in range(20):  # three words
        distinct.append(" ".join(rng.choice(words[:120]) for _ in range(3)))
    for _ in range(10):
        distinct.append(rng.choice(CODES).lower())
    distinct = list(dict.fromkeys(distinct))
    cum = zipf_cum(len(distinct), 0.5)
    rng.shuffle(distinct)
    return rng.choices(distinct, cum_weights=cum, k=n)


def pct(values, p):
    values = sorted(values)
    k = max(0, min(len(values) - 1, round(p / 100 * (len(values) - 1))))
    return values[k]


def run_selector(queries: list[str]) -> dict:
    # Warm up: each distinct query once (caches of PostgreSQL and the OS, the statistics read
    # by the selector); no result is kept between searches, so the timed run still does the
    # whole work of every search.
    for q in dict.fromkeys(queries):
        listing_search(q=q)
    times, counts, capped = [], [], 0
    for q in queries:
        t = time.perf_counter()
        page = listing_search(q=q)
        times.append((time.perf_counter() - t) * 1000)
        counts.append(page.count)
        capped += page.capped
    return {
        "p50_ms": statistics.median(times),
        "p95_ms": pct(times, 95),
        "max_ms": max(times),
        "mean_ms": statistics.fmean(times),
        "capped_share": capped / len(queries),
        "zero_result_share": sum(1 for c in counts if c == 0) / len(queries),
        "times": times,
    }


def baseline_pk_read(n: int = 500) -> dict:
    """The same-run baseline: a primary-key ORM read."""
    from listings.models import Listing

    ids = list(Listing.objects.values_list("pk", flat=True)[:n])
    times = []
    for pk in ids:
        t = time.perf_counter()
        Listing.objects.select_related("company").get(pk=pk)
        times.append((time.perf_counter() - t) * 1000)
    return {"p50_ms": statistics.median(times), "p95_ms": pct(times, 95)}


def recall(queries: list[str], limit: int | None, sample: int = 10) -> dict:
    """Share of the LIKE matches the search finds, counted on full match sets: for each
    distinct query, every live supply listing of a systematic 1-in-`sample` row sample
    (id % sample = 0) whose title, keyword or description contains each query word as a
    substring (what `LIKE '%word%'` finds, computed here in Python to keep the run short),
    against the same rows matched by the search's tsquery."""
    distinct = [q for q in dict.fromkeys(queries) if parse_query(q).terms]
    if limit:
        distinct = distinct[:limit]
    t0 = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute(
            "SELECT id, lower(title || chr(1) || keyword || chr(1) || description)"
            " FROM listings_listing WHERE status = 'live' AND kind = 'supply'"
            " AND id %% %s = 0",
            [sample],
        )
        rows = cur.fetchall()
    true_total = found_total = extra_total = 0
    worst = []
    with connection.cursor() as cur:
        for q in distinct:
            parsed = parse_query(q)
            words = [t.text for t in parsed.terms]
            truth = {i for i, text in rows if all(w in text for w in words)}
            cur.execute(
                "SELECT id FROM listings_listing WHERE status = 'live' AND kind = 'supply'"
                " AND id %% %s = 0 AND search_document @@ %s::tsquery",
                [sample, tokens_to_tsquery(parsed.all_tokens)],
            )
            found = {r[0] for r in cur.fetchall()}
            true_total += len(truth)
            found_total += len(truth & found)
            extra_total += len(found - truth)
            if len(truth & found) < len(truth):
                worst.append((q, len(truth), len(truth & found)))
    return {
        "distinct_queries": len(distinct),
        "sample_rows": len(rows),
        "true_matches": true_total,
        "found": found_total,
        "recall": found_total / true_total if true_total else 1.0,
        "extra_matches": extra_total,
        "queries_below_100pct": worst[:10],
        "seconds": time.perf_counter() - t0,
    }


# --- HTTP under gunicorn --------------------------------------------------------------------


def http_bench(queries: list[str], port: int = 8787) -> dict:
    if not shutil.which("gunicorn") and not (ROOT / ".venv/bin/gunicorn").exists():
        return {"skipped": "gunicorn not installed"}
    gunicorn = (
        str(ROOT / ".venv/bin/gunicorn") if (ROOT / ".venv/bin/gunicorn").exists() else "gunicorn"
    )
    env = {
        **os.environ,
        "DEBUG": "false",
        "CONN_MAX_AGE": "600",
        "THROTTLE_ANON": "off",
        "THROTTLE_USER": "off",
    }
    proc = subprocess.Popen(
        [
            gunicorn,
            "marketplace.wsgi",
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/api/v1/search/health/", timeout=2).read()
                break
            except Exception:
                time.sleep(0.2)
        for q in dict.fromkeys(queries):  # warm up, as for the selector
            urllib.request.urlopen(base + "/api/v1/search/?q=" + urllib.parse.quote(q)).read()
        times = []
        for q in queries:
            t = time.perf_counter()
            with urllib.request.urlopen(base + "/api/v1/search/?q=" + urllib.parse.quote(q)) as r:
                r.read()
                assert r.status == 200
            times.append((time.perf_counter() - t) * 1000)
        out = {"api_p50_ms": statistics.median(times), "api_p95_ms": pct(times, 95)}
        if shutil.which("ab"):
            out.update(ab_throughput(base, queries))
        else:
            out["throughput"] = "skipped: ab (apache2-utils) not installed"
        return out
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


def ab_rps(url: str, n: int, c: int) -> float:
    out = subprocess.run(
        ["ab", "-q", "-n", str(n), "-c", str(c), url], capture_output=True, text=True, check=True
    ).stdout
    for line in out.splitlines():
        if line.startswith("Requests per second"):
            return float(line.split()[3])
    raise RuntimeError(out)


def ab_throughput(base: str, queries: list[str]) -> dict:
    """Requests/s with 4 concurrent clients, alternating rounds so both see the same noise.
    `ab` repeats one URL per round, so each search round uses another query of the mix."""
    trivial = base + "/api/v1/search/health/"
    rng = random.Random(SEED + 2)
    triv, srch = [], []
    for _round in range(5):
        triv.append(ab_rps(trivial, 2000, 4))
        q = rng.choice(queries)
        srch.append(ab_rps(base + "/api/v1/search/?q=" + urllib.parse.quote(q), 400, 4))
    t, s = statistics.median(triv), statistics.median(srch)
    return {
        "trivial_rps": t,
        "search_rps": s,
        "ratio": s / t,
        "rounds": list(zip(triv, srch, strict=True)),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--queries", type=int, default=500)
    ap.add_argument("--recall-queries", type=int, default=0)
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--skip-load", action="store_true")
    ap.add_argument("--no-http", action="store_true")
    ap.add_argument("--no-recall", action="store_true")
    args = ap.parse_args()
    assert connection.vendor == "postgresql", "the search benchmark needs PostgreSQL"
    if "bench" not in connection.settings_dict["NAME"]:
        sys.exit("refusing to empty a database whose name does not contain 'bench'")
    if not args.skip_load:
        # A schema of its own, fresh every run (a run stopped half-way left no indexes).
        with connection.cursor() as cur:
            cur.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    call_command("migrate", verbosity=0)
    gen = Generator(SEED)
    now = timezone.now()
    print(f"== search benchmark: {args.rows:,} listings, {args.queries} queries ==", flush=True)
    if not args.skip_load:
        info = load(args.rows, gen, now)
        mb = 1024 * 1024
        print(
            f"load: {info['generate_and_copy_s']:.0f} s generate+COPY ({info['companies']:,} companies,"
            f" {info['trustpass_companies']:,} TrustPass), R-S3 {info['demotion_s']:.1f} s"
            f" ({info['demoted']:,} demoted), VACUUM ANALYZE {info['vacuum_analyze_s']:.0f} s"
        )
        for name, secs in info["index_build_s"].items():
            print(f"  index {name}: built in {secs:.1f} s, {info['index_bytes'][name] / mb:.0f} MB")
        print(f"  table incl. indexes and TOAST: {info['table_total_bytes'] / mb:.0f} MB")
    # As in production, where the beat task (listings.search_refresh_rank_keys, every minute)
    # stores the keys whose time ran out since the data was made.
    from search.index import refresh_stale_rank_keys

    t = time.perf_counter()
    refreshed = refresh_stale_rank_keys()
    print(f"rank keys that ran out, stored again: {refreshed:,} ({time.perf_counter() - t:.1f} s)")
    queries = query_mix(gen, args.queries)
    base = baseline_pk_read()
    sel = run_selector(queries)
    print(
        f"selector: p50 {sel['p50_ms']:.1f} ms, p95 {sel['p95_ms']:.1f} ms, max {sel['max_ms']:.0f} ms"
        f" (mean {sel['mean_ms']:.1f}); {sel['capped_share']:.0%} of queries over the count cap,"
        f" {sel['zero_result_share']:.0%} with no result"
    )
    print(
        f"  baseline pk ORM read (same run): p50 {base['p50_ms']:.2f} ms, p95 {base['p95_ms']:.2f} ms;"
        f" selector p50 = {sel['p50_ms'] / base['p50_ms']:.1f}× baseline"
    )
    print(
        f"  targets: p50 ≤ 10 ms {'MET' if sel['p50_ms'] <= 10 else 'NOT MET'},"
        f" p95 ≤ 50 ms {'MET' if sel['p95_ms'] <= 50 else 'NOT MET'}",
        flush=True,
    )
    if not args.no_http:
        h = http_bench(queries)
        if "api_p50_ms" in h:
            print(
                f"GET /api/v1/search/ (gunicorn, 2 workers): p50 {h['api_p50_ms']:.1f} ms,"
                f" p95 {h['api_p95_ms']:.1f} ms"
            )
        if "ratio" in h:
            print(
                f"throughput (ab, 4 concurrent): search {h['search_rps']:.0f} req/s, trivial JSON"
                f" {h['trivial_rps']:.0f} req/s, ratio {h['ratio']:.1%}"
                f" (target ≥ 10%: {'MET' if h['ratio'] >= 0.10 else 'NOT MET'})"
            )
        else:
            print(f"throughput: {h.get('throughput') or h.get('skipped')}")
    if not args.no_recall:
        sample = max(1, args.rows // 50_000)
        r = recall(queries, args.recall_queries or None, sample=sample)
        print(
            f"recall vs LIKE: {r['recall']:.4%} of {r['true_matches']:,} true matches over"
            f" {r['distinct_queries']} distinct queries on a 1-in-{sample} sample of"
            f" {r['sample_rows']:,} listings ({r['seconds']:.0f} s);"
            f" {r['extra_matches']:,} more matches found by the token rule (all parts present)"
        )
        if r["queries_below_100pct"]:
            print("  below 100%:", r["queries_below_100pct"])
    if not args.keep:
        with connection.cursor() as cur:
            cur.execute(
                "TRUNCATE listings_listing, members_trustpassperiod, members_company,"
                " listings_category RESTART IDENTITY CASCADE"
            )
            cur.execute("VACUUM listings_listing")
        print("bench data dropped (use --keep to keep it)")


if __name__ == "__main__":
    main()
