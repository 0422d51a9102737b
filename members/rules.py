"""Pure rules about members (R-M1, R-M2)."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable
from datetime import date, timedelta

from django.utils.translation import gettext as _

# R-M1: the public handle of a company.
MEMBER_ID_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{1,28})[a-z0-9]$")
RESERVED_MEMBER_IDS = frozenset(
    {
        "www",
        "admin",
        "api",
        "mail",
        "smtp",
        "pop",
        "imap",
        "ftp",
        "static",
        "media",
        "shop",
        "help",
        "support",
        "root",
        "staff",
        "search",
        "login",
        "logout",
        "register",
        "trustpass",
        "alibaba",
        "system",
        "test",
        "dev",
        "cdn",
        "img",
        "news",
        "blog",
    }
)


def member_id_problem(value: str) -> str | None:
    """R-M1: why a member ID cannot be used, in Chinese, or None when it can."""
    if not 3 <= len(value) <= 30:
        return _("会员ID 须为 3–30 个字符。")
    if value != value.lower():
        return _("会员ID 只能使用小写字母，请把大写字母改为小写。")
    if not MEMBER_ID_RE.match(value):
        return _("会员ID 只能包含小写字母、数字和连字符（-），且不能以连字符开头或结尾。")
    if value in RESERVED_MEMBER_IDS:
        return _("“%(value)s”是系统保留名称，请换一个会员ID。") % {"value": value}
    return None


def period_contains(starts_on: date, ends_on: date, day: date) -> bool:
    """R-M2: a period is [starts_on, ends_on): TrustPass on starts_on, not on ends_on."""
    return starts_on <= day < ends_on


def add_years(day: date, years: int) -> date:
    """The same calendar day `years` later; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def next_uncovered_day(periods: list[tuple[date, date]], day: date) -> date:
    """R-M2 renewal (续签) extends from the current end: the first day on or after `day` that
    no period covers, following periods that start where the previous one ends."""
    start = day
    for s, e in sorted(periods):
        if s <= start < e:
            start = e
    return start


def periods_overlap(a: tuple[date, date], b: tuple[date, date]) -> bool:
    """Two [start, end) periods share at least one day."""
    return a[0] < b[1] and b[0] < a[1]


# --- Years of membership (诚信通第 N 年, 诚信通会员起始; issue 15) ---------------------------

# Counted like the archive years of R-C3, so the company page and the credit archive agree.
DAYS_PER_MEMBERSHIP_YEAR = 365


def membership_days(periods: Iterable[tuple[date, date]], today: date) -> int:
    """R-M2 periods [starts_on, ends_on): the days they cover before `today`, overlaps counted
    once (R-C3 counts archive years from this). A period that started exactly 365 days ago
    has covered 365 days: its first year is complete on its anniversary."""
    clipped = sorted((start, min(end, today)) for start, end in periods if start < min(end, today))
    total = 0
    run_start: date | None = None
    run_end: date | None = None
    for start, end in clipped:
        if run_end is None or start > run_end:
            if run_end is not None:
                total += (run_end - run_start).days
            run_start, run_end = start, end
        elif end > run_end:
            run_end = end
    if run_end is not None:
        total += (run_end - run_start).days
    return total


def membership_year(periods: Iterable[tuple[date, date]], today: date) -> int | None:
    """诚信通第 N 年: None unless a period contains `today` (R-M2); else 1 + the full
    365-day years the periods have covered (1 in the first year, 2 from the first
    anniversary on, …)."""
    periods = list(periods)
    if not any(period_contains(s, e, today) for s, e in periods):
        return None
    return membership_days(periods, today) // DAYS_PER_MEMBERSHIP_YEAR + 1


def membership_start(periods: Iterable[tuple[date, date]], today: date) -> date | None:
    """诚信通会员起始: the first day of the earliest period that has begun by `today` (a
    period bought ahead does not count yet), or None."""
    return min((s for s, _e in periods if s <= today), default=None)


# --- R-M4: renewal reminders ---------------------------------------------------------------

REMINDER_DAYS = (30, 7, 1)


def reminder_due(days_left: int) -> int | None:
    """R-M4: which reminder (30, 7 or 1 days before `ends_on`) is due with `days_left` days
    to go, or None. A run that comes late still sends the reminder it missed (29 days left:
    the 30-day one); only the closest threshold is due, so a company that first comes into
    range at 6 days left gets the 7-day reminder, not the 30-day one as well."""
    if days_left < 1:
        return None
    due = [d for d in REMINDER_DAYS if days_left <= d]
    return min(due) if due else None


# --- Admin: renewal rate (续签率) ------------------------------------------------------------

RENEWAL_WINDOW_DAYS = 30


def renewal_rate(periods: list[tuple[int, date, date]], *, today: date) -> tuple[int, int]:
    """Of the periods that ended in the last 12 months (ends_on in (today − 1 year, today]),
    how many were renewed: the same company has another period starting after the
    ended one's start and at the latest `RENEWAL_WINDOW_DAYS` days after its end, and
    reaching past that end. `periods` are (company_id, starts_on, ends_on).
    Returns (renewed, ended)."""
    since = add_years(today, -1)
    by_company: dict[int, list[tuple[date, date]]] = {}
    for company_id, s, e in periods:
        by_company.setdefault(company_id, []).append((s, e))
    ended = renewed = 0
    for own in by_company.values():
        for s, e in own:
            if not since < e <= today:
                continue
            ended += 1
            limit = e + timedelta(days=RENEWAL_WINDOW_DAYS)
            if any(s2 > s and s2 <= limit and e2 > e for s2, e2 in own):
                renewed += 1
    return renewed, ended


# --- R-C2: unified social credit code (统一社会信用代码), GB 32100-2015 ------------------------

# The 31 characters of the code: digits and capitals except I, O, Z, S, V.
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))  # 1, 3, 9, 27, 19, 26, 16, …
USCC_LENGTH = 18


def normalise_registration_number(value: str) -> str:
    """What a person typed, as the code is written: no spaces, capital letters."""
    return "".join(value.split()).upper()


def uscc_check_character(first17: str) -> str:
    """GB 32100-2015 §4: C18 = 31 − (Σ Ci·Wi mod 31), Wi = 3^(i−1) mod 31; 31 means 0."""
    total = sum(USCC_CHARS.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_CHARS[(31 - total % 31) % 31]


def registration_number_problem(value: str) -> str | None:
    """R-C2: why `value` is not a valid unified social credit code, in Chinese, or None.

    Strict: call `normalise_registration_number` first to accept lowercase and spaces."""
    if len(value) != USCC_LENGTH:
        return _("统一社会信用代码应为 18 位，您输入了 %(count)d 位，请核对营业执照。") % {
            "count": len(value)
        }
    if value != value.upper():
        return _("统一社会信用代码中的字母应为大写，请改为大写后再提交。")
    bad = sorted({c for c in value if c not in USCC_CHARS})
    if bad:
        return _(
            "统一社会信用代码含有无效字符“%(chars)s”：只能是数字和除 I、O、Z、S、V 以外的"
            "大写字母，请核对营业执照（注意数字 0 与字母 O、数字 1 与字母 I 的区别）。"
        ) % {"chars": "".join(bad)}
    if not value[2:8].isdigit():
        return _("统一社会信用代码第 3–8 位应为行政区划代码（数字），请核对营业执照。")
    expected = uscc_check_character(value[:17])
    if value[17] != expected:
        return _("统一社会信用代码校验位不正确，请逐位核对营业执照上的代码后重新输入。")
    return None


# The online identity certificate's public code (专属网上身份证明): no 0/O or 1/I to misread.
CERTIFICATE_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CERTIFICATE_CODE_LENGTH = 12


def certificate_code_new() -> str:
    """A new random certificate code (12 characters of CERTIFICATE_CODE_ALPHABET)."""
    return "".join(
        secrets.choice(CERTIFICATE_CODE_ALPHABET) for _ in range(CERTIFICATE_CODE_LENGTH)
    )


def certificate_code_normalise(value: str) -> str:
    """A code as typed (spaces, hyphens, lower case) as it is stored."""
    return "".join(c for c in (value or "").upper() if c not in " -\t\r\n")


def registration_number_masked(value: str, *, keep: int = 4) -> str:
    """R-C2 on the public certificate: the registration number with all but its first and
    last `keep` characters hidden (18 characters: 9133**********852F). A value too short to
    keep both ends is hidden entirely."""
    value = value or ""
    if len(value) <= 2 * keep:
        return "*" * len(value)
    return value[:keep] + "*" * (len(value) - 2 * keep) + value[-keep:]
