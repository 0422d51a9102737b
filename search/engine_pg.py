"""The PostgreSQL path of the search selector (R-S1–R-S3); `search.selectors` says how it
reads: bounded probes of the order index or GIN reads per (demoted, level) group, chosen
from the column statistics, with the rows whose stored key ran out read apart."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime

from members.models import Company
from members.selectors import company_is_trustpass_sql

from . import stats as search_stats
from .prepared import execute as run
from .prepared import search_connection
from .results import TOP_KEY, Filters, Row, current_key, trustpass_day
from .tokenize import (
    SIGNATURE_BITS,
    Query,
    phrase_to_tsquery,
    query_signature,
    tokens_to_tsquery,
)

# --- PostgreSQL --------------------------------------------------------------------------

COMPANY_TABLE = Company._meta.db_table


def base_sql(filters: Filters) -> tuple[str, dict]:
    sql = ["status = 'live'", "kind = %(kind)s"]
    params: dict = {"kind": filters.kind}
    if filters.category_ids is not None:
        sql.append("category_id = ANY(%(cats)s)")
        params["cats"] = filters.category_ids
    if filters.province:
        sql.append("province = %(province)s")
        params["province"] = filters.province
    if filters.fixed_price_only:
        sql.append("fixed_price")
    if filters.escrow_only:
        sql.append("supports_escrow")
    if filters.price_min is not None:
        sql.append("price >= %(price_min)s")
        params["price_min"] = filters.price_min
    if filters.price_max is not None:
        sql.append("price <= %(price_max)s")
        params["price_max"] = filters.price_max
    if filters.verified_only:
        # R-C2 verification is the company's, read now (not stored with the listing).
        sql.append(f"company_id IN (SELECT id FROM {COMPANY_TABLE} WHERE verified)")  # noqa: S608 (the table name is the model's)
    return " AND ".join(sql), params


VALID = "(rank_valid_until IS NULL OR rank_valid_until > %(now)s)"
STALE = "rank_valid_until <= %(now)s"
ORDER = "rank_key DESC, published_at DESC, id DESC"
SIG = f"%(sig)s::bit({SIGNATURE_BITS})"
PROBE_MIN = 400
# Most rows of a group a probe reads (index-only reads of listing_search_order), for the
# document level and for the title levels.
PROBE_MAX = 20000
PROBE_MAX_TITLE = 20000
# Above this many estimated matches we do not count them one by one (see the docstring).
SMALL_ESTIMATE = 3000
# The planner does not know that `tsvector @@` on a row costs a TOAST read (~10 µs), so for
# the reads that should use the GIN index (exact, no per-row check) we turn off the others.
# Each statement carries its settings: sent as one string with it, they apply to its own
# implicit transaction only (JIT would compile each search for longer than it runs). The
# statements are prepared once per connection (`search.prepared`).
SETTINGS = "SET LOCAL work_mem = '64MB'; SET LOCAL jit = off; "
GIN_ONLY = SETTINGS + "SET LOCAL enable_indexscan = off; SET LOCAL enable_seqscan = off; "
ANY_PLAN = SETTINGS + "SET LOCAL enable_indexscan = on; SET LOCAL enable_seqscan = on; "


def search_postgres(*, query: Query, filters: Filters, need: int, now: datetime, cap: int):
    base, params = base_sql(filters)
    params["now"] = now
    tp_sql = f" AND rank_key >= {TOP_KEY}" if filters.trustpass_only else ""
    if query.empty:
        match = "TRUE"
        levels = [(0, "TRUE", True, "TRUE")]
        title_pair = None
        level_expr = "0"
        stale_match = "TRUE"
    else:
        params["q1"] = tokens_to_tsquery(query.all_tokens)
        params["q2"] = params["q1"]
        params["q3"] = phrase_to_tsquery(query.whole_tokens)
        match = "search_document @@ %(q1)s::tsquery"
        t3 = "search_title @@ %(q3)s::tsquery"
        t2 = "search_title @@ %(q2)s::tsquery"
        params["sig"] = query_signature(query.all_tokens)
        # (level, condition, answered by the index alone, condition of a probe)
        levels = [(3, t3, True, t3)]
        title_pair = None
        if params["q3"] != params["q2"]:
            levels.append((2, f"{t2} AND NOT {t3}", True, f"{t2} AND NOT {t3}"))
            # A phrase in the title implies every word in it: levels 3 and 2 can be one read.
            title_pair = (t3, t2)
        # The small title first: rows of level 2 or 3 never read the large document. A probe
        # reads the document only of the rows whose signature holds the query's bits.
        levels.append(
            (
                1,
                f"NOT {t2} AND {match}",
                False,
                f"(search_sig IS NULL OR search_sig & {SIG} = {SIG}) AND NOT {t2}"  # noqa: S608 (constant fragments; values are bound)
                " AND EXISTS (SELECT 1 FROM listings_listing d WHERE d.id = w.id"
                f" AND d.{match})",
            )
        )
        level_expr = f"CASE WHEN {t3} THEN 3 WHEN {t2} THEN 2 ELSE 1 END"
        stale_match = f"(search_sig IS NULL OR search_sig & {SIG} = {SIG}) AND {match}"

    # No transaction of our own: every statement is one round trip (see SETTINGS).
    with search_connection().cursor() as cur:
        # 1. rows whose stored key ran out: few (read apart, keyed at `now`).
        stale = read_stale(cur, base, level_expr, stale_match, params, filters, now)

        # 2. how many can match, from the column statistics (no query): the rarest token's
        # count bounds it.
        where = f"{base} AND {VALID} AND {match}{tp_sql}"
        plan = plan_search(cur, query, filters, base, tp_sql, params)
        estimate = plan.doc.upper * plan.rows

        main: list[Row] = []
        total: int | None = None
        if estimate <= SMALL_ESTIMATE:
            # 3a. few: count them exactly (up to the cap) through the GIN index.
            run(
                cur,
                f"SELECT count(*) FROM (SELECT 1 FROM listings_listing WHERE {where}"  # noqa: S608 (constant fragments; values are bound)
                f" LIMIT %(cap1)s) s",
                {**params, "cap1": cap + 1},
                settings=GIN_ONLY,
                generic=False,
            )
            total = cur.fetchone()[0]
            if total and need and total <= cap:
                run(
                    cur,
                    f"SELECT id, rank_demoted, lvl, rank_key, published_at FROM ("  # noqa: S608 (constant fragments; values are bound)
                    f" SELECT id, rank_demoted, {level_expr} AS lvl, rank_key, published_at"
                    f" FROM listings_listing WHERE {where}) s"
                    f" ORDER BY rank_demoted, lvl DESC, {ORDER} LIMIT %(need)s",
                    {**params, "need": need},
                    settings=GIN_ONLY,
                    generic=False,
                )
                main = [Row(*r) for r in cur.fetchall()]
        if need and (total is None or total > cap):
            # 3b. many: each (demoted, level) group in index order.
            main, exhausted = _fetch_by_groups(
                cur, base, levels, tp_sql, params, need, plan, title_pair
            )
            if total is None:
                # Not counted: more than the cap, unless every group ran out early.
                total = len(main) if exhausted else cap + 1
        total = (total or 0) + len(stale)
        reset_settings(cur)
    rows = sorted(main + stale, key=Row.sort_key)
    return rows[:need], total


def read_stale(cur, base, level_expr, stale_match, params, filters, now) -> list[Row]:
    """The matches whose stored key ran out (few: through listing_rank_stale), keyed at `now`,
    their company's TrustPass (R-S2 key 2) asked in the same statement. The signature spares
    reading the document of most of those that cannot match."""
    run(
        cur,
        # The filters apply outside: the statement's plan is made once, without knowing
        # that few rows are stale, and must not read another index for them.
        "WITH s AS MATERIALIZED (SELECT id, company_id, rank_demoted, published_at, status,"  # noqa: S608
        " kind, category_id, province, fixed_price, supports_escrow, price, search_title,"
        f" search_document, search_sig FROM listings_listing WHERE status = 'live' AND {STALE})"
        f" SELECT id, rank_demoted, {level_expr}, published_at, fixed_price,"
        f" supports_escrow, {company_is_trustpass_sql('s.company_id', 'tp_day')}, price"
        f" FROM s WHERE {base} AND {stale_match}",
        {**params, "tp_day": trustpass_day(now)},
        settings=ANY_PLAN,
    )
    stale = []
    for i, demoted, level, published_at, fixed, escrow, trustpass, price in cur.fetchall():
        values = {"fixed_price": fixed, "supports_escrow": escrow, "published_at": published_at}
        key = current_key(values, trustpass, now)
        if filters.trustpass_only and key < TOP_KEY:
            continue
        stale.append(Row(i, demoted, level, key, published_at, price))
    return stale


def reset_settings(cur) -> None:
    """Inside a caller's transaction the SET LOCALs of the statements last to its end."""
    if cur.db.in_atomic_block:
        cur.execute(
            "RESET work_mem; RESET jit; RESET enable_indexscan; RESET enable_seqscan;"
            " RESET plan_cache_mode"
        )


@dataclass(frozen=True)
class _Plan:
    """What the statistics say of a search: the share of rows whose title or document holds
    every token, the rows of the table, and the share of a group's rows the filters keep."""

    title: search_stats.Estimate
    doc: search_stats.Estimate
    rows: float
    filter_share: float
    signature_bits: int  # bits set in the query's signature
    top_share: float  # share of live listings with rank_key >= TOP_KEY


def plan_search(cur, query: Query, filters: Filters, base: str, tp_sql: str, params: dict) -> _Plan:
    doc = search_stats.column_stats(cur, "search_document")
    return _Plan(
        title=search_stats.estimate(search_stats.column_stats(cur, "search_title"), query),
        doc=search_stats.estimate(doc, query),
        rows=doc.rows,
        filter_share=_filter_share(cur, filters, base, tp_sql, params),
        signature_bits=int(params.get("sig", "x0")[1:], 16).bit_count(),
        top_share=search_stats.top_share(cur),
    )


_SHARES: dict[tuple, tuple[float, float]] = {}


def _filter_share(cur, filters: Filters, base: str, tp_sql: str, params: dict) -> float:
    """The planner's estimate of the share of a kind's live listings that the filters keep
    (1 without filters); kept per process for STATS_TTL."""
    if not (filters.narrowed or tp_sql):
        return 1.0
    # By the filters alone: the query's words do not change the share.
    key = (
        base + tp_sql,
        filters.kind,
        tuple(filters.category_ids or ()),
        filters.province,
        filters.price_min,
        filters.price_max,
    )
    hit = _SHARES.get(key)
    if hit and hit[1] > time.monotonic():
        return hit[0]
    kind_rows, kept = search_stats.planner_rows(
        cur,
        "SELECT 1 FROM listings_listing WHERE status = 'live' AND kind = %(kind)s",
        f"SELECT 1 FROM listings_listing WHERE {base}{tp_sql}",  # noqa: S608 (constant fragments; values are bound)
        params=params,
    )
    share = min(1.0, kept / kind_rows) if kind_rows else 1.0
    if len(_SHARES) > 10_000:
        _SHARES.clear()
    _SHARES[key] = (share, time.monotonic() + search_stats.STATS_TTL)
    return share


# Cost of one row, relative (measured with bench/search.py at 1,000,000 listings): read in
# index order (title document and signature in the index); a listing's whole document read
# (TOAST) to check it; a GIN match fetched from the table and sorted; one entry of a token's
# GIN posting list.
COST_PROBE_ROW = 1.0
COST_DOCUMENT_READ = 100.0
COST_GIN_ROW = 20.0
COST_POSTING = 0.03
PROBE_SLACK = 3  # read up to this many times the rows expected to hold the page
SIGNATURE_FILL = 0.33  # share of a document signature's bits that are set


def probe_window(plan: _Plan, *, rest: int, index_only: bool) -> int:
    """How many rows of a group to read in index order looking for `rest` matches before
    turning to the GIN index; 0: the GIN index at once (it is cheaper, by the statistics)."""
    most = PROBE_MAX_TITLE if index_only else PROBE_MAX
    if plan.rows <= 0:  # no statistics yet (never analysed): a fixed probe
        return min(most, max(PROBE_MIN, rest * (500 if index_only else 200)))
    est = plan.title if index_only else plan.doc
    density = est.guess * plan.filter_share
    expected = rest / density if density > 0 else float("inf")
    window = expected * PROBE_SLACK
    per_row = COST_PROBE_ROW
    if not index_only:  # documents read: the matches and the signature's false positives
        per_row += COST_DOCUMENT_READ * (density + SIGNATURE_FILL**plan.signature_bits)
    gin_cost = COST_GIN_ROW * est.guess * plan.rows + COST_POSTING * est.postings * plan.rows
    if window > most or per_row * expected > gin_cost:
        return 0
    return max(PROBE_MIN, int(window))


TOP_MARGIN = 2  # read the slice first when it should hold twice the rows needed


def _top_first(plan: _Plan, rest: int, index_only: bool) -> bool:
    est = plan.title if index_only else plan.doc
    expected = est.guess * plan.rows * plan.top_share * plan.filter_share
    return expected >= rest * TOP_MARGIN


def _fetch_by_groups(
    cur, base, levels, tp_sql, params, need, plan, title_pair=None
) -> tuple[list[Row], bool]:
    """Each (demoted, level) group in order, until `need` rows: a bounded probe of the order
    index, or the GIN index and a sort, whichever `plan` expects to cost less. Also tells
    whether every group was read to its end (then the rows are all the matches).

    `title_pair` (the conditions of levels 3 and 2) lets levels 3 and 2 be read together when
    level 3 goes to the GIN index: it cannot check a phrase, so reading level 3 fetches every
    row holding all the words (level 2's rows) anyway; one read then sorts them by level."""
    out: list[Row] = []
    for demoted in (False, True):
        read_together = False
        for level, cond, index_only, probe_cond in levels:
            if level == 2 and read_together:
                continue
            rest = need - len(out)
            if rest <= 0:
                return out, False
            group = f"{base} AND rank_demoted = %(demoted)s AND {VALID}{tp_sql}"
            probe = probe_window(plan, rest=rest, index_only=index_only)
            p = {**params, "demoted": demoted, "rest": rest, "probe": probe}
            level_sql, order = "0", ORDER
            read_together = level == 3 and not probe and title_pair is not None
            if read_together:
                t3, cond = title_pair  # cond: every word in the title (levels 3 and 2)
                level_sql, order = f"CASE WHEN {t3} THEN 3 ELSE 2 END", f"lvl DESC, {ORDER}"
            columns = "id, rank_key, published_at, search_title" + (
                "" if index_only else ", search_sig"
            )
            found = []
            if probe:
                # Bounded probe: the first `probe` rows of the group in index order.
                run(
                    cur,
                    f"SELECT id, rank_key, published_at, 0 FROM ("  # noqa: S608 (constant fragments; values are bound)
                    f" SELECT {columns}"
                    f" FROM listings_listing WHERE {group} ORDER BY {ORDER} LIMIT %(probe)s) w"
                    f" WHERE {probe_cond} ORDER BY {ORDER} LIMIT %(rest)s",
                    p,
                    settings=ANY_PLAN,
                )
                found = cur.fetchall()
            if len(found) < rest and not tp_sql and _top_first(plan, rest, index_only):
                # The TrustPass slice (R-S2 key 2: rank_key >= TOP_KEY) comes first in the
                # group's order; its own smaller GIN index holds `rest` matches or not.
                top = _gin_read(
                    cur, f"{group} AND rank_key >= {TOP_KEY} AND {cond}", level_sql, order, p
                )
                # Read together, the slice is first only within level 3: a level-2 row of
                # the slice may come after level-3 rows outside it.
                if len(top) == rest and (not read_together or top[-1][3] == 3):
                    found = top
            if len(found) < rest:
                # Sparse group: read its matches through the GIN index, then sort.
                found = _gin_read(cur, f"{group} AND {cond}", level_sql, order, p)
            out.extend(
                Row(i, demoted, lvl if read_together else level, key, pub)
                for i, key, pub, lvl in found
            )
    return out, len(out) < need


def _gin_read(cur, where: str, level_sql: str, order: str, params: dict) -> list[tuple]:
    """The first `rest` rows matching `where` in `order`, through a GIN index (matches
    fetched, then sorted): (id, rank_key, published_at, level or 0)."""
    run(
        cur,
        f"SELECT id, rank_key, published_at, {level_sql} AS lvl FROM listings_listing"  # noqa: S608 (constant fragments; values are bound)
        f" WHERE {where} ORDER BY {order} LIMIT %(rest)s",
        params,
        settings=GIN_ONLY,
        generic=False,
    )
    return cur.fetchall()
