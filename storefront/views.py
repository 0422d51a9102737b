"""R-F1: storefront pages, served at /shop/<member-id>/… on the platform's hosts and at the
root of <member-id>.<STOREFRONT_DOMAIN> and of a registered own domain."""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from inquiries import services as inquiry_services
from marketplace.exceptions import DomainError
from marketplace.forms import form_add_domain_error
from members import privileges
from members import selectors as member_selectors
from members.models import Company

from . import selectors
from .forms import ContactForm
from .middleware import platform_hosts

PAGE_SIZE = 20
_PAGES = ("home", "products", "introduction", "credit", "contact")


def _port_suffix(request) -> str:
    port = str(request.get_port() or "")
    return "" if port in ("", "80", "443") else f":{port}"


def main_site_url(request) -> str:
    """Prefix for links to the main site: "" on the platform's hosts (relative links)."""
    if getattr(request, "storefront", None) is None:
        return ""
    if settings.MAIN_SITE_URL:
        return settings.MAIN_SITE_URL.rstrip("/")
    host = next((h for h in platform_hosts() if h != "*" and not h.startswith(".")), "localhost")
    return f"{request.scheme}://{host}{_port_suffix(request)}"


def main_url(request, name: str, *args) -> str:
    """A main-site URL by name, absolute when the page is served on a shop host."""
    return main_site_url(request) + reverse(name, args=args, urlconf=settings.ROOT_URLCONF)


class Shop:
    """Links and addresses of one storefront, for the current host form."""

    def __init__(self, request, company: Company):
        self.company = company
        self.host_mode = getattr(request, "storefront", None) is not None
        if self.host_mode:
            self.urls = {p: reverse(f"storefront:{p}") for p in _PAGES}
        else:
            self.urls = {
                p: reverse(f"storefront:{p}", kwargs={"member_id": company.member_id})
                for p in _PAGES
            }
        self.main_url = main_site_url(request)
        suffix = _port_suffix(request)
        self.subdomain_url = (
            f"{request.scheme}://{company.member_id}.{settings.STOREFRONT_DOMAIN}{suffix}/"
        )
        own = selectors.company_domain(company)
        self.own_domain = own
        self.own_domain_url = f"{request.scheme}://{own.name}{suffix}/" if own else ""
        self.path_url = self.main_url + reverse(
            "storefront:home",
            kwargs={"member_id": company.member_id},
            urlconf=settings.ROOT_URLCONF,
        )
        self.company_url = main_url(request, "members:company", company.member_id)
        self.credit_archive_url = main_url(request, "credit:archive", company.member_id)
        self.login_url = main_url(request, "members:login")
        self.home_url = main_url(request, "home")


def shop_page(view):
    """Resolve the shop from the host or the path; the friendly 404 while offline (R-F1)."""

    @wraps(view)
    def wrapper(request, member_id: str | None = None, **kwargs):
        host = getattr(request, "storefront", None)
        company = host.company if host else Company.objects.filter(member_id=member_id).first()
        if company is None:
            return render(
                request,
                "storefront/not_found.html",
                {
                    "member_id": member_id,
                    "shop": {
                        "home_url": main_url(request, "home"),
                        "login_url": main_url(request, "members:login"),
                    },
                },
                status=404,
            )
        shop = Shop(request, company)
        if not privileges.storefront_online(company):
            return render(
                request, "storefront/offline.html", {"company": company, "shop": shop}, status=404
            )
        context = {
            "company": company,
            "shop": shop,
            "settings_row": selectors.shop_settings(company),
            "trustpass_until": member_selectors.company_trustpass_until(company),
        }
        return view(request, company, context, **kwargs)

    return wrapper


@shop_page
def home(request, company, context):
    context.update(
        featured=selectors.shop_featured(company),
        categories=selectors.shop_categories(company)[:12],
        live_count=selectors.shop_live_listing_count(company),
        response=selectors.company_response_stats(company),
        active="home",
    )
    return render(request, "storefront/home.html", context)


@shop_page
def products(request, company, context):
    q = request.GET.get("q", "").strip()[:50]
    try:
        category_id = int(request.GET.get("category", "") or 0) or None
    except ValueError:
        category_id = None
    paginator = Paginator(selectors.shop_listings(company, q=q, category_id=category_id), PAGE_SIZE)
    page_obj = paginator.get_page(request.GET.get("page"))
    context.update(
        page_obj=page_obj,
        q=q,
        category_id=category_id,
        categories=selectors.shop_categories(company),
        active="products",
    )
    return render(request, "storefront/products.html", context)


@shop_page
def introduction(request, company, context):
    context["active"] = "introduction"
    return render(request, "storefront/introduction.html", context)


@shop_page
def credit(request, company, context):
    context.update(
        active="credit",
        member_since=company.created_at,
        live_count=selectors.shop_live_listing_count(company),
        response=selectors.company_response_stats(company),
    )
    return render(request, "storefront/credit.html", context)


@shop_page
@require_http_methods(["GET", "POST"])
def contact(request, company, context):
    """R-I1: an inquiry to the shop's company, sent by the inquiries area's service."""
    shop = context["shop"]
    form = ContactForm(request.POST or None)
    if request.method == "POST" and request.user.is_authenticated and form.is_valid():
        try:
            inquiry_services.inquiry_send(
                sender=request.user,
                company=company,
                message=form.cleaned_data["message"],
                quantity=form.cleaned_data["quantity"],
            )
        except DomainError as exc:
            form_add_domain_error(form, exc)
        except NotImplementedError:
            form.add_error(None, _("在线询盘功能即将开放，请先通过页面上的电话联系供应商。"))
        else:
            messages.success(
                request, _("询盘已发送给 %(name)s，对方回复后会通知您。") % {"name": company.name}
            )
            return redirect(shop.urls["contact"])
    context.update(
        form=form,
        active="contact",
        next_path=reverse(
            "storefront:contact",
            kwargs={"member_id": company.member_id},
            urlconf=settings.ROOT_URLCONF,
        ),
    )
    return render(request, "storefront/contact.html", context)


def _error_page(request, status: int, heading: str, message: str):
    """Errors on a shop host: the main site's error pages link to paths this host lacks."""
    host = getattr(request, "storefront", None)
    company = host.company if host else None
    shop = Shop(request, company) if company else None
    context = {
        "status": status,
        "heading": heading,
        "message": message,
        "company": company,
        "shop": shop
        or {"home_url": main_url(request, "home"), "login_url": main_url(request, "members:login")},
        "search_url": main_url(request, "search:search"),
    }
    return render(request, "storefront/error.html", context, status=status)


def shop_bad_request(request, exception=None):
    return _error_page(request, 400, _("请求有误"), _("请求无法处理，请检查网址或重新提交。"))


def shop_permission_denied(request, exception=None):
    return _error_page(request, 403, _("无权访问"), _("您没有权限查看这个页面。"))


def shop_page_not_found(request, exception=None):
    return _error_page(
        request, 404, _("页面不存在"), _("商铺里没有这个页面，请从商铺首页重新进入。")
    )


def shop_csrf_failure(request, reason=""):
    return _error_page(
        request,
        403,
        _("页面已过期，提交没有成功"),
        _("可能是页面打开太久，或浏览器禁用了 Cookie。请返回上一页，刷新后重新提交。"),
    )
