"""Pages of the company profile (/my/company/), the colleagues (/my/colleagues/) and the
invitation link (/colleagues/accept/<token>/), issue 14. Administrators only, except the
accept page (anyone holding the link). The rules are the services'."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST

from marketplace.exceptions import DomainError, FileTooLarge
from marketplace.uploads import guard_upload_request

from . import colleague_services as colleagues
from . import company_services
from .company_exceptions import ColleagueNotFound, InvitationInvalid
from .company_forms import AcceptNewAccountForm, CompanyProfileForm, InviteForm, RoleForm
from .roles import ROLE_DUTIES, ROLE_LABELS, require_role
from .selectors import user_company


def _admin_company(request):
    company = user_company(request.user)
    require_role(request.user)
    return company


def _colleague_or_404(company, user_id: int):
    try:
        return colleagues.colleague_get(company=company, user_id=user_id)
    except ColleagueNotFound:
        raise Http404(_("未找到该同事，或不属于贵公司。"))


def _invitation_or_404(company, pk: int):
    try:
        return colleagues.invitation_get(company=company, invitation_id=pk)
    except ColleagueNotFound:
        raise Http404(_("未找到该邀请，或不属于贵公司。"))


def _form_errors(form, exc: DomainError, renames: dict | None = None) -> None:
    renames = renames or {}
    for field, errs in (exc.fields or {"__all__": [exc.detail]}).items():
        target = renames.get(field, field)
        for err in errs:
            form.add_error(target if target in form.fields else None, err)


# --- Company profile -------------------------------------------------------------------------


@csrf_exempt
@login_required
@require_http_methods(["GET", "POST"])
def company_profile(request):
    """企业资料: an administrator edits the profile; a logo over 2 MB is refused before the
    body is read (CSRF is checked after that guard, as the check reads the body)."""
    _admin_company(request)
    if request.method == "POST":
        try:
            guard_upload_request(
                request, limit=company_services.LOGO_UPLOAD_MAX_BYTES, label=_("企业标志")
            )
        except FileTooLarge as exc:
            messages.error(request, exc.detail)
            response = redirect("members:company_profile")
            response["Connection"] = "close"
            return response
    return _company_profile(request)


@csrf_protect
def _company_profile(request):
    company = _admin_company(request)
    verified = company_services.company_identity_verified(company)
    approved = company_services.company_approved_verification(company)
    number = approved.registration_number if approved else ""
    form = CompanyProfileForm(
        request.POST or None,
        request.FILES or None,
        instance=company,
        verified=verified,
        registration_number=number,
    )
    if request.method == "POST" and form.is_valid():
        try:
            result = company_services.company_profile_update(
                company=company,
                by=request.user,
                changes=form.changes(),
                logo=form.cleaned_data.get("logo"),
                remove_logo=bool(form.cleaned_data.get("remove_logo")),
            )
        except DomainError as exc:
            _form_errors(form, exc, {"image": "logo"})
        else:
            if result.change_request is not None:
                messages.success(
                    request,
                    _(
                        "其他资料已保存。企业名称/统一社会信用代码的变更已提交工作人员审核，"
                        "审核通过前对外仍显示原资料，结果会通过站内信通知您。"
                    ),
                )
            else:
                messages.success(request, _("企业资料已保存。"))
            return redirect("members:company_profile")
    return render(
        request,
        "members/company/profile.html",
        {
            "company": company,
            "form": form,
            "verified": verified,
            "registration_number": number,
            "pending": company_services.company_pending_change(company),
            "last_decided": company_services.company_last_decided_change(company),
        },
    )


# --- Colleagues ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def colleague_list(request):
    """同事账号: accounts and open invitations, the invitation form."""
    company = _admin_company(request)
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = colleagues.colleague_invite(
                company=company,
                by=request.user,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
            )
        except DomainError as exc:
            _form_errors(form, exc)
        else:
            days = colleagues.invitation_max_age().days
            messages.success(
                request,
                _(
                    "邀请邮件已发送到 %(email)s，链接 %(days)d 天内有效。"
                    "对方接受后会出现在同事列表中。"
                )
                % {"email": invitation.email, "days": days},
            )
            return redirect("members:colleagues")
    accounts = list(colleagues.company_colleagues(company))
    admins = [a for a in accounts if a.role == "admin"]
    return render(
        request,
        "members/company/colleagues.html",
        {
            "company": company,
            "form": form,
            "accounts": accounts,
            # The last administrator can be neither removed nor demoted: no button for it.
            "last_admin_id": admins[0].pk if len(admins) == 1 else None,
            "invitations": colleagues.company_open_invitations(company),
            "roles": [(v, ROLE_LABELS[v], ROLE_DUTIES[v]) for v in ROLE_LABELS],
            "role_choices": list(ROLE_LABELS.items()),
        },
    )


@login_required
@require_POST
def colleague_role(request, user_id: int):
    company = _admin_company(request)
    user = _colleague_or_404(company, user_id)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择有效的角色。"))
        return redirect("members:colleagues")
    try:
        colleagues.colleague_set_role(
            company=company, by=request.user, user=user, role=form.cleaned_data["role"]
        )
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        label = ROLE_LABELS[form.cleaned_data["role"]]
        messages.success(
            request,
            _("%(username)s 的角色已改为“%(role)s”。") % {"username": user.username, "role": label},
        )
        if user.pk == request.user.pk and form.cleaned_data["role"] != "admin":
            return redirect("members:dashboard")
    return redirect("members:colleagues")


@login_required
@require_http_methods(["GET", "POST"])
def colleague_remove(request, user_id: int):
    company = _admin_company(request)
    user = _colleague_or_404(company, user_id)
    if request.method == "GET":
        return _confirm(
            request,
            title=_("移除同事"),
            question=_(
                "确定要将 %(username)s（%(email)s）移出“%(company)s”吗？"
                "其账号不会被删除，但将不能再代表贵公司操作；其发布的信息、询盘和订单仍归贵公司所有。"
            )
            % {
                "username": user.username,
                "email": user.email or _("无邮箱"),
                "company": company.name,
            },
            button=_("确认移除"),
        )
    try:
        colleagues.colleague_remove(company=company, by=request.user, user=user)
    except DomainError as exc:
        messages.error(request, exc.detail)
        return redirect("members:colleagues")
    messages.success(request, _("已将 %(username)s 移出贵公司。") % {"username": user.username})
    if user.pk == request.user.pk:
        return redirect("members:dashboard")
    return redirect("members:colleagues")


@login_required
@require_http_methods(["GET", "POST"])
def invitation_revoke(request, pk: int):
    company = _admin_company(request)
    invitation = _invitation_or_404(company, pk)
    if request.method == "GET":
        return _confirm(
            request,
            title=_("撤销邀请"),
            question=_("确定要撤销对 %(email)s 的邀请吗？邀请邮件中的链接将立即失效。")
            % {"email": invitation.email},
            button=_("确认撤销"),
        )
    colleagues.invitation_revoke(company=company, by=request.user, invitation=invitation)
    messages.success(request, _("已撤销对 %(email)s 的邀请。") % {"email": invitation.email})
    return redirect("members:colleagues")


@login_required
@require_POST
def invitation_resend(request, pk: int):
    company = _admin_company(request)
    invitation = _invitation_or_404(company, pk)
    try:
        colleagues.invitation_resend(company=company, by=request.user, invitation=invitation)
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(
            request, _("已重新发送邀请邮件到 %(email)s。") % {"email": invitation.email}
        )
    return redirect("members:colleagues")


def _confirm(request, *, title: str, question: str, button: str):
    return render(
        request,
        "members/company/confirm.html",
        {"title": title, "question": question, "button": button},
    )


# --- Accepting an invitation ---------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def invitation_accept(request, token: str):
    """The invitation link: create an account, or join with a signed-in account that has no
    company. A bad link shows why, with status 400."""
    try:
        invitation = colleagues.invitation_from_token(token)
    except InvitationInvalid as exc:
        return render(
            request, "members/company/accept_invalid.html", {"reason": exc.detail}, status=400
        )
    user = request.user if request.user.is_authenticated else None
    form = AcceptNewAccountForm(request.POST or None) if user is None else None
    if request.method == "POST":
        try:
            if user is not None:
                colleagues.invitation_accept_existing(invitation=invitation, user=user)
                joined = user
            elif form.is_valid():
                joined = colleagues.invitation_accept_new_account(
                    invitation=invitation,
                    username=form.cleaned_data["username"],
                    password=form.cleaned_data["password1"],
                )
                login(request, joined, backend="django.contrib.auth.backends.ModelBackend")
            else:
                joined = None
        except InvitationInvalid as exc:
            return render(
                request, "members/company/accept_invalid.html", {"reason": exc.detail}, status=400
            )
        except DomainError as exc:
            if form is None:
                messages.error(request, exc.detail)
                return redirect(request.path)
            _form_errors(form, exc, {"password": "password1"})
        else:
            if joined is not None:
                messages.success(
                    request,
                    _("欢迎加入“%(company)s”！您的角色是“%(role)s”，可以：%(duties)s。")
                    % {
                        "company": invitation.company.name,
                        "role": ROLE_LABELS[invitation.role],
                        "duties": ROLE_DUTIES[invitation.role],
                    },
                )
                return redirect("members:dashboard")
    return render(
        request,
        "members/company/accept.html",
        {
            "invitation": invitation,
            "form": form,
            "role_label": ROLE_LABELS.get(invitation.role, invitation.role),
            "role_duties": ROLE_DUTIES.get(invitation.role, ""),
            "login_url": f"{reverse('members:login')}?next={request.path}",
            "existing_company": getattr(user, "company", None) if user else None,
        },
    )
