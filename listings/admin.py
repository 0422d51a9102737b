"""Admin of listings: categories, term lists, the moderation queue (R-L3, R-L4).

The queue (审核队列) shows pending listings by review deadline, overdue ones in red, each
automatic check, image previews, and the median / p95 time-to-live of the last 7 days.
Approve and reject (with reasons) call the services, one listing or in bulk.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db.models import Case, Exists, OuterRef, Value, When
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from marketplace.exceptions import DomainError
from members import privileges
from members.models import Company

from . import selectors, services
from .forms import RejectForm
from .models import (
    BrandTerm,
    Category,
    Listing,
    ListingCheck,
    ListingImage,
    ProhibitedTerm,
    ReviewQueueListing,
)
from .review import checks
from .review.deadline import format_duration

# isort: off

# isort: on


# --- categories and term lists -----------------------------------------------------------------


class ChildCategoryInline(admin.TabularInline):
    model = Category
    fk_name = "parent"
    fields = ("name", "slug", "position")
    extra = 1
    verbose_name = "二级类目"
    verbose_name_plural = "二级类目"


class LevelFilter(admin.SimpleListFilter):
    title = "层级"
    parameter_name = "level"

    def lookups(self, request, model_admin):
        return [("1", "一级类目"), ("2", "二级类目")]

    def queryset(self, request, queryset):
        if self.value() == "1":
            return queryset.filter(parent__isnull=True)
        if self.value() == "2":
            return queryset.filter(parent__isnull=False)
        return queryset


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("__str__", "slug", "position", "parent")
    list_editable = ("position",)
    list_filter = (LevelFilter, "parent")
    search_fields = ("name", "slug", "parent__name")
    ordering = ("parent__position", "parent__id", "position", "id")
    list_select_related = ("parent",)

    def get_inlines(self, request, obj):
        # Two levels: only a first-level category has children.
        return [ChildCategoryInline] if obj is None or obj.parent_id is None else []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "parent":
            kwargs["queryset"] = Category.objects.filter(parent__isnull=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class TermAdmin(admin.ModelAdmin):
    list_display = ("term", "note", "created_at")
    search_fields = ("term", "note")
    ordering = ("term",)

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        selectors.terms_changed()


@admin.register(ProhibitedTerm)
class ProhibitedTermAdmin(TermAdmin):
    """R-L3b: words that make a listing a prohibited product."""


@admin.register(BrandTerm)
class BrandTermAdmin(TermAdmin):
    """R-L3d: brand names that must not be in a supply listing's title."""


# --- listings ----------------------------------------------------------------------------------


class CheckInline(admin.TabularInline):
    model = ListingCheck
    fields = ("label", "passed", "detail", "rule", "run_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = "自动检查结果（R-L3a–e）"

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        order = Case(
            *[When(code=code, then=Value(i)) for i, code in enumerate(checks.CHECK_CODES)],
            default=Value(99),
        )
        return super().get_queryset(request).order_by(order)

    @admin.display(description="检查项")
    def label(self, obj):
        return checks.CHECK_LABELS.get(obj.code, obj.code)


class ImageInline(admin.TabularInline):
    model = ListingImage
    fields = ("preview", "format", "width", "height", "bytes", "position")
    readonly_fields = ("preview", "format", "width", "height", "bytes")
    extra = 0
    verbose_name_plural = "信息图片"

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description="预览")
    def preview(self, obj):
        if not obj.image:
            return "—"
        return format_html(
            '<a href="{0}" target="_blank"><img src="{0}" alt="" width="100" height="100" '
            'style="border:1px solid #ddd"></a>',
            obj.image.url,
        )


class FailedCheckFilter(admin.SimpleListFilter):
    title = "未通过的检查"
    parameter_name = "failed_check"

    def lookups(self, request, model_admin):
        return [("any", "任一检查未通过"), ("none", "全部通过")] + [
            (code, checks.CHECK_LABELS[code]) for code in checks.CHECK_CODES
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        failed = ListingCheck.objects.filter(listing=OuterRef("pk"), passed=False)
        if value == "any":
            return queryset.filter(Exists(failed))
        if value == "none":
            return queryset.filter(checks__isnull=False).exclude(Exists(failed)).distinct()
        return queryset.filter(Exists(failed.filter(code=value)))


class TrustPassFilter(admin.SimpleListFilter):
    """R-M3: through the members app's own TrustPass annotation, never periods directly."""

    title = "诚信通会员"
    parameter_name = "trustpass"

    def lookups(self, request, model_admin):
        return [("yes", "诚信通会员"), ("no", "普通会员")]

    def queryset(self, request, queryset):
        if self.value() not in ("yes", "no"):
            return queryset
        members = (
            Company.objects.with_trustpass(timezone.localdate())
            .filter(trustpass_now=True)
            .values("pk")
        )
        if self.value() == "yes":
            return queryset.filter(company__in=members)
        return queryset.exclude(company__in=members)


class OverdueFilter(admin.SimpleListFilter):
    title = "审核时限"
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", "已超时"), ("no", "未超时")]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "yes":
            return queryset.filter(review_deadline__lt=now)
        if self.value() == "no":
            return queryset.filter(review_deadline__gte=now)
        return queryset


def _check_marks(obj) -> str:
    """Compact: all passed, or the failed checks in red (details on hover)."""
    rows = list(obj.checks.all())
    if not rows:
        return format_html('<span style="color:#999">{}</span>', "检查中…")
    failed = [c for c in rows if not c.passed]
    if not failed:
        return format_html(
            '<span class="checks-ok" style="color:#1a7f37">✓ {} 项全部通过</span>', len(rows)
        )
    return format_html_join(
        "<br>",
        '<span class="check-failed" title="{}" style="color:#c62828">✗ {}</span>',
        ((c.detail, checks.CHECK_LABELS.get(c.code, c.code)) for c in failed),
    )


class ModerationMixin:
    """Approve / reject actions and single-listing decision pages, calling the services."""

    actions = ["approve_selected", "reject_selected"]

    @admin.action(description="审核通过所选信息", permissions=["change"])
    def approve_selected(self, request, queryset):
        done, refused = 0, []
        for listing in queryset:
            try:
                services.listing_approve(listing=listing, by=request.user)
                done += 1
            except DomainError as exc:
                refused.append(f"“{listing.title}”：{exc.detail}")
        if done:
            self.message_user(request, f"已通过 {done} 条信息，已上网。", messages.SUCCESS)
        for line in refused:
            self.message_user(request, f"未能通过 {line}", messages.ERROR)

    @admin.action(description="驳回所选信息（填写原因）", permissions=["change"])
    def reject_selected(self, request, queryset):
        if "apply" in request.POST:
            form = RejectForm(request.POST)
            if form.is_valid():
                done, refused = 0, []
                for listing in queryset:
                    try:
                        services.listing_reject(
                            listing=listing,
                            by=request.user,
                            codes=form.cleaned_data["codes"],
                            detail=form.cleaned_data["detail"],
                        )
                        done += 1
                    except DomainError as exc:
                        refused.append(f"“{listing.title}”：{exc.detail}")
                if done:
                    self.message_user(
                        request, f"已驳回 {done} 条信息，卖家已收到站内信和邮件。", messages.SUCCESS
                    )
                for line in refused:
                    self.message_user(request, f"未能驳回 {line}", messages.ERROR)
                return None
        else:
            form = RejectForm()
        return TemplateResponse(
            request,
            "admin/listings/reject.html",
            {
                **self.admin_site.each_context(request),
                "title": "驳回信息",
                "form": form,
                "listings": queryset,
                "selected": queryset.values_list("pk", flat=True),
                "action_checkbox_name": ACTION_CHECKBOX_NAME,
                "action": "reject_selected",
                "opts": self.model._meta,
            },
        )

    def get_urls(self):
        info = self.model._meta.app_label, self.model._meta.model_name
        return [
            path(
                "<int:pk>/approve/",
                self.admin_site.admin_view(self.approve_view),
                name="{}_{}_approve".format(*info),
            ),
            path(
                "<int:pk>/reject/",
                self.admin_site.admin_view(self.reject_view),
                name="{}_{}_reject".format(*info),
            ),
            *super().get_urls(),
        ]

    def _back(self, obj=None):
        info = self.model._meta.app_label, self.model._meta.model_name
        return HttpResponseRedirect(reverse("admin:{}_{}_changelist".format(*info)))

    def approve_view(self, request, pk: int):
        listing = get_object_or_404(Listing, pk=pk)
        if not self.has_change_permission(request, listing) or request.method != "POST":
            return self._back()
        try:
            services.listing_approve(listing=listing, by=request.user)
        except DomainError as exc:
            self.message_user(request, f"未能通过“{listing.title}”：{exc.detail}", messages.ERROR)
        else:
            self.message_user(request, f"“{listing.title}”已审核通过并上网。", messages.SUCCESS)
        return self._back()

    def reject_view(self, request, pk: int):
        listing = get_object_or_404(Listing, pk=pk)
        if not self.has_change_permission(request, listing):
            return self._back()
        form = RejectForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.listing_reject(
                    listing=listing,
                    by=request.user,
                    codes=form.cleaned_data["codes"],
                    detail=form.cleaned_data["detail"],
                )
            except DomainError as exc:
                self.message_user(request, f"未能驳回：{exc.detail}", messages.ERROR)
            else:
                self.message_user(
                    request, f"“{listing.title}”已驳回，卖家已收到通知。", messages.SUCCESS
                )
            return self._back()
        return TemplateResponse(
            request,
            "admin/listings/reject.html",
            {
                **self.admin_site.each_context(request),
                "title": "驳回信息",
                "form": form,
                "listings": [listing],
                "single": True,
                "opts": self.model._meta,
            },
        )


LISTING_READONLY = (
    "company_link",
    "status",
    "review_round",
    "submitted_at",
    "review_deadline",
    "checked_at",
    "reviewed_at",
    "reviewed_by",
    "published_at",
    "first_published_at",
    "went_live_at",
    "refreshed_at",
    "expires_at",
    "withdrawn_at",
    "reasons_display",
    "created_at",
    "updated_at",
)
LISTING_FIELDSETS = (
    (
        "信息内容（R-L1）",
        {
            "fields": (
                "company_link",
                ("kind", "category"),
                "title",
                "keyword",
                ("brand", "model", "spec"),
                "description",
                ("unit", "min_order"),
                ("price", "price_max"),
                "price_tiers",
                ("fixed_price", "supports_escrow"),
                ("province", "city", "validity_days"),
                ("contact_name", "contact_phone", "contact_email"),
            )
        },
    ),
    (
        "审核与发布（R-L2–R-L4）",
        {
            "fields": (
                ("status", "review_round"),
                ("submitted_at", "review_deadline", "checked_at"),
                ("reviewed_at", "reviewed_by"),
                "reasons_display",
                ("published_at", "first_published_at", "went_live_at"),
                ("refreshed_at", "expires_at", "withdrawn_at"),
                ("created_at", "updated_at"),
            )
        },
    ),
)


class ListingAdminBase(ModerationMixin, admin.ModelAdmin):
    inlines = [CheckInline, ImageInline]
    readonly_fields = LISTING_READONLY
    fieldsets = LISTING_FIELDSETS
    search_fields = ("title", "keyword", "brand", "model", "company__name", "company__member_id")
    list_select_related = ("company", "category", "category__parent")
    autocomplete_fields = ()
    raw_id_fields = ("category",)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("checks", "images")

    def has_add_permission(self, request):
        return False  # sellers post listings; staff review them

    def save_model(self, request, obj, form, change):
        """Staff corrections go through the service (a live listing goes back to review)."""
        values = {
            name: form.cleaned_data[name]
            for name in form.changed_data
            if name in services.EDITABLE_FIELDS
        }
        if values:
            services.listing_update(listing=obj, **values)

    @admin.display(description="企业", ordering="company__name")
    def company_link(self, obj):
        badge = (
            mark_safe(' <b style="color:#ff6a00">诚信通</b>')  # noqa: S308 (constant)
            if privileges.is_trustpass(obj.company)
            else ""
        )
        return format_html(
            '<a href="{}">{}</a>{}',
            reverse("admin:members_company_change", args=[obj.company_id]),
            obj.company.name,
            badge,
        )

    @admin.display(description="自动检查")
    def check_marks(self, obj):
        return _check_marks(obj)

    @admin.display(description="图片")
    def thumb(self, obj):
        images = list(obj.images.all())
        if not images:
            return format_html('<span style="color:#999">{}</span>', "无图")
        return format_html(
            '<img src="{}" alt="" width="48" height="48" style="border:1px solid #ddd"> ×{}',
            images[0].image.url,
            len(images),
        )

    @admin.display(description="未通过原因")
    def reasons_display(self, obj):
        if not obj.rejection_reasons:
            return "—"
        return format_html_join(
            "",
            "<p><code>{}</code> {}</p>",
            ((r.get("rule", ""), r.get("detail", "")) for r in obj.rejection_reasons),
        )


@admin.register(Listing)
class ListingAdmin(ListingAdminBase):
    list_display = (
        "id",
        "title",
        "kind",
        "status",
        "company_link",
        "category",
        "thumb",
        "published_at",
        "expires_at",
    )
    list_filter = (
        "status",
        "kind",
        TrustPassFilter,
        FailedCheckFilter,
        "category__parent",
        "category",
    )
    date_hierarchy = "created_at"
    actions = ["approve_selected", "reject_selected", "withdraw_selected"]

    @admin.action(description="下架所选信息", permissions=["change"])
    def withdraw_selected(self, request, queryset):
        done = 0
        for listing in queryset:
            try:
                services.listing_withdraw(listing=listing, by=request.user)
                done += 1
            except DomainError as exc:
                self.message_user(request, f"“{listing.title}”：{exc.detail}", messages.ERROR)
        if done:
            self.message_user(request, f"已下架 {done} 条信息。", messages.SUCCESS)


@admin.register(ReviewQueueListing)
class ReviewQueueAdmin(ListingAdminBase):
    """审核队列: pending listings, nearest deadline first; overdue ones highlighted."""

    list_display = (
        "deadline",
        "title",
        "kind",
        "company_link",
        "category",
        "check_marks",
        "thumb",
        "submitted_at",
    )
    list_display_links = ("title",)
    list_filter = (
        OverdueFilter,
        "kind",
        FailedCheckFilter,
        TrustPassFilter,
        "category__parent",
        "category",
    )
    ordering = ("review_deadline", "id")
    list_per_page = 50
    change_list_template = "admin/listings/reviewqueuelisting/change_list.html"
    change_form_template = "admin/listings/reviewqueuelisting/change_form.html"

    def get_queryset(self, request):
        return super().get_queryset(request).filter(status=Listing.Status.PENDING_REVIEW)

    @admin.display(description="审核截止", ordering="review_deadline")
    def deadline(self, obj):
        if obj.review_deadline is None:
            return "—"
        local = timezone.localtime(obj.review_deadline)
        if obj.review_deadline < timezone.now():
            late = format_duration((timezone.now() - obj.review_deadline).total_seconds())
            return format_html(
                '<strong class="overdue" style="color:#fff;background:#c62828;padding:2px 6px;'
                'border-radius:3px">{} 已超时 {}</strong>',
                local.strftime("%m-%d %H:%M"),
                late,
            )
        left = format_duration((obj.review_deadline - timezone.now()).total_seconds())
        return format_html("{} <small>（剩 {}）</small>", local.strftime("%m-%d %H:%M"), left)

    def changelist_view(self, request, extra_context=None):
        stats = selectors.time_to_live_stats(days=7)
        now = timezone.now()
        pending = Listing.objects.filter(status=Listing.Status.PENDING_REVIEW)
        extra_context = {
            **(extra_context or {}),
            "ttl": {
                "count": stats["count"],
                "median": format_duration(stats["median_seconds"]),
                "p95": format_duration(stats["p95_seconds"]),
            },
            "queue_size": pending.count(),
            "overdue_count": pending.filter(review_deadline__lt=now).count(),
        }
        return super().changelist_view(request, extra_context=extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        listing = Listing.objects.filter(pk=object_id).first()
        extra_context = {
            **(extra_context or {}),
            "failed_checks": listing is not None and listing.checks.filter(passed=False).exists(),
            "checks_done": listing is not None and listing.checked_at is not None,
        }
        return super().change_view(request, object_id, form_url, extra_context)
