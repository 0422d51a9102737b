"""Staff back office for identity verification (R-C2): the agencies and the applications,
decided through members.verification_services."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.timesince import timesince, timeuntil
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from marketplace.exceptions import DomainError

from . import verification_queue, verification_services
from .forms import RejectForm
from .models import (
    VerificationAgency,
    VerificationApplication,
)


@admin.register(VerificationAgency)
class VerificationAgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "active", "position", "pending_count", "approved_count"]
    list_editable = ["active", "position"]
    list_filter = ["active"]
    search_fields = ["name", "description"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                n_pending=Count("applications", filter=Q(applications__status="pending")),
                n_approved=Count("applications", filter=Q(applications__status="approved")),
            )
        )

    @admin.display(description=_("待审核"), ordering="n_pending")
    def pending_count(self, obj) -> int:
        return obj.n_pending

    @admin.display(description=_("已通过"), ordering="n_approved")
    def approved_count(self, obj) -> int:
        return obj.n_approved


class VerificationStatusFilter(admin.SimpleListFilter):
    """Status, opening on the pending applications (issue 15): the list is a work queue.
    "All" is a choice of its own; `status__exact` (older links) is read as `status`."""

    title = _("状态")
    parameter_name = "status"
    ALL = "all"

    def __init__(self, request, params, model, model_admin):
        if "status__exact" in params and self.parameter_name not in params:
            params[self.parameter_name] = params.pop("status__exact")
        super().__init__(request, params, model, model_admin)

    def lookups(self, request, model_admin):
        return [*VerificationApplication.Status.choices, (self.ALL, _("全部"))]

    def value(self):
        return super().value() or VerificationApplication.Status.PENDING

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == str(lookup),
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        value = self.value()
        if value in VerificationApplication.Status.values:
            return queryset.filter(status=value)
        return queryset


class VerificationOverdueFilter(admin.SimpleListFilter):
    title = _("审核时限")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("已超时")), ("no", _("未超时"))]

    def queryset(self, request, queryset):
        late = verification_queue.overdue(queryset)
        if self.value() == "yes":
            return late.filter(status=VerificationApplication.Status.PENDING)
        if self.value() == "no":
            return queryset.exclude(pk__in=late.values("pk"))
        return queryset


@admin.register(VerificationApplication)
class VerificationApplicationAdmin(admin.ModelAdmin):
    """Staff, acting for the agency, approve or reject with a reason (R-C2). Opens on the
    pending applications, nearest review deadline first (VERIFICATION_REVIEW_DAYS)."""

    list_display = [
        "pk",
        "deadline",
        "company_cell",
        "registration_number",
        "agency",
        "applicant_name",
        "status",
        "submitted",
        "decided_by",
        "decided_at",
    ]
    list_display_links = ["pk", "company_cell"]
    list_filter = [VerificationStatusFilter, VerificationOverdueFilter, "agency", "created_at"]
    search_fields = ["company__member_id", "company__name", "registration_number", "applicant_name"]
    list_select_related = ["company", "agency", "decided_by"]
    readonly_fields = [
        "company",
        "agency",
        "registration_number",
        "applicant_name",
        "applicant_title",
        "applicant_phone",
        "status",
        "reason",
        "created_by",
        "created_at",
        "decided_by",
        "decided_at",
        "certificate_code",
    ]
    actions = ["approve_selected", "reject_selected", "revoke_selected"]
    change_form_template = "admin/members/verificationapplication/change_form.html"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        # Deleting would erase a decision (and leave a company verified without its record):
        # reject or revoke instead, both recorded in the audit log.
        return False

    def get_queryset(self, request):
        return verification_queue.with_review_deadline(super().get_queryset(request))

    def get_ordering(self, request):
        # Pending: the nearest deadline first (the deadline is submission + a fixed period,
        # so the order of submission); any other view: the newest first.
        status = request.GET.get("status") or request.GET.get("status__exact") or "pending"
        if status == VerificationApplication.Status.PENDING:
            return ["created_at", "pk"]
        return ["-created_at", "-pk"]

    @admin.display(description=_("审核截止"), ordering="created_at")
    def deadline(self, obj):
        if obj.status != VerificationApplication.Status.PENDING:
            return "—"
        now = timezone.now()
        when = timezone.localtime(obj.review_deadline).strftime("%m-%d %H:%M")
        if obj.review_deadline < now:
            return format_html(
                '<span class="deadline-cell"><strong class="overdue" style="color:#fff;'
                'background:#c62828;padding:2px 6px;border-radius:3px">{}</strong>'
                '<small class="late">{}</small></span>',
                when,
                gettext("已超时 %(late)s") % {"late": timesince(obj.review_deadline, now, depth=2)},
            )
        return format_html(
            '<span class="deadline-cell">{}<small>{}</small></span>',
            when,
            gettext("（剩 %(left)s）") % {"left": timeuntil(obj.review_deadline, now, depth=2)},
        )

    @admin.display(description=_("申请时间"), ordering="created_at")
    def submitted(self, obj):
        return format_html(
            '<span class="nowrap">{}</span>',
            timezone.localtime(obj.created_at).strftime("%y-%m-%d %H:%M"),
        )

    @admin.display(description=_("企业"), ordering="company__name")
    def company_cell(self, obj):
        """One line: the member ID, then the name (cut with an ellipsis when long)."""
        return format_html(
            '<span class="nowrap"><b>{}</b> <span class="company-cell" title="{}">{}</span></span>',
            obj.company.member_id,
            obj.company.name,
            obj.company.name,
        )

    def get_list_display(self, request):
        # The pending queue has no decision yet: its columns make room for the deadline.
        status = request.GET.get("status") or request.GET.get("status__exact") or "pending"
        if status == VerificationApplication.Status.PENDING:
            hidden = ("status", "decided_by", "decided_at")
            return [name for name in self.list_display if name not in hidden]
        return [name for name in self.list_display if name != "deadline"]

    def has_decide_permission(self, request) -> bool:
        return request.user.has_perm("members.decide_verificationapplication")

    def get_urls(self):
        return [
            path(
                "<int:pk>/decide/<str:decision>/",
                self.admin_site.admin_view(self.decide_view),
                name="members_verificationapplication_decide",
            ),
            *super().get_urls(),
        ]

    def render_change_form(self, request, context, *args, **kwargs):
        context["can_decide"] = self.has_decide_permission(request)
        return super().render_change_form(request, context, *args, **kwargs)

    def _decide(self, request, applications, decision: str, reason: str = "") -> None:
        done = 0
        for application in applications:
            try:
                if decision == "approve":
                    verification_services.verification_approve(
                        application=application, by=request.user
                    )
                elif decision == "reject":
                    verification_services.verification_reject(
                        application=application, reason=reason, by=request.user
                    )
                else:
                    verification_services.verification_revoke(
                        application=application, reason=reason, by=request.user
                    )
                done += 1
            except DomainError as exc:
                self.message_user(
                    request,
                    gettext("%(member_id)s：%(error)s")
                    % {"member_id": application.company.member_id, "error": exc.detail},
                    messages.ERROR,
                )
        if done:
            message = {
                "approve": ngettext("已批准 %(count)d 份申请。", "已批准 %(count)d 份申请。", done),
                "reject": ngettext("已驳回 %(count)d 份申请。", "已驳回 %(count)d 份申请。", done),
                "revoke": ngettext("已撤销 %(count)d 份申请。", "已撤销 %(count)d 份申请。", done),
            }[decision]
            self.message_user(request, message % {"count": done}, messages.SUCCESS)

    def decide_view(self, request, pk: int, decision: str):
        """One application: approve (confirm) or reject / revoke with a reason."""
        if decision not in ("approve", "reject", "revoke"):
            return HttpResponseRedirect(reverse("admin:members_verificationapplication_changelist"))
        if not self.has_decide_permission(request):
            raise PermissionDenied
        application = get_object_or_404(VerificationApplication, pk=pk)
        return self._reason_page(request, [application], decision, single=True)

    def _reason_page(self, request, applications, decision: str, single: bool = False):
        needs_reason = decision != "approve"
        form = RejectForm(request.POST if "confirm" in request.POST else None)
        if "confirm" in request.POST and (not needs_reason or form.is_valid()):
            reason = form.cleaned_data["reason"] if needs_reason else ""
            self._decide(request, applications, decision, reason)
            if single:
                return HttpResponseRedirect(
                    reverse(
                        "admin:members_verificationapplication_change", args=[applications[0].pk]
                    )
                )
            return None
        title = {
            "approve": gettext("批准身份认证"),
            "reject": gettext("驳回身份认证申请"),
            "revoke": gettext("撤销身份认证"),
        }[decision]
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.model._meta,
            "applications": applications,
            "decision": decision,
            "needs_reason": needs_reason,
            "form": form,
            "single": single,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
            "action": f"{decision}_selected",
        }
        return TemplateResponse(
            request, "admin/members/verificationapplication/decide.html", context
        )

    @admin.action(description=_("批准所选认证申请"), permissions=["decide"])
    def approve_selected(self, request, queryset):
        self._decide(request, list(queryset.select_related("company")), "approve")

    @admin.action(description=_("驳回所选认证申请（需填写原因）"), permissions=["decide"])
    def reject_selected(self, request, queryset):
        return self._reason_page(request, list(queryset.select_related("company")), "reject")

    @admin.action(description=_("撤销所选已通过的认证（需填写原因）"), permissions=["decide"])
    def revoke_selected(self, request, queryset):
        return self._reason_page(request, list(queryset.select_related("company")), "revoke")
