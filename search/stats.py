"""How many listings a query's tokens match, for the search selector's plan (R-S1).

Read from PostgreSQL's own statistics of the two search columns (`pg_stats`: the most common
elements of each tsvector and their frequencies, kept by ANALYZE), once per process and
again after STATS_TTL, so that choosing how to read a search costs no query. A lexeme not in
the list is at most as frequent as the least frequent listed one (PostgreSQL's own bound).

The frequency of a term (a word of the query, several tokens) is that of its rarest token:
the parts of one word occur together. Different terms are taken as independent (their
frequencies multiply): `guess`. `upper` is the frequency of the query's rarest token, which
no match count can exceed.
"""

from __future__ import annotations

import bisect
import json
import time
from dataclasses import dataclass

from .ranking import TRUSTPASS_KEY
from .tokenize import Query, Token

STATS_TTL = 600.0  # seconds; the statistics change with ANALYZE only


@dataclass(frozen=True)
class ColumnStats:
    rows: float  # rows in the table (pg_class.reltuples)
    freqs: dict[str, float]
    floor: float  # the least listed frequency: the bound for any lexeme not listed
    lexemes: tuple[str, ...]  # sorted, for prefix tokens

    def token_freq(self, token: Token) -> float:
        if not token.prefix:
            return self.freqs.get(token.lexeme, self.floor)
        # A prefix token (`阀:*`) matches every lexeme that starts with it.
        start = bisect.bisect_left(self.lexemes, token.lexeme)
        total = self.floor
        for lexeme in self.lexemes[start:]:
            if not lexeme.startswith(token.lexeme):
                break
            total += self.freqs[lexeme]
        return min(1.0, total)


@dataclass(frozen=True)
class Estimate:
    guess: float  # expected share of the rows that match
    upper: float  # no more than this share can match
    postings: float  # the tokens' GIN posting lists, together, as a share of the rows


_EMPTY = ColumnStats(rows=0.0, freqs={}, floor=1.0, lexemes=())
COLUMNS = ("search_title", "search_document")
_cache: tuple[float, dict[str, ColumnStats]] | None = None


def _column(elems, freqs, reltuples) -> ColumnStats:
    if not elems:
        return _EMPTY  # never analysed: no bound known
    n = len(elems)
    listed = dict(zip(elems, freqs[:n], strict=True))
    # After the per-lexeme frequencies PostgreSQL stores their minimum and maximum.
    floor = float(freqs[n]) if len(freqs) > n else min(listed.values())
    return ColumnStats(
        rows=max(0.0, float(reltuples or 0)),
        freqs=listed,
        floor=floor,
        lexemes=tuple(sorted(listed)),
    )


def _load(cur) -> dict[str, ColumnStats]:
    cur.execute(
        "SELECT s.attname, s.most_common_elems::text::text[], s.most_common_elem_freqs,"
        " c.reltuples FROM pg_class c JOIN pg_stats s ON s.tablename = c.relname"
        " AND s.schemaname = current_schema() AND s.attname = ANY(%s)"
        " WHERE c.relname = 'listings_listing' AND c.relnamespace = current_schema()::regnamespace",
        [list(COLUMNS)],
    )
    found = {name: _column(*rest) for name, *rest in cur.fetchall()}
    return {name: found.get(name, _EMPTY) for name in COLUMNS}


def column_stats(cur, column: str) -> ColumnStats:
    """The statistics of `column` (one of COLUMNS), read with the other at most once per
    STATS_TTL per process."""
    global _cache
    now = time.monotonic()
    if _cache is None or _cache[0] <= now:
        _cache = (now + STATS_TTL, _load(cur))
    return _cache[1][column]


def planner_rows(cur, *selects: str, params: dict) -> list[float]:
    """The planner's estimate of the rows of each of two or more SELECTs (one EXPLAIN of
    them all: an Append whose children are in order)."""
    cur.execute("EXPLAIN (FORMAT JSON) " + " UNION ALL ".join(selects), params)
    plan = cur.fetchone()[0]
    plan = (json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]
    return [child["Plan Rows"] for child in plan["Plans"]]


_top: tuple[float, float] | None = None


def top_share(cur) -> float:
    """The planner's estimate of the share of live listings whose stored key makes them
    TrustPass (rank_key >= TRUSTPASS_KEY, R-S2 key 2); read at most once per STATS_TTL per process."""
    global _top
    now = time.monotonic()
    if _top is None or _top[0] <= now:
        live, top = planner_rows(
            cur,
            "SELECT 1 FROM listings_listing WHERE status = 'live'",
            "SELECT 1 FROM listings_listing WHERE status = 'live' AND rank_key >= %(key)s",
            params={"key": TRUSTPASS_KEY},
        )
        _top = (now + STATS_TTL, min(1.0, top / live) if live else 0.0)
    return _top[1]


def clear() -> None:
    global _cache, _top
    _cache = None
    _top = None


def estimate(stats: ColumnStats, query: Query) -> Estimate:
    """The share of rows whose `column` holds every token of `query`."""
    if query.empty:
        return Estimate(guess=1.0, upper=1.0, postings=0.0)
    guess = 1.0
    upper = 1.0
    for term in query.terms:
        term_freq = min((stats.token_freq(t) for t in term.tokens), default=1.0)
        guess *= term_freq
        upper = min(upper, term_freq)
    postings = sum(stats.token_freq(t) for t in query.all_tokens)
    return Estimate(guess=guess, upper=upper, postings=postings)
