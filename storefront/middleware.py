"""R-F1/R-F2 host routing.

`StorefrontHostMiddleware` runs first and accepts exactly three kinds of Host:

1. the platform's own hosts, `settings.ALLOWED_HOSTS` (from the environment; Django's
   pattern rules, e.g. `.example.com`), checked with Django's own `validate_host`;
2. `<member-id>.<STOREFRONT_DOMAIN>` of a company that exists;
3. a registered own domain (`storefront.Domain`), read from the database, so a new
   registration needs no restart and no settings edit (looked up only for hosts ending in
   a registrable suffix, and before wildcard platform patterns such as `*`).

Any other Host gets 400 (no open Host header). Django's `request.get_host()` checks
ALLOWED_HOSTS again later (CSRF, redirects, absolute URLs) and does not know the dynamic
hosts; for a shop host the middleware has already validated the Host, so it pins
`request.get_host()` to that validated value. ALLOWED_HOSTS itself stays the real list, so
without this middleware Django would still refuse every shop host (fails closed).

`StorefrontRoutingMiddleware` then serves shop hosts with `storefront.host_urls`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpResponseBadRequest
from django.http.request import split_domain_port, validate_host
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import gettext

from members.models import Company

from . import rules, selectors

logger = logging.getLogger("django.security.DisallowedHost")

HOST_URLCONF = "storefront.host_urls"


def bad_host_page(request) -> str:
    """The 400 page for a Host we do not answer, in the visitor's language (the language
    cookie or Accept-Language: LocaleMiddleware has not run yet)."""
    language = translation.get_language_from_request(request)
    with translation.override(language):
        title = gettext("错误的请求（400）")
        text = gettext(
            "无法识别您访问的网址（Host）。请检查地址是否输入正确；商铺地址形如 会员ID.%(zone)s。"
        ) % {"zone": settings.STOREFRONT_DOMAIN}
    return format_html(
        '<!DOCTYPE html><html lang="{}"><head><meta charset="utf-8"><title>{}</title></head>'
        "<body><h1>{}</h1><p>{}</p></body></html>",
        language,
        title,
        title,
        text,
    )


@dataclass(frozen=True)
class StorefrontHost:
    company: Company
    via: str  # "subdomain" or "domain"
    host: str  # the validated Host, without port


def platform_hosts() -> list[str]:
    """The platform's own host patterns, as Django reads them (DEBUG adds localhost)."""
    allowed = list(settings.ALLOWED_HOSTS)
    if settings.DEBUG and not allowed:
        allowed = [".localhost", "127.0.0.1", "[::1]"]
    return allowed


def resolve_host(domain: str) -> StorefrontHost | None | bool:
    """A StorefrontHost for a shop host, None for a platform host, False to refuse."""
    allowed = platform_hosts()
    if domain in allowed:  # an exact platform host wins even inside the shop zone
        return None
    in_zone, label = rules.storefront_subdomain(domain, settings.STOREFRONT_DOMAIN)
    if in_zone:
        company = selectors.company_for_subdomain(label) if label else None
        return StorefrontHost(company, "subdomain", domain) if company else False
    if domain.endswith(rules.SUFFIXES):  # only these can be registered own domains (R-F2)
        company = selectors.company_for_own_domain(domain)
        if company is not None:
            return StorefrontHost(company, "domain", domain)
    return None if validate_host(domain, allowed) else False


class StorefrontHostMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        raw_host = request._get_raw_host()
        domain, _port = split_domain_port(raw_host)
        resolved = resolve_host(domain) if domain else False
        if resolved is False:
            logger.warning("Refused Host header: %r", raw_host[:200])
            return HttpResponseBadRequest(
                bad_host_page(request), content_type="text/html; charset=utf-8"
            )
        request.storefront = resolved
        if resolved is not None:
            # Validated above; Django's own check does not know dynamic hosts.
            request.get_host = lambda: raw_host
        return self.get_response(request)


class StorefrontRoutingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if getattr(request, "storefront", None) is not None:
            request.urlconf = HOST_URLCONF
        return self.get_response(request)
