"""The load test of the whole marketplace (issue 16, parts 1 and 3): `make load`, never `make
test`.

It seeds its own PostgreSQL database (LOAD_DATABASE_URL, default `marketplace_load` on
127.0.0.1:5432; emptied first) with LOAD_LISTINGS live listings (100,000) of LOAD_COMPANIES
companies (10,000) through the search benchmark's generator (bench/load/seed.py), then, for
each variant of LOAD_VARIANTS, starts on ports of its own:

- gunicorn with LOAD_WEB_WORKERS (4) sync workers, as the README's production line;
- two Celery workers against Redis (LOAD_REDIS_URL, default db 12, emptied first; queues
  prefixed `load.`): `review@` serving review and search (threads pool, 4), `misc@` serving
  credit, mail and default (prefork, 2); and beat;

measures the throughput of a trivial endpoint (`/healthz`) alone on that server (ApacheBench,
8 concurrent), then drives LOAD_USERS (200) simulated people for LOAD_SECONDS (300) with Locust
(bench/load/locustfile.py, from .venv-load), and prints per kind of request: count, p50, p95,
p99, errors and 5xx; the time from a listing's submission to its checks being done (p50, p95,
from the listings' own timestamps); and the machine's CPU over the run (ours, PostgreSQL's
backends of this database, everything else: other programs on the machine).

Variants (LOAD_VARIANTS, comma-separated, default `direct,pgbouncer,credit`):
- `direct`: every process connects to PostgreSQL itself (CONN_MAX_AGE=600);
- `pgbouncer`: every process connects through PgBouncer (Debian's package) in session mode in
  front of the same PostgreSQL: the search's prepared statements need the same server session
  for a client connection's life (README, PostgreSQL);
- `credit`: as `direct`, with the nightly credit recompute (`credit.recalculate_all`, every
  company) sent half-way through;
- `replica`: as `direct`, on a private primary and a streaming standby made on this machine
  (tests/integration/private_pg.py), DATABASE_REPLICA_URL set: visitors read from the standby.
  Seeds that primary again (slower); not in the default list.

Targets (issue 16): no 5xx; search page and API p95 ≤ 150 ms; listing and company pages p95
≤ 100 ms; posting a listing with a photo p95 ≤ 400 ms; submission to checks done p95 ≤ 5 s.

Environment: LOAD_USERS, LOAD_SECONDS, LOAD_LISTINGS, LOAD_COMPANIES, LOAD_VARIANTS,
LOAD_SPAWN_RATE (users started per second; default users/20), LOAD_SETTLE_SECONDS (measuring
starts that long after the ramp-up, 10), LOAD_WAIT_MIN/LOAD_WAIT_MAX (think time, 2–6 s),
LOAD_WEB_WORKERS, LOAD_DATABASE_URL, LOAD_REDIS_URL, LOAD_DIR (logs and results, default
/tmp/marketplace-load), LOAD_SEED=0 (reuse the data of the last run).
A quick run: `LOAD_USERS=20 LOAD_SECONDS=30 LOAD_LISTINGS=10000 LOAD_VARIANTS=direct make load`.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

from benchdb import ensure_database  # noqa: E402
from load_machine import (  # noqa: E402  (bench/load/, this script's own folder)
    CpuMeter,
    Processes,
    children_cpu,
    free_port,
    http_status,
    loadavg,
    log,
    pgbouncer,
    wait_until,
)
from load_report import report  # noqa: E402

PY = sys.executable
LOCUST = ROOT / ".venv-load" / "bin" / "locust"
CELERY = [PY, "-m", "celery", "-A", "marketplace"]
PREFIX = "load."

USERS = int(os.environ.get("LOAD_USERS") or 200)
SETTLE = float(os.environ.get("LOAD_SETTLE_SECONDS") or 10)
SECONDS = int(os.environ.get("LOAD_SECONDS") or 300)
LISTINGS = int(os.environ.get("LOAD_LISTINGS") or 100_000)
COMPANIES = int(os.environ.get("LOAD_COMPANIES") or max(50, LISTINGS // 10))
VARIANTS = [
    v.strip()
    for v in (os.environ.get("LOAD_VARIANTS") or "direct,pgbouncer,credit").split(",")
    if v.strip()
]
SPAWN_RATE = float(os.environ.get("LOAD_SPAWN_RATE") or max(1.0, USERS / 20))
WEB_WORKERS = int(os.environ.get("LOAD_WEB_WORKERS") or 4)
DATABASE_URL = os.environ.get("LOAD_DATABASE_URL") or (
    "postgres://postgres@127.0.0.1:5432/marketplace_load"
)
REDIS_URL = os.environ.get("LOAD_REDIS_URL") or "redis://127.0.0.1:6379/12"
REDIS_MARK = "marketplace-load:owner"  # this Redis database is the load test's
RUN_DIR = Path(os.environ.get("LOAD_DIR") or "/tmp/marketplace-load")
SEED = os.environ.get("LOAD_SEED", "1") != "0"


# --- one variant ---------------------------------------------------------------------------------


def server_env(db_url: str, port: int, run: Path, extra: dict | None = None) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DATABASE_", "CELERY_", "THROTTLE_", "PROMETHEUS_"))
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "marketplace.settings.local",
            "DATABASE_URL": db_url,
            "REDIS_URL": REDIS_URL,
            "CACHE_KEY_PREFIX": "load",
            "CELERY_QUEUE_PREFIX": PREFIX,
            "DEBUG": "false",
            "CONN_MAX_AGE": "600",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "MAIN_SITE_URL": f"http://127.0.0.1:{port}",
            # Every simulated person sends their own address in X-Forwarded-For, as clients
            # behind our load balancer would: throttles and the lockout count per person.
            "TRUSTED_PROXY_COUNT": "1",
            "MEDIA_ROOT": str(run / "media"),
            "MAILBOX_ROOT": str(run / "media-private"),
            "LOG_LEVEL": "WARNING",
            "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
            "LISTING_AUTO_PUBLISH_CLEAN": "false",
        }
    )
    env.update(extra or {})
    return env


def start_site(procs: Processes, env: dict, port: int, run: Path) -> str:
    procs.start(
        "gunicorn",
        [PY, "-m", "gunicorn", "marketplace.wsgi", "-w", str(WEB_WORKERS), "-b",
         f"127.0.0.1:{port}", "--timeout", "60", "--graceful-timeout", "10",
         "--no-control-socket"],
        env,
    )  # fmt: skip
    procs.start(
        "worker-review",
        [*CELERY, "worker", "-Q", f"{PREFIX}review,{PREFIX}search", "-n", "review@%h",
         "--pool", "threads", "--concurrency", "4", "--without-gossip", "--without-mingle",
         "-l", "warning"],
        env,
    )  # fmt: skip
    procs.start(
        "worker-misc",
        [*CELERY, "worker", "-Q", f"{PREFIX}credit,{PREFIX}mail,{PREFIX}default", "-n",
         "misc@%h", "--concurrency", "2", "--without-gossip", "--without-mingle", "-l", "warning"],
        env,
    )  # fmt: skip
    procs.start(
        "beat",
        [*CELERY, "beat", "-l", "warning", "--schedule", str(run / "celerybeat-schedule")],
        env,
    )
    base = f"http://127.0.0.1:{port}"
    wait_until(lambda: http_status(base + "/readyz") == 200, 120, "/readyz", procs)
    return base


def warm_up(base: str, data: dict) -> None:
    """Each kind of page a few times per web worker: imports, templates, prepared statements."""
    from urllib.parse import quote

    paths = ["/", "/api/v1/search/health/"]
    for i in range(WEB_WORKERS * 3):
        paths += [
            f"/search/?q={quote(data['queries'][i])}",
            f"/api/v1/search/?q={quote(data['queries'][i + 50])}",
            f"/listings/{data['listing_ids'][i]}/",
            f"/categories/{data['category_slugs'][i % len(data['category_slugs'])]}/",
            f"/companies/{data['member_ids'][i]}/",
            f"/companies/{data['member_ids'][i]}/credit/",
        ]
    for path in paths:
        http_status(base + path)
    for member_id in data["trustpass_member_ids"][: WEB_WORKERS * 2]:
        http_status(base + "/", host=f"{member_id}.shop.localhost")


def trivial_throughput(base: str) -> float | None:
    """Requests/s of /healthz alone (ApacheBench, 8 concurrent), median of three rounds."""
    if not shutil.which("ab"):
        return None
    rounds = []
    for _ in range(3):
        out = subprocess.run(
            ["ab", "-q", "-n", "3000", "-c", "8", base + "/healthz"],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
        for line in out.splitlines():
            if line.startswith("Requests per second"):
                rounds.append(float(line.split()[3]))
    return sorted(rounds)[1] if len(rounds) == 3 else (rounds[0] if rounds else None)


def send_credit_recompute() -> dict:
    """The nightly job (R-C7, every company), on the `credit` queue as beat sends it. A thread
    waits for its result, so `seconds` is how long it took, not how long the run went on."""
    from celery import Celery

    app = Celery(broker=REDIS_URL, backend=REDIS_URL)
    sent = time.time()
    result = app.send_task("credit.recalculate_all", queue=f"{PREFIX}credit")
    outcome: dict = {"sent": sent}

    def wait() -> None:
        try:
            outcome["result"] = result.get(timeout=900)
            outcome["seconds"] = round(time.time() - sent, 2)
        except Exception as exc:  # noqa: BLE001 (reported, not raised, in the run's figures)
            outcome["error"] = f"{type(exc).__name__}: {exc}"

    outcome["thread"] = threading.Thread(target=wait, daemon=True)
    outcome["thread"].start()
    return outcome


def checks_latency(db_url: str, since: float, until: float, drain: float = 20) -> dict:
    """Submission → checks done of the listings submitted in [since, until) (their own
    timestamps: submitted_at, set by the web request; checked_at, by the review worker),
    after waiting up to `drain` seconds for the last ones."""
    import psycopg2

    u = urlparse(db_url)
    conn = psycopg2.connect(
        dbname=u.path.lstrip("/"), user=u.username or "postgres", host=u.hostname, port=u.port
    )
    conn.autocommit = True
    window = [datetime.fromtimestamp(since, UTC), datetime.fromtimestamp(until, UTC)]
    try:
        with conn.cursor() as cur:
            deadline = time.monotonic() + drain
            while True:
                cur.execute(
                    "SELECT count(*) FROM listings_listing WHERE submitted_at >= %s"
                    " AND submitted_at < %s AND checked_at IS NULL",
                    window,
                )
                pending = cur.fetchone()[0]
                if not pending or time.monotonic() > deadline:
                    break
                time.sleep(1)
            cur.execute(
                "SELECT extract(epoch FROM checked_at - submitted_at) FROM listings_listing"
                " WHERE submitted_at >= %s AND submitted_at < %s AND checked_at IS NOT NULL",
                window,
            )
            seconds = sorted(r[0] for r in cur.fetchall())
    finally:
        conn.close()

    def pct(p):
        return float(seconds[max(0, min(len(seconds) - 1, round(p / 100 * (len(seconds) - 1))))])

    return {
        "submitted": len(seconds) + pending,
        "checked": len(seconds),
        "unchecked_after_drain": pending,
        "p50_s": pct(50) if seconds else None,
        "p95_s": pct(95) if seconds else None,
        "p99_s": pct(99) if seconds else None,
        "max_s": float(seconds[-1]) if seconds else None,
    }


def fresh_redis() -> None:
    """Empty the load test's Redis database (its processes are stopped): every variant starts
    with empty queues, caches, throttles and R-I1 windows (the same buyers sign in again)."""
    import redis

    r = redis.Redis.from_url(REDIS_URL)
    if r.dbsize() and not r.exists(REDIS_MARK):
        sys.exit(f"{REDIS_URL} holds keys of something else: give the load test an empty database")
    r.flushdb()
    r.set(REDIS_MARK, "1")


def run_variant(variant: str, data_path: Path, data: dict, db_url: str, extra_env: dict) -> dict:
    fresh_redis()
    run = RUN_DIR / variant
    shutil.rmtree(run, ignore_errors=True)
    (run / "logs").mkdir(parents=True)
    procs = Processes(run / "logs")
    port = free_port()
    result: dict = {"variant": variant}
    bouncer = None
    try:
        url = db_url
        if variant == "pgbouncer":
            bouncer = pgbouncer(procs, db_url)
            url = bouncer.url()
            log(f"pgbouncer (session mode) in front of PostgreSQL: {urlparse(url).netloc}")
        env = server_env(url, port, run, extra_env)
        base = start_site(procs, env, port, run)
        log(f"{variant}: gunicorn ({WEB_WORKERS} workers) on {base}, 2 Celery workers and beat")
        warm_up(base, data)
        result["trivial_rps"] = trivial_throughput(base)
        log(f"/healthz alone: {result['trivial_rps']} requests/s (ab, 8 concurrent)")
        result["load_before"] = loadavg()
        meter = CpuMeter(procs, [db_url, *filter(None, [extra_env.get("DATABASE_REPLICA_URL")])])
        cpu_start = meter.snapshot()
        locust_env = {
            **os.environ,
            "LOAD_DATA": str(data_path),
            "LOAD_OUT": str(run / "locust.json"),
        }
        cmd = [
            str(LOCUST), "-f", str(ROOT / "bench/load/locustfile.py"), "--headless",
            "-u", str(USERS), "-r", str(SPAWN_RATE), "-t", f"{SECONDS}s", "--host", base,
            "--only-summary", "--stop-timeout", "10", "--loglevel", "WARNING",
        ]  # fmt: skip
        credit = None
        timer = None
        if variant == "credit":

            def fire():
                nonlocal credit
                credit = send_credit_recompute()
                log("nightly credit recompute sent (credit.recalculate_all)")

            timer = threading.Timer(USERS / SPAWN_RATE + (SECONDS - USERS / SPAWN_RATE) / 2, fire)
            timer.start()
        log(f"locust: {USERS} users ({SPAWN_RATE:g}/s), {SECONDS} s")
        t0 = time.time()
        children_before = children_cpu()
        with open(run / "logs" / "locust.log", "ab") as out:
            locust = subprocess.run(
                cmd, cwd=ROOT, env=locust_env, stdout=out, stderr=subprocess.STDOUT
            )
        locust_cpu = children_cpu() - children_before  # Locust, waited for: not in /proc
        t1 = time.time()
        if timer is not None:
            timer.cancel()
        cpu_end = meter.snapshot()
        result["load_after"] = loadavg()
        result["locust_exit"] = locust.returncode
        result["cpu"] = CpuMeter.delta(cpu_start, cpu_end, locust_cpu)
        figures = json.loads((run / "locust.json").read_text())
        result["requests"] = figures["requests"]
        result["fivexx_total"] = figures["fivexx_total"]
        result["timeline"] = figures.get("timeline", [])
        since = figures["started"] or t0
        result["measured_seconds"] = (figures["stopped"] or t1) - since
        result["checks"] = checks_latency(db_url, since, figures["stopped"] or t1)
        if credit is not None:
            credit["thread"].join(timeout=900)
            result["credit"] = {
                k: v for k, v in credit.items() if k in ("seconds", "result", "error")
            }
        gunicorn_log = (run / "logs" / "gunicorn.log").read_text(errors="replace")
        result["server_errors_logged"] = gunicorn_log.count("Traceback")
    finally:
        procs.stop()
        if bouncer is not None:
            bouncer.destroy()
    return result


def vacuum_analyze(db_url: str) -> None:
    """Between variants: what the previous one wrote gets its statistics, as autovacuum would
    have given them on a quiet night, so every variant starts from the same footing."""
    import psycopg2

    conn = psycopg2.connect(db_url)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute("VACUUM ANALYZE")
    finally:
        conn.close()


def main() -> None:
    if not LOCUST.exists():
        sys.exit("Locust is missing: `make load` installs it into .venv-load")
    RUN_DIR.mkdir(parents=True, exist_ok=True)
    log(f"machine: {loadavg()}")
    fresh_redis()  # before seeding too: nothing of another program in it
    data_path = RUN_DIR / "data.json"
    if SEED or not data_path.exists():
        ensure_database(DATABASE_URL)
        log(f"seeding {LISTINGS:,} listings of {COMPANIES:,} companies into {DATABASE_URL}")
        subprocess.run(
            [PY, str(ROOT / "bench/load/seed.py"), "--listings", str(LISTINGS), "--companies",
             str(COMPANIES), "--users", str(USERS), "--out", str(data_path)],
            cwd=ROOT, env={**server_env(DATABASE_URL, 0, RUN_DIR)}, check=True,
        )  # fmt: skip
    else:  # the last run's data, brought up to this code's migrations
        subprocess.run(
            [PY, "manage.py", "migrate", "--noinput", "-v0"],
            cwd=ROOT, env=server_env(DATABASE_URL, 0, RUN_DIR), check=True,
        )  # fmt: skip
    data = json.loads(data_path.read_text())
    results = []
    for variant in VARIANTS:
        if variant not in ("direct", "pgbouncer", "credit", "replica"):
            sys.exit(f"unknown variant {variant!r}")
        if variant == "replica":
            results.append(run_replica_variant())
            continue
        vacuum_analyze(DATABASE_URL)
        results.append(run_variant(variant, data_path, data, DATABASE_URL, {}))
        (RUN_DIR / "results.json").write_text(json.dumps(results, indent=1, default=str))
        done = results[-1]
        log(
            f"{variant} done: {sum(r['count'] for r in done['requests'].values()):,} requests"
            f" measured, 5xx {done['fivexx_total']}"
        )
    report(
        results,
        title=f"{USERS} users for {SECONDS} s, {LISTINGS:,} listings of {COMPANIES:,} companies,"
        f" gunicorn {WEB_WORKERS} workers, 2 Celery workers + beat",
        settle=SETTLE,
    )
    (RUN_DIR / "results.json").write_text(json.dumps(results, indent=1, default=str))
    log(f"logs and figures: {RUN_DIR}")


def run_replica_variant() -> dict:
    """A private primary, seeded, and a streaming standby of it (tests/integration/private_pg)."""
    from tests.integration.private_pg import PrivatePostgres

    primary = PrivatePostgres()
    primary.database = "marketplace_load"
    standby = None
    try:
        primary.init_and_start()
        log(f"replica: private primary on port {primary.port}; seeding it")
        replica_data = RUN_DIR / "replica-data.json"
        subprocess.run(
            [PY, str(ROOT / "bench/load/seed.py"), "--listings", str(LISTINGS), "--companies",
             str(COMPANIES), "--users", str(USERS), "--out", str(replica_data)],
            cwd=ROOT, env=server_env(primary.url, 0, RUN_DIR), check=True,
        )  # fmt: skip
        standby = primary.standby()
        standby.wait_replayed(primary.current_lsn(), timeout=300)
        log(f"replica: streaming standby on port {standby.port}")
        data = json.loads(replica_data.read_text())
        return run_variant(
            "replica",
            replica_data,
            data,
            primary.url,
            {"DATABASE_REPLICA_URL": standby.url},
        )
    finally:
        if standby is not None:
            standby.destroy()
        primary.destroy()


if __name__ == "__main__":
    main()
