"""Colleague roles (issue 14): what each role of a company's account may do, in one table.

A company has one or more accounts; each has a role (`User.role`):

- administrator (管理员): everything, and alone may edit the company profile, manage
  colleagues, buy TrustPass, apply for identity verification, and manage the storefront,
  its domain, certificates and credit references;
- listings (产品信息): post, edit, refresh, withdraw listings and their images;
- sales (销售/询盘): the inbox, inquiries and replies, quotations, orders (buy, pay, ship,
  confirm, refund…), reviews of trades, the enterprise mailbox.

Pure rules over plain strings (no database): `role_allows(role, *roles)` answers, and
`require_role(user, *roles)` raises `RoleRequired` (403 `role_required`: the API answers in
API.md's error format, pages show the Chinese explanation of templates/403.html). An
administrator passes every check, so `require_role(user)` means "administrators only".

Every page and API endpoint of the member back office is listed by URL name, with the roles
it needs, in `marketplace.role_policy` (the composition root), which applies this module's
rules before the view runs; members' own views also call `require_role` themselves.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from marketplace.exceptions import Forbidden

ADMIN = "admin"
LISTINGS = "listings"
SALES = "sales"

# Same values and labels as `members.models.User.Role` (a test keeps them equal).
ROLE_LABELS: dict[str, str] = {
    ADMIN: _("管理员"),
    LISTINGS: _("产品信息"),
    SALES: _("销售/询盘"),
}
ROLES: tuple[str, ...] = tuple(ROLE_LABELS)

# What each role is for, in the words of the colleagues page and the 403 page.
ROLE_DUTIES: dict[str, str] = {
    ADMIN: _("全部功能，包括企业资料、同事账号、诚信通续费、身份认证、商铺与域名、证书荣誉"),
    LISTINGS: _("发布、修改、重发、下架供求信息及其图片"),
    SALES: _(
        "询盘收件箱与回复、报价、订单（下单、付款、发货、确认收货、退款）、交易评价、企业邮箱"
    ),
}


class RoleRequired(Forbidden, PermissionDenied):
    """The account's role in its company does not allow the action (403 `role_required`).

    A `DomainError` (the API's handler renders it) and a Django `PermissionDenied` (pages
    get the 403 page with the message)."""

    code = "role_required"
    default_detail = _("您在本企业的角色无权执行此操作，请联系贵公司的管理员。")


def role_allows(role: str | None, *roles: str) -> bool:
    """True when an account with `role` may do what needs one of `roles`; administrators
    may do everything. With no `roles`, only administrators."""
    return role == ADMIN or (role in roles and role in ROLE_LABELS)


def roles_label(roles: Iterable[str]) -> str:
    """'“产品信息”或“管理员”': the roles that may, administrators always last."""
    wanted = [r for r in ROLES if r in set(roles) and r != ADMIN] + [ADMIN]
    return gettext("或").join(gettext("“%(role)s”") % {"role": ROLE_LABELS[r]} for r in wanted)


def role_required_message(role: str | None, roles: Iterable[str]) -> str:
    """The Chinese explanation of a refusal: who may, what the account is, what to do."""
    mine = ROLE_LABELS.get(role or "", gettext("未知"))
    return gettext(
        "此操作需要%(roles)s角色，您在本企业的角色是“%(mine)s”"
        "（可以：%(duties)s）。如需调整，请联系贵公司的管理员。"
    ) % {
        "roles": roles_label(roles),
        "mine": mine,
        "duties": ROLE_DUTIES.get(role or "", gettext("无")),
    }


def require_role(user, *roles: str) -> None:
    """Raise `RoleRequired` unless `user`'s role allows one of `roles` (administrators
    always pass; with no `roles`, administrators only). Accounts without a company are left
    to the caller (`members.selectors.user_company` refuses them with `no_company`)."""
    role = getattr(user, "role", None)
    if not role_allows(role, *roles):
        raise RoleRequired(role_required_message(role, roles))


def user_may(user, *roles: str) -> bool:
    """`require_role` as a question, for templates and menus."""
    if not getattr(user, "is_authenticated", False) or getattr(user, "company_id", None) is None:
        return False
    return role_allows(getattr(user, "role", None), *roles)
