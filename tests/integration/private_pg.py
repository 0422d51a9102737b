"""A private, throw-away PostgreSQL server for fault tests (restart, stop) that must never
touch the machine's server on 5432: initdb into a temporary directory, its own free port and
socket directory, `pg_ctl` to start, restart and stop it, everything removed afterwards.
`standby()` makes a streaming hot standby of one with Debian's `pg_basebackup -R` (the read
replica's tests, issue 16), on a port and in a directory of its own.

Run as root, the server's commands run as the `postgres` system user (initdb refuses root).
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg2
import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
PG_BIN_DIRS = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PrivatePostgres:
    def __init__(self) -> None:
        bins = [d for d in PG_BIN_DIRS if (d / "pg_ctl").exists()]
        found = shutil.which("pg_ctl")
        self.bin = bins[0] if bins else (Path(found).parent if found else None)
        if self.bin is None:
            pytest.fail(
                "PostgreSQL server binaries (initdb, pg_ctl) are not installed: the fault tests "
                "need them (Debian's postgresql package, as on every machine of this project)"
            )
        self.as_user: list[str] = []
        if os.geteuid() == 0:
            try:
                pwd.getpwnam("postgres")
            except KeyError:
                pytest.fail(
                    "running as root and there is no postgres user for initdb (Debian's postgresql package makes it)"
                )
            self.as_user = ["runuser", "-u", "postgres", "--"]
        self.dir = Path(tempfile.mkdtemp(prefix="mp-private-pg-"))
        self.data = self.dir / "data"
        self.port = free_port()
        self.database = "mp_private"
        if self.as_user:
            shutil.chown(self.dir, user="postgres", group="postgres")

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{self.database}"

    def _run(self, *args: str) -> None:
        subprocess.run([*self.as_user, *args], check=True, capture_output=True, timeout=60)

    def _pg_ctl(self, action: str, *extra: str) -> None:
        self._run(
            str(self.bin / "pg_ctl"),
            action,
            "-D",
            str(self.data),
            "-w",
            "-t",
            "30",
            "-l",
            str(self.dir / "server.log"),
            *extra,
        )

    def init_and_start(self) -> None:
        self._run(
            str(self.bin / "initdb"),
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        )
        self.options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.dir}"
            " -c fsync=off -c full_page_writes=off -c synchronous_commit=off"
        )
        self.start()
        conn = psycopg2.connect(
            dbname="postgres", user="postgres", host="127.0.0.1", port=self.port
        )
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute(f"CREATE DATABASE {self.database}")
        conn.close()

    def start(self) -> None:
        self._pg_ctl("start", "-o", self.options)

    def stop(self) -> None:
        """`pg_ctl stop -m fast`: every connection is cut and new ones are refused until
        start()."""
        self._pg_ctl("stop", "-m", "fast")

    def restart(self) -> None:
        """`pg_ctl restart -m fast`: every open connection is cut, as in a real restart."""
        self._pg_ctl("restart", "-m", "fast")

    def migrate(self, env: dict) -> None:
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
            cwd=ROOT,
            env={**env, "DATABASE_URL": self.url},
            check=True,
            capture_output=True,
            timeout=180,
        )

    def destroy(self) -> None:
        try:
            if (self.data / "postmaster.pid").exists():
                self._pg_ctl("stop", "-m", "immediate")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)

    def log(self) -> str:
        path = self.dir / "server.log"
        return path.read_text(errors="replace")[-2000:] if path.exists() else ""

    # --- streaming replication (issue 16: the read replica) ----------------------------------
    # initdb's defaults already allow it: wal_level replica, max_wal_senders 10, and pg_hba's
    # `host replication all 127.0.0.1/32 trust` (--auth=trust).

    def sql(self, query: str, params=None, *, database: str | None = None) -> list[tuple]:
        """Rows of one statement, in a connection of its own (autocommit)."""
        conn = psycopg2.connect(
            dbname=database or self.database, user="postgres", host="127.0.0.1", port=self.port
        )
        conn.autocommit = True
        try:
            with conn.cursor() as cur:
                cur.execute(query, params)
                return cur.fetchall() if cur.description else []
        finally:
            conn.close()

    def standby(self) -> PrivatePostgres:
        """A hot standby of this server streaming its WAL: `pg_basebackup -R` (which writes
        primary_conninfo and standby.signal) into a directory and port of its own, started.
        destroy() it before this one."""
        standby = PrivatePostgres()
        standby.database = self.database
        standby._run(
            str(self.bin / "pg_basebackup"),
            *("-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres"),
            *("-D", str(standby.data), "-R", "-X", "stream", "-c", "fast"),
        )
        standby.options = (
            f"-p {standby.port} -c listen_addresses=127.0.0.1"
            f" -c unix_socket_directories={standby.dir} -c fsync=off -c hot_standby=on"
            " -c hot_standby_feedback=on -c wal_retrieve_retry_interval=200ms"
        )
        standby.start()
        return standby

    def current_lsn(self) -> str:
        """Where the primary's WAL ends, commits still in its buffers included: these servers
        run with synchronous_commit=off, so a commit can wait up to wal_writer_delay (200 ms)
        before it is written and streamed, and pg_current_wal_lsn() (the write position) would
        not cover it yet."""
        return self.sql("SELECT pg_current_wal_insert_lsn()::text")[0][0]

    def wait_replayed(self, lsn: str, timeout: float = 20.0) -> float:
        """On a standby: wait until WAL up to `lsn` (the primary's) is replayed; the seconds
        it took."""
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            rows = self.sql("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn])
            if rows and rows[0][0]:
                return time.monotonic() - started
            time.sleep(0.05)
        raise AssertionError(f"standby did not replay up to {lsn} in {timeout} s\n{self.log()}")

    def pause_replay(self) -> None:
        """On a standby: stop applying WAL (it still receives it), so what the primary commits
        from now on is missing here until resume_replay()."""
        self.sql("SELECT pg_wal_replay_pause()")
        deadline = time.monotonic() + 10
        while self.sql("SELECT pg_get_wal_replay_pause_state()")[0][0] != "paused":
            if time.monotonic() > deadline:
                raise AssertionError("replay did not pause")
            time.sleep(0.05)

    def resume_replay(self) -> None:
        self.sql("SELECT pg_wal_replay_resume()")
