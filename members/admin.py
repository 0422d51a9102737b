"""Staff back office for members. Every change that is a business action goes through
members.services (grants, period edits) or members.verification_services (decisions).
TrustPass orders are trade's (trade/admin.py)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from marketplace.exceptions import DomainError

# company_admin registers issue 14's change requests and colleague invitations.
from . import account_services, company_admin, selectors, services, verification_services  # noqa: F401
from .forms import RejectForm
from .models import (
    Company,
    MembershipReminder,
    Notice,
    TrustPassPeriod,
    User,
    VerificationAgency,
    VerificationApplication,
)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "email", "company", "role", "is_staff", "is_active", "date_joined"]
    list_filter = ["is_staff", "is_active", "role"]
    search_fields = ["username", "email", "company__member_id", "company__name"]
    autocomplete_fields = ["company"]
    fieldsets = BaseUserAdmin.fieldsets + (("企业", {"fields": ("company", "role")}),)

    def save_model(self, request, obj, form, change):
        # A new address is unconfirmed until its owner follows the link (issue 14).
        changed = change and "email" in form.changed_data
        if changed:
            obj.email_confirmed_at = None
        super().save_model(request, obj, form, change)
        if changed:
            account_services.email_confirmation_send(user=obj)


# --- Companies and TrustPass periods (R-M2) --------------------------------------------------


class TrustPassNowFilter(admin.SimpleListFilter):
    title = "诚信通会员"
    parameter_name = "trustpass"

    def lookups(self, request, model_admin):
        return [("yes", "当前是诚信通"), ("no", "当前不是诚信通")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(trustpass_now=True)
        if self.value() == "no":
            return queryset.filter(trustpass_now=False)
        return queryset


class ExpiringFilter(admin.SimpleListFilter):
    title = "即将到期"
    parameter_name = "expiring"

    def lookups(self, request, model_admin):
        return [("30", "30 天内到期（未续费）"), ("7", "7 天内到期（未续费）")]

    def queryset(self, request, queryset):
        if self.value() in ("30", "7"):
            return selectors.companies_expiring_within(
                queryset, today=timezone.localdate(), days=int(self.value())
            )
        return queryset


class TrustPassPeriodForm(forms.ModelForm):
    class Meta:
        model = TrustPassPeriod
        fields = ["starts_on", "ends_on", "source", "note"]

    def clean(self):
        data = super().clean()
        s, e = data.get("starts_on"), data.get("ends_on")
        if s and e and e <= s:
            self.add_error("ends_on", "结束日期必须晚于开始日期（会员期为 [开始日期, 结束日期)）。")
        return data


class TrustPassPeriodInline(admin.TabularInline):
    model = TrustPassPeriod
    form = TrustPassPeriodForm
    extra = 0
    fields = ["starts_on", "ends_on", "source", "note", "created_by", "created_at"]
    readonly_fields = ["created_by", "created_at"]
    fk_name = "company"
    verbose_name = "诚信通会员期（线下付款请选“线下付款”）"


class VerificationInline(admin.TabularInline):
    model = VerificationApplication
    extra = 0
    can_delete = False
    fields = ["created_at", "agency", "registration_number", "applicant_name", "status", "reason"]
    readonly_fields = fields
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = [
        "member_id",
        "name",
        "province",
        "industry",
        "trustpass_badge",
        "trustpass_until",
        "verified",
        "credit_score",
        "created_at",
    ]
    list_filter = [TrustPassNowFilter, ExpiringFilter, "verified", "province", "industry"]
    search_fields = ["member_id", "name", "contact_name", "phone", "email"]
    inlines = [TrustPassPeriodInline, VerificationInline]
    # `verified` follows verification decisions (R-C2), the score its sources (R-C7).
    readonly_fields = ["verified", "credit_score", "created_at"]
    actions = ["grant_one_year"]

    def get_queryset(self, request):
        return super().get_queryset(request).with_trustpass(timezone.localdate())

    @admin.display(description="诚信通", boolean=True, ordering="trustpass_now")
    def trustpass_badge(self, obj) -> bool:
        return bool(obj.trustpass_now)

    @admin.display(description="会员期至（不含）")
    def trustpass_until(self, obj):
        return selectors.company_trustpass_until(obj) or "—"

    def changelist_view(self, request, extra_context=None):
        renewed, ended, rate = selectors.membership_renewal_rate()
        extra = {
            "renewal": {
                "renewed": renewed,
                "ended": ended,
                "rate": f"{rate:.1%}" if rate is not None else "—",
            }
        }
        return super().changelist_view(request, {**(extra_context or {}), **extra})

    def save_formset(self, request, form, formset, change):
        if formset.model is not TrustPassPeriod:
            return super().save_formset(request, form, formset, change)
        instances = formset.save(commit=False)
        for period in formset.deleted_objects:
            services.membership_period_delete(period=period, by=request.user)
        for period in instances:
            if period.pk is None:
                services.membership_grant(
                    company=form.instance,
                    starts_on=period.starts_on,
                    ends_on=period.ends_on,
                    source=period.source,
                    note=period.note,
                    by=request.user,
                )
            else:
                services.membership_period_update(
                    period=period,
                    starts_on=period.starts_on,
                    ends_on=period.ends_on,
                    note=period.note,
                    by=request.user,
                )
        return None

    @admin.action(description="为所选企业续费 1 年诚信通（线下付款）", permissions=["add_period"])
    def grant_one_year(self, request, queryset):
        for company in queryset:
            period = services.membership_renew(
                company=company,
                years=1,
                source=TrustPassPeriod.Source.STAFF,
                note="线下付款（后台批量开通）",
                by=request.user,
            )
            self.message_user(
                request,
                f"{company.member_id}：已开通 {period.starts_on:%Y-%m-%d} 至 {period.ends_on:%Y-%m-%d}（不含）。",
                messages.SUCCESS,
            )

    def has_add_period_permission(self, request) -> bool:
        return request.user.has_perm("members.add_trustpassperiod")


@admin.register(TrustPassPeriod)
class TrustPassPeriodAdmin(admin.ModelAdmin):
    form = TrustPassPeriodForm
    list_display = ["company", "starts_on", "ends_on", "source", "note", "created_by", "created_at"]
    list_filter = ["source", "ends_on", "starts_on"]
    search_fields = ["company__member_id", "company__name", "note"]
    date_hierarchy = "ends_on"
    autocomplete_fields = ["company"]
    list_select_related = ["company", "created_by"]

    fields = ["company", "starts_on", "ends_on", "source", "note"]

    def get_readonly_fields(self, request, obj=None):
        return ["company", "source"] if obj else []

    def save_model(self, request, obj, form, change):
        if change:
            services.membership_period_update(
                period=obj,
                starts_on=obj.starts_on,
                ends_on=obj.ends_on,
                note=obj.note,
                by=request.user,
            )
        else:
            period = services.membership_grant(
                company=obj.company,
                starts_on=obj.starts_on,
                ends_on=obj.ends_on,
                source=obj.source,
                note=obj.note,
                by=request.user,
            )
            obj.pk = period.pk

    def delete_model(self, request, obj):
        services.membership_period_delete(period=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for period in queryset:
            services.membership_period_delete(period=period, by=request.user)


@admin.register(MembershipReminder)
class MembershipReminderAdmin(admin.ModelAdmin):
    """R-M4: which reminders went out (read only)."""

    list_display = [
        "company",
        "ends_on",
        "days_before",
        "email_to",
        "notice",
        "notice_emailed_at",
        "created_at",
    ]
    list_filter = ["days_before", "ends_on"]
    search_fields = ["company__member_id", "company__name", "email_to"]
    list_select_related = ["company", "notice"]
    readonly_fields = [f.name for f in MembershipReminder._meta.fields] + ["notice_emailed_at"]

    @admin.display(description="邮件发送时间")
    def notice_emailed_at(self, obj):
        # The e-mail goes with the notice (members.notices); `email_sent_at` is from before.
        return (obj.notice and obj.notice.emailed_at) or obj.email_sent_at

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# --- Identity verification (R-C2) ------------------------------------------------------------


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

    @admin.display(description="待审核", ordering="n_pending")
    def pending_count(self, obj) -> int:
        return obj.n_pending

    @admin.display(description="已通过", ordering="n_approved")
    def approved_count(self, obj) -> int:
        return obj.n_approved


@admin.register(VerificationApplication)
class VerificationApplicationAdmin(admin.ModelAdmin):
    """Staff, acting for the agency, approve or reject with a reason (R-C2)."""

    list_display = [
        "pk",
        "company",
        "registration_number",
        "agency",
        "applicant_name",
        "status",
        "created_at",
        "decided_by",
        "decided_at",
    ]
    list_filter = ["status", "agency", "created_at"]
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
                    request, f"{application.company.member_id}：{exc.detail}", messages.ERROR
                )
        if done:
            label = {"approve": "批准", "reject": "驳回", "revoke": "撤销"}[decision]
            self.message_user(request, f"已{label} {done} 份申请。", messages.SUCCESS)

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
        title = {"approve": "批准身份认证", "reject": "驳回身份认证申请", "revoke": "撤销身份认证"}[
            decision
        ]
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

    @admin.action(description="批准所选认证申请", permissions=["decide"])
    def approve_selected(self, request, queryset):
        self._decide(request, list(queryset.select_related("company")), "approve")

    @admin.action(description="驳回所选认证申请（需填写原因）", permissions=["decide"])
    def reject_selected(self, request, queryset):
        return self._reason_page(request, list(queryset.select_related("company")), "reject")

    @admin.action(description="撤销所选已通过的认证（需填写原因）", permissions=["decide"])
    def revoke_selected(self, request, queryset):
        return self._reason_page(request, list(queryset.select_related("company")), "revoke")


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = ["title", "company", "kind", "created_at", "read_at"]
    list_filter = ["kind"]
    search_fields = ["title", "company__member_id"]
    raw_id_fields = ["company"]
