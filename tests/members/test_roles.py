"""The pure role rules (members.roles, issue 14) and the URL policy table
(marketplace.role_policy): every URL name of the product is classified."""

from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import URLPattern, URLResolver, get_resolver

from marketplace.exceptions import DomainError
from marketplace.role_policy import ADMIN_ONLY, LISTINGS_WORK, SALES_WORK, is_classified, need_for
from members.models import User
from members.roles import (
    ADMIN,
    LISTINGS,
    ROLE_LABELS,
    SALES,
    RoleRequired,
    require_role,
    role_allows,
    role_required_message,
    roles_label,
    user_may,
)


def test_roles_are_the_models_roles():
    assert dict(User.Role.choices) == ROLE_LABELS


@pytest.mark.parametrize(
    ("role", "needed", "allowed"),
    [
        (ADMIN, (), True),
        (ADMIN, (LISTINGS,), True),
        (ADMIN, (SALES,), True),
        (LISTINGS, (LISTINGS,), True),
        (LISTINGS, (SALES,), False),
        (LISTINGS, (), False),
        (SALES, (SALES,), True),
        (SALES, (LISTINGS,), False),
        (SALES, (), False),
        (SALES, (LISTINGS, SALES), True),
        (None, (), False),
        ("", (SALES,), False),
        ("owner", ("owner",), False),  # not a role at all
    ],
)
def test_role_allows(role, needed, allowed):
    assert role_allows(role, *needed) is allowed


def test_labels_and_message_are_chinese_and_name_the_roles():
    assert roles_label(()) == "“管理员”"
    assert roles_label((SALES,)) == "“销售/询盘”或“管理员”"
    message = role_required_message(LISTINGS, (SALES,))
    assert "“销售/询盘”或“管理员”" in message
    assert "您在本企业的角色是“产品信息”" in message
    assert "管理员" in message


def test_require_role_raises_a_403_domain_error_that_is_also_permission_denied():
    user = SimpleNamespace(role=SALES, is_authenticated=True, company_id=1)
    require_role(user, SALES)
    with pytest.raises(RoleRequired) as caught:
        require_role(user)
    exc = caught.value
    assert isinstance(exc, DomainError) and isinstance(exc, PermissionDenied)
    assert exc.status_code == 403
    assert exc.as_dict()["code"] == "role_required"
    assert "“管理员”" in exc.detail


def test_user_may_needs_a_company():
    assert user_may(SimpleNamespace(role=ADMIN, is_authenticated=True, company_id=1))
    assert not user_may(SimpleNamespace(role=ADMIN, is_authenticated=True, company_id=None))
    assert not user_may(SimpleNamespace(role=SALES, is_authenticated=True, company_id=1))
    assert user_may(SimpleNamespace(role=SALES, is_authenticated=True, company_id=1), SALES)


@pytest.mark.parametrize(
    ("name", "need"),
    [
        ("members:company_profile", ADMIN_ONLY),
        ("members:colleagues", ADMIN_ONLY),
        ("api-colleagues", ADMIN_ONLY),
        ("trade:trustpass_buy", ADMIN_ONLY),
        ("api-membership-orders", ADMIN_ONLY),
        ("storefront:domain_register", ADMIN_ONLY),
        ("listings:new", LISTINGS_WORK),
        ("api-listing-images", LISTINGS_WORK),
        ("inquiries:inbox_reply", SALES_WORK),
        ("api-inbox-reply", SALES_WORK),
        ("api-listing-inquiries", SALES_WORK),  # not a listings action: a buyer's inquiry
        ("trade:order_ship", SALES_WORK),
        ("api-order-reviews", SALES_WORK),
        ("storefront:mail_compose", SALES_WORK),
    ],
)
def test_policy_table(name, need):
    assert need_for(name) == need


@pytest.mark.parametrize(
    "name", ["home", "search:search", "members:dashboard", "members:invitation_accept", "api-me"]
)
def test_open_names_need_nothing(name):
    assert need_for(name) is None
    assert is_classified(name)


def _names(resolver, namespace=""):
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace or ""
            inner = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from _names(p, inner)
        elif isinstance(p, URLPattern) and p.name:
            yield f"{namespace}:{p.name}" if namespace else p.name


def test_every_url_name_is_classified():
    """A new page or endpoint must be given its roles in marketplace/role_policy.py (or be
    listed there as open to every role), so no permission check forgets the roles."""
    names = set(_names(get_resolver()))
    assert "members:colleagues" in names and "api-inbox-reply" in names
    unclassified = sorted(n for n in names if not is_classified(n))
    assert unclassified == [], "classify these in marketplace/role_policy.py: " + ", ".join(
        unclassified
    )
