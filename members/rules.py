"""Pure rules about members (R-M1, R-M2)."""

from __future__ import annotations

import re
from datetime import date

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
        return "会员ID 须为 3–30 个字符。"
    if value != value.lower():
        return "会员ID 只能使用小写字母，请把大写字母改为小写。"
    if not MEMBER_ID_RE.match(value):
        return "会员ID 只能包含小写字母、数字和连字符（-），且不能以连字符开头或结尾。"
    if value in RESERVED_MEMBER_IDS:
        return f"“{value}”是系统保留名称，请换一个会员ID。"
    return None


def period_contains(starts_on: date, ends_on: date, day: date) -> bool:
    """R-M2: a period is [starts_on, ends_on): TrustPass on starts_on, not on ends_on."""
    return starts_on <= day < ends_on
