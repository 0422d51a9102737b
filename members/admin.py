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
from django.utils.html import format_html
from django.utils.timesince import timesince, timeuntil
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from marketplace.exceptions import DomainError

# company_admin registers issue 14's change requests and colleague invitations.
from . import (  # noqa: F401
    account_services,
    company_admin,
    selectors,
    services,
    verification_queue,
    verification_services,
)
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
    fieldsets = BaseUserAdmin.fieldsets + ((_("企业"), {"fields": ("company", "role")}),)

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
    title = _("诚信通会员")
    parameter_name = "trustpass"

    def lookups(self, request, model_admin):
        return [("yes", gettext("当前是诚信通")), ("no", gettext("当前不是诚信通"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(trustpass_now=True)
        if self.value() == "no":
            return queryset.filter(trustpass_now=False)
        return queryset


class ExpiringFilter(admin.SimpleListFilter):
    title = _("即将到期")
    parameter_name = "expiring"

    def lookups(self, request, model_admin):
        return [("30", gettext("30 天内到期（未续费）")), ("7", gettext("7 天内到期（未续费）"))]

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
            self.add_error(
                "ends_on", gettext("结束日期必须晚于开始日期（会员期为 [开始日期, 结束日期)）。")
            )
        return data


class TrustPassPeriodInline(admin.TabularInline):
    model = TrustPassPeriod
    form = TrustPassPeriodForm
    extra = 0
    fields = ["starts_on", "ends_on", "source", "note", "created_by", "created_at"]
    readonly_fields = ["created_by", "created_at"]
    fk_name = "company"
    verbose_name = _("诚信通会员期（线下付款请选“线下付款”）")


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

    @admin.display(description=_("诚信通"), boolean=True, ordering="trustpass_now")
    def trustpass_badge(self, obj) -> bool:
        return bool(obj.trustpass_now)

    @admin.display(description=_("会员期至（不含）"))
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

    @admin.action(
        description=_("为所选企业续费 1 年诚信通（线下付款）"), permissions=["add_period"]
    )
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
                gettext("%(member_id)s：已开通 %(starts_on)s 至 %(ends_on)s（不含）。")
                % {
                    "member_id": company.member_id,
                    "starts_on": f"{period.starts_on:%Y-%m-%d}",
                    "ends_on": f"{period.ends_on:%Y-%m-%d}",
                },
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

    @admin.display(description=_("邮件发送时间"))
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


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = ["title", "company", "kind", "created_at", "read_at"]
    list_filter = ["kind"]
    search_fields = ["title", "company__member_id"]
    raw_id_fields = ["company"]
