"""Ranking rules of search results (R-S2, R-S3): pure functions of plain values.

R-S2 orders results by five keys, each deciding only ties of the one before:
  1. match level (3 whole query in the title, 2 every query token in the title, 1 matched);
  2. the seller is TrustPass now;
  3. fixed price *and* published or refreshed in the last 3 days;
  4. escrow supported *and* published or refreshed in the last 3 days;
  5. publication time, newest first.
R-S3 (anti-flooding): a listing published within 2 hours after another live listing of the
same company with the same primary keyword is *demoted*: it ranks after every listing that
is ranked by R-S2 (among demoted listings, R-S2 still orders them).

Storage: the query-independent keys 2–4 are folded into one small integer, `rank_key`
(`4·TrustPass + 2·fixed-and-fresh + escrow-and-fresh`), stored with the listing together
with `rank_valid_until`, the first instant at which that stored value stops being true (the
3-day window running out, the TrustPass run ending or starting). A search never trusts a
stored key past that instant: it recomputes such rows itself (`search.selectors`), and a
Celery beat task stores the new value soon after (`search.tasks`).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from datetime import datetime, timedelta

FRESH_WINDOW = timedelta(hours=72)  # R-S2 keys 3 and 4: "in the last 3 days"
FLOOD_WINDOW = timedelta(hours=2)  # R-S3

LEVEL_TITLE_PHRASE = 3
LEVEL_TITLE_ALL = 2
LEVEL_MATCHED = 1


def match_level(*, title_phrase: bool, title_all: bool) -> int:
    """R-S2 key 1, for a listing that matched: 3, 2 or 1."""
    if title_phrase:
        return LEVEL_TITLE_PHRASE
    if title_all:
        return LEVEL_TITLE_ALL
    return LEVEL_MATCHED


def is_fresh(published_at: datetime | None, now: datetime) -> bool:
    """R-S2 keys 3/4: published or refreshed less than 72 h ago (71 h 59 yes, 72 h no)."""
    return published_at is not None and now - published_at < FRESH_WINDOW


def fresh_until(published_at: datetime | None) -> datetime | None:
    """The instant the 3-day window ends (the listing is no longer fresh from then on)."""
    return None if published_at is None else published_at + FRESH_WINDOW


# The stored key of a TrustPass listing is at least this (key 2 outweighs keys 3 and 4).
TRUSTPASS_KEY = 4


def rank_key(*, trustpass: bool, fixed_price: bool, supports_escrow: bool, fresh: bool) -> int:
    """Keys 2–4 as one integer, larger first: 4·TrustPass + 2·(fixed∧fresh) + (escrow∧fresh)."""
    return (
        TRUSTPASS_KEY * int(trustpass)
        + 2 * int(fixed_price and fresh)
        + int(supports_escrow and fresh)
    )


def rank_valid_until(
    *,
    published_at: datetime | None,
    fixed_price: bool,
    supports_escrow: bool,
    now: datetime,
    trustpass_changes_at: datetime | None,
) -> datetime | None:
    """When the stored `rank_key` stops being true: the end of the 3-day window if it gives
    a boost now, or the next change of TrustPass status, whichever is first (None: never)."""
    candidates = []
    if (fixed_price or supports_escrow) and is_fresh(published_at, now):
        candidates.append(fresh_until(published_at))
    if trustpass_changes_at is not None:
        candidates.append(trustpass_changes_at)
    return min(candidates) if candidates else None


def sort_key(
    *,
    demoted: bool,
    level: int,
    key: int,
    published_at: datetime | None,
    listing_id: int,
) -> tuple:
    """Ascending sort key of one result: R-S3 first, then R-S2 keys 1–5, then id (stable)."""
    ts = published_at.timestamp() if published_at is not None else float("-inf")
    return (int(demoted), -level, -key, -ts, -listing_id)


def flood_group_key(keyword: str | None) -> str:
    """R-S3 "the same primary keyword": compared after NFKC, case folding, without spaces."""
    text = unicodedata.normalize("NFKC", keyword or "").casefold()
    return "".join(text.split())


def flooding_demoted(listings: Iterable[tuple[int, datetime]]) -> set[int]:
    """R-S3 for one company and keyword: the ids of listings published less than 2 hours
    after an earlier one (1 h 59 min: demoted; 2 h: not). Ties in time go by id."""
    ordered = sorted((p, i) for i, p in listings if p is not None)
    demoted = set()
    for (prev_at, _prev_id), (at, listing_id) in zip(ordered, ordered[1:], strict=False):
        if at - prev_at < FLOOD_WINDOW:
            demoted.add(listing_id)
    return demoted
