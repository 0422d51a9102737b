from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import Company, Notice, TrustPassPeriod, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "email", "company", "is_staff", "is_active", "date_joined"]
    list_filter = ["is_staff", "is_active"]
    search_fields = ["username", "email", "company__member_id", "company__name"]
    autocomplete_fields = ["company"]
    fieldsets = BaseUserAdmin.fieldsets + (("企业", {"fields": ("company",)}),)


class TrustPassPeriodInline(admin.TabularInline):
    model = TrustPassPeriod
    extra = 0
    fields = ["starts_on", "ends_on", "source", "note", "created_by", "created_at"]
    readonly_fields = ["created_by", "created_at"]
    fk_name = "company"


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = [
        "member_id",
        "name",
        "province",
        "industry",
        "verified",
        "credit_score",
        "created_at",
    ]
    list_filter = ["verified", "province", "industry"]
    search_fields = ["member_id", "name", "contact_name", "phone", "email"]
    inlines = [TrustPassPeriodInline]
    readonly_fields = ["credit_score", "created_at"]


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = ["title", "company", "kind", "created_at", "read_at"]
    list_filter = ["kind"]
    search_fields = ["title", "company__member_id"]
    raw_id_fields = ["company"]
