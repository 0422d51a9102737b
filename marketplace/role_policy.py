"""Colleague roles on every page and API endpoint (issue 14), in one table.

Each app's views check ownership (another company's object is a 404) and privileges (R-M3);
which colleague of a company may use a page is decided here, before the view runs, from the
URL name the request resolved to and the roles of `members.roles`:

- administrators: everything (and alone: company profile, colleagues, TrustPass purchases,
  identity verification, storefront, domain, certificates and credit references);
- listings: posting and managing listings and their images;
- sales: the inbox, inquiries, replies, quotations, orders, reviews, the enterprise mailbox.

`POLICY` maps URL names (exact, or an `fnmatch` pattern) to what they need; `OPEN` lists the
names reviewed and open to every role (public pages, the member's own account, notices,
favourites, staff endpoints, which are about staff permissions and not company roles).
`tests/members/test_roles_policy.py` fails for a URL name in neither, so a new page has to be
classified here. A refusal is `members.roles.RoleRequired`: 403 `role_required` in API.md's
format for the API; for pages, the 403 page with the Chinese explanation of the refusal
(templates/members/company/role_required.html), also when a view raised it itself.

The composition root may import every app; this module imports only `members.roles` and
reads URL names, so no app imports another for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from fnmatch import fnmatchcase

from django.http import JsonResponse
from django.shortcuts import render
from rest_framework.authentication import TokenAuthentication

from members.roles import LISTINGS, SALES, RoleRequired, require_role

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class Need:
    """What a URL needs: one of `roles` (administrators always pass; none = administrators
    only). With `writes_only`, reading (GET/HEAD/OPTIONS) is open to every role."""

    roles: tuple[str, ...] = ()
    writes_only: bool = False


ADMIN_ONLY = Need()
ADMIN_WRITES = Need(writes_only=True)
LISTINGS_WORK = Need((LISTINGS,))
LISTINGS_WRITES = Need((LISTINGS,), writes_only=True)
SALES_WORK = Need((SALES,))

POLICY: dict[str, Need] = {
    # --- members: the company itself -------------------------------------------------------
    "members:company_profile": ADMIN_ONLY,
    "members:colleagues": ADMIN_ONLY,
    "members:colleague_*": ADMIN_ONLY,
    "members:invitation_revoke": ADMIN_ONLY,
    "members:invitation_resend": ADMIN_ONLY,
    "members:verification": ADMIN_ONLY,  # R-C2
    "api-my-company": ADMIN_WRITES,
    "api-colleagues": ADMIN_ONLY,
    "api-colleague": ADMIN_ONLY,
    "api-verifications": ADMIN_WRITES,
    # --- TrustPass purchases (trade) --------------------------------------------------------
    "trade:trustpass_*": ADMIN_ONLY,
    "api-membership-order*": ADMIN_ONLY,
    # --- storefront, domain, certificates, references ----------------------------------------
    "storefront:manage": ADMIN_ONLY,
    "storefront:banner_*": ADMIN_ONLY,
    "storefront:image_*": ADMIN_ONLY,
    "storefront:featured": ADMIN_ONLY,
    "storefront:domain*": ADMIN_ONLY,
    "api-domains": ADMIN_WRITES,
    "credit:my_credit": ADMIN_ONLY,
    "credit:certificate_*": ADMIN_ONLY,
    "credit:reference_*": ADMIN_ONLY,
    "api-certificates": ADMIN_WRITES,
    "api-certificate": ADMIN_WRITES,
    "api-credit-reference*": ADMIN_WRITES,
    # --- listings -----------------------------------------------------------------------------
    "listings:mine": LISTINGS_WRITES,
    "listings:manage": LISTINGS_WRITES,
    "listings:new": LISTINGS_WORK,
    "listings:edit": LISTINGS_WORK,
    "listings:submit": LISTINGS_WORK,
    "listings:refresh": LISTINGS_WORK,
    "listings:withdraw": LISTINGS_WORK,
    "listings:delete": LISTINGS_WORK,
    "listings:image*": LISTINGS_WORK,
    "api-listings": LISTINGS_WRITES,
    "api-listing": LISTINGS_WRITES,
    "api-listing-submit": LISTINGS_WORK,
    "api-listing-refresh": LISTINGS_WORK,
    "api-listing-withdraw": LISTINGS_WORK,
    "api-listing-image*": LISTINGS_WORK,
    # --- sales: inquiries, quotes, orders, reviews, mailbox ------------------------------------
    "inquiries:listing_inquire": SALES_WORK,
    "inquiries:buy_lead_quote": SALES_WORK,
    "inquiries:inbox*": SALES_WORK,
    "api-listing-inquiries": SALES_WORK,
    "api-quotes": SALES_WORK,
    "api-inbox*": SALES_WORK,
    "trade:order_*": SALES_WORK,
    "api-order*": SALES_WORK,  # orders and their reviews
    "credit:review_*": SALES_WORK,
    "storefront:mailbox": SALES_WORK,
    "storefront:mail_*": SALES_WORK,
}

OPEN: tuple[str, ...] = (
    # public pages and the site's plumbing
    "home",
    "healthz",
    "readyz",
    "set_language",
    "robots",
    "favicon",
    "sitemap*",
    "api-schema",
    "api-docs",
    "search:*",
    "api-search*",
    "api-buy-lead*",
    "api-categories",
    "api-suppliers",
    "listings:detail",
    "members:trustpass*",
    "members:company",
    "members:certificate*",
    "api-company",
    "api-company-credit*",
    "api-identity-certificate*",
    "api-verification-agencies",
    "credit:archive",
    "storefront:home",
    "storefront:products",
    "storefront:introduction",
    "storefront:credit",
    "storefront:contact",
    "api-domain-check",
    "trade:test_gateway_pay",  # the local payment gateway: the order's page decides
    "trade:payment_notify",
    # the signed-in member's own account, notices and bookmarks (every role)
    "members:register",
    "members:login",
    "members:logout",
    "members:dashboard",
    "members:password_*",
    "members:email_*",
    "members:account*",
    "members:sessions_*",
    "members:token_*",
    "members:notice*",
    "members:invitation_accept",
    "api-register",
    "api-token",
    "api-logout",
    "api-password-*",
    "api-me",
    "api-membership",
    "api-notice*",
    "inquiries:favourite*",
    "inquiries:listing_report",
    "inquiries:stats",
    "api-favourite*",
    "api-listing-reports",
    # staff: `is_staff` and Django permissions decide, not company roles
    "admin:*",
    "metrics",
    "api-staff-*",
    "api-review-queue",
    "api-prohibited-term*",
    "api-brand-term*",
)


def _matches(name: str, pattern: str) -> bool:
    return name == pattern or ("*" in pattern and fnmatchcase(name, pattern))


def need_for(view_name: str) -> Need | None:
    """What `view_name` needs, or None when it is open to every role (or unknown)."""
    need = POLICY.get(view_name)
    if need is not None:
        return need
    for pattern, need in POLICY.items():
        if "*" in pattern and fnmatchcase(view_name, pattern):
            return need
    return None


def is_classified(view_name: str) -> bool:
    """The name is in `POLICY` or `OPEN` (a test requires this of every URL name)."""
    return any(_matches(view_name, p) for p in (*POLICY, *OPEN))


def _member(request, view_func):
    """The signed-in account of the request: the session's, or for an API view the token's
    (DRF authenticates inside the view, after middleware). None when nobody is signed in
    or the token is bad (the view then answers 401 itself)."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user
    if not hasattr(view_func, "cls"):
        return None
    forced = getattr(request, "_force_auth_user", None)  # DRF's APIClient.force_authenticate
    if forced is not None:
        return forced
    try:
        found = TokenAuthentication().authenticate(request)
    except Exception:  # noqa: BLE001 (a bad token is the view's 401 to give)
        return None
    return found[0] if found else None


class RolePolicyMiddleware:
    """Applies `POLICY` before the view: a colleague whose role does not allow the page gets
    403 (`role_required` JSON for the API, the 403 page otherwise). Anonymous callers and
    accounts without a company are left to the view (401, login page, `no_company`)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = getattr(request, "resolver_match", None)
        need = need_for(match.view_name) if match is not None else None
        if need is None or (need.writes_only and request.method in SAFE_METHODS):
            return None
        user = _member(request, view_func)
        if user is None or getattr(user, "company_id", None) is None:
            return None
        try:
            require_role(user, *need.roles)
        except RoleRequired as exc:
            if hasattr(view_func, "cls") or request.path.startswith("/api/"):
                return JsonResponse(
                    exc.as_dict(),
                    status=exc.status_code,
                    json_dumps_params={"ensure_ascii": False},
                )
            return refusal_page(request, exc)
        return None

    def process_exception(self, request, exception):
        """A page view that called `members.roles.require_role` itself (the API's handler
        renders the JSON error on its own)."""
        if isinstance(exception, RoleRequired):
            return refusal_page(request, exception)
        return None


def refusal_page(request, exc: RoleRequired):
    return render(
        request,
        "members/company/role_required.html",
        {"reason": str(exc.detail)},
        status=exc.status_code,
    )
