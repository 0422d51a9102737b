"""Pure storefront rules: own-domain labels (R-F2), storefront hosts (R-F1), mailbox (R-F3).

Functions of plain values only; the database parts (taken, existing companies) live in
selectors.py.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import idna
from django.utils.translation import gettext as _

from members.rules import RESERVED_MEMBER_IDS

# --- R-F2: own domains ---------------------------------------------------------------------

SUFFIXES = (".cn", ".com.cn", ".net.cn")
SUFFIX_ALL = "all"
LABEL_MAX_LENGTH = 63  # RFC 1035: one DNS label, in its ASCII (A-label) form

REASON_INVALID = "invalid"
REASON_RESERVED = "reserved"
REASON_TAKEN = "taken"

# Names the .cn registry keeps for itself (second-level domains such as com.cn and the
# province codes such as zj.cn), the platform's own brands, and the platform's own
# reserved handles (www, admin, mail, ...).
_REGISTRY_RESERVED = {
    "com", "net", "org", "gov", "edu", "ac", "mil", "ah", "bj", "cq", "fj", "gd", "gs",
    "gz", "gx", "ha", "hb", "he", "hi", "hk", "hl", "hn", "jl", "js", "jx", "ln", "mo",
    "nm", "nx", "qh", "sc", "sd", "sh", "sn", "sx", "tj", "tw", "xj", "xz", "yn", "zj",
    "nic", "cnnic", "whois", "localhost", "example", "invalid",
}  # fmt: skip
_PLATFORM_RESERVED = {
    "alibaba", "1688", "taobao", "tmall", "alipay", "aliyun", "chengxintong", "trustpass",
    "china", "zhongguo",
}  # fmt: skip
_CHINESE_RESERVED = {"中国", "中华", "政府", "国家", "公安", "阿里巴巴", "诚信通", "淘宝", "支付宝"}
RESERVED_LABELS = frozenset(_REGISTRY_RESERVED | _PLATFORM_RESERVED | RESERVED_MEMBER_IDS)
RESERVED_CHINESE_LABELS = frozenset(_CHINESE_RESERVED)

_ASCII_LABEL_RE = re.compile(r"^[a-z0-9-]+$")
_ALLOWED_IN_CHINESE_NAME_RE = re.compile(r"^[a-z0-9\-\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+$")


@dataclass(frozen=True)
class LabelCheck:
    """The verdict on one name a member typed (before suffix and before 'taken')."""

    ascii_label: str | None  # what goes into DNS: letters/digits/hyphens or xn--…
    unicode_label: str | None  # what the member reads
    reason: str | None  # None, "invalid" or "reserved"
    message: str | None  # in the active language, telling how to fix it

    @property
    def ok(self) -> bool:
        return self.reason is None


def _invalid(message: str) -> LabelCheck:
    return LabelCheck(None, None, REASON_INVALID, message)


def label_check(raw: str) -> LabelCheck:
    """R-F2: is `raw` a registrable label? Letters, digits, hyphens, 1–63 characters, no
    leading or trailing hyphen; or a Chinese name, checked in its IDNA (A-label) form."""
    value = unicodedata.normalize("NFC", (raw or "").strip())
    if not value:
        return _invalid(_("请输入想要注册的域名名称，例如 hzsteel 或 华钢管业。"))
    if any(ch.isspace() for ch in value):
        return _invalid(_("域名名称不能包含空格，请删除空格后重试。"))
    try:
        # UTS 46 mapping: upper case and full-width letters become ASCII, "。" becomes ".".
        value = idna.uts46_remap(value, std3_rules=False, transitional=False)
    except idna.IDNAError:
        return _invalid(_("域名名称包含不允许的字符，请只使用字母、数字、连字符或汉字。"))
    if "." in value:
        return _invalid(_("只需填写名称部分，不要包含“.”或后缀；后缀请在右侧选择。"))

    if value.isascii() and not value.startswith("xn--"):
        if not _ASCII_LABEL_RE.match(value):
            return _invalid(_("域名名称只能使用英文字母、数字和连字符（-），请删除其他字符。"))
        problem = _shape_problem(value)
        if problem:
            return _invalid(problem)
        if value in RESERVED_LABELS:
            return LabelCheck(
                value,
                value,
                REASON_RESERVED,
                _("“%(name)s”是保留名称，不能注册，请换一个名称。") % {"name": value},
            )
        return LabelCheck(value, value, None, None)

    # A Chinese name (or an A-label someone pasted): checked through IDNA 2008.
    try:
        unicode_label = idna.decode(value) if value.startswith("xn--") else value
        if not _ALLOWED_IN_CHINESE_NAME_RE.match(unicode_label):
            return _invalid(
                _("中文域名只能包含汉字、英文字母、数字和连字符（-），请删除其他字符。")
            )
        if unicode_label.startswith("-") or unicode_label.endswith("-"):
            return _invalid(_("域名名称不能以连字符（-）开头或结尾，请去掉首尾的连字符。"))
        if not unicode_label.isascii():
            long_form = "xn--" + unicode_label.encode("punycode").decode("ascii")
            if len(long_form) > LABEL_MAX_LENGTH:
                return _invalid(_shape_problem(long_form, chinese=True))
        ascii_label = idna.encode(unicode_label).decode("ascii")
    except (idna.IDNAError, UnicodeError):
        return _invalid(_("这个中文名称无法转换为国际化域名（IDNA），请检查是否含有特殊符号。"))
    problem = _shape_problem(ascii_label, chinese=True)
    if problem:
        return _invalid(problem)
    if unicode_label in RESERVED_CHINESE_LABELS:
        return LabelCheck(
            ascii_label,
            unicode_label,
            REASON_RESERVED,
            _("“%(name)s”是保留名称，不能注册，请换一个名称。") % {"name": unicode_label},
        )
    return LabelCheck(ascii_label, unicode_label, None, None)


def _shape_problem(label: str, *, chinese: bool = False) -> str | None:
    if len(label) > LABEL_MAX_LENGTH:
        if chinese:
            return _("中文名称转换后为 %(length)s 个字符，超过 %(max)s 个的上限，请缩短名称。") % {
                "length": len(label),
                "max": LABEL_MAX_LENGTH,
            }
        return _("域名名称最多 %(max)s 个字符（当前 %(length)s 个），请缩短名称。") % {
            "max": LABEL_MAX_LENGTH,
            "length": len(label),
        }
    if label.startswith("-") or label.endswith("-"):
        return _("域名名称不能以连字符（-）开头或结尾，请去掉首尾的连字符。")
    if not chinese and label[2:4] == "--":
        return _("域名名称的第 3、4 位不能同时是连字符（“--”留给国际化域名使用），请修改。")
    return None


def suffixes_for(choice: str) -> tuple[str, ...]:
    """`.cn`, `.com.cn`, `.net.cn` or `all` (each of the three). Raises ValueError."""
    if choice == SUFFIX_ALL:
        return SUFFIXES
    if choice in SUFFIXES:
        return (choice,)
    raise ValueError(choice)


def domain_reserved_by_platform(domain: str, platform_domains: list[str] | tuple[str, ...]) -> bool:
    """A domain the platform itself answers on (or a parent of one) cannot be registered."""
    domain = domain.lower()
    for host in platform_domains:
        host = host.lower().lstrip(".")
        if host and (host == domain or host.endswith("." + domain)):
            return True
    return False


# --- R-F1: storefront hosts ------------------------------------------------------------------


def storefront_subdomain(host: str, storefront_domain: str) -> tuple[bool, str | None]:
    """(in the storefront zone?, the member-id label or None).

    `hzsteel.shop.localhost` → (True, "hzsteel"); `a.b.shop.localhost` → (True, None);
    `shop.localhost` and `example.com` → (False, None).
    """
    host = host.lower().rstrip(".")
    zone = storefront_domain.lower().strip(".")
    if not zone or not host.endswith("." + zone):
        return False, None
    label = host[: -len(zone) - 1]
    if not label or "." in label:
        return True, None
    return True, label


# --- R-F3: enterprise mailbox -----------------------------------------------------------------


def mailbox_member_id(address: str, mail_domain: str) -> str | None:
    """`hzsteel@mail.localhost` → `hzsteel` (case-insensitive); None for other domains."""
    address = (address or "").strip().strip("<>").lower()
    local, sep, domain = address.rpartition("@")
    if not sep or not local or domain != mail_domain.lower():
        return None
    return local


def mailbox_address(member_id: str, mail_domain: str) -> str:
    return f"{member_id}@{mail_domain}"


def quota_allows(*, used: int, incoming: int, quota: int) -> bool:
    """R-F3: a message is accepted while the mailbox stays within its quota (exactly the
    quota is still accepted; one byte over is not)."""
    return used + incoming <= quota


# --- storefront home --------------------------------------------------------------------------

FEATURED_MAX = 8  # listings a company can pin to its storefront home
