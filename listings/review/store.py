# ruff: noqa: S608 -- identifiers come from the models' metadata; every value is a parameter.
"""The database reads and writes of the automatic review (R-L3), in plain SQL.

This is the hot path of `review.services.listing_review`: every submitted listing goes through it
once per review round. Built with the ORM, these small statements cost several times the
CPU of running them (see bench/review_throughput.py), so they are written out here, with
table and column names taken from the models' metadata. Everything else uses the ORM.

Concurrency is optimistic: the listing is read without a lock, the checks run, and the
result is stored by one guarded statement that applies only while the listing is still
pending in the same review round and unchecked (a second run, or an edit that started a
new round in between, changes nothing). On PostgreSQL that statement is a single round
trip and its own transaction, whose commit does not wait for the WAL flush
(synchronous_commit off, for that transaction only): a crash may lose the last moments of
reviews, never corrupt anything, and `review.services.listing_review_sweep` runs them again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache

from django.db import connection, transaction

from audit.services import audit_record
from listings.models import Listing, ListingCheck
from members.models import Company
from members.notices import notify

from .checks import CheckResult

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
_CHECK_COLUMNS = ("listing_id", "code", "passed", "detail", "rule", "run_at")


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


def _columns(model, names) -> str:
    return ", ".join(_column(model, name) for name in names)


def _postgres() -> bool:
    return connection.vendor == "postgresql"


@cache
def _read_sql(vendor: str) -> str:
    return (
        f"SELECT {_columns(Listing, _REVIEW_FIELDS)} FROM {_q(Listing._meta.db_table)} "
        f"WHERE {_q('id')} = %s"
    )


def review_row(listing_id: int) -> ReviewRow | None:
    """The listing's review fields (no lock: the store below is guarded)."""
    with connection.cursor() as cursor:
        cursor.execute(_read_sql(connection.vendor), [listing_id])
        row = cursor.fetchone()
    return ReviewRow(*row) if row else None


@cache
def _read_with_twins_pg_sql() -> str:
    """The listing's review fields and, in the same round trip, its possible duplicates
    (R-L3a: same company and normalised title; live, or pending and submitted earlier)."""
    table = _q(Listing._meta.db_table)
    col = {name: _column(Listing, name) for name in (*_REVIEW_FIELDS, "title")}
    fields = ", ".join(f"l.{col[name]}" for name in _REVIEW_FIELDS)
    return (
        f"SELECT {fields}, (SELECT json_agg(json_build_array(d.{col['title']}, "
        f"d.{col['description']})) FROM {table} d "
        f"WHERE d.{col['company_id']} = l.{col['company_id']} "
        f"AND d.{col['title_key']} = l.{col['title_key']} AND d.{_q('id')} <> l.{_q('id')} "
        f"AND (d.{col['status']} = %s OR (d.{col['status']} = %s "
        f"AND (d.{col['submitted_at']}, d.{_q('id')}) < (l.{col['submitted_at']}, l.{_q('id')})))) "
        f"FROM {table} l WHERE l.{_q('id')} = %s"
    )


def review_row_with_twins(
    listing_id: int, *, live: str, pending: str
) -> tuple[ReviewRow | None, list[tuple[str, str]] | None]:
    """On PostgreSQL: the row and its duplicate candidates (title, description) in one round
    trip. Elsewhere: the row, and None for the candidates (ask `duplicate_rows`)."""
    if not _postgres():
        return review_row(listing_id), None
    with connection.cursor() as cursor:
        cursor.execute(_read_with_twins_pg_sql(), [live, pending, listing_id])
        row = cursor.fetchone()
    if not row:
        return None, None
    twins = row[-1]
    if isinstance(twins, str):  # json_agg arrives decoded with psycopg2; be safe otherwise
        import json

        twins = json.loads(twins)
    return ReviewRow(*row[:-1]), [tuple(t) for t in (twins or [])]


@cache
def _duplicates_sql(vendor: str, n_statuses: int) -> str:
    marks = ", ".join(["%s"] * n_statuses)
    return (
        f"SELECT {_columns(Listing, ('title', 'description', 'status', 'submitted_at', 'id'))} "
        f"FROM {_q(Listing._meta.db_table)} "
        f"WHERE {_column(Listing, 'company_id')} = %s AND {_column(Listing, 'title_key')} = %s "
        f"AND {_column(Listing, 'status')} IN ({marks}) AND {_q('id')} <> %s"
    )


def duplicate_rows(*, company_id: int, title_key: str, exclude_id: int, statuses) -> list[tuple]:
    """(title, description, status, submitted_at, id) of the company's listings with this
    normalised title and one of `statuses`, other than `exclude_id`."""
    statuses = list(statuses)
    with connection.cursor() as cursor:
        cursor.execute(
            _duplicates_sql(connection.vendor, len(statuses)),
            [company_id, title_key, *statuses, exclude_id],
        )
        return cursor.fetchall()


def _check_params(results: list[CheckResult], at) -> list:
    params: list = []
    for r in results:
        params += [r.code, r.passed, r.detail[:300], r.rule, at]
    return params


@cache
def _guard_sql(vendor: str) -> str:
    """WHERE clause: still pending, same round, not checked yet."""
    return (
        f"{_q('id')} = %s AND {_column(Listing, 'status')} = %s "
        f"AND {_column(Listing, 'review_round')} = %s AND {_column(Listing, 'checked_at')} IS NULL"
    )


def _insert_checks_from_upd_sql(n_checks: int) -> str:
    """INSERT of the round's checks (parameters as `_check_params`) for the listing the
    statement's `upd` step updated; nothing when the guard stopped the update."""
    values = ", ".join(["(%s, %s::boolean, %s, %s, %s::timestamptz)"] * n_checks)
    return (
        f"INSERT INTO {_q(ListingCheck._meta.db_table)} ({_columns(ListingCheck, _CHECK_COLUMNS)}) "
        f"SELECT upd.{_q('id')}, v.code, v.passed, v.detail, v.rule, v.run_at FROM upd "
        f"CROSS JOIN (VALUES {values}) AS v(code, passed, detail, rule, run_at)"
    )


@cache
def _store_pg_sql(n_checks: int, relax: bool) -> str:
    relax_sql = "SET LOCAL synchronous_commit TO OFF; " if relax else ""
    table = _q(Listing._meta.db_table)
    return (
        f"{relax_sql}WITH upd AS (UPDATE {table} SET {_column(Listing, 'checked_at')} = %s, "
        f"{_column(Listing, 'updated_at')} = %s WHERE {_guard_sql('postgresql')} "
        f"RETURNING {_q('id')}) " + _insert_checks_from_upd_sql(n_checks)
    )


@cache
def _insert_sql(vendor: str, n_checks: int) -> str:
    values = ", ".join(["(%s, %s, %s, %s, %s, %s)"] * n_checks)
    return (
        f"INSERT INTO {_q(ListingCheck._meta.db_table)} ({_columns(ListingCheck, _CHECK_COLUMNS)}) "
        f"VALUES {values}"
    )


@cache
def _mark_sql(vendor: str) -> str:
    return (
        f"UPDATE {_q(Listing._meta.db_table)} SET {_column(Listing, 'checked_at')} = %s, "
        f"{_column(Listing, 'updated_at')} = %s WHERE {_guard_sql(vendor)}"
    )


def store_checked_if_current(
    *, listing_id: int, review_round: int, pending: str, results: list[CheckResult], now: datetime
) -> bool:
    """Store the round's checks and `checked_at`, only if the listing is still `pending`
    in `review_round` and unchecked. True when stored."""
    at = connection.ops.adapt_datetimefield_value(now)
    guard = [listing_id, pending, review_round]
    if _postgres():
        relax = not connection.in_atomic_block  # never relax a caller's transaction
        with connection.cursor() as cursor:
            cursor.execute(
                _store_pg_sql(len(results), relax),
                [at, at, *guard, *_check_params(results, at)],
            )
            return cursor.rowcount == len(results)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_mark_sql(connection.vendor), [at, at, *guard])
        if cursor.rowcount != 1:
            return False
        params: list = []
        for r in results:
            params += [listing_id, r.code, r.passed, r.detail[:300], r.rule, at]
        cursor.execute(_insert_sql(connection.vendor, len(results)), params)
        return True


# What a rejection writes on the listing (here and in services._reject).
REJECTION_FIELDS = (
    "status",
    "rejection_reasons",
    "reviewed_at",
    "reviewed_by",
    "checked_at",
    "updated_at",
)


@cache
def _reject_pg_sql(n_checks: int, relax: bool) -> str:
    """One statement: the guarded status change and the round's checks, committed together
    with the seller's notice (without waiting for the WAL flush when `relax`). Returns the
    company of the listing (id, name, contact, member ID) when the guard held, no row
    otherwise."""
    listing = _q(Listing._meta.db_table)
    col = {name: _column(Listing, name) for name in (*REJECTION_FIELDS, "company_id")}
    return (
        ("SET LOCAL synchronous_commit TO OFF; " if relax else "")
        + f"WITH upd AS (UPDATE {listing} SET {col['status']} = %s, "
        f"{col['rejection_reasons']} = %s, {col['reviewed_at']} = %s, "
        f"{col['reviewed_by']} = NULL, {col['checked_at']} = %s, {col['updated_at']} = %s "
        f"WHERE {_guard_sql('postgresql')} RETURNING {_q('id')}, {col['company_id']}), "
        f"checks AS ({_insert_checks_from_upd_sql(n_checks)}) "
        f"SELECT c.{_q('id')}, c.{_column(Company, 'name')}, c.{_column(Company, 'contact_name')}, "
        f"c.{_column(Company, 'member_id')} "
        f"FROM upd JOIN {_q(Company._meta.db_table)} c ON c.{_q('id')} = upd.{col['company_id']}"
    )


def store_rejected_if_current(
    *,
    listing_id: int,
    review_round: int,
    pending: str,
    rejected: str,
    results: list[CheckResult],
    reasons: list[dict],
    notice: dict,
    now: datetime,
    audit: dict | None = None,
) -> bool | None:
    """On PostgreSQL: reject the listing with its checks in one statement, and make the
    seller's notice (`notice`: the arguments of members' `notify` besides the company; its
    e-mail is queued on commit) and its audit row (`audit`: the arguments of `audit_record`
    besides the company) in the same transaction, only if it is still `pending` in
    `review_round` and unchecked. True when stored, False when the guard did not hold; None
    on other databases (the caller takes the ORM path)."""
    if not _postgres():
        return None
    relax = not connection.in_atomic_block  # never relax a caller's transaction
    at = connection.ops.adapt_datetimefield_value(now)
    reasons_value = Listing._meta.get_field("rejection_reasons").get_db_prep_save(
        reasons, connection
    )
    params = [rejected, reasons_value, at, at, at, listing_id, pending, review_round]
    params += _check_params(results, at)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(_reject_pg_sql(len(results), relax), params)
            row = cursor.fetchone()
        if row is None:
            return False
        # R-L3: the seller is told in the site, in the same transaction as the rejection.
        # Company(…) stands for the row the statement returned (no second read).
        company = Company(pk=row[0], name=row[1], contact_name=row[2], member_id=row[3])
        notify(company=company, **notice)
        if audit is not None:
            audit_record(company=company, **audit)
        return True


def insert_checks(listing_id: int, results: list[CheckResult], now: datetime) -> None:
    """One row per check; the caller holds the listing's row lock and has verified the round
    (the round's old rows were deleted when it was submitted)."""
    at = connection.ops.adapt_datetimefield_value(now)
    params: list = []
    for r in results:
        params += [listing_id, r.code, r.passed, r.detail[:300], r.rule, at]
    with connection.cursor() as cursor:
        cursor.execute(_insert_sql(connection.vendor, len(results)), params)
