"""Query parameters of the search and buy-lead API and pages, cleaned once at the input
boundary (issue 17): text with control characters (PostgreSQL refuses a NUL byte in a
string) and page numbers that are not a plain positive number of sensible size (an OFFSET
past bigint). The API refuses them with a clear 400 / 404; the pages treat them as empty
or as the first page."""

from __future__ import annotations

from marketplace.exceptions import DomainError
from marketplace.openapi import has_control

# Far beyond any page of results (a search stops at SEARCH_MAX_RESULTS), far below bigint.
MAX_PAGE = 100_000
_LABELS = {"q": "关键词", "kind": "信息类型", "category": "类目", "province": "省份"}


class InvalidParameter(DomainError):
    code = "invalid"
    default_detail = "查询参数无效。"


def api_text(params, name: str, default: str = "") -> str:
    """The text parameter `name`, or a 400 `invalid` naming it when it holds a control
    character (e.g. `%00`)."""
    value = params.get(name, default)
    if has_control(value):
        label = _LABELS.get(name, name)
        raise InvalidParameter(
            f"参数 {name}（{label}）含有控制字符（如 %00），请去掉这些字符后重试。",
            fields={name: ["不能包含控制字符（如 %00），请去掉这些字符后重试。"]},
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
