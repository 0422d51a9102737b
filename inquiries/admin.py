"""Admin of the inquiry models: the staff queue of listing
reports, and read-only views of inquiries and quotations (for complaints and disputes)."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db.models import Case, When
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from listings import services as listing_services
from marketplace.exceptions import DomainError

from . import services
from .models import Inquiry, InquiryMessage, ListingReport, Quote


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ResolutionForm(forms.Form):
    resolution = forms.CharField(
        label=_("处理说明"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("必填：做了什么、为什么，记入操作审计记录。"),
        error_messages={"required": _("请填写处理说明。")},
    )
    withdraw_listing = forms.BooleanField(
        label=_("同时下架被举报的信息"),
        required=False,
        help_text=_("举报属实时可选：信息立即从搜索和网站上消失（下架也记入审计记录）。"),
    )


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

    def has_delete_permission(self, request, obj=None):
        # A report is evidence: close it (recorded in the audit log), never delete it.
        return False

    @admin.display(description=_("被举报信息"), ordering="listing__title")
    def listing_link(self, obj):
        try:
            url = reverse("admin:listings_listing_change", args=[obj.listing_id])
        except NoReverseMatch:
            return obj.listing.title
        return format_html('<a href="{}">{}</a>', url, obj.listing.title)

    @admin.display(description=_("发布企业"), ordering="listing__company__member_id")
    def listing_company(self, obj):
        return format_html(
            '<span class="nowrap" title="{}">{}</span>',
            obj.listing.company.name,
            obj.listing.company.member_id,
        )

    def _close(self, request, queryset, status, label, action):
        """Ask for the resolution (and, for a true report, whether to withdraw the listing),
        then close each open report through the service (audit log: who, when, why)."""
        form = ResolutionForm(request.POST if "apply" in request.POST else None)
        if status != ListingReport.Status.RESOLVED:
            del form.fields["withdraw_listing"]
        open_reports = queryset.filter(status=ListingReport.Status.OPEN).select_related(
            "listing", "listing__company"
        )
        if not form.is_valid():
            return TemplateResponse(
                request,
                "admin/staff_reason.html",
                {
                    **self.admin_site.each_context(request),
                    "title": gettext("处理举报：%(label)s") % {"label": label},
                    "intro": gettext("将以下待处理的举报标为“%(label)s”：") % {"label": label},
                    "items": [
                        gettext("#%(report)s %(title)s（%(member)s）：%(reason)s")
                        % {
                            "report": r.pk,
                            "title": r.listing.title,
                            "member": r.listing.company.member_id,
                            "reason": r.get_reason_display(),
                        }
                        for r in open_reports
                    ],
                    "form": form,
                    "submit_label": gettext("确认"),
                    "selected": queryset.values_list("pk", flat=True),
                    "action": action,
                    "action_checkbox_name": ACTION_CHECKBOX_NAME,
                    "opts": self.model._meta,
                },
            )
        resolution = form.cleaned_data["resolution"]
        withdraw = form.cleaned_data.get("withdraw_listing", False)
        done, withdrawn = 0, set()
        for report in open_reports:
            services.report_close(
                report_id=report.pk, by=request.user, status=status, resolution=resolution
            )
            done += 1
            if withdraw and report.listing_id not in withdrawn:
                withdrawn.add(report.listing_id)
                self._withdraw(request, report, resolution)
        self.message_user(
            request,
            ngettext(
                "已将 %(count)d 条举报标为“%(label)s”。",
                "已将 %(count)d 条举报标为“%(label)s”。",
                done,
            )
            % {"count": done, "label": label},
            messages.SUCCESS,
        )

    @admin.action(description=_("标为已处理（举报属实）"), permissions=["change"])
    def mark_resolved(self, request, queryset):
        return self._close(
            request, queryset, ListingReport.Status.RESOLVED, gettext("已处理"), "mark_resolved"
        )

    @admin.action(description=_("标为已驳回（举报不实）"), permissions=["change"])
    def mark_dismissed(self, request, queryset):
        return self._close(
            request, queryset, ListingReport.Status.DISMISSED, gettext("已驳回"), "mark_dismissed"
        )

    def _withdraw(self, request, report, resolution: str) -> None:
        listing = report.listing
        try:
            listing_services.listing_withdraw(
                listing=listing,
                by=request.user,
                reason=gettext("举报 #%(report)s 属实：%(resolution)s")
                % {"report": report.pk, "resolution": resolution},
            )
        except DomainError as exc:
            self.message_user(
                request,
                gettext("“%(title)s”未下架：%(error)s")
                % {"title": listing.title, "error": exc.detail},
                messages.WARNING,
            )

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
