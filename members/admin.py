"""Staff back office for members. Every change that is a business action goes through
members.services (grants, period edits) or members.verification_services (decisions).
TrustPass orders are trade's (trade/admin.py)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# company_admin registers issue 14's change requests and colleague invitations;
# verification_admin the verification agencies and applications (R-C2).
from . import (  # noqa: F401
    account_services,
    company_admin,
    selectors,
    services,
    verification_admin,
)
from .models import (
    Company,
    MembershipReminder,
    Notice,
    TrustPassPeriod,
    User,
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


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = ["title", "company", "kind", "created_at", "read_at"]
    list_filter = ["kind"]
    search_fields = ["title", "company__member_id"]
    raw_id_fields = ["company"]
