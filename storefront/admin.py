"""Staff views of storefronts, own domains, the local registrar's ledger and mailboxes.

Domains are registered by members through storefront.services (R-F2), so the admin does
not add them; staff may release one (delete). Shop settings saved here are sanitised by
the same service as the back office. Mail bodies are private and not shown here.
"""

from django.contrib import admin

from . import services
from .models import (
    Domain,
    FeaturedListing,
    IntroductionImage,
    LocalRegistration,
    MailAttachment,
    MailMessage,
    ShopSettings,
)


class FeaturedListingInline(admin.TabularInline):
    model = FeaturedListing
    fk_name = "company"
    extra = 0
    raw_id_fields = ["listing"]


@admin.register(ShopSettings)
class ShopSettingsAdmin(admin.ModelAdmin):
    list_display = ["company", "slogan", "updated_at"]
    search_fields = ["company__member_id", "company__name", "slogan"]
    list_filter = ["updated_at"]
    raw_id_fields = ["company"]
    readonly_fields = ["banner", "updated_at"]

    def save_model(self, request, obj, form, change):
        if not change:
            super().save_model(request, obj, form, change)
        services.shop_settings_update(
            company=obj.company, slogan=obj.slogan, introduction=obj.introduction
        )


@admin.register(IntroductionImage)
class IntroductionImageAdmin(admin.ModelAdmin):
    list_display = ["image", "company", "width", "height", "bytes", "created_at"]
    search_fields = ["company__member_id", "company__name"]
    list_filter = ["created_at"]
    raw_id_fields = ["company"]
    # The file is only ever written re-encoded by introduction_image_upload (issue 17).
    readonly_fields = ["image", "width", "height", "bytes"]

    def has_add_permission(self, request):
        return False


@admin.register(Domain)
class DomainAdmin(admin.ModelAdmin):
    list_display = ["name", "display_name", "company", "suffix", "registrar", "registered_at"]
    list_filter = ["suffix", "registrar", "registered_at"]
    search_fields = ["name", "display_name", "company__member_id", "company__name"]
    readonly_fields = [
        "company",
        "name",
        "display_name",
        "suffix",
        "registrar",
        "registrar_ref",
        "registered_at",
    ]

    def has_add_permission(self, request):
        return False


@admin.register(LocalRegistration)
class LocalRegistrationAdmin(admin.ModelAdmin):
    list_display = ["domain", "registrant", "reference", "created_at"]
    search_fields = ["domain", "registrant", "reference"]
    list_filter = ["created_at"]
    readonly_fields = ["domain", "registrant", "reference", "created_at"]

    def has_add_permission(self, request):
        return False


class MailAttachmentInline(admin.TabularInline):
    model = MailAttachment
    extra = 0
    fields = ["filename", "content_type", "size"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(MailMessage)
class MailMessageAdmin(admin.ModelAdmin):
    list_display = ["subject", "company", "recipient", "envelope_from", "size", "received_at"]
    list_filter = ["received_at", ("read_at", admin.EmptyFieldListFilter)]
    search_fields = ["company__member_id", "recipient", "envelope_from", "subject"]
    fields = [
        "company",
        "recipient",
        "envelope_from",
        "from_header",
        "subject",
        "size",
        "sent_at",
        "received_at",
        "read_at",
    ]
    readonly_fields = fields
    inlines = [MailAttachmentInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
