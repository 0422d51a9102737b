from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from marketplace.exceptions import DomainError

from . import selectors, services
from .forms import LoginForm, RegistrationForm


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
                request, f"注册成功！欢迎加入，您的会员ID是 {user.company.member_id}。"
            )
            return redirect("members:dashboard")
    return render(request, "members/register.html", {"form": form})


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


@login_required
def dashboard(request):
    company = request.user.company
    return render(
        request,
        "members/dashboard.html",
        {
            "company": company,
            "is_trustpass": selectors.company_is_trustpass(company),
            "trustpass_until": selectors.company_trustpass_until(company),
        },
    )


def company_detail(request, member_id: str):
    company = selectors.company_get_public(member_id=member_id)
    return render(
        request,
        "members/company_detail.html",
        {"company": company, "is_trustpass": selectors.company_is_trustpass(company)},
    )
