"""R-L4: review deadlines and time-to-live figures, as pure functions.

A listing submitted between 09:00 and 16:30 (Asia/Shanghai; 09:00:00 included, 16:30:00
not) goes live within 15 minutes if compliant; one submitted at any other time within
2 hours (so 23:30 → 01:30 the next day).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils.translation import gettext

BUSINESS_TZ = ZoneInfo("Asia/Shanghai")
FAST_WINDOW_START = time(9, 0)
FAST_WINDOW_END = time(16, 30)  # exclusive
FAST_REVIEW = timedelta(minutes=15)
SLOW_REVIEW = timedelta(hours=2)


def in_fast_window(submitted_at: datetime) -> bool:
    """R-L4: submitted in [09:00, 16:30) Asia/Shanghai time."""
    if submitted_at.tzinfo is None:
        raise ValueError("submitted_at must be timezone-aware")
    local = submitted_at.astimezone(BUSINESS_TZ).time()
    return FAST_WINDOW_START <= local < FAST_WINDOW_END


def review_allowance(submitted_at: datetime) -> timedelta:
    return FAST_REVIEW if in_fast_window(submitted_at) else SLOW_REVIEW


def review_deadline(submitted_at: datetime) -> datetime:
    """R-L4: when a compliant listing submitted at `submitted_at` must be live."""
    return submitted_at + review_allowance(submitted_at)


def is_overdue(deadline: datetime | None, now: datetime) -> bool:
    return deadline is not None and now > deadline


def percentile(values: Sequence[float], p: float) -> float | None:
    """The p-th percentile (0–100) by the nearest-rank method; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def median(values: Sequence[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    mid = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[mid]
    return (ordered[mid - 1] + ordered[mid]) / 2


def format_duration(seconds: float | None) -> str:
    """Human duration in the active language: 9 分 30 秒, 1 小时 5 分 (9 min 30 s)."""
    if seconds is None:
        return "—"
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return gettext("%(hours)s 小时 %(minutes)s 分") % {"hours": hours, "minutes": minutes}
    if minutes:
        return gettext("%(minutes)s 分 %(seconds)s 秒") % {"minutes": minutes, "seconds": secs}
    return gettext("%(seconds)s 秒") % {"seconds": secs}
