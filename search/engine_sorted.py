"""The PostgreSQL path of the orders a searcher chooses (API.md `sort`: newest, price_asc,
price_desc). They order the same matches as the default (R-S1, the same filters) by one key
alone; R-S2/R-S3 do not order them:

- `newest`: `published_at` descending, then id descending;
- `price_asc`: `price` ascending, then id ascending; `price_desc`: exactly its reverse;
- listings without that value come after all others, newest id first.

Reads, chosen as the default path chooses (`search.engine_pg`: the same statistics, the same
count rule, so a count does not change with the order):
- few matches (or no query words): they are read through the GIN index (or the filters'
  indexes) and sorted, and counted exactly when the statistics say they are few;
- many: a bounded probe of the btree order index (`search` migration 0001, `kind, value, id`
  over live listings) keeps the rows whose document holds the query, as the default path's
  probes do; too few found, the GIN read above.
Rows whose stored R-S2 key ran out (`rank_valid_until`) are read apart and keyed at `now`, as
the default path reads them (`engine_pg.read_stale`: few), so the TrustPass filter and the
count agree with it; the page's other rows are read once more for what a hit shows (match
level, R-S3 demotion, stored key), one statement of `need` rows.
"""

from __future__ import annotations

from datetime import datetime

from . import engine_pg
from .engine_pg import ANY_PLAN, GIN_ONLY, SIG, VALID, base_sql
from .prepared import execute as run
from .prepared import search_connection
from .results import TOP_KEY, Filters, Row, row_order
from .tokenize import Query, phrase_to_tsquery, query_signature, tokens_to_tsquery

COLUMN = {"newest": "published_at", "price_asc": "price", "price_desc": "price"}
DESCENDING = {"newest": True, "price_asc": False, "price_desc": True}


def search_postgres_sorted(
    *, query: Query, filters: Filters, sort: str, need: int, now: datetime, cap: int
):
    base, params = base_sql(filters)
    params["now"] = now
    column = COLUMN[sort]
    way = "DESC" if DESCENDING[sort] else "ASC"
    order = f"{column} {way}, id {way}"
    tp_sql = f" AND rank_key >= {TOP_KEY}" if filters.trustpass_only else ""
    if query.empty:
        match, stale_match, level = "TRUE", "TRUE", "0"
    else:
        params.update(q1=tokens_to_tsquery(query.all_tokens), sig=query_signature(query.all_tokens))
        params["q3"] = phrase_to_tsquery(query.whole_tokens)
        match = "search_document @@ %(q1)s::tsquery"
        stale_match = f"(search_sig IS NULL OR search_sig & {SIG} = {SIG}) AND {match}"
        t3, t2 = "search_title @@ %(q3)s::tsquery", "search_title @@ %(q1)s::tsquery"
        level = f"CASE WHEN {t3} THEN 3 WHEN {t2} THEN 2 ELSE 1 END"
    # Rows whose stored key still holds; the others are read apart, as the default path does.
    where = f"{base} AND {VALID} AND {match}{tp_sql}"
    settings = ANY_PLAN if query.empty else GIN_ONLY

    with search_connection().cursor() as cur:
        stale = engine_pg.read_stale(cur, base, level, stale_match, params, filters, now)
        plan = engine_pg.plan_search(cur, query, filters, base, tp_sql, params)
        estimate = plan.doc.upper * plan.rows
        small = estimate <= engine_pg.SMALL_ESTIMATE  # read from the module: tests lower it
        total = None
        if small:
            run(
                cur,
                f"SELECT count(*) FROM (SELECT 1 FROM listings_listing WHERE {where}"  # noqa: S608 (constant fragments; values are bound)
                " LIMIT %(cap1)s) s",
                {**params, "cap1": cap + 1},
                settings=settings,
                generic=False,
            )
            total = cur.fetchone()[0]
        ids: list[int] = []
        if total != 0:
            probe = 0
            if not query.empty and not small:
                probe = engine_pg.probe_window(plan, rest=need, index_only=False)
            if probe:
                p = {**params, "probe": probe, "n": need}
                ids = _probe(cur, f"{base} AND {VALID}{tp_sql}", column, order, p)
            if len(ids) < need:
                # Every match with a value, through the GIN index (or the filters' indexes
                # without query words), sorted; then those without one.
                ids = _read(cur, f"{where} AND {column} IS NOT NULL", order, need, params, settings)
            if len(ids) < need:
                ids += _read(
                    cur,
                    f"{where} AND {column} IS NULL",
                    "id DESC",
                    need - len(ids),
                    params,
                    settings,
                )
        if total is None:  # not counted: more than the cap, unless the reads ran out
            total = len(ids) if len(ids) < need else cap + 1
        rows = _decorate(cur, ids, level, params) + stale
        engine_pg.reset_settings(cur)
    rows.sort(key=row_order(sort))
    return rows[:need], total + len(stale)


def _read(cur, where: str, order: str, n: int, params: dict, settings: str) -> list[int]:
    run(
        cur,
        f"SELECT id FROM listings_listing WHERE {where} ORDER BY {order} LIMIT %(n)s",  # noqa: S608 (constant fragments; values are bound)
        {**params, "n": n},
        settings=settings,
        generic=False,
    )
    return [r[0] for r in cur.fetchall()]


def _probe(cur, where: str, column: str, order: str, params: dict) -> list[int]:
    """The first `probe` rows with a value in index order, kept when their document holds
    the query (the signature spares most of the documents that cannot)."""
    run(
        cur,
        f"SELECT id FROM (SELECT id, {column}, search_sig FROM listings_listing"  # noqa: S608 (constant fragments; values are bound)
        f" WHERE {where} AND {column} IS NOT NULL ORDER BY {order} LIMIT %(probe)s) w"
        f" WHERE (search_sig IS NULL OR search_sig & {SIG} = {SIG})"
        " AND EXISTS (SELECT 1 FROM listings_listing d WHERE d.id = w.id"
        " AND d.search_document @@ %(q1)s::tsquery)"
        f" ORDER BY {order} LIMIT %(n)s",
        params,
        settings=ANY_PLAN,
    )
    return [r[0] for r in cur.fetchall()]


def _decorate(cur, ids: list[int], level: str, params: dict) -> list[Row]:
    """What a hit shows of the rows `ids` (their stored keys hold): match level (R-S2 key 1),
    R-S3 demotion, the stored R-S2 keys 2–4, and the sort values."""
    if not ids:
        return []
    run(
        cur,
        f"SELECT id, rank_demoted, {level}, rank_key, published_at, price"  # noqa: S608 (constant fragments; values are bound)
        " FROM listings_listing WHERE id = ANY(%(ids)s)",
        {**params, "ids": ids},
        settings=ANY_PLAN,
    )
    return [Row(*r) for r in cur.fetchall()]
