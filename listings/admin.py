"""Admin of listings: categories, term lists, all listings (R-L3, R-L4).

The moderation queue (审核队列) with the approve / reject actions is in review_admin.py; what
the two listing admins share (inlines, filters, field layout) is in listing_admin_base.py.
"""

from __future__ import annotations

from django.contrib import admin, messages

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


@admin.register(Listing)
class ListingAdmin(ModerationMixin, ListingAdminBase):
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
