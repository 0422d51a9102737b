"""A private PgBouncer (Debian's package) in front of a PostgreSQL server, on a free port with
its configuration, socket and log in a temporary directory; removed afterwards. Used by the
pooler's integration test (tests/integration/test_pgbouncer.py) and by `make load`
(bench/load/load_machine.py), so both run the configuration the README asks for: session
mode, `DISCARD ALL` when a client leaves.

Run as root, PgBouncer runs as the `postgres` system user (it refuses root).
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

import psycopg2

from tests.integration.private_pg import free_port

BINARY_PATHS = ("/usr/sbin/pgbouncer", "/usr/bin/pgbouncer")


def pgbouncer_binary() -> str | None:
    found = shutil.which("pgbouncer")
    if found:
        return found
    return next((p for p in BINARY_PATHS if Path(p).exists()), None)


class PrivatePgBouncer:
    def __init__(self, upstream_url: str, *, pool_mode: str = "session") -> None:
        binary = pgbouncer_binary()
        if binary is None:
            raise RuntimeError(
                "pgbouncer is not installed: `make test` and `make load` install Debian's package"
            )
        self.binary = binary
        self.upstream = urlparse(upstream_url)
        self.user = self.upstream.username or "postgres"
        self.pool_mode = pool_mode
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="mp-pgbouncer-"))
        self.as_user: list[str] = []
        if os.geteuid() == 0:
            pwd.getpwnam("postgres")
            self.as_user = ["runuser", "-u", "postgres", "--"]
        self.proc: subprocess.Popen | None = None
        self._write_config()

    def _write_config(self) -> None:
        u = self.upstream
        (self.dir / "userlist.txt").write_text(f'"{self.user}" ""\n')
        (self.dir / "pgbouncer.ini").write_text(
            f"""[databases]
* = host={u.hostname or "127.0.0.1"} port={u.port or 5432}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {self.port}
unix_socket_dir = {self.dir}
auth_type = trust
auth_file = {self.dir}/userlist.txt
pool_mode = {self.pool_mode}
server_reset_query = DISCARD ALL
max_client_conn = 1000
default_pool_size = 60
ignore_startup_parameters = extra_float_digits,options
logfile = {self.dir}/pgbouncer.log
pidfile = {self.dir}/pgbouncer.pid
"""
        )
        if self.as_user:
            shutil.chown(self.dir, user="postgres", group="postgres")
            for f in self.dir.iterdir():
                shutil.chown(f, user="postgres", group="postgres")

    def command(self) -> list[str]:
        return [*self.as_user, self.binary, str(self.dir / "pgbouncer.ini")]

    def url(self, database: str | None = None) -> str:
        name = database if database is not None else self.upstream.path.lstrip("/")
        return f"postgres://{self.user}@127.0.0.1:{self.port}/{name}"

    def answers(self, database: str = "postgres") -> bool:
        try:
            conn = psycopg2.connect(
                dbname=database, user=self.user, host="127.0.0.1", port=self.port, connect_timeout=3
            )
        except psycopg2.Error:
            return False
        conn.close()
        return True

    def start(self, timeout: float = 20) -> None:
        """Start it here (the load test starts `command()` itself, to count its CPU)."""
        self.proc = subprocess.Popen(
            self.command(), stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + timeout
        while not self.answers():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"pgbouncer did not start:\n{self.log()}")
            time.sleep(0.1)

    def log(self) -> str:
        path = self.dir / "pgbouncer.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""

    def destroy(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        shutil.rmtree(self.dir, ignore_errors=True)
