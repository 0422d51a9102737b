"""HTML sanitising with nh3 (ammonia): company introductions (R-F1) and mail bodies (R-F3).

Only an allow-list of tags and attributes survives; `<script>`/`<style>` go with their
content, event handlers (`onerror=`…) and `style` never pass, links get
`rel="noopener noreferrer"`. Images are limited to our own files, so nothing on a
storefront or in a mailbox loads from (or reports to) another host.
"""

from __future__ import annotations

import nh3

_TEXT_TAGS = {
    "p", "br", "hr", "strong", "b", "em", "i", "u", "s", "small", "sub", "sup",
    "h2", "h3", "h4", "ul", "ol", "li", "blockquote", "pre", "code", "span",
    "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption", "a", "img",
}  # fmt: skip
INTRODUCTION_TAGS = frozenset(_TEXT_TAGS)
MAIL_TAGS = frozenset(_TEXT_TAGS | {"div", "h1", "h5", "h6", "font", "center"})

_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
}
_URL_SCHEMES = {"http", "https", "mailto", "tel"}


def _dimension(value: str) -> str | None:
    return value if value.isdigit() and 0 < int(value) <= 2000 else None


def introduction_clean(html: str, *, image_prefix: str) -> str:
    """Sanitise a company introduction. `<img>` keeps its `src` only when it points at an
    uploaded introduction image (a URL starting with `image_prefix`)."""

    def attribute_filter(tag: str, attr: str, value: str) -> str | None:
        if tag == "img" and attr == "src":
            if value.startswith(image_prefix) and ".." not in value and "\\" not in value:
                return value
            return None
        if tag == "img" and attr in ("width", "height"):
            return _dimension(value)
        return value

    return nh3.clean(
        html or "",
        tags=set(INTRODUCTION_TAGS),
        attributes={k: set(v) for k, v in _ATTRIBUTES.items()},
        attribute_filter=attribute_filter,
        url_schemes=set(_URL_SCHEMES),
        link_rel="noopener noreferrer nofollow",
    ).strip()


def mail_html_clean(html: str, *, cid_urls: dict[str, str] | None = None) -> str:
    """Sanitise a received HTML mail body. Inline images (`src="cid:…"`) are pointed at
    their attachment's download URL from `cid_urls`; every other image source is dropped
    (no remote loads, no tracking pixels)."""
    cid_urls = {k.strip("<>").lower(): v for k, v in (cid_urls or {}).items()}

    def attribute_filter(tag: str, attr: str, value: str) -> str | None:
        if tag == "img" and attr == "src":
            if value.lower().startswith("cid:"):
                return cid_urls.get(value[4:].strip("<>").lower())
            return None
        if tag == "img" and attr in ("width", "height"):
            return _dimension(value)
        return value

    return nh3.clean(
        html or "",
        tags=set(MAIL_TAGS),
        attributes={k: set(v) for k, v in _ATTRIBUTES.items()},
        attribute_filter=attribute_filter,
        url_schemes=set(_URL_SCHEMES) | {"cid"},
        link_rel="noopener noreferrer nofollow",
    ).strip()
