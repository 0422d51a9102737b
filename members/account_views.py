"""Account pages (issue 14, part 1): Django's password reset and change views, e-mail
confirmation, sign-out of every session and API token revocation (/my/account/)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from . import account_services
from .account_forms import (
    AccountPasswordChangeForm,
    AccountPasswordResetForm,
    AccountSetPasswordForm,
    EmailChangeForm,
    SessionsEndForm,
)


class _ResetHours:
    def get_context_data(self, **kwargs):
        hours = max(1, settings.PASSWORD_RESET_TIMEOUT // 3600)
        return super().get_context_data(**kwargs, reset_hours=hours)


class PasswordResetView(_ResetHours, auth_views.PasswordResetView):
    """忘记密码: the same answer whether or not the address is known."""

    template_name = "registration/password_reset_form.html"
    form_class = AccountPasswordResetForm
    success_url = reverse_lazy("members:password_reset_done")


class PasswordResetDoneView(_ResetHours, auth_views.PasswordResetDoneView):
    template_name = "registration/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "registration/password_reset_confirm.html"
    form_class = AccountSetPasswordForm
    success_url = reverse_lazy("members:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "registration/password_reset_complete.html"


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's view keeps this session (update_session_auth_hash); the form's service ends
    every other session and deletes the API token."""

    template_name = "members/account/password_change.html"
    form_class = AccountPasswordChangeForm
    success_url = reverse_lazy("members:account")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(
            self.request, _("密码已修改。其他设备上的登录和 API Token 已失效，请用新密码重新登录。")
        )
        return response


def _account_context(request, **forms) -> dict:
    user = request.user
    return {
        "account_user": user,
        "email_form": forms.get("email_form") or EmailChangeForm(user),
        "tokens": account_services.user_tokens(user),
        "confirm_days": max(1, settings.EMAIL_CONFIRMATION_TIMEOUT // 86400),
    }


@login_required
def account(request):
    """账号设置: username, e-mail and its confirmation, password, sessions, API tokens."""
    return render(request, "members/account/account.html", _account_context(request))


@login_required
@require_POST
def email_change(request):
    form = EmailChangeForm(request.user, request.POST)
    if form.is_valid():
        account_services.user_email_change(
            user=request.user,
            email=form.cleaned_data["email"],
            password=form.cleaned_data["password"],
        )
        messages.success(
            request,
            _("邮箱已改为 %(email)s。请打开发到该邮箱的确认邮件并点击其中的链接。")
            % {"email": request.user.email},
        )
        return redirect("members:account")
    context = _account_context(request, email_form=form)
    return render(request, "members/account/account.html", context, status=400)


@login_required
@require_POST
def email_confirm_resend(request):
    """The banner's "resend" button (rate-limited in the service)."""
    try:
        sent = account_services.email_confirmation_resend(user=request.user)
    except account_services.TooSoon as exc:
        messages.warning(request, exc.detail)
    else:
        if sent:
            messages.success(
                request,
                _("确认邮件已发送到 %(email)s，请查收。") % {"email": request.user.email},
            )
        else:
            messages.info(request, _("您的邮箱已确认，无需再发送。"))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse_lazy("members:account")
    return redirect(target)


@require_http_methods(["GET", "POST"])
def email_confirm(request, uidb64: str, token: str):
    """The link of the confirmation mail: GET shows a button, POST confirms (a mail scanner
    that opens links does not use it up). Works signed in or not."""
    user = account_services.email_confirmation_user(uidb64, token)
    if request.method == "POST" and user is not None:
        user = account_services.email_confirm(uidb64=uidb64, token=token)
        if user is not None:
            messages.success(
                request,
                _("邮箱 %(email)s 已确认，今后的通知会发送到这里。") % {"email": user.email},
            )
            if request.user.is_authenticated:
                return redirect("members:account")
            return redirect("members:login")
    status = 200 if user is not None else 400
    return render(request, "members/account/email_confirm.html", {"link_user": user}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def sessions_end(request):
    """退出所有设备: asks for the password first, then ends every session, this one too."""
    form = SessionsEndForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        account_services.user_sessions_end(
            user=request.user, password=form.cleaned_data["password"]
        )
        logout(request)
        messages.success(request, _("已退出所有设备上的登录（包括本机），请重新登录。"))
        return redirect("members:login")
    return render(request, "members/account/sessions_end.html", {"form": form})


@login_required
@require_POST
def token_revoke(request):
    n = account_services.token_revoke(user=request.user)
    if n:
        messages.success(request, _("API Token 已撤销，使用它的程序需重新获取 Token。"))
    else:
        messages.info(request, _("您没有可撤销的 API Token。"))
    return redirect("members:account")
