"""The five automatic review checks of R-L3 (R-L3a–e), as pure functions of plain values.

Each check returns a `CheckResult`: passed, or a reason with a `code` (API.md's rejection
codes), a Chinese `detail` that tells the seller how to fix the listing, and the `rule`.
The stored detail is always Chinese (the API gives it as it is); `reasons.reason_detail` shows
it in the reader's language: every text below is a gettext msgid with %-placeholders.
Nothing here touches the database: the review service gathers the listing's values, the
company's other listings and the staff term lists, and passes them in.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from difflib import SequenceMatcher
from fractions import Fraction
from functools import lru_cache

from django.utils.translation import gettext_lazy, gettext_noop, pgettext_lazy

SUPPLY = "supply"

DUPLICATE = "duplicate"
PROHIBITED = "prohibited_product"
ENGLISH = "english_only"
BRAND_IN_TITLE = "brand_model_in_title"
TOO_THIN = "description_too_thin"

#: The order the checks run and are shown in.
CHECK_CODES = (DUPLICATE, PROHIBITED, ENGLISH, BRAND_IN_TITLE, TOO_THIN)

CHECK_RULES = {
    DUPLICATE: "R-L3a",
    PROHIBITED: "R-L3b",
    ENGLISH: "R-L3c",
    BRAND_IN_TITLE: "R-L3d",
    TOO_THIN: "R-L3e",
}

#: Short names of the checks (admin, seller pages), in the reader's language.
CHECK_LABELS = {
    DUPLICATE: gettext_lazy("重复信息"),
    PROHIBITED: gettext_lazy("禁售产品"),
    ENGLISH: gettext_lazy("英文信息"),
    BRAND_IN_TITLE: gettext_lazy("供应标题含品牌、规格、型号"),
    TOO_THIN: gettext_lazy("产品介绍过于简单"),
}

#: The generic reason text per code (used when staff reject with a code), stored in Chinese.
REASON_TEXTS = {
    DUPLICATE: gettext_noop(
        "重复信息：您已有一条标题相同、内容相近的信息在网上或在审核中。"
        "请修改原信息或使用“重发”更新发布时间，不要重复发布。"
    ),
    PROHIBITED: gettext_noop(
        "禁售产品：信息中含有禁止发布的产品或词语。请删除相关内容；如属误判，请修改措辞后重新提交。"
    ),
    ENGLISH: gettext_noop(
        "英文信息：中文站的信息须以中文为主。请在标题中使用中文，"
        "并用中文撰写详细说明（中文字至少占 30%）。"
    ),
    BRAND_IN_TITLE: gettext_noop(
        "供应标题含有品牌、规格、型号：产品名称应简明易懂，"
        "请把品牌、型号、规格分别填写到“品牌”“型号”“规格”栏中，标题只写产品名称。"
    ),
    TOO_THIN: gettext_noop(
        "产品介绍信息过于简单：请详细介绍产品的用途、材质、性能、包装和售后等，"
        "详细说明至少 30 个汉字（重复的字不计）。"
    ),
}

# The reasons the checks find, with the values they name (msgids; stored filled in, Chinese).
DUPLICATE_FOUND = gettext_noop(
    "重复信息：您已发布过标题为“%(title)s”、内容相近（相似度 %(similarity)s）的信息。"
    "请修改原信息或使用“重发”，不要重复发布。"
)
PROHIBITED_FOUND = gettext_noop(
    "禁售产品：信息中含有禁止发布的词语 %(terms)s。"
    "请删除这些内容后重新提交；本平台不允许发布禁售产品。"
)
ENGLISH_TITLE = gettext_noop(
    "英文信息：产品名称中没有中文。请用中文填写产品名称，例如“不锈钢无缝钢管”。"
)
ENGLISH_SHARE = gettext_noop(
    "英文信息：详细说明中的中文只占文字的 %(share)s，"
    "至少应占 %(min_share)s。请用中文介绍产品，英文内容可作补充。"
)
BRAND_FOUND = gettext_noop(
    "供应标题含有品牌、规格、型号：标题中出现了%(parts)s。"
    "请只用简明的产品名称作标题（如“不锈钢无缝钢管”），"
    "把品牌、型号、规格分别填写到“品牌”“型号”“规格”栏中。"
)
BRAND_PART = gettext_noop("%(label)s“%(value)s”")
BRAND_PART_LABELS = ("品牌", "型号", "规格")
# The labels above as a sentence names them, in the reader's language.
_BRAND_PART_NAMES = {
    "品牌": pgettext_lazy("listing title part", "品牌"),
    "型号": pgettext_lazy("listing title part", "型号"),
    "规格": pgettext_lazy("listing title part", "规格"),
}
TOO_THIN_FOUND = gettext_noop(
    "产品介绍信息过于简单：详细说明只有 %(count)s 个有效汉字，至少需要 %(min_chars)s 个"
    "（重复的字和网页标记不计）。请补充产品的用途、材质、性能、包装和售后等信息。"
)
# A staff rejection (listings.review.reasons.rejection_reasons_for): the note after a standard
# reason, and the reason "other" with its note.
STAFF_NOTE = gettext_noop("%(reason)s（审核说明：%(note)s）")
STAFF_OTHER = gettext_noop("其他原因：%(note)s")
#: How the stored texts join a list of values (“甲”、“乙”).
LIST_SEPARATOR = "、"


@dataclass(frozen=True)
class CheckResult:
    code: str
    passed: bool
    detail: str = ""
    rule: str = ""

    @property
    def reason(self) -> dict:
        """The rejection reason as API.md shows it: {code, detail, rule}."""
        return {"code": self.code, "detail": self.detail, "rule": self.rule}

    def as_dict(self) -> dict:
        return asdict(self)


def _ok(code: str) -> CheckResult:
    return CheckResult(code=code, passed=True, detail="", rule=CHECK_RULES[code])


def _fail(code: str, detail: str) -> CheckResult:
    return CheckResult(code=code, passed=False, detail=detail, rule=CHECK_RULES[code])


# --- text helpers -----------------------------------------------------------------------

_TAG_RE = re.compile(r"<[^>]*>")
_SPACE_RE = re.compile(r"\s+")
_PUNCT_CATEGORIES = ("P", "S", "Z", "C")


def is_han(ch: str) -> bool:
    """A Chinese (Han) character: CJK unified ideographs and their extensions."""
    cp = ord(ch)
    return (
        0x4E00 <= cp <= 0x9FFF
        or 0x3400 <= cp <= 0x4DBF
        or 0x20000 <= cp <= 0x2EBEF
        or 0x30000 <= cp <= 0x323AF
        or 0xF900 <= cp <= 0xFAFF
    )


@lru_cache(maxsize=256)
def fold(text: str) -> str:
    """NFKC (full-width → half-width) and case-folded, for comparisons."""
    return unicodedata.normalize("NFKC", text or "").casefold()


@lru_cache(maxsize=256)
def plain_text(text: str) -> str:
    """Description text without markup: tags removed, entities decoded."""
    return html.unescape(_TAG_RE.sub(" ", text or ""))


def _dropped(ch: str) -> bool:
    return unicodedata.category(ch).startswith(_PUNCT_CATEGORIES)


# Basic-plane characters compact() drops, as a str.translate table (C speed); the rare
# characters beyond it (emoji…) are looked up one by one.
_DROP_BMP = {cp: None for cp in range(0x10000) if _dropped(chr(cp))}


@lru_cache(maxsize=256)
def compact(text: str) -> str:
    """Folded text without white space, punctuation or symbols (for matching terms)."""
    kept = fold(text).translate(_DROP_BMP)
    if kept and max(kept) > "\uffff":
        kept = "".join(ch for ch in kept if ch <= "\uffff" or not _dropped(ch))
    return kept


@lru_cache(maxsize=8192)
def compact_term(term: str) -> str:
    """compact() of a staff list term; memoised (the lists are short and rarely change)."""
    return compact(term)


def normalise_title(title: str) -> str:
    """R-L3a: the title key two listings are compared on (folded, no spaces/punctuation)."""
    return compact(title)


_RUN_RE = re.compile(r"(.)\1+", re.DOTALL)
_HAN_RE = re.compile(
    "[\u4e00-\u9fff\u3400-\u4dbf\uf900-\ufaff\U00020000-\U0002ebef\U00030000-\U000323af]"
)


def collapse_repeats(text: str) -> str:
    """R-L3e: a run of one repeated character counts once ("好好好好" → "好")."""
    return _RUN_RE.sub(r"\1", text)


def han_count(text: str) -> int:
    """How many Chinese (Han) characters a text holds (same set as is_han)."""
    return len(_HAN_RE.findall(text))


def description_han_count(description: str) -> int:
    """R-L3e: Chinese characters of the description once markup and repeats are removed."""
    return han_count(collapse_repeats(_SPACE_RE.sub("", plain_text(description))))


def _ratio(a: str, b: str) -> Fraction:
    """difflib's ratio 2·M/T of two compact texts, exact."""
    if not a and not b:
        return Fraction(1)
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    matches = sum(block.size for block in matcher.get_matching_blocks())
    return Fraction(2 * matches, len(a) + len(b))


def similarity(a: str, b: str) -> float:
    """R-L3a: how alike two descriptions are, 0…1 (markup, spaces, punctuation ignored)."""
    return float(_ratio(compact(plain_text(a)), compact(plain_text(b))))


@lru_cache(maxsize=32)
def _fraction(share: float) -> Fraction:
    return Fraction(str(share))


def _at_least(part: int, whole: int, share: float) -> bool:
    """part / whole ≥ share, exactly (no floating-point edge errors at 30% or 90%)."""
    limit = _fraction(share)
    return part * limit.denominator >= limit.numerator * whole


# --- R-L3a duplicate --------------------------------------------------------------------


def check_duplicate(
    *,
    title: str,
    description: str,
    others: Iterable[tuple[str, str]],
    threshold: float = 0.90,
) -> CheckResult:
    """R-L3a: `others` are (title, description) of the SAME company's live or pending
    listings (the caller selects them). A duplicate has the same normalised title and a
    description at least `threshold` similar."""
    key = normalise_title(title)
    text = compact(plain_text(description))
    limit = Fraction(str(threshold))
    for other_title, other_description in others:
        if normalise_title(other_title) != key:
            continue
        other = compact(plain_text(other_description))
        # Upper bound first (M ≤ the shorter length): skips the exact ratio when hopeless.
        total = len(text) + len(other)
        if total and Fraction(2 * min(len(text), len(other)), total) < limit:
            continue
        ratio = _ratio(text, other)
        if ratio >= limit:
            return _fail(
                DUPLICATE,
                DUPLICATE_FOUND % {"title": other_title, "similarity": f"{float(ratio):.0%}"},
            )
    return _ok(DUPLICATE)


# --- R-L3b prohibited products ----------------------------------------------------------


def find_terms(texts: Sequence[str], terms: Iterable[str]) -> list[str]:
    """Terms found anywhere inside the texts (also inside longer words: Chinese has no word
    boundaries), ignoring case, full/half width, spaces and punctuation between letters."""
    present = [t for t in texts if t]
    # One string (NUL-separated, so no term spans two fields), folded and compacted.
    haystack = "\x00".join([fold(t) for t in present] + [compact(t) for t in present])
    found = []
    for term in terms:
        needle = compact_term(term)
        if needle and needle in haystack:
            found.append(term)
    return found


def check_prohibited(
    *,
    title: str,
    keyword: str,
    attributes: Sequence[str],
    description: str,
    terms: Iterable[str],
) -> CheckResult:
    """R-L3b: title, keyword, attributes or description contain a prohibited term."""
    found = find_terms([title, keyword, *attributes, plain_text(description)], terms)
    if found:
        shown = LIST_SEPARATOR.join(f"“{t}”" for t in found[:5])
        return _fail(PROHIBITED, PROHIBITED_FOUND % {"terms": shown})
    return _ok(PROHIBITED)


# --- R-L3c English information -----------------------------------------------------------


def chinese_share(text: str) -> tuple[int, int]:
    """(Chinese characters, all letters) of a text without markup; digits, spaces and
    punctuation are not letters."""
    text = plain_text(text)
    return han_count(text), sum(map(str.isalpha, text))


def check_english(*, title: str, description: str, min_share: float = 0.30) -> CheckResult:
    """R-L3c: the title has no Chinese character, or under `min_share` of the
    description's letters are Chinese."""
    if not any(is_han(ch) for ch in title or ""):
        return _fail(ENGLISH, ENGLISH_TITLE)
    han, letters = chinese_share(description)
    if letters and not _at_least(han, letters, min_share):
        return _fail(
            ENGLISH,
            ENGLISH_SHARE % {"share": f"{han / letters:.0%}", "min_share": f"{min_share:.0%}"},
        )
    return _ok(ENGLISH)


# --- R-L3d brand / model / specification in the title ------------------------------------


def check_brand_in_title(
    *,
    kind: str,
    title: str,
    brand: str,
    model: str,
    spec: str,
    brand_terms: Iterable[str],
) -> CheckResult:
    """R-L3d: a supply listing's title contains its own brand, model or specification
    value, or a term of the staff-maintained brand list."""
    if kind != SUPPLY:
        return _ok(BRAND_IN_TITLE)
    key = compact(title)
    brand_label, model_label, spec_label = BRAND_PART_LABELS
    own = [
        (label, value)
        for label, value in ((brand_label, brand), (model_label, model), (spec_label, spec))
        if compact(value) and compact(value) in key
    ]
    listed = find_terms([title], brand_terms)
    if own or listed:
        parts = [BRAND_PART % {"label": label, "value": value} for label, value in own]
        parts += [
            BRAND_PART % {"label": brand_label, "value": t}
            for t in listed
            if all(t != v for _, v in own)
        ]
        return _fail(BRAND_IN_TITLE, BRAND_FOUND % {"parts": LIST_SEPARATOR.join(parts)})
    return _ok(BRAND_IN_TITLE)


# --- R-L3e description too thin ----------------------------------------------------------


def check_description(*, description: str, min_chars: int = 30) -> CheckResult:
    """R-L3e: under `min_chars` Chinese characters once markup and repeats are removed."""
    count = description_han_count(description)
    if count < min_chars:
        return _fail(TOO_THIN, TOO_THIN_FOUND % {"count": count, "min_chars": min_chars})
    return _ok(TOO_THIN)


# --- all five ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ListingValues:
    """What the checks look at in a listing."""

    kind: str
    title: str
    keyword: str
    description: str
    brand: str = ""
    model: str = ""
    spec: str = ""


def run_checks(
    values: ListingValues,
    *,
    others: Iterable[tuple[str, str]] = (),
    prohibited_terms: Iterable[str] = (),
    brand_terms: Iterable[str] = (),
    similarity_threshold: float = 0.90,
    min_chinese_share: float = 0.30,
    min_description_chars: int = 30,
) -> list[CheckResult]:
    """R-L3: every check, in CHECK_CODES order."""
    return [
        check_duplicate(
            title=values.title,
            description=values.description,
            others=others,
            threshold=similarity_threshold,
        ),
        check_prohibited(
            title=values.title,
            keyword=values.keyword,
            attributes=[values.brand, values.model, values.spec],
            description=values.description,
            terms=prohibited_terms,
        ),
        check_english(
            title=values.title, description=values.description, min_share=min_chinese_share
        ),
        check_brand_in_title(
            kind=values.kind,
            title=values.title,
            brand=values.brand,
            model=values.model,
            spec=values.spec,
            brand_terms=brand_terms,
        ),
        check_description(description=values.description, min_chars=min_description_chars),
    ]
