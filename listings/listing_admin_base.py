"""The listing admin's parts that the all-listings admin (admin.py) and the moderation queue
(review_admin.py) share: the inlines of a listing's checks and images, the list filters, the
compact check marks, the change page's field layout, and `ListingAdminBase` (R-L3, R-L4).
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Case, Exists, OuterRef, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join, strip_tags
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from members import privileges
from members.models import Company

from . import services
from .models import ListingCheck, ListingImage
from .review import checks, reasons


class CheckInline(admin.TabularInline):
    model = ListingCheck
    fields = ("label", "passed", "detail_text", "rule", "run_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = _("自动检查结果（R-L3a–e）")

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        order = Case(
            *[When(code=code, then=Value(i)) for i, code in enumerate(checks.CHECK_CODES)],
            default=Value(99),
        )
        return super().get_queryset(request).order_by(order)

    @admin.display(description=_("检查项"))
    def label(self, obj):
        return checks.CHECK_LABELS.get(obj.code, obj.code)

    @admin.display(description=_("说明"))
    def detail_text(self, obj):
        return reasons.reason_detail(obj.code, obj.detail)


class ImageInline(admin.TabularInline):
    model = ListingImage
    fields = ("preview", "format", "width", "height", "bytes", "position")
    readonly_fields = ("preview", "format", "width", "height", "bytes")
    extra = 0
    verbose_name_plural = _("信息图片")

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("预览"))
    def preview(self, obj):
        if not obj.image:
            return "—"
        # The link opens the large version buyers see in the gallery (issue 15).
        return format_html(
            '<a href="{1}" target="_blank"><img src="{0}" alt="" width="100" height="100" '
            'style="border:1px solid #ddd"></a>',
            obj.image.url,
            obj.large_url,
        )


class FailedCheckFilter(admin.SimpleListFilter):
    title = _("未通过的检查")
    parameter_name = "failed_check"

    def lookups(self, request, model_admin):
        return [("any", gettext("任一检查未通过")), ("none", gettext("全部通过"))] + [
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

    title = _("诚信通会员")
    parameter_name = "trustpass"

    def lookups(self, request, model_admin):
        return [("yes", gettext("诚信通会员")), ("no", gettext("普通会员"))]

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


EXCERPT_CHARS = 60


def description_excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """The first `limit` characters of a description as plain text on one line."""
    plain = " ".join(strip_tags(text or "").split())
    return plain if len(plain) <= limit else plain[: limit - 1] + "…"


def _check_marks(obj) -> str:
    """Compact: all passed, or the failed checks in red (details on hover)."""
    rows = list(obj.checks.all())
    if not rows:
        return format_html('<span style="color:#999">{}</span>', gettext("检查中…"))
    failed = [c for c in rows if not c.passed]
    if not failed:
        return format_html(
            '<span class="checks-ok" style="color:#1a7f37">✓ {}</span>',
            ngettext("%(count)d 项全部通过", "%(count)d 项全部通过", len(rows))
            % {"count": len(rows)},
        )
    return format_html_join(
        "<br>",
        '<span class="check-failed" title="{}" style="color:#c62828">✗ {}</span>',
        (
            (reasons.reason_detail(c.code, c.detail), checks.CHECK_LABELS.get(c.code, c.code))
            for c in failed
        ),
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
        _("信息内容（R-L1）"),
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
        _("审核与发布（R-L2–R-L4）"),
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


class ListingAdminBase(admin.ModelAdmin):
    """Listing admins mix in `review_admin.ModerationMixin` before this base."""

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

    @admin.display(description=_("企业"), ordering="company__name")
    def company_link(self, obj):
        badge = (
            format_html(' <b style="color:#ff6a00">{}</b>', gettext("诚信通"))
            if privileges.is_trustpass(obj.company)
            else ""
        )
        # One line (issue 15): a long CJK name squeezed by the table wrapped a character a line.
        return format_html(
            '<span class="nowrap"><a class="company-cell" href="{}" title="{}">{}</a>{}</span>',
            reverse("admin:members_company_change", args=[obj.company_id]),
            obj.company.name,
            obj.company.name,
            badge,
        )

    @admin.display(description=_("标题 / 描述摘要"), ordering="title")
    def title_excerpt(self, obj):
        """The title, and under it the description's first words (issue 15)."""
        return format_html(
            '<span class="title-excerpt"><strong>{}</strong><span class="excerpt">{}</span></span>',
            obj.title,
            description_excerpt(obj.description),
        )

    @admin.display(description=_("自动检查"))
    def check_marks(self, obj):
        return _check_marks(obj)

    @admin.display(description=_("图片"))
    def thumb(self, obj):
        images = list(obj.images.all())
        if not images:
            return format_html('<span style="color:#999">{}</span>', gettext("无图"))
        return format_html(
            '<img src="{}" alt="" width="48" height="48" style="border:1px solid #ddd"> ×{}',
            images[0].image.url,
            len(images),
        )

    @admin.display(description=_("未通过原因"))
    def reasons_display(self, obj):
        if not obj.rejection_reasons:
            return "—"
        return format_html_join(
            "",
            "<p><code>{}</code> {}</p>",
            (
                (r.get("rule", ""), reasons.reason_detail(r.get("code", ""), r.get("detail", "")))
                for r in obj.rejection_reasons
            ),
        )
