"""Template filters of notice e-mails (templates/notices/email.html)."""

import re

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

register = template.Library()

# Chinese text puts no space before or after a link ("查看信息：https://…"), so Django's
# urlize (which splits on whitespace) misses them; a link ends at space, quote, bracket or
# full-width punctuation.
_LINK = re.compile(r"https?://[^\s<>\"'，。；：！？、）】”]+")


@register.filter(needs_autoescape=False)
def notice_html(text: str) -> str:
    """Plain notice text as HTML: escaped, each http(s) link clickable, line breaks kept."""
    out, last = [], 0
    for match in _LINK.finditer(text or ""):
        out.append(escape(text[last : match.start()]))
        url = match.group(0)
        out.append(format_html('<a href="{}">{}</a>', url, url))
        last = match.end()
    out.append(escape((text or "")[last:]))
    return mark_safe("".join(out).replace("\r\n", "\n").replace("\n", "<br>\n"))  # noqa: S308
