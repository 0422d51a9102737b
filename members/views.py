from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from marketplace.exceptions import DomainError

from . import certificate_selectors, privileges, selectors, services, verification_services
from .company_page import company_page_context
from .dashboard import dashboard_context
from .forms import LoginForm, RegistrationForm, VerificationForm
from .selectors import user_company


@require_http_methods(["GET", "POST"])
def register(request):
    if request.user.is_authenticated:
        return redirect("members:dashboard")
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            user = services.company_register(
                username=d["username"],
                password=d["password1"],
                email=d["email"],
                member_id=d["member_id"],
                name=d["company_name"],
                contact_name=d["contact_name"],
                phone=d["phone"],
                province=d.get("province", ""),
                city=d.get("city", ""),
            )
        except DomainError as exc:
            for field, errs in (exc.fields or {"__all__": [exc.detail]}).items():
                target = {"password": "password1"}.get(field, field)
                for err in errs:
                    form.add_error(target if target in form.fields else None, err)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request,
                _("注册成功！欢迎加入，您的会员ID是 %(member_id)s。")
                % {"member_id": user.company.member_id},
            )
            return redirect("members:dashboard")
    return render(request, "members/register.html", {"form": form})


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


def _form_errors(form, exc: DomainError, renames: dict | None = None) -> None:
    """Show a service's refusal on the form, next to the field it is about."""
    renames = renames or {}
    for field, errs in (exc.fields or {"__all__": [exc.detail]}).items():
        target = renames.get(field, field)
        for err in errs:
            form.add_error(target if target in form.fields else None, err)


@login_required
def dashboard(request):
    """我的阿里助手: membership and days left, verification, credit score and notices; the
    apps above add their panels (listings, inquiries, orders, storefront: members.dashboard)."""
    company = request.user.company
    context = {"company": company}
    if company is not None:
        state = selectors.company_membership_state(company)
        context.update(
            {
                "membership": state,
                "is_trustpass": state.is_trustpass,
                "trustpass_until": state.until,
                "expiring_soon": state.days_left is not None and state.days_left <= 30,
                "verification": selectors.company_verification_latest(company),
                "notices": list(selectors.company_notices(company, unread_only=True)[:5]),
                "unread_notices": selectors.company_unread_notice_count(company),
            }
        )
        context = dashboard_context(company, context)
    return render(request, "members/dashboard.html", context)


def trustpass_landing(request):
    """诚信通: what it gives (R-M3), the price per year, buy or renew (R-M2)."""
    company = getattr(request.user, "company", None) if request.user.is_authenticated else None
    return render(
        request,
        "members/trustpass_landing.html",
        {
            "privileges": privileges.PRIVILEGE_TABLE,
            "price": settings.TRUSTPASS_YEAR_PRICE_YUAN,
            "membership": selectors.company_membership_state(company) if company else None,
        },
    )


def trustpass_compare(request):
    """诚信通会员和普通会员区别: R-M3 as a table."""
    return render(
        request,
        "members/trustpass_compare.html",
        {"privileges": privileges.PRIVILEGE_TABLE, "price": settings.TRUSTPASS_YEAR_PRICE_YUAN},
    )


@login_required
@require_http_methods(["GET", "POST"])
def verification(request):
    """R-C2: apply for identity verification and follow the decision; the online identity
    certificate once verified. Only TrustPass members apply (R-M3.3): others see the R-M3
    comparison and a call to upgrade instead of the form."""
    company = user_company(request.user)
    latest = selectors.company_verification_latest(company)
    is_trustpass = privileges.is_trustpass(company)
    can_apply = not company.verified and not (latest and latest.status == latest.Status.PENDING)
    form = VerificationForm(request.POST or None) if can_apply and is_trustpass else None
    if request.method == "POST" and can_apply and not is_trustpass:
        messages.error(request, _("身份认证是诚信通会员的特权，请先开通诚信通再申请。"))
    if request.method == "POST" and form is not None and form.is_valid():
        d = form.cleaned_data
        try:
            verification_services.verification_apply(
                company=company,
                agency=d["agency"],
                registration_number=d["registration_number"],
                applicant_name=d["applicant_name"],
                applicant_title=d["applicant_title"],
                applicant_phone=d["applicant_phone"],
                by=request.user,
            )
        except DomainError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("认证申请已提交，认证机构审核后会通过站内信通知您。"))
            return redirect("members:verification")
    return render(
        request,
        "members/verification.html",
        {
            "company": company,
            "form": form,
            "latest": latest,
            "applications": selectors.company_verification_applications(company)[:20],
            "is_trustpass": is_trustpass,
            "privileges": privileges.PRIVILEGE_TABLE,
            "price": settings.TRUSTPASS_YEAR_PRICE_YUAN,
            "certificate": certificate_selectors.company_certificate(company),
        },
    )


@login_required
def notices(request):
    company = user_company(request.user)
    page = Paginator(selectors.company_notices(company), 20).get_page(request.GET.get("page"))
    return render(
        request,
        "members/notices.html",
        {"page_obj": page, "unread": selectors.company_unread_notice_count(company)},
    )


@login_required
@require_POST
def notices_read(request):
    company = user_company(request.user)
    n = services.notices_mark_read(company=company)
    messages.success(
        request,
        ngettext("已将 %(count)d 条站内信标为已读。", "已将 %(count)d 条站内信标为已读。", n)
        % {"count": n},
    )
    return redirect("members:notices")


def company_detail(request, member_id: str):
    """The public company page: badges, years of membership (R-M2), score (R-C6), the
    identity certificate, and what the apps above add (its live listings: members.company_page)."""
    company = selectors.company_get_public(member_id=member_id)
    base = {
        "company": company,
        "is_trustpass": selectors.company_is_trustpass(company),
        "membership_year": selectors.company_membership_year(company),
        "trustpass_since": selectors.company_trustpass_since(company),
    }
    return render(
        request, "members/company_detail.html", company_page_context(company, request, base)
    )
