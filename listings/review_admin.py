"""The moderation queue (审核队列) of listings (R-L3, R-L4).

The queue shows pending listings by review deadline, overdue ones in red, each automatic
check, image previews, and the median / p95 time-to-live of the last 7 days. Approve and
reject (with reasons) call the services, one listing or in bulk; `ModerationMixin` gives the
all-listings admin (admin.py) the same actions and decision pages.

Registered when listings/admin.py imports this module (admin autodiscovery imports only that).
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from marketplace.exceptions import DomainError

from . import selectors, services
from .forms import RejectForm
from .listing_admin_base import FailedCheckFilter, ListingAdminBase, TrustPassFilter
from .models import Listing, ReviewQueueListing
from .review.deadline import format_duration


class OverdueFilter(admin.SimpleListFilter):
    title = _("审核时限")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", gettext("已超时")), ("no", gettext("未超时"))]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "yes":
            return queryset.filter(review_deadline__lt=now)
        if self.value() == "no":
            return queryset.filter(review_deadline__gte=now)
        return queryset


class ModerationMixin:
    """Approve / reject actions and single-listing decision pages, calling the services."""

    actions = ["approve_selected", "reject_selected"]

    @admin.action(description=_("审核通过所选信息"), permissions=["change"])
    def approve_selected(self, request, queryset):
        done, refused = 0, []
        for listing in queryset:
            try:
                services.listing_approve(listing=listing, by=request.user)
                done += 1
            except DomainError as exc:
                refused.append(
                    gettext("“%(title)s”：%(error)s")
                    % {"title": listing.title, "error": exc.detail}
                )
        if done:
            self.message_user(
                request,
                ngettext(
                    "已通过 %(count)d 条信息，已上网。", "已通过 %(count)d 条信息，已上网。", done
                )
                % {"count": done},
                messages.SUCCESS,
            )
        for line in refused:
            self.message_user(
                request, gettext("未能通过 %(line)s") % {"line": line}, messages.ERROR
            )

    @admin.action(description=_("驳回所选信息（填写原因）"), permissions=["change"])
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
                        refused.append(
                            gettext("“%(title)s”：%(error)s")
                            % {"title": listing.title, "error": exc.detail}
                        )
                if done:
                    self.message_user(
                        request,
                        ngettext(
                            "已驳回 %(count)d 条信息，卖家已收到站内信和邮件。",
                            "已驳回 %(count)d 条信息，卖家已收到站内信和邮件。",
                            done,
                        )
                        % {"count": done},
                        messages.SUCCESS,
                    )
                for line in refused:
                    self.message_user(
                        request, gettext("未能驳回 %(line)s") % {"line": line}, messages.ERROR
                    )
                return None
        else:
            form = RejectForm()
        return TemplateResponse(
            request,
            "admin/listings/reject.html",
            {
                **self.admin_site.each_context(request),
                "title": gettext("驳回信息"),
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
            self.message_user(
                request,
                gettext("未能通过“%(title)s”：%(error)s")
                % {"title": listing.title, "error": exc.detail},
                messages.ERROR,
            )
        else:
            self.message_user(
                request,
                gettext("“%(title)s”已审核通过并上网。") % {"title": listing.title},
                messages.SUCCESS,
            )
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
                self.message_user(
                    request, gettext("未能驳回：%(error)s") % {"error": exc.detail}, messages.ERROR
                )
            else:
                self.message_user(
                    request,
                    gettext("“%(title)s”已驳回，卖家已收到通知。") % {"title": listing.title},
                    messages.SUCCESS,
                )
            return self._back()
        return TemplateResponse(
            request,
            "admin/listings/reject.html",
            {
                **self.admin_site.each_context(request),
                "title": gettext("驳回信息"),
                "form": form,
                "listings": [listing],
                "single": True,
                "opts": self.model._meta,
            },
        )


@admin.register(ReviewQueueListing)
class ReviewQueueAdmin(ModerationMixin, ListingAdminBase):
    """审核队列: pending listings, nearest deadline first; overdue ones highlighted."""

    list_display = (
        "deadline",
        "title_excerpt",
        "kind",
        "company_link",
        "category",
        "check_marks",
        "thumb",
    )
    list_display_links = ("title_excerpt",)
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

    def has_delete_permission(self, request, obj=None):
        # A queue is for decisions: approve or reject (both recorded), never delete.
        return False

    @admin.display(description=_("审核截止"), ordering="review_deadline")
    def deadline(self, obj):
        if obj.review_deadline is None:
            return "—"
        local = timezone.localtime(obj.review_deadline)
        if obj.review_deadline < timezone.now():
            late = format_duration((timezone.now() - obj.review_deadline).total_seconds())
            # Two short lines (issue 15): the time, then how late; the column stays narrow.
            return format_html(
                '<span class="deadline-cell"><strong class="overdue" style="color:#fff;'
                'background:#c62828;padding:2px 6px;border-radius:3px">{}</strong>'
                '<small class="late">{}</small></span>',
                local.strftime("%m-%d %H:%M"),
                gettext("已超时 %(late)s") % {"late": late},
            )
        left = format_duration((obj.review_deadline - timezone.now()).total_seconds())
        return format_html(
            '<span class="deadline-cell">{}<small>{}</small></span>',
            local.strftime("%m-%d %H:%M"),
            gettext("（剩 %(left)s）") % {"left": left},
        )

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
