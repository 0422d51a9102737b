"""R-L4: review deadlines at the window edges, Asia/Shanghai time."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from listings.review.deadline import (
    format_duration,
    in_fast_window,
    is_overdue,
    median,
    percentile,
    review_deadline,
)

SH = ZoneInfo("Asia/Shanghai")


def at(hour, minute, second=0, day=10):
    return datetime(2026, 3, day, hour, minute, second, tzinfo=SH)


@pytest.mark.parametrize(
    ("submitted", "expected"),
    [
        (at(8, 59), at(10, 59)),  # before the window: 2 hours
        (at(8, 59, 59), at(10, 59, 59)),
        (at(9, 0), at(9, 15)),  # 09:00 is inside: 15 minutes
        (at(16, 29), at(16, 44)),
        (at(16, 29, 59), at(16, 44, 59)),
        (at(16, 30), at(18, 30)),  # 16:30 is outside: 2 hours
        (at(23, 30), at(1, 30, day=11)),  # across midnight
        (at(22, 0), at(0, 0, day=11)),
        (at(0, 0), at(2, 0)),
        (at(7, 30), at(9, 30)),  # submitted before 09:00, deadline after it: still 2 h
    ],
)
def test_deadline(submitted, expected):
    assert review_deadline(submitted) == expected


def test_window_is_read_in_shanghai_time_whatever_the_input_zone():
    utc_0100 = datetime(2026, 3, 10, 1, 0, tzinfo=ZoneInfo("UTC"))  # 09:00 in Shanghai
    assert in_fast_window(utc_0100)
    assert review_deadline(utc_0100) == utc_0100 + timedelta(minutes=15)
    utc_0830 = datetime(2026, 3, 10, 8, 30, tzinfo=ZoneInfo("UTC"))  # 16:30 in Shanghai
    assert not in_fast_window(utc_0830)


def test_naive_datetime_is_refused():
    with pytest.raises(ValueError):
        review_deadline(datetime(2026, 3, 10, 9, 0))


def test_overdue_only_after_the_deadline():
    deadline = at(9, 15)
    assert not is_overdue(deadline, at(9, 15))
    assert is_overdue(deadline, at(9, 15, 1))
    assert not is_overdue(None, at(9, 15, 1))


def test_median_and_p95():
    assert median([]) is None and percentile([], 95) is None
    assert median([3, 1, 2]) == 2
    assert median([4, 1, 2, 3]) == 2.5
    values = list(range(1, 101))
    assert percentile(values, 95) == 95
    assert percentile(values, 50) == 50
    assert percentile([7], 95) == 7


def test_format_duration():
    assert format_duration(None) == "—"
    assert format_duration(42) == "42 秒"
    assert format_duration(570) == "9 分 30 秒"
    assert format_duration(3900) == "1 小时 5 分"
