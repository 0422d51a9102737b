"""The load test's processes and the machine under them (bench/load/run.py): starting and
stopping what a variant runs, HTTP probes, the CPU each part used, PgBouncer."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from datetime import datetime
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def log(msg: str) -> None:
    print(f"[{datetime.now():%H:%M:%S}] {msg}", flush=True)


def loadavg() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f} on {os.cpu_count()} CPUs"


# --- processes ---------------------------------------------------------------------------------


class Processes:
    """What a variant started, each in a session of its own (so its children can be found and
    stopped together)."""

    def __init__(self, logs: Path):
        self.logs = logs
        self.procs: list[tuple[str, subprocess.Popen]] = []

    def start(self, name: str, cmd: list[str], env: dict, *, as_user: list[str] = ()) -> None:
        out = open(self.logs / f"{name}.log", "ab")  # noqa: SIM115 (closed at stop)
        proc = subprocess.Popen(
            [*as_user, *cmd], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        proc.log_file = out
        self.procs.append((name, proc))

    def sessions(self) -> set[int]:
        return {p.pid for _, p in self.procs}

    def session_names(self) -> dict[int, str]:
        return {p.pid: name for name, p in self.procs}

    def check(self) -> None:
        for name, proc in self.procs:
            if proc.poll() is not None:
                tail = (self.logs / f"{name}.log").read_text(errors="replace")[-3000:]
                raise RuntimeError(f"{name} exited with {proc.returncode}:\n{tail}")

    def stop(self) -> None:
        for _, proc in reversed(self.procs):
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + 30
        for _, proc in reversed(self.procs):
            try:
                proc.wait(timeout=max(1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
            proc.log_file.close()
        self.procs = []


def http_status(url: str, host: str | None = None, timeout: float = 10) -> int:
    req = urllib.request.Request(url, headers={"Host": host} if host else {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            r.read()
            return r.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return 0


def wait_until(predicate, timeout: float, what: str, procs: Processes | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if procs is not None:
            procs.check()
        if predicate():
            return
        time.sleep(0.5)
    raise RuntimeError(f"{what}: not ready after {timeout:.0f} s")


# --- CPU accounting ------------------------------------------------------------------------------

TICKS = os.sysconf("SC_CLK_TCK")


def machine_cpu() -> tuple[float, float]:
    """(busy, total) seconds of every CPU since boot (/proc/stat)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + fields[4]
    total = sum(fields[:8])
    return (total - idle) / TICKS, total / TICKS


def process_cpu(match) -> dict[int, float]:
    """CPU seconds of the processes for which match(pid, session) is true."""
    out = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        rest = stat.rsplit(")", 1)[1].split()
        session = int(rest[3])
        pid = int(entry.name)
        if match(pid, session):
            out[pid] = (int(rest[11]) + int(rest[12]) + int(rest[13]) + int(rest[14])) / TICKS
    return out


def children_cpu() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def backend_pids(url: str) -> set[int]:
    import psycopg2

    u = urlparse(url)
    conn = psycopg2.connect(
        dbname="postgres", user=u.username or "postgres", host=u.hostname, port=u.port or 5432
    )
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", [u.path.lstrip("/")])
            return {r[0] for r in cur.fetchall()}
    finally:
        conn.close()


class CpuMeter:
    def __init__(self, procs: Processes, db_urls: list[str]):
        self.procs, self.db_urls = procs, db_urls

    def snapshot(self) -> dict:
        names = self.procs.session_names()
        backends = set().union(*(backend_pids(url) for url in self.db_urls))
        return {
            "machine": machine_cpu(),
            "ours": {
                name: process_cpu(lambda pid, sid, s=sid_: sid == s) for sid_, name in names.items()
            },
            "postgres": process_cpu(lambda pid, sid: pid in backends),
        }

    @staticmethod
    def delta(a: dict, b: dict, locust_seconds: float) -> dict:
        def used(before: dict, after: dict) -> float:
            return sum(v - before.get(pid, 0.0) for pid, v in after.items())

        busy = b["machine"][0] - a["machine"][0]
        wall = (b["machine"][1] - a["machine"][1]) / (os.cpu_count() or 1)
        cores = os.cpu_count() or 1
        parts = {name: used(a["ours"].get(name, {}), after) for name, after in b["ours"].items()}
        parts["locust"] = locust_seconds
        ours, pg = sum(parts.values()), used(a["postgres"], b["postgres"])
        return {
            "wall_s": wall,
            "machine_busy_pct": 100 * busy / (wall * cores),
            "ours_pct": 100 * ours / (wall * cores),
            # Per process group (a share of all cores): where "ours" went.
            "parts_pct": {k: round(100 * v / (wall * cores), 1) for k, v in parts.items()},
            "postgres_pct": 100 * pg / (wall * cores),
            "others_pct": 100 * max(0.0, busy - ours - pg) / (wall * cores),
        }


# --- PgBouncer ---------------------------------------------------------------------------------


def pgbouncer(procs: Processes, upstream: str):
    """PgBouncer in session mode on a free port in front of `upstream`, started among the
    variant's processes (its CPU counted with theirs); the same configuration as the pooler's
    integration test (tests/integration/private_pgbouncer.py)."""
    from tests.integration.private_pgbouncer import PrivatePgBouncer

    bouncer = PrivatePgBouncer(upstream)
    procs.start("pgbouncer", bouncer.command(), dict(os.environ))
    wait_until(bouncer.answers, 20, "pgbouncer", procs)
    return bouncer
