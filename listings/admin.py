"""Admin of listings: categories, term lists, all listings (R-L3, R-L4).

The moderation queue (审核队列) with the approve / reject actions is in review_admin.py; what
the two listing admins share (inlines, filters, field layout) is in listing_admin_base.py.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from marketplace.exceptions import DomainError

# Admin autodiscovery imports only `listings.admin`: importing review_admin here is what
# registers the moderation queue's admin (ReviewQueueAdmin) with the site.
from . import (
    review_admin,  # noqa: F401
    selectors,
    services,
)
from .listing_admin_base import FailedCheckFilter, ListingAdminBase, TrustPassFilter
from .models import BrandTerm, Category, Listing, ProhibitedTerm
from .review_admin import ModerationMixin

# --- categories and term lists -----------------------------------------------------------------


class ChildCategoryInline(admin.TabularInline):
    model = Category
    fk_name = "parent"
    fields = ("name", "slug", "position")
    extra = 1
    verbose_name = _("二级类目")
    verbose_name_plural = _("二级类目")


class LevelFilter(admin.SimpleListFilter):
    title = _("层级")
    parameter_name = "level"

    def lookups(self, request, model_admin):
        return [("1", gettext("一级类目")), ("2", gettext("二级类目"))]

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


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("下架原因"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("必填：记入操作审计记录，例如“经举报核实为假冒品牌”。"),
        error_messages={"required": _("请填写下架原因。")},
    )


@admin.register(Listing)
class ListingAdmin(ModerationMixin, ListingAdminBase):
    list_display = (
        "id",
        "title_excerpt",
        "kind",
        "status",
        "company_link",
        "category",
        "thumb",
        "dates",
    )
    list_filter = (
        "status",
        "kind",
        TrustPassFilter,
        FailedCheckFilter,
        "category__parent",
        "category",
    )
    list_display_links = ("id", "title_excerpt")
    date_hierarchy = "created_at"
    actions = ["approve_selected", "reject_selected", "withdraw_selected"]

    @admin.display(description=_("发布 / 到期"), ordering="published_at")
    def dates(self, obj):
        """Publication and end of validity, two short lines (issue 15: the columns fit)."""

        def short(moment):
            return timezone.localtime(moment).strftime("%y-%m-%d %H:%M") if moment else "—"

        return format_html(
            '<span class="deadline-cell">{}<small>{}</small></span>',
            short(obj.published_at),
            gettext("到期 %(when)s") % {"when": short(obj.expires_at)},
        )

    @admin.action(description=_("下架所选信息（填写原因）"), permissions=["change"])
    def withdraw_selected(self, request, queryset):
        """R-L2: staff take listings off line, with the reason the audit log keeps."""
        form = WithdrawForm(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            return TemplateResponse(
                request,
                "admin/staff_reason.html",
                {
                    **self.admin_site.each_context(request),
                    "title": gettext("下架信息"),
                    "intro": gettext("将下架以下信息，它们会立即从搜索和网站上消失："),
                    "items": [
                        gettext("%(title)s（%(company)s）")
                        % {"title": x.title, "company": x.company.name}
                        for x in queryset.select_related("company")
                    ],
                    "form": form,
                    "submit_label": gettext("确认下架"),
                    "selected": queryset.values_list("pk", flat=True),
                    "action": "withdraw_selected",
                    "action_checkbox_name": ACTION_CHECKBOX_NAME,
                    "opts": self.model._meta,
                },
            )
        done = 0
        for listing in queryset:
            try:
                services.listing_withdraw(
                    listing=listing, by=request.user, reason=form.cleaned_data["reason"]
                )
                done += 1
            except DomainError as exc:
                self.message_user(
                    request,
                    gettext("“%(title)s”：%(error)s")
                    % {"title": listing.title, "error": exc.detail},
                    messages.ERROR,
                )
        if done:
            self.message_user(
                request,
                ngettext("已下架 %(count)d 条信息。", "已下架 %(count)d 条信息。", done)
                % {"count": done},
                messages.SUCCESS,
            )
