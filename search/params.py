"""Query parameters of the search and buy-lead API and pages, cleaned once at the input
boundary (issue 17): text with control characters (PostgreSQL refuses a NUL byte in a
string) and page numbers that are not a plain positive number of sensible size (an OFFSET
past bigint). The API refuses them with a clear 400 / 404; the pages treat them as empty
or as the first page."""

from __future__ import annotations

import re
from decimal import Decimal

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from marketplace.exceptions import DomainError
from marketplace.openapi import has_control

# Far beyond any page of results (a search stops at SEARCH_MAX_RESULTS), far below bigint.
MAX_PAGE = 100_000
_LABELS = {
    "q": _("关键词"),
    "kind": _("信息类型"),
    "category": _("类目"),
    "province": _("省份"),
    "price_min": _("最低价"),
    "price_max": _("最高价"),
}
# A price bound: yuan, as the listing's price field holds them (up to 10 digits, 2 decimals).
PRICE_RE = re.compile(r"[0-9]{1,10}(?:\.[0-9]{1,2})?")


class InvalidParameter(DomainError):
    code = "invalid"
    default_detail = _("查询参数无效。")


def api_text(params, name: str, default: str = "") -> str:
    """The text parameter `name`, or a 400 `invalid` naming it when it holds a control
    character (e.g. `%00`)."""
    value = params.get(name, default)
    if has_control(value):
        label = _LABELS.get(name, name)
        raise InvalidParameter(
            gettext("参数 %(name)s（%(label)s）含有控制字符（如 %%00），请去掉这些字符后重试。")
            % {"name": name, "label": label},
            fields={name: [gettext("不能包含控制字符（如 %00），请去掉这些字符后重试。")]},
        )
    return value


def page_text(params, name: str, default: str = "") -> str:
    """The text parameter `name` for a page: one with a control character counts as empty."""
    value = params.get(name, default)
    return "" if has_control(value) else value


def page_number(raw) -> int | None:
    """The 1-based page number `raw` names: ASCII digits from 1 to MAX_PAGE, else None."""
    raw = "1" if raw is None else str(raw)
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 9:
        return None
    number = int(raw)
    return number if 1 <= number <= MAX_PAGE else None


def price_bound(raw: str | None) -> Decimal | None:
    """A price bound written as `PRICE_RE` says (whole), or None (absent, empty or not such a number)."""
    raw = (raw or "").strip()
    return Decimal(raw) if PRICE_RE.fullmatch(raw) else None


def api_price_range(params) -> tuple[Decimal | None, Decimal | None]:
    """`price_min` and `price_max` of the search API (both included): a 400 `invalid`
    naming the parameter when one is not an amount or the range is upside down."""
    bounds = []
    for name in ("price_min", "price_max"):
        raw = api_text(params, name).strip()
        value = price_bound(raw)
        if raw and value is None:
            raise InvalidParameter(
                gettext(
                    "参数 %(name)s（%(label)s）应为以元计的金额，如 100 或 99.5（最多两位小数）。"
                )
                % {"name": name, "label": _LABELS[name]},
                fields={name: [gettext("请填写不小于 0 的金额，最多两位小数。")]},
            )
        bounds.append(value)
    low, high = bounds
    if low is not None and high is not None and low > high:
        raise InvalidParameter(
            gettext("最高价（price_max）不能低于最低价（price_min）。"),
            fields={"price_max": [gettext("最高价不能低于最低价。")]},
        )
    return low, high


def page_price_range(params) -> tuple[Decimal | None, Decimal | None]:
    """The same for a page: a bound that is not an amount is left out, an upside-down range
    is turned the right way up."""
    low, high = (price_bound(page_text(params, n)) for n in ("price_min", "price_max"))
    if low is not None and high is not None and low > high:
        low, high = high, low
    return low, high
