"""Staff back office of issue 14: company change requests (a verified company's new name or
registration number) are approved or rejected with a reason, through
`members.company_services`; colleague invitations are shown read only. Registered from
`members.admin`."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from marketplace.exceptions import DomainError

from . import company_services
from .models import ColleagueInvitation, CompanyChangeRequest


class ChangeRejectForm(forms.Form):
    reason = forms.CharField(
        label=_("驳回原因"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "告诉企业哪里不对、如何修改，例如“新名称与营业执照不一致，请上传变更后的营业执照”。"
        ),
        error_messages={"required": _("请填写驳回原因，告诉企业如何修改后重新提交。")},
    )


@admin.register(CompanyChangeRequest)
class CompanyChangeRequestAdmin(admin.ModelAdmin):
    """企业资料变更申请: the public name changes only when staff approve here."""

    list_display = [
        "pk",
        "company_member_id",
        "current_name",
        "name",
        "registration_number",
        "status",
        "requested_by",
        "created_at",
        "decided_by",
        "decided_at",
    ]
    list_filter = ["status", "created_at", "decided_at"]
    search_fields = [
        "company__member_id",
        "company__name",
        "name",
        "registration_number",
        "requested_by__username",
    ]
    list_select_related = ["company", "requested_by", "decided_by"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "company",
        "current_name",
        "current_registration_number",
        "name",
        "registration_number",
        "status",
        "reason",
        "requested_by",
        "created_at",
        "decided_by",
        "decided_at",
        "decide_links",
    ]
    fields = readonly_fields
    actions = ["approve_selected", "reject_selected"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_decide_permission(self, request) -> bool:
        return request.user.has_perm("members.decide_companychangerequest")

    @admin.display(description=_("会员ID"), ordering="company__member_id")
    def company_member_id(self, obj) -> str:
        return obj.company.member_id

    @admin.display(description=_("现企业名称"))
    def current_name(self, obj) -> str:
        return obj.company.name

    @admin.display(description=_("现统一社会信用代码"))
    def current_registration_number(self, obj) -> str:
        approved = company_services.company_approved_verification(obj.company)
        return approved.registration_number if approved else gettext("—（未认证）")

    @admin.display(description=_("审核"))
    def decide_links(self, obj) -> str:
        if obj.status != CompanyChangeRequest.Status.PENDING:
            return obj.get_status_display()
        return format_html(
            '<a class="button" href="{}">{}</a>&nbsp; <a class="button" href="{}">{}</a>',
            reverse("admin:members_companychangerequest_decide", args=[obj.pk, "approve"]),
            gettext("批准"),
            reverse("admin:members_companychangerequest_decide", args=[obj.pk, "reject"]),
            gettext("驳回"),
        )

    def get_urls(self):
        return [
            path(
                "<int:pk>/decide/<str:decision>/",
                self.admin_site.admin_view(self.decide_view),
                name="members_companychangerequest_decide",
            ),
            *super().get_urls(),
        ]

    def _decide(self, request, change_requests, decision: str, reason: str = "") -> None:
        done = 0
        for req in change_requests:
            try:
                if decision == "approve":
                    company_services.change_request_approve(change_request=req, by=request.user)
                else:
                    company_services.change_request_reject(
                        change_request=req, reason=reason, by=request.user
                    )
                done += 1
            except DomainError as exc:
                self.message_user(
                    request,
                    gettext("%(member_id)s：%(error)s")
                    % {"member_id": req.company.member_id, "error": exc.detail},
                    messages.ERROR,
                )
        if done:
            if decision == "approve":
                message = ngettext(
                    "已批准 %(count)d 份变更申请。", "已批准 %(count)d 份变更申请。", done
                )
            else:
                message = ngettext(
                    "已驳回 %(count)d 份变更申请。", "已驳回 %(count)d 份变更申请。", done
                )
            self.message_user(request, message % {"count": done}, messages.SUCCESS)

    def decide_view(self, request, pk: int, decision: str):
        changelist = reverse("admin:members_companychangerequest_changelist")
        if decision not in ("approve", "reject"):
            return HttpResponseRedirect(changelist)
        if not self.has_decide_permission(request):
            raise PermissionDenied
        req = get_object_or_404(CompanyChangeRequest.objects.select_related("company"), pk=pk)
        return self._reason_page(request, [req], decision, single=True)

    def _reason_page(self, request, change_requests, decision: str, single: bool = False):
        needs_reason = decision == "reject"
        confirmed = "confirm" in request.POST
        form = ChangeRejectForm(request.POST if confirmed else None)
        if confirmed and (not needs_reason or form.is_valid()):
            reason = form.cleaned_data["reason"] if needs_reason else ""
            self._decide(request, change_requests, decision, reason)
            if single:
                return HttpResponseRedirect(
                    reverse(
                        "admin:members_companychangerequest_change", args=[change_requests[0].pk]
                    )
                )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("批准企业资料变更")
            if decision == "approve"
            else gettext("驳回企业资料变更"),
            "opts": self.model._meta,
            "change_requests": change_requests,
            "decision": decision,
            "needs_reason": needs_reason,
            "form": form,
            "single": single,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
            "action": f"{decision}_selected",
        }
        return TemplateResponse(request, "members/company/admin_decide.html", context)

    @admin.action(description=_("批准所选变更申请（新名称立即对外显示）"), permissions=["decide"])
    def approve_selected(self, request, queryset):
        return self._reason_page(request, list(queryset.select_related("company")), "approve")

    @admin.action(description=_("驳回所选变更申请（需填写原因）"), permissions=["decide"])
    def reject_selected(self, request, queryset):
        return self._reason_page(request, list(queryset.select_related("company")), "reject")


@admin.register(ColleagueInvitation)
class ColleagueInvitationAdmin(admin.ModelAdmin):
    """同事邀请 (read only): who invited whom, with which role, and what became of it."""

    list_display = ["email", "company", "role", "status", "invited_by", "created_at", "user"]
    list_filter = ["status", "role", "created_at"]
    search_fields = ["email", "company__member_id", "company__name", "user__username"]
    list_select_related = ["company", "invited_by", "user"]
    readonly_fields = [f.name for f in ColleagueInvitation._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
