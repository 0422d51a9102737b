"""Admin of the inquiry models: the staff queue of listing
reports, and read-only views of inquiries and quotations (for complaints and disputes)."""

from django.contrib import admin, messages
from django.db.models import Case, When
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html

from . import services
from .models import Inquiry, InquiryMessage, ListingReport, Quote


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ListingReport)
class ListingReportAdmin(admin.ModelAdmin):
    """举报处理队列: open reports first, oldest first."""

    list_display = (
        "id",
        "listing_link",
        "listing_company",
        "reason",
        "reporter",
        "status",
        "created_at",
        "handled_by",
    )
    list_filter = ("status", "reason", "created_at")
    search_fields = (
        "listing__title",
        "listing__company__member_id",
        "listing__company__name",
        "reporter__username",
        "detail",
    )
    list_select_related = ("listing", "listing__company", "reporter", "handled_by")
    readonly_fields = (
        "listing",
        "reporter",
        "reason",
        "detail",
        "created_at",
        "status",
        "handled_by",
        "handled_at",
    )
    fields = readonly_fields + ("resolution",)
    date_hierarchy = "created_at"
    actions = ("mark_resolved", "mark_dismissed")

    def get_ordering(self, request):
        # The queue: open reports first, oldest first.
        open_first = Case(When(status=ListingReport.Status.OPEN, then=0), default=1)
        return [open_first.asc(), "created_at", "id"]

    def has_add_permission(self, request):
        return False

    @admin.display(description="被举报信息", ordering="listing__title")
    def listing_link(self, obj):
        try:
            url = reverse("admin:listings_listing_change", args=[obj.listing_id])
        except NoReverseMatch:
            return obj.listing.title
        return format_html('<a href="{}">{}</a>', url, obj.listing.title)

    @admin.display(description="发布企业", ordering="listing__company__member_id")
    def listing_company(self, obj):
        return obj.listing.company.member_id

    def _close(self, request, queryset, status, label):
        done = 0
        for report in queryset.filter(status=ListingReport.Status.OPEN):
            services.report_close(report_id=report.pk, by=request.user, status=status)
            done += 1
        self.message_user(request, f"已将 {done} 条举报标为“{label}”。", messages.SUCCESS)

    @admin.action(description="标为已处理（举报属实）", permissions=["change"])
    def mark_resolved(self, request, queryset):
        self._close(request, queryset, ListingReport.Status.RESOLVED, "已处理")

    @admin.action(description="标为已驳回（举报不实）", permissions=["change"])
    def mark_dismissed(self, request, queryset):
        self._close(request, queryset, ListingReport.Status.DISMISSED, "已驳回")

    def save_model(self, request, obj, form, change):
        # Only the resolution note is editable; closing goes through the actions.
        if change and "resolution" in form.changed_data:
            ListingReport.objects.filter(pk=obj.pk).update(resolution=obj.resolution[:300])


class InquiryMessageInline(admin.TabularInline):
    model = InquiryMessage
    extra = 0
    can_delete = False
    fields = ("created_at", "kind", "sender_company", "sender", "body", "quantity", "read_at")
    readonly_fields = fields
    ordering = ("created_at",)

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Inquiry)
class InquiryAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = (
        "id",
        "subject",
        "kind",
        "buyer",
        "seller",
        "created_at",
        "last_message_at",
        "first_response_at",
    )
    list_filter = ("kind", "created_at", ("first_response_at", admin.EmptyFieldListFilter))
    search_fields = (
        "subject",
        "buyer__member_id",
        "buyer__name",
        "seller__member_id",
        "seller__name",
        "messages__body",
    )
    list_select_related = ("buyer", "seller")
    date_hierarchy = "created_at"
    inlines = (InquiryMessageInline,)
    readonly_fields = (
        "kind",
        "listing",
        "subject",
        "buyer",
        "seller",
        "created_at",
        "last_message_at",
        "first_response_at",
    )

    def get_search_results(self, request, queryset, search_term):
        qs, _ = super().get_search_results(request, queryset, search_term)
        return qs.distinct(), False


@admin.register(Quote)
class QuoteAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("id", "listing", "company", "unit_price", "quantity", "created_at")
    list_filter = ("created_at",)
    search_fields = ("listing__title", "company__member_id", "company__name")
    list_select_related = ("listing", "company")
    readonly_fields = ("message", "listing", "company", "unit_price", "quantity", "created_at")
