"""Rejection reasons (R-L3): how a staff rejection's reasons are made, what the audit log and
the seller's notice say about a rejection, and how a stored reason (always Chinese, as the API
gives it) is shown in the reader's language.

The texts themselves are the checks' (`checks.REASON_TEXTS` and the `*_FOUND` msgids): every
stored detail is one of them filled in, so `reason_detail` can match it back and translate it.
"""

from __future__ import annotations

import re
from functools import lru_cache

from django.urls import reverse
from django.utils import translation
from django.utils.functional import lazy
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext as _

from audit.services import Action as AuditAction

from ..exceptions import InvalidRejection
from ..models import Listing
from .checks import (
    _BRAND_PART_NAMES,
    BRAND_FOUND,
    BRAND_PART,
    BRAND_PART_LABELS,
    CHECK_CODES,
    CHECK_RULES,
    DUPLICATE_FOUND,
    ENGLISH_SHARE,
    ENGLISH_TITLE,
    LIST_SEPARATOR,
    PROHIBITED_FOUND,
    REASON_TEXTS,
    STAFF_NOTE,
    STAFF_OTHER,
    TOO_THIN_FOUND,
)

STAFF_OTHER_CODE = "other"


# --- a staff rejection ----------------------------------------------------------------------


def rejection_reasons_for(codes, detail: str = "") -> list[dict]:
    """Reasons for a staff rejection: each code's standard text (how to fix it), plus the
    reviewer's note; code "other" needs the note."""
    codes = list(dict.fromkeys(codes or []))
    detail = (detail or "").strip()
    known = set(CHECK_CODES) | {STAFF_OTHER_CODE}
    unknown = [c for c in codes if c not in known]
    if not codes or unknown:
        raise InvalidRejection(
            _("请选择未通过原因：%(codes)s 或 other。")
            % {"codes": pgettext("list separator", "、").join(CHECK_CODES)},
            fields={"codes": [_("请至少选择一个有效的未通过原因。")]},
        )
    if STAFF_OTHER_CODE in codes and not detail:
        raise InvalidRejection(
            _("选择“其他原因”时请填写说明，告诉卖家如何修改。"),
            fields={"detail": [_("请填写驳回说明。")]},
        )
    # The stored reasons are Chinese whoever rejects (the API gives them as they are);
    # pages show them in the reader's language (`reason_detail` below).
    reasons = []
    for code in codes:
        if code == STAFF_OTHER_CODE:
            text = STAFF_OTHER % {"note": detail}
            reasons.append({"code": code, "detail": text, "rule": "R-L3"})
            continue
        text = REASON_TEXTS[code]
        if detail:
            text = STAFF_NOTE % {"reason": text, "note": detail}
        reasons.append({"code": code, "detail": text, "rule": CHECK_RULES[code]})
    return reasons


def rejection_audit(listing: Listing, reasons: list[dict], *, by) -> dict:
    """Issue 15: the `audit_record` arguments of a rejection (besides the company): who
    (None: the automatic checks), why (every reason), and the codes."""
    return {
        "action": AuditAction.LISTING_REJECT,
        "target": listing,
        "by": by,
        "reason": "\n".join(str(r.get("detail", "")) for r in reasons),
        "details": {
            "codes": [r.get("code", "") for r in reasons],
            "review_round": listing.review_round,
            "automatic": by is None,
        },
    }


def rejection_notice(listing_id: int, title: str, reasons: list[dict]) -> dict:
    """R-L3: the `notify` arguments of a rejection (besides the company), with every reason;
    each reason's detail is rendered in the notice's language (the stored one is Chinese)."""
    shown = [
        {**r, "detail": reason_detail_lazy(r.get("code", ""), r.get("detail", ""))} for r in reasons
    ]
    return {
        "event": "listing_rejected",
        "context": {"title": title, "reasons": shown},
        "url": reverse("listings:manage", args=[listing_id]),
    }


# --- the stored reasons in the reader's language ------------------------------------------


def _pattern(msgid: str) -> re.Pattern:
    """A regular expression matching `msgid` filled in, its placeholders as named groups."""
    pieces = re.split(r"%\((\w+)\)s", msgid)
    return re.compile(
        "".join(
            re.escape(piece) if i % 2 == 0 else f"(?P<{piece}>.*?)"
            for i, piece in enumerate(pieces)
        ),
        re.DOTALL,
    )


@lru_cache(maxsize=1)
def _patterns() -> tuple[tuple[str, re.Pattern], ...]:
    texts = (DUPLICATE_FOUND, PROHIBITED_FOUND, ENGLISH_SHARE, BRAND_FOUND, TOO_THIN_FOUND)
    return tuple((text, _pattern(text)) for text in texts)


_BRAND_PART_RE = re.compile(
    "(" + "|".join(map(re.escape, BRAND_PART_LABELS)) + ")“(.*?)”(?:、|$)", re.DOTALL
)


def _list(text: str) -> str:
    return text.replace("”" + LIST_SEPARATOR + "“", "”" + pgettext("list separator", "、") + "“")


def _brand_parts(text: str) -> str:
    parts = _BRAND_PART_RE.findall(text)
    if not parts:
        return text
    return pgettext("list separator", "、").join(
        gettext(BRAND_PART) % {"label": _BRAND_PART_NAMES[label], "value": value}
        for label, value in parts
    )


def _localise(code: str, detail: str) -> str | None:
    """`detail` (Chinese, as stored) in the active language, or None if not one of ours."""
    staff_other = _pattern(STAFF_OTHER).fullmatch(detail)
    if staff_other:
        return gettext(STAFF_OTHER) % staff_other.groupdict()
    staff_note = _pattern(STAFF_NOTE).fullmatch(detail)
    if staff_note:
        reason = _localise(code, staff_note["reason"]) or staff_note["reason"]
        return gettext(STAFF_NOTE) % {"reason": reason, "note": staff_note["note"]}
    if detail in REASON_TEXTS.values() or detail == ENGLISH_TITLE:
        return gettext(detail)
    for text, pattern in _patterns():
        found = pattern.fullmatch(detail)
        if found:
            params = found.groupdict()
            if "terms" in params:
                params["terms"] = _list(params["terms"])
            if "parts" in params:
                params["parts"] = _brand_parts(params["parts"])
            return gettext(text) % params
    return None


def reason_detail(code: str, detail: str) -> str:
    """R-L3: a stored reason's or check's `detail` (Chinese, as the API gives it) for the
    reader: as it is in Chinese, else translated with the values it names; a text cut short
    or unknown falls back to the standard text of its code."""
    language = translation.get_language() or ""
    if not detail or language.startswith("zh"):
        return detail
    localised = _localise(code, detail)
    if localised is not None:
        return localised
    return gettext(REASON_TEXTS[code]) if code in REASON_TEXTS else detail


# A notice is rendered later, in the language of the moment it is rendered.
reason_detail_lazy = lazy(reason_detail, str)
