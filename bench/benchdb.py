"""Shared by the benchmarks: make sure a benchmark's own PostgreSQL database exists."""

from __future__ import annotations


def ensure_database(url: str) -> None:
    """Create the database named in `url` when it does not exist yet (a fresh machine)."""
    import psycopg2
    from environ import Env
    from psycopg2 import sql

    cfg = Env.db_url_config(url)
    conn = psycopg2.connect(
        dbname="postgres",
        user=cfg["USER"] or "postgres",
        password=cfg["PASSWORD"] or None,
        host=cfg["HOST"] or "127.0.0.1",
        port=cfg["PORT"] or 5432,
    )
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [cfg["NAME"]])
            if not cur.fetchone():
                cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(cfg["NAME"])))
    finally:
        conn.close()
