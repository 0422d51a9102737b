"""R-M3: the privileges of TrustPass members, in one place.

Every other app asks these functions rather than testing membership itself, so a lapsed
company loses every privilege at once (R-M2): each answer comes from the periods' dates at
the moment of asking (cached per company instance, so once per request), and nothing has to
run when a period ends.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.utils.translation import gettext_lazy as _

from marketplace.exceptions import TrustPassRequired

from .models import Company
from .selectors import company_is_trustpass

At = date | datetime | None


def is_trustpass(company: Company | None, *, at: At = None) -> bool:
    return company_is_trustpass(company, at=at)


def require_trustpass(company: Company | None, *, at: At = None) -> None:
    """Raise `TrustPassRequired` (403 `trustpass_required`, R-M3) unless TrustPass."""
    if not is_trustpass(company, at=at):
        raise TrustPassRequired()


def can_see_buy_lead_contacts(company: Company | None, *, at: At = None) -> bool:
    """R-M3.1: demand-listing contacts only for TrustPass members."""
    return is_trustpass(company, at=at)


def can_quote(company: Company | None, *, at: At = None) -> bool:
    """R-M3.1: only TrustPass members send quotations on buy leads."""
    return is_trustpass(company, at=at)


def has_ranking_priority(company: Company | None, *, at: At = None) -> bool:
    """R-M3.4 / R-S2 key 2."""
    return is_trustpass(company, at=at)


def may_review(company: Company | None, *, at: At = None) -> bool:
    """R-C4: reviews only between TrustPass members at the time of the review."""
    return is_trustpass(company, at=at)


def has_credit_archive(company: Company | None, *, at: At = None) -> bool:
    """R-C1: a public credit archive for every TrustPass company."""
    return is_trustpass(company, at=at)


def storefront_online(company: Company | None, *, at: At = None) -> bool:
    """R-F1: the storefront is offline while the company is not TrustPass."""
    return is_trustpass(company, at=at)


def can_register_domain(company: Company | None, *, at: At = None) -> bool:
    """R-F2: own domain for TrustPass members."""
    return is_trustpass(company, at=at)


def has_mailbox(company: Company | None, *, at: At = None) -> bool:
    """R-F3: enterprise mailbox for TrustPass members."""
    return is_trustpass(company, at=at)


@dataclass(frozen=True)
class Privilege:
    rule: str
    title: str
    trustpass: str
    ordinary: str


# R-M3 as the table of the comparison page (诚信通会员和普通会员区别) and the landing page.
PRIVILEGE_TABLE: tuple[Privilege, ...] = (
    Privilege(
        "R-M3.1",
        _("独享买家信息"),
        _("查看求购信息中买家的姓名、电话和电子邮箱，并可直接报价"),
        _("只能看到求购信息，买家联系方式被隐藏，不能报价"),
    ),
    Privilege(
        "R-M3.2",
        _("诚信档案"),
        _("公开的诚信档案：身份认证、会员评价、证书荣誉、资信参考，累积信用积分"),
        _("没有诚信档案"),
    ),
    Privilege(
        "R-M3.3",
        _("身份认证"),
        _("由授权的第三方认证机构核实企业身份，认证结果记入诚信档案，计入信用积分"),
        _("没有诚信档案，无法展示认证结果"),
    ),
    Privilege(
        "R-M3.4",
        _("信息优先排序"),
        _("在匹配度相同的搜索结果中排在普通会员之前"),
        _("排在诚信通会员之后"),
    ),
    Privilege(
        "R-M3.5",
        _("独立域名网站"),
        _("网上商铺（会员ID.商铺域名），可注册独立域名，赠送企业邮箱"),
        _("没有网上商铺和独立域名"),
    ),
)
