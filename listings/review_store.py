# ruff: noqa: S608 -- identifiers come from the models' metadata; every value is a parameter.
"""The database reads and writes of the automatic review (R-L3), in plain SQL.

This is the hot path of `services.listing_review`: every submitted listing goes through it
once per review round. Building these four small statements with the ORM cost about five
times the CPU of the statements themselves (see bench/review_throughput.py), so they are
written out here, with table and column names taken from the models' metadata. They run
on PostgreSQL and SQLite alike. Everything else about listings uses the ORM.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import connection

from .checks import CheckResult
from .models import Listing, ListingCheck

_REVIEW_FIELDS = (
    "id",
    "company_id",
    "kind",
    "status",
    "title",
    "title_key",
    "keyword",
    "description",
    "brand",
    "model",
    "spec",
    "review_round",
    "checked_at",
    "submitted_at",
)


@dataclass(frozen=True)
class ReviewRow:
    """What the checks need of a listing (attribute names as on the model)."""

    pk: int
    company_id: int
    kind: str
    status: str
    title: str
    title_key: str
    keyword: str
    description: str
    brand: str
    model: str
    spec: str
    review_round: int
    checked_at: object
    submitted_at: object


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _column(model, name: str) -> str:
    """Quoted column of a field, by name or attname ("company_id")."""
    return _q(model._meta.get_field(name).column)


def _listing_columns(names) -> str:
    return ", ".join(_column(Listing, name) for name in names)


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def lock_for_review(listing_id: int, *, relax_commit: bool = True) -> ReviewRow | None:
    """The listing's review fields, its row locked until the transaction ends.

    With `relax_commit` on PostgreSQL, this transaction's commit does not wait for the WAL
    flush (synchronous_commit off, this transaction only; sent with the same round trip):
    a crash may lose the last moments of reviews, never corrupt anything, and
    `services.listing_review_sweep` runs a lost review again.
    """
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    relax = "SET LOCAL synchronous_commit TO OFF; " if relax_commit and _postgres() else ""
    sql = (
        f"{relax}SELECT {_listing_columns(_REVIEW_FIELDS)} FROM {_q(Listing._meta.db_table)} "
        f"WHERE {_q('id')} = %s{lock}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [listing_id])
        row = cursor.fetchone()
    return ReviewRow(*row) if row else None


def duplicate_rows(*, company_id: int, title_key: str, exclude_id: int, statuses) -> list[tuple]:
    """(title, description, status, submitted_at, id) of the company's listings with this
    normalised title and one of `statuses`, other than `exclude_id`."""
    statuses = list(statuses)
    marks = ", ".join(["%s"] * len(statuses))
    sql = (
        f"SELECT {_listing_columns(('title', 'description', 'status', 'submitted_at', 'id'))} "
        f"FROM {_q(Listing._meta.db_table)} "
        f"WHERE {_column(Listing, 'company_id')} = %s AND {_column(Listing, 'title_key')} = %s "
        f"AND {_column(Listing, 'status')} IN ({marks}) AND {_q('id')} <> %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [company_id, title_key, *statuses, exclude_id])
        return cursor.fetchall()


def _insert_checks_sql(listing_id: int, results: list[CheckResult], at) -> tuple[str, list]:
    names = ("listing_id", "code", "passed", "detail", "rule", "run_at")
    columns = ", ".join(_column(ListingCheck, name) for name in names)
    values = ", ".join(["(%s, %s, %s, %s, %s, %s)"] * len(results))
    params: list = []
    for r in results:
        params += [listing_id, r.code, r.passed, r.detail[:300], r.rule, at]
    table = _q(ListingCheck._meta.db_table)
    return f"INSERT INTO {table} ({columns}) VALUES {values}", params


def _mark_checked_sql(listing_id: int, at) -> tuple[str, list]:
    sql = (
        f"UPDATE {_q(Listing._meta.db_table)} SET {_column(Listing, 'checked_at')} = %s, "
        f"{_column(Listing, 'updated_at')} = %s WHERE {_q('id')} = %s"
    )
    return sql, [at, at, listing_id]


def insert_checks(listing_id: int, results: list[CheckResult], now: datetime) -> None:
    """One row per check (the round's old rows were deleted when it was submitted)."""
    sql, params = _insert_checks_sql(
        listing_id, results, connection.ops.adapt_datetimefield_value(now)
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def store_checked(listing_id: int, results: list[CheckResult], now: datetime) -> None:
    """The checks' rows and the listing's `checked_at`, in one round trip on PostgreSQL."""
    at = connection.ops.adapt_datetimefield_value(now)
    insert_sql, insert_params = _insert_checks_sql(listing_id, results, at)
    update_sql, update_params = _mark_checked_sql(listing_id, at)
    with connection.cursor() as cursor:
        if _postgres():
            cursor.execute(f"{insert_sql}; {update_sql}", insert_params + update_params)
        else:
            cursor.execute(insert_sql, insert_params)
            cursor.execute(update_sql, update_params)
